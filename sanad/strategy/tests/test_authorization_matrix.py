"""Who may do what with the strategy, as a matrix of roles × institutions; every denial changes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.http import Http404

from sanad.access.actor import Actor
from sanad.access.policy import Denied
from sanad.institutions.roles import Role
from sanad.strategy import selectors, services
from sanad.strategy.models import Entry, Lesson, ReportingRound, Strategy, Submission, SubmissionStatus
from sanad.strategy.tests.conftest import World, actor_for, fill, mosd_form, open_round
from sanad.testing.factories import CountryFactory, InstitutionFactory, UnitFactory

pytestmark = pytest.mark.django_db

WHO = ["council", "foreign_council", "mosd_admin", "other_admin", "statistician", "mosd_supervisor", "mosd_worker"]


def _actors(world: World) -> dict[str, Actor]:
    foreign = CountryFactory(code="jo", name_ar="الأردن", name_en="Jordan", case_prefix="JO")
    return {
        "council": world.council,
        "foreign_council": actor_for(Role.NATIONAL_ADMIN, UnitFactory(institution=InstitutionFactory(country=foreign))),
        "mosd_admin": world.mosd_admin,
        "other_admin": world.other_admin,
        "statistician": actor_for(Role.STATISTICIAN, world.council_unit),
        "mosd_supervisor": actor_for(Role.SUPERVISOR, world.mosd_unit),
        "mosd_worker": actor_for(Role.CASE_WORKER, world.mosd_unit),
    }


def _state() -> tuple[Any, ...]:
    return (
        ReportingRound.objects.count(),
        Strategy.objects.count(),
        Lesson.objects.count(),
        sorted(Submission.objects.values_list("pk", "status", "row_version")),
        sorted(Entry.objects.values_list("pk", "value")),
    )


def _submitted(world: World) -> Submission:
    form = fill(
        world, mosd_form(world, ReportingRound.objects.get()), {"survivors-supported": "5", "safety-plans": "5"}
    )
    return services.submission_submit(actor=world.mosd_admin, submission=form)


ACTIONS: dict[str, tuple[set[str], Callable[[Actor, World], Any]]] = {
    "open_round": (
        {"council"},
        lambda a, w: services.round_open(
            actor=a,
            strategy=w.strategy,
            name="r2",
            period_start=dt.date(2026, 7, 1),
            period_end=dt.date(2026, 12, 31),
            due_on=dt.date(2027, 1, 31),
        ),
    ),
    "fill_mosd_form": (
        {"mosd_admin"},
        lambda a, w: services.submission_save(
            actor=a,
            submission=mosd_form(w, ReportingRound.objects.get()),
            entries=[
                services.EntryInput(
                    indicator_id=mosd_form(w, ReportingRound.objects.get()).entries.first().indicator_id, value="7"
                )
            ],
        ),
    ),
    # These two act on a form submitted before the state is taken (see test_writes).
    "approve_mosd_form": ({"council"}, lambda a, w: None),
    "return_mosd_form": ({"council"}, lambda a, w: None),
    "record_lesson": ({"council"}, lambda a, w: services.lesson_record(actor=a, strategy=w.strategy, text="درس")),
    "draft_from": (
        {"council"},
        lambda a, w: services.strategy_draft_from(
            actor=a, strategy=w.strategy, code="n", name_ar="ن", name_en="n", start_year=2026, end_year=2030
        ),
    ),
}


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_writes(world: World, who: str, action: str) -> None:
    open_round(world)
    allowed, run = ACTIONS[action]
    actor = _actors(world)[who]
    if action in ("approve_mosd_form", "return_mosd_form"):
        _submitted(world)
        submission = Submission.objects.get(institution_id=world.mosd_unit.institution_id)
        before = _state()
        call = {
            "approve_mosd_form": lambda: services.submission_approve(actor=actor, submission=submission),
            "return_mosd_form": lambda: services.submission_return(actor=actor, submission=submission, comment="x"),
        }[action]
    else:
        before = _state()

        def call() -> Any:
            return run(actor, world)

    if who in allowed:
        call()
        assert _state() != before
    else:
        with pytest.raises(Denied):
            call()
        assert _state() == before


@pytest.mark.parametrize("who", WHO)
def test_reads(world: World, who: str) -> None:
    rnd = open_round(world)
    actor = _actors(world)[who]
    mosd = mosd_form(world, rnd)
    other = Submission.objects.exclude(pk=mosd.pk).get()
    visible = set(selectors.submission_list(actor=actor).values_list("pk", flat=True))
    expected = {
        "council": {mosd.pk, other.pk},
        "mosd_admin": {mosd.pk},
        "other_admin": {other.pk},
    }.get(who, set())
    assert visible == expected
    for form in (mosd, other):
        if form.pk in expected:
            assert selectors.submission_get(actor=actor, pk=form.pk).pk == form.pk
        else:
            with pytest.raises(Http404):
                selectors.submission_get(actor=actor, pk=form.pk)
    sees_strategy = who in ("council", "mosd_admin", "other_admin", "statistician")
    assert (
        world.strategy.pk in set(selectors.strategy_list(actor=actor).values_list("pk", flat=True))
    ) is sees_strategy
    may_report = who in ("council", "statistician")
    try:
        selectors.strategy_get(actor=actor, pk=world.strategy.pk, action="strategy.report")
        got_report = True
    except Http404:
        got_report = False
    assert got_report is may_report


def test_an_approved_form_is_closed_to_its_institution_too(world: World) -> None:
    open_round(world)
    submission = _submitted(world)
    services.submission_approve(actor=world.council, submission=submission)
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.APPROVED
    before = _state()
    with pytest.raises(Denied):
        fill(world, submission, {"survivors-supported": "9"})
    assert _state() == before
