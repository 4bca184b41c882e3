"""The case context, derived from the violence type, the survivor's age and the relationship.

GBVIMS records the context apart from the type; most of it follows from facts already recorded,
so intake officers are offered the derived context rather than asked again. The rules, first
match wins:

1. the type is trafficking (its ICCS code is under 0204)              -> trafficking
2. the survivor is under 18 and the type is a forced marriage         -> early marriage
3. the survivor is under 18 and the type is rape or sexual assault    -> child sexual abuse
4. the alleged perpetrator is (former) spouse or fiancé(e)            -> intimate partner
5. the alleged perpetrator is the survivor's employer                 -> domestic worker
6. the alleged perpetrator is a relative or guardian                  -> other family member
7. the relationship is known                                          -> other
Otherwise (unknown relationship and nothing above) the context is not derived: None.
"""

from __future__ import annotations

from sanad.taxonomy.models import Code, CodeList, DefinitionVersion

CHILD_UNTIL = 18
PARTNERS = frozenset({"spouse", "former_spouse", "fiance"})
FAMILY = frozenset(
    {"father", "mother", "brother", "sister", "son", "daughter", "step_parent", "in_law", "other_relative", "guardian"}
)
EMPLOYMENT = frozenset({"employer"})


def derive_context(*, gbvims_type: str, iccs_code: str, age: int | None, relationship: str) -> str | None:
    child = age is not None and age < CHILD_UNTIL
    if iccs_code.startswith("0204"):
        return "trafficking"
    if child and gbvims_type == "forced_marriage":
        return "early_marriage"
    if child and gbvims_type in {"rape", "sexual_assault"}:
        return "child_sexual_abuse"
    if relationship in PARTNERS:
        return "intimate_partner"
    if relationship in EMPLOYMENT:
        return "domestic_worker"
    if relationship in FAMILY:
        return "other_family"
    if relationship and relationship != "unknown":
        return "other"
    return None


def derive_context_for(
    *, version: DefinitionVersion, violence_type: str, age: int | None, relationship: str
) -> str | None:
    """The derived context code of ``version``, from codes of the same version (None if it lacks the context)."""
    vt = Code.objects.filter(version=version, list=CodeList.VIOLENCE_TYPE, code=violence_type).first()
    context = derive_context(
        gbvims_type=vt.gbvims_type if vt else "",
        iccs_code=vt.iccs_code if vt else "",
        age=age,
        relationship=relationship,
    )
    if context and Code.objects.filter(version=version, list=CodeList.CASE_CONTEXT, code=context).exists():
        return context
    return None
