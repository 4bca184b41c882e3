from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sanad.institutions.models import Governorate, Institution, PackLoad, Unit
from sanad.institutions.pack_format import PackRefused
from sanad.institutions.packs import PACKS_DIR, load_country_pack

pytestmark = pytest.mark.django_db

MINIMAL = """\
country:
  code: zz
  name_ar: بلد تجريبي
  name_en: Test country
  case_prefix: ZZ
  time_zone: Asia/Bahrain
governorates:
  - code: north
    name_ar: الشمال
    name_en: North
    phase: pilot
    population: {value: 1000, year: 2020, source: test census}
    areas:
      - code: north-a
        name_ar: منطقة أ
        name_en: Area A
institutions:
  - code: ministry
    name_ar: وزارة
    name_en: Ministry
    sector: social_services
  - code: office
    name_ar: مكتب
    name_en: Office
    sector: police
    governorate: north
    parent: ministry
    units:
      - code: fpo
        name_ar: مكتب حماية الأسرة
        name_en: Family protection office
"""


def write(tmp_path: Path, text: str, name: str = "zz.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def counts() -> tuple[int, int, int]:
    return Governorate.objects.count(), Institution.objects.count(), Unit.objects.count()


def test_load_creates_the_structure_and_second_load_changes_nothing(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL)
    first = load_country_pack(str(path))
    assert first["governorates"] == {"created": 2}
    assert first["institutions"] == {"created": 2}
    office = Institution.objects.get(code="office")
    assert office.parent is not None and office.parent.code == "ministry"
    assert office.governorate is not None and office.governorate.code == "north"
    area = Governorate.objects.get(code="north-a")
    assert area.parent is not None and area.parent.code == "north" and area.level == "district"
    north = Governorate.objects.get(code="north")
    assert (north.population, north.population_year, north.rollout_phase) == (1000, 2020, "pilot")

    second = load_country_pack(str(path))
    assert all(set(c) == {"unchanged"} for c in second.values()), second
    assert PackLoad.objects.count() == 2


def test_edited_pack_updates_in_place_and_keeps_history(tmp_path: Path) -> None:
    load_country_pack(str(write(tmp_path, MINIMAL)))
    office_id = Institution.objects.get(code="office").pk
    edited = MINIMAL.replace("name_en: Office", "name_en: Family Office").replace("phase: pilot", "phase: active")
    # An institution removed from the pack is not deleted.
    edited = edited.replace(
        "  - code: ministry\n    name_ar: وزارة\n    name_en: Ministry\n    sector: social_services\n", ""
    )
    edited = edited.replace("    parent: ministry\n", "")
    summary = load_country_pack(str(write(tmp_path, edited)))
    assert summary["institutions"] == {"updated": 1}
    office = Institution.objects.get(code="office")
    assert office.pk == office_id and office.name_en == "Family Office"
    assert Institution.objects.filter(code="ministry").exists()
    assert Governorate.objects.get(code="north").rollout_phase == "active"
    names = list(office.events.order_by("pgh_id").values_list("name_en", flat=True))  # type: ignore[attr-defined]
    assert names == ["Office", "Family Office"]


@pytest.mark.parametrize(
    ("mutation", "line", "reason"),
    [
        (("    sector: police\n", "    sector: spaceforce\n"), 22, "unknown sector 'spaceforce'"),
        (("  - code: office\n    name_ar: مكتب\n", "  - code: office\n"), 22, "missing field 'name_ar'"),
        (
            ("  - code: office\n", "  - code: ministry\n"),
            22,
            "duplicate institution code 'ministry' (first on line 18)",
        ),
        (("      - code: north-a\n", "      - code: north\n"), 14, "duplicate governorate/area code 'north'"),
        (("    governorate: north\n", "    governorate: south\n"), 22, "unknown governorate 'south'"),
        (("    phase: pilot\n", "    phase: someday\n"), 8, "unknown roll-out phase 'someday'"),
    ],
)
def test_bad_pack_is_refused_whole_with_file_line_and_reason(
    tmp_path: Path, mutation: tuple[str, str], line: int, reason: str
) -> None:
    before = counts()
    text = MINIMAL.replace(*mutation, 1)
    assert text != MINIMAL
    path = write(tmp_path, text)
    with pytest.raises(PackRefused) as refused:
        load_country_pack(str(path))
    messages = [str(p) for p in refused.value.problems]
    assert any(m.startswith(f"{path}:{line}: ") and reason in m for m in messages), messages
    assert counts() == before
    assert not PackLoad.objects.exists()


def test_every_problem_is_listed_not_only_the_first(tmp_path: Path) -> None:
    text = MINIMAL.replace("sector: police", "sector: nope").replace("sector: social_services", "sector: nada")
    with pytest.raises(PackRefused) as refused:
        load_country_pack(str(write(tmp_path, text)))
    assert len(refused.value.problems) == 2


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("country: [\n", "not valid YAML"),
        ("- just\n- a list\n", "a pack must be a mapping"),
        (MINIMAL + "weather: sunny\n", "unknown section 'weather'"),
        (MINIMAL.replace("  code: zz\n", "  code: zz\n  code: yy\n"), "duplicate key 'code'"),
    ],
)
def test_malformed_files_are_refused(tmp_path: Path, text: str, reason: str) -> None:
    with pytest.raises(PackRefused) as refused:
        load_country_pack(str(write(tmp_path, text)))
    assert reason in str(refused.value)
    assert counts() == (0, 0, 0)


def test_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "zz.yaml"
    path.write_bytes(MINIMAL.encode("cp1256"))
    with pytest.raises(PackRefused, match="not UTF-8"):
        load_country_pack(str(path))


def test_command_reports_problems_and_fails(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL.replace("sector: police", "sector: nope"))
    with pytest.raises(CommandError, match="nothing was loaded"):
        call_command("load_country_pack", str(path))


@pytest.mark.parametrize("code", sorted(p.stem for p in PACKS_DIR.glob("??.yaml")))
def test_shipped_packs_load_and_are_idempotent(code: str) -> None:
    load_country_pack(code)
    again = load_country_pack(code)
    assert all(set(c) == {"unchanged"} for c in again.values()), again
    country_institutions = Institution.objects.filter(country__code=code)
    assert country_institutions.exists()
    for inst in country_institutions:
        assert inst.name_ar.strip() and inst.name_en.strip()
    for gov in Governorate.objects.filter(country__code=code, population__isnull=False):
        assert gov.population_year and gov.population_source, gov.code
