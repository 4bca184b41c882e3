"""The first version from the country packs, case-context derivation, and coded fields."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from sanad.access.actor import Actor
from sanad.institutions.models import Country
from sanad.institutions.pack_format import PackRefused
from sanad.institutions.packs import PACKS_DIR, load_country_pack
from sanad.taxonomy import services
from sanad.taxonomy.coded import validate_code
from sanad.taxonomy.content import RecodeData
from sanad.taxonomy.derivation import derive_context, derive_context_for
from sanad.taxonomy.models import Code, CodeList, DefinitionVersion, VersionStatus

pytestmark = pytest.mark.django_db

VT = CodeList.VIOLENCE_TYPE


@pytest.mark.parametrize(
    ("pack", "national"), [("bh", "bh-desertion"), ("jo", "jo-inheritance-denial"), ("ae", "ae-online-blackmail")]
)
def test_each_country_pack_publishes_version_1_with_its_national_types_once(pack: str, national: str) -> None:
    summary = load_country_pack(pack)
    assert summary["definitions"] == {"created": 1}
    version = DefinitionVersion.objects.get(country__code=pack)
    assert version.number == 1 and version.status == VersionStatus.PUBLISHED and version.source == f"pack:{pack}"
    added = Code.objects.get(version=version, list=VT, code=national)
    assert added.national and added.gbvims_type and added.iccs_code
    # The shared GBVIMS types and their ICCS mappings are untouched by the national additions.
    assert Code.objects.get(version=version, list=VT, code="rape").iccs_code == "03011"
    assert load_country_pack(pack)["definitions"] == {"unchanged": 1}
    assert DefinitionVersion.objects.filter(country__code=pack).count() == 1


def _pack_with(tmp_path: Path, additions: str) -> Path:
    text = (PACKS_DIR / "bh.yaml").read_text(encoding="utf-8")
    head, _sep, _tail = text.partition("\ndefinitions:")
    path = tmp_path / "bh.yaml"
    path.write_text(f"{head}\ndefinitions:\n  base: v1\n  add:\n{additions}", encoding="utf-8")
    return path


def entry(code: str, label_ar: str, gbvims: str, iccs: str) -> str:
    fields = f"code: {code}, label_ar: '{label_ar}', definition_ar: ت, gbvims_type: {gbvims}, iccs_code: '{iccs}'"
    return f"    - {{list: violence_type, {fields}}}\n"


def test_a_pack_with_bad_national_types_is_refused_whole_with_every_problem(tmp_path: Path) -> None:
    path = _pack_with(
        tmp_path,
        entry("x-one", "أ", "slapping", "0101")
        + entry("x-two", "", "rape", "7777")
        + entry("rape", "ب", "rape", "03011"),
    )
    with pytest.raises(PackRefused) as refused:
        load_country_pack(str(path))
    reasons = "\n".join(str(p) for p in refused.value.problems)
    assert "unknown GBVIMS type 'slapping'" in reasons
    assert "'x-two' has no Arabic label" in reasons
    assert "unknown ICCS code '7777'" in reasons
    assert "'rape' appears twice" in reasons
    assert all(p.file.endswith("bh.yaml") and p.line > 0 for p in refused.value.problems)
    assert not Country.objects.filter(code="bh").exists()
    assert not DefinitionVersion.objects.exists()


def test_a_pack_cannot_change_a_published_version(tmp_path: Path) -> None:
    load_country_pack("bh")
    path = _pack_with(
        tmp_path,
        entry("bh-new", "جديد", "rape", "03011"),
    )
    with pytest.raises(PackRefused) as refused:
        load_country_pack(str(path))
    assert "differ from published version 1" in str(refused.value)
    assert not Code.objects.filter(code="bh-new").exists()


@pytest.mark.parametrize(
    ("gbvims", "iccs", "age", "relationship", "expected"),
    [
        ("non_gbv", "0204", 30, "employer", "trafficking"),
        ("forced_marriage", "020292", 15, "father", "early_marriage"),
        ("forced_marriage", "020292", 22, "father", "other_family"),
        ("rape", "03011", 12, "stranger", "child_sexual_abuse"),
        ("sexual_assault", "03012", 9, "brother", "child_sexual_abuse"),
        ("physical_assault", "020111", 34, "spouse", "intimate_partner"),
        ("physical_assault", "020111", 34, "former_spouse", "intimate_partner"),
        ("psychological_abuse", "0208", 19, "fiance", "intimate_partner"),
        ("physical_assault", "020111", 28, "employer", "domestic_worker"),
        ("denial_of_resources", "02061", 6, "mother", "other_family"),
        ("physical_assault", "020111", 40, "acquaintance", "other"),
        ("physical_assault", "020111", None, "unknown", None),
        ("rape", "03011", None, "", None),
    ],
)
def test_case_context_is_derived_from_type_age_and_relationship(
    gbvims: str, iccs: str, age: int | None, relationship: str, expected: str | None
) -> None:
    assert derive_context(gbvims_type=gbvims, iccs_code=iccs, age=age, relationship=relationship) == expected


def test_derivation_reads_the_version_it_is_asked_about(v1: DefinitionVersion) -> None:
    assert derive_context_for(version=v1, violence_type="trafficking", age=25, relationship="stranger") == "trafficking"
    assert derive_context_for(version=v1, violence_type="rape", age=14, relationship="other_relative") == (
        "child_sexual_abuse"
    )
    # Every context the rules can produce exists in the shipped version.
    contexts = set(Code.objects.filter(version=v1, list=CodeList.CASE_CONTEXT).values_list("code", flat=True))
    assert contexts >= {"intimate_partner", "other_family", "child_sexual_abuse", "early_marriage", "trafficking"}
    assert contexts >= {"domestic_worker", "other"}


def test_validate_code_keeps_each_record_to_its_own_version(v1: DefinitionVersion, admin: Actor) -> None:
    assert validate_code(VT, "rape", v1).label_en == "Rape"
    with pytest.raises(ValidationError) as unknown:
        validate_code(VT, "slapping", v1)
    message = unknown.value.messages[0]
    assert "slapping" in message and " / " in message
    with pytest.raises(ValidationError):
        validate_code(CodeList.RELATIONSHIP, "rape", v1)
    draft = services.draft_create(actor=admin)
    with pytest.raises(ValidationError):
        validate_code(VT, "rape", draft)
    services.code_set_active(actor=admin, version=draft, code_list=VT, code="honour_related", active=False)
    services.recode_declare(
        actor=admin,
        version=draft,
        data=RecodeData(list=VT, from_code="honour_related", to_code="physical_assault", kind="retire"),
    )
    v2 = services.version_publish(actor=admin, version=draft)
    with pytest.raises(ValidationError):
        validate_code(VT, "honour_related", v2)
    assert validate_code(VT, "honour_related", v2, allow_retired=True).active is False
    assert validate_code(VT, "honour_related", v1).active is True
