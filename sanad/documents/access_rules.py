"""Exports of documents. The case summary is exported by the case's owner unit only: a receiving
institution gets its copy through a referral, with the consented sections."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from sanad.access.actor import Actor
from sanad.access.policy import register
from sanad.access.records import content_scope, in_content_scope
from sanad.institutions.roles import Role


def _owner_scope(actor: Actor, qs: QuerySet[Any]) -> QuerySet[Any]:
    return content_scope(actor, qs).filter(owner_unit_id=actor.unit_id)


def _owns(actor: Actor, case: Any) -> bool:
    return (
        # in_content_scope: the answer the case page already has (memo), not another query.
        bool(case.owner_unit_id == actor.unit_id) and in_content_scope(actor, case)
    )


register("case.export_summary", roles={Role.CASE_WORKER, Role.SUPERVISOR}, check=_owns, scope=_owner_scope)
