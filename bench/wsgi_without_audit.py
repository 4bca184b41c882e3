"""Benchmark only: the application with audit writes replaced by a no-op, to measure what auditing
costs. Never used outside bench/ (the patch happens before any Sanad module imports the function)."""

from __future__ import annotations

from typing import Any

import sanad.audit.services


def _no_audit(**kwargs: Any) -> None:
    return None


sanad.audit.services.audit_record = _no_audit  # type: ignore[assignment]

from sanad.wsgi import application  # noqa: E402

__all__ = ["application"]
