"""Who may do what with the national strategy.

The council (national administrators) administers strategies of its country, opens rounds,
reviews every institution's form and records lessons. An institution's administrator fills and
submits their own institution's forms and sees only them. Statisticians read progress and the
evaluation report (aggregates only). Nobody sees another country's strategy.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from sanad.access.actor import Actor
from sanad.access.policy import register
from sanad.institutions.roles import Role
from sanad.strategy.models import EDITABLE, RoundStatus, SubmissionStatus

COUNCIL = frozenset({Role.NATIONAL_ADMIN})
REPORTERS = frozenset({Role.INSTITUTION_ADMIN})
READERS = frozenset({Role.NATIONAL_ADMIN, Role.STATISTICIAN})


def country_of(actor: Actor) -> int:
    return actor.membership.unit.institution.country_id if actor.membership is not None else 0


def _same_country(actor: Actor, strategy: Any) -> bool:
    return bool(strategy.country_id == country_of(actor))


def _strategies(actor: Actor, qs: QuerySet[Any]) -> QuerySet[Any]:
    return qs.filter(country_id=country_of(actor))


def _round_country(actor: Actor, rnd: Any) -> bool:
    return bool(rnd.strategy.country_id == country_of(actor))


def _sees_submission(actor: Actor, submission: Any) -> bool:
    if actor.role in COUNCIL:
        return bool(submission.round.strategy.country_id == country_of(actor))
    return bool(submission.institution_id == actor.institution_id)


def _submissions(actor: Actor, qs: QuerySet[Any]) -> QuerySet[Any]:
    if actor.role in COUNCIL:
        return qs.filter(round__strategy__country_id=country_of(actor))
    return qs.filter(institution_id=actor.institution_id or 0)


def _may_fill(actor: Actor, submission: Any) -> bool:
    return bool(
        submission.institution_id == actor.institution_id
        and submission.status in EDITABLE
        and submission.round.status == RoundStatus.OPEN
    )


def _may_review(actor: Actor, submission: Any) -> bool:
    return bool(
        submission.status == SubmissionStatus.SUBMITTED and submission.round.strategy.country_id == country_of(actor)
    )


register("strategy.view", roles=COUNCIL | READERS | REPORTERS, check=_same_country, scope=_strategies)
register("strategy.manage", roles=COUNCIL, check=_same_country, scope=_strategies)
register("strategy.progress", roles=COUNCIL | READERS | REPORTERS, check=_same_country, scope=_strategies)
register("strategy.report", roles=COUNCIL | READERS, check=_same_country, scope=_strategies)
register(
    "strategy.round_view",
    roles=COUNCIL | READERS | REPORTERS,
    check=_round_country,
    scope=lambda a, qs: qs.filter(strategy__country_id=country_of(a)),
)
register("strategy.submission_view", roles=COUNCIL | REPORTERS, check=_sees_submission, scope=_submissions)
register("strategy.submission_fill", roles=REPORTERS, check=_may_fill, scope=_submissions)
register("strategy.submission_review", roles=COUNCIL, check=_may_review, scope=_submissions)
