"""The generator: labelled, reproducible, and carrying the variation it promises."""

from pathlib import Path

import pytest
from django.core.management import call_command

from sanad.access.actor import Actor
from sanad.institutions.models import Unit
from sanad.institutions.roles import Role
from sanad.people.matching import find_candidates
from sanad.people.models import IdentityDocument, Person
from sanad.people.synthetic import generate_records
from sanad.people.synthetic_registry import copy_rows, load_rows
from sanad.testing.factories import member


def test_generator_is_reproducible_and_labelled() -> None:
    first, again = generate_records(records=500, seed=5), generate_records(records=500, seed=5)
    assert first.rows == again.rows
    assert len(first.rows) == len(first.truth) == 500
    persons = {person for _, person, _ in first.truth}
    assert 200 < len(persons) < 500  # some people appear more than once


def test_generator_varies_scripts_and_fields() -> None:
    rows = generate_records(records=3000, seed=2).rows
    text = " ".join(" ".join(r.values()) for r in rows)
    assert any(name in text for name in ("Mohammed", "Mohamed", "Muhammad", "Mohd"))
    assert "بن " in text or "بنت " in text
    assert "ـ" in text  # tatweel
    assert any(r["dob"] and len(r["dob"]) == 4 for r in rows)  # year only
    assert any(not r["national_id"] for r in rows)
    assert any(r["full_name"] for r in rows) and any(r["first_name"] for r in rows)


def test_generate_person_file_command(tmp_path: Path) -> None:
    output, truth = tmp_path / "people.csv", tmp_path / "truth.csv"
    call_command(
        "generate_person_file", "--records", "50", "--seed", "1", "--output", str(output), "--truth", str(truth)
    )
    assert output.read_text(encoding="utf-8").startswith("record_id,")
    assert truth.read_text(encoding="utf-8").splitlines()[0] == "record_id,person_id,script"


@pytest.mark.django_db
def test_copy_rows_loads_the_same_persons_as_the_orm_loader() -> None:
    """The benchmark's COPY loader: same persons, encrypted phones, findable by name and by ID."""
    generated = generate_records(records=40, seed=9)
    scripts = [script for _, _, script in generated.truth]
    officer = member(Role.INTAKE_OFFICER)
    n = len(generated.rows)
    fresh_unit = Unit.objects.get(pk=officer.unit.pk)  # its institution not loaded: no query may run mid-COPY
    assert copy_rows(generated.rows, scripts, unit=fresh_unit, user=officer.user) == n
    copied = list(Person.objects.order_by("pk").values_list("name_key", "date_of_birth", "sex"))
    ids = {doc.number for doc in IdentityDocument.objects.all()}
    # Ids were reserved from the sequences: a later ORM insert carries on after them.
    load_rows(generated.rows[:1], scripts[:1], unit=officer.unit, user=officer.user)
    assert Person.objects.count() == n + 1 and Person.objects.order_by("pk").last().name_key == copied[0][0]
    assert ids == {row["national_id"] for row in generated.rows if row["national_id"]}
    with_phone = next(n for n, row in enumerate(generated.rows) if row["phone"])
    assert Person.objects.order_by("pk")[with_phone].phones == generated.rows[with_phone]["phone"]
    row = next(r for r, s in zip(generated.rows, scripts, strict=True) if s == "ar" and r["first_name"])
    inside, _ = find_candidates(
        actor=Actor(user=officer.user, membership=officer), name=f"{row['first_name']} {row['family_name']}"
    )
    assert inside
