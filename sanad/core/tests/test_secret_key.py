"""Production refuses to start without SECRET_KEY; commands that sign nothing do not need it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _manage(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "SANAD_DEMO_MODE")}
    env.update(DJANGO_SETTINGS_MODULE="sanad.settings", SANAD_VAR_DIR=str(ROOT / "var" / "no-dev-key"))
    env.pop("SANAD_SECRET_KEY_UNUSED", None)
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_schema_check_runs_without_the_production_secret() -> None:
    done = _manage("makemigrations", "--check", "--dry-run")
    assert done.returncode == 0, done.stderr
    assert "No changes detected" in done.stdout


def test_commands_that_serve_or_write_refuse_without_it() -> None:
    done = _manage("migrate", "--plan")
    assert done.returncode != 0 and "SECRET_KEY must be set" in done.stderr
