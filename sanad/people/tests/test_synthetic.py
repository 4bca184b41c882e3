"""The generator: labelled, reproducible, and carrying the variation it promises."""

from pathlib import Path

from django.core.management import call_command

from sanad.people.synthetic import generate_records


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
