"""The link_persons contract: good file linked; bad files refused with nothing written; no database."""

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

HEADER = "record_id,sex,first_name,father_name,grandfather_name,family_name,full_name,dob,national_id,phone,notes\n"
GOOD = HEADER + (
    "r1,f,فاطمة,أحمد,علي,الشمري,,1990-05-01,123456789,,x\n"
    "r2,f,,,,,Fatima bint Ahmed Al-Shammari,01/05/1990,,,\n"
    "r3,m,خالد,محمد,,الكعبي,,not-a-date,,35550000,\n"
    "r4,,,,,,,,,,\n"
)


def _run(tmp_path: Path, content: bytes) -> tuple[Path, str]:
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_bytes(content)
    out = io.StringIO()
    call_command("link_persons", "--input", str(source), "--output", str(target), stdout=out)
    return target, out.getvalue()


def _refused(tmp_path: Path, content: bytes) -> str:
    with pytest.raises(CommandError) as refused:
        _run(tmp_path, content)
    assert not (tmp_path / "out.csv").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.csv")]  # no temp file left behind
    return str(refused.value)


def test_good_file_is_linked_and_malformed_date_counted(tmp_path: Path) -> None:
    target, summary = _run(tmp_path, GOOD.encode())
    with target.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["record_id"] for r in rows] == ["r1", "r2", "r3", "r4"]
    assert set(rows[0]) == {"record_id", "cluster_id"}
    assert "records: 4" in summary
    assert "malformed dates read as missing: 1" in summary
    assert "clusters:" in summary and "seconds:" in summary


def test_refuses_file_without_record_id(tmp_path: Path) -> None:
    message = _refused(tmp_path, "id,first_name\n1,محمد\n".encode())
    assert "line 1" in message and "record_id" in message


def test_refuses_duplicate_record_ids(tmp_path: Path) -> None:
    message = _refused(tmp_path, (HEADER + "a,,,,,,,,,,\nb,,,,,,,,,,\na,,,,,,,,,,\n").encode())
    assert "line 4" in message and "duplicate" in message


def test_refuses_non_utf8(tmp_path: Path) -> None:
    message = _refused(tmp_path, (HEADER + "a,m,").encode() + "محمد".encode("cp1256") + b",,,,,,,,\n")
    assert "line 2" in message and "UTF-8" in message


def test_refuses_empty_record_id(tmp_path: Path) -> None:
    message = _refused(tmp_path, (HEADER + ",m,x,,,,,,,,\n").encode())
    assert "line 2" in message


def test_refusal_keeps_an_existing_output_untouched(tmp_path: Path) -> None:
    (tmp_path / "out.csv").write_text("previous\n", encoding="utf-8")
    with pytest.raises(CommandError):
        _run(tmp_path, b"no_id\n1\n")
    assert (tmp_path / "out.csv").read_text(encoding="utf-8") == "previous\n"


def test_runs_with_the_database_unreachable(tmp_path: Path) -> None:
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text(GOOD, encoding="utf-8")
    env = {**os.environ, "DATABASE_URL": "postgres://nobody@127.0.0.1:9/unreachable", "SECRET_KEY": "x", "DEBUG": "1"}
    root = Path(__file__).resolve().parents[3]
    done = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, str(root / "manage.py"), "link_persons", "--input", str(source), "--output", str(target)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert target.read_text(encoding="utf-8").startswith("record_id,cluster_id")
    assert "records: 4" in done.stdout
