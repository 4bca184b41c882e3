"""Benchmark only: the application with audit writes replaced by a no-op, to measure what auditing
costs. Never used outside bench/.

Django is set up first (models must load before the audit module can be imported); the patch then
lands before the URLconf, and with it the views and selectors, is imported on the first request.
bench_audit.py checks that this variant wrote no audit row and the other one a row per read.
"""

from __future__ import annotations

import importlib
from typing import Any

from sanad.wsgi import application

audit_services = importlib.import_module("sanad.audit.services")  # only now: after Django's setup


def _no_audit(**kwargs: Any) -> None:
    return None


audit_services.audit_record = _no_audit

__all__ = ["application"]
