"""Every rule a version must meet before it is published, as one pass that lists every problem.

The same checks run on a draft in the database, an imported file and a country pack, so a version
is refused for the same reasons wherever it comes from, and nothing is ever published half.

What "reuses a code with another meaning" means here: a code that the version itself recodes to
another code (its old meaning now lives elsewhere) while still using it as an active code, or a
code that the earlier version had already retired coming back. A code kept with new labels is a
rename of the same meaning and is allowed; the comparison page shows it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sanad.taxonomy.content import VersionContent
from sanad.taxonomy.models import CodeList, RecodeKind
from sanad.taxonomy.reference import GBVIMS_CORE, GBVIMS_TYPES, ICCS_CODES

CODE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_+-]{0,59}$")
AGE_LISTS = {CodeList.AGE_GROUP_GBVIMS, CodeList.AGE_GROUP_FIVE_YEAR}


@dataclass(frozen=True)
class Problem:
    """One reason to refuse, readable in Arabic and English; ``where`` names the code or line."""

    where: str
    message: Promise
    params: dict[str, Any] = field(default_factory=dict)

    def text(self, language: str) -> str:
        with translation.override(language):
            return str(self.message) % self.params

    @property
    def ar(self) -> str:
        return self.text("ar")

    @property
    def en(self) -> str:
        return self.text("en")

    def __str__(self) -> str:
        return f"{self.where}: {self.en}" if self.where else self.en


class VersionRefused(Exception):
    """The version (or import) was refused whole; nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def _where(list_name: str, code: str, origin: str = "") -> str:
    return f"{origin} {list_name}:{code}".strip() if origin else f"{list_name}:{code}"


def check_codes(content: VersionContent) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    lists = set(CodeList.values)
    for c in content.codes:
        where = _where(c.list, c.code, c.origin)
        if c.list not in lists:
            problems.append(Problem(where, _("unknown code list '%(list)s'"), {"list": c.list}))
            continue
        if not CODE_PATTERN.match(c.code or ""):
            problems.append(
                Problem(
                    where,
                    _("the code '%(code)s' must be 1-60 lower-case Latin letters, digits, '_', '-' or '+'"),
                    {"code": c.code},
                )
            )
        if c.key in seen:
            problems.append(Problem(where, _("the code '%(code)s' appears twice in this list"), {"code": c.code}))
        seen.add(c.key)
        if not (c.label_ar or "").strip():
            problems.append(Problem(where, _("the code '%(code)s' has no Arabic label"), {"code": c.code}))
        if c.list == CodeList.VIOLENCE_TYPE:
            problems.extend(_check_violence_type(c.code, c.gbvims_type, c.iccs_code, c.definition_ar, where))
        elif c.gbvims_type or c.iccs_code:
            problems.append(Problem(where, _("only violence types carry GBVIMS and ICCS mappings"), {}))
        if c.list in AGE_LISTS:
            if c.age_min is None:
                problems.append(Problem(where, _("an age group needs the age it starts at"), {}))
            elif c.age_max is not None and c.age_max < c.age_min:
                problems.append(Problem(where, _("the age group ends before it starts"), {}))
    active_core = {
        c.gbvims_type for c in content.codes if c.list == CodeList.VIOLENCE_TYPE and c.active and c.gbvims_type
    }
    for core in sorted(GBVIMS_CORE - active_core):
        problems.append(
            Problem(
                CodeList.VIOLENCE_TYPE,
                _("no active violence type is mapped to the GBVIMS core type '%(type)s'"),
                {"type": core},
            )
        )
    return problems


def _check_violence_type(code: str, gbvims: str, iccs: str, definition_ar: str, where: str) -> list[Problem]:
    problems = []
    if not gbvims:
        problems.append(
            Problem(where, _("the violence type '%(code)s' is not mapped to a GBVIMS type"), {"code": code})
        )
    elif gbvims not in GBVIMS_TYPES:
        problems.append(Problem(where, _("unknown GBVIMS type '%(value)s'"), {"value": gbvims}))
    if not iccs:
        problems.append(Problem(where, _("the violence type '%(code)s' is not mapped to an ICCS code"), {"code": code}))
    elif iccs not in ICCS_CODES:
        problems.append(Problem(where, _("unknown ICCS code '%(value)s'"), {"value": iccs}))
    if not (definition_ar or "").strip():
        problems.append(Problem(where, _("the violence type '%(code)s' has no Arabic definition"), {"code": code}))
    return problems


def check_recodes(content: VersionContent, earlier: VersionContent | None) -> list[Problem]:
    problems: list[Problem] = []
    here = content.by_key()
    before = earlier.by_key() if earlier is not None else {}
    recoded: set[tuple[str, str]] = set()
    kinds = set(RecodeKind.values)
    for r in content.recodes:
        where = _where(r.list, f"{r.from_code}->{r.to_code}", r.origin)
        if earlier is None:
            problems.append(Problem(where, _("a recode needs an earlier version to recode from"), {}))
            continue
        if (r.list, r.from_code) in recoded:
            problems.append(Problem(where, _("the code '%(code)s' is recoded twice"), {"code": r.from_code}))
        recoded.add((r.list, r.from_code))
        if r.kind not in kinds:
            problems.append(Problem(where, _("unknown kind of recode '%(kind)s'"), {"kind": r.kind}))
        if (r.list, r.from_code) not in before:
            problems.append(
                Problem(
                    where, _("recodes from '%(code)s', which the earlier version does not have"), {"code": r.from_code}
                )
            )
        target = here.get((r.list, r.to_code))
        if target is None:
            problems.append(
                Problem(where, _("recodes to '%(code)s', which does not exist in this version"), {"code": r.to_code})
            )
        elif not target.active:
            problems.append(Problem(where, _("recodes to '%(code)s', which is retired"), {"code": r.to_code}))
        if r.to_code == r.from_code:
            problems.append(Problem(where, _("the code '%(code)s' is recoded to itself"), {"code": r.from_code}))
        else:
            still = here.get((r.list, r.from_code))
            if still is not None and still.active:
                problems.append(
                    Problem(
                        where,
                        _("'%(code)s' is recoded to '%(to)s' but still in use: a code cannot take another meaning"),
                        {"code": r.from_code, "to": r.to_code},
                    )
                )
    if earlier is not None:
        for key, old in before.items():
            if key not in here and key not in recoded:
                problems.append(
                    Problem(
                        _where(*key),
                        _("the earlier code '%(code)s' is dropped without a recode; retire it or recode it"),
                        {"code": old.code},
                    )
                )
        # Codes the earlier version had recoded away (retired for good) must not come back with a new meaning.
        gone = {(r.list, r.from_code) for r in earlier.recodes if (r.list, r.from_code) not in before}
        for key in sorted(gone & set(here)):
            problems.append(
                Problem(
                    _where(*key),
                    _("the code '%(code)s' was retired by an earlier version and cannot be reused"),
                    {"code": key[1]},
                )
            )
    return problems


def check_version(content: VersionContent, earlier: VersionContent | None) -> list[Problem]:
    return check_codes(content) + check_recodes(content, earlier)
