"""The strategy's writes: loading, drafting from the last, rounds and forms, review, progress rule,
computed snapshots and reminders."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import translation

from sanad.access.actor import Actor
from sanad.institutions.models import Country
from sanad.institutions.packs import load_country_pack
from sanad.notices.models import Notice, NoticeKind
from sanad.strategy import selectors, services
from sanad.strategy.models import (
    ComputedSnapshot,
    Entry,
    Evidence,
    Indicator,
    IndicatorTarget,
    Strategy,
    StrategyStatus,
    Submission,
    SubmissionStatus,
)
from sanad.strategy.tests.conftest import PDF, World, fill, is_one_page_pdf, mosd_form, open_round

pytestmark = pytest.mark.django_db


def test_the_starter_strategy_loads_from_data_once() -> None:
    load_country_pack("bh")
    call_command("load_strategy", "bh")
    call_command("load_strategy", "bh")
    strategy = Strategy.objects.get(code="bh-women-protection-2015")
    assert strategy.status == StrategyStatus.ACTIVE and strategy.start_year == 2015
    assert list(strategy.pillars.values_list("code", flat=True)) == [
        "prevention",
        "protection",
        "services",
        "legislation",
        "data-research",
        "partnership",
    ]
    assert Strategy.objects.count() == 1
    mosd = set(strategy.indicators.filter(responsible__code="mosd").values_list("code", flat=True))
    assert mosd == {"survivors-supported", "ngo-agreements"}
    assert strategy.indicators.filter(kind="computed").count() == 4
    assert IndicatorTarget.objects.filter(indicator__strategy=strategy, year=2026).count() == 9


def test_opening_a_round_gives_each_responsible_institution_its_form(world: World) -> None:
    rnd = open_round(world)
    forms = {s.institution.code: s for s in Submission.objects.filter(round=rnd).select_related("institution")}
    # The council answers only for computed indicators: it gets no form.
    assert set(forms) == {"mosd", "moinfo"}
    assert set(forms["mosd"].entries.values_list("indicator__code", flat=True)) == {
        "survivors-supported",
        "safety-plans",
    }
    assert Notice.objects.filter(kind=NoticeKind.STRATEGY_ROUND_OPENED, recipient=world.mosd_admin.user).count() == 1


def test_a_round_is_refused_with_every_problem_named(world: World) -> None:
    with pytest.raises(ValidationError) as exc:
        services.round_open(
            actor=world.council,
            strategy=world.strategy,
            name=" ",
            period_start=dt.date(2026, 6, 30),
            period_end=dt.date(2026, 1, 1),
            due_on=dt.date(2025, 12, 1),
        )
    assert set(exc.value.message_dict) == {"name", "period_end", "due_on"}
    open_round(world)
    with pytest.raises(ValidationError) as exc:
        open_round(world)
    assert "period_start" in exc.value.message_dict


def test_fill_submit_return_correct_and_approve(world: World) -> None:
    rnd = open_round(world)
    form = mosd_form(world, rnd)
    with pytest.raises(ValidationError) as exc:
        services.submission_submit(actor=world.mosd_admin, submission=form)
    assert len(exc.value.message_dict) == 2
    assert Submission.objects.get(pk=form.pk).status == SubmissionStatus.DRAFT

    form = fill(world, form, {"survivors-supported": "250", "safety-plans": "٦٥٫٥"})
    assert sorted(Entry.objects.filter(submission=form).values_list("value", flat=True)) == [
        Decimal("65.50"),
        Decimal("250.00"),
    ]
    form = services.submission_submit(actor=world.mosd_admin, submission=form, expected_version=form.row_version)
    assert form.status == SubmissionStatus.SUBMITTED
    assert Notice.objects.filter(kind=NoticeKind.STRATEGY_SUBMITTED, recipient=world.council.user).exists()

    with pytest.raises(ValidationError):
        services.submission_return(actor=world.council, submission=form, comment="  ")
    form = services.submission_return(actor=world.council, submission=form, comment="أرفقوا كشف المستفيدات")
    assert form.status == SubmissionStatus.RETURNED and form.review_comment == "أرفقوا كشف المستفيدات"
    assert Notice.objects.filter(kind=NoticeKind.STRATEGY_RETURNED, recipient=world.mosd_admin.user).exists()

    services.evidence_add(
        actor=world.mosd_admin,
        submission=form,
        indicator_id=form.entries.first().indicator_id,
        filename="k.pdf",
        data=PDF,
    )
    form = Submission.objects.get(pk=form.pk)
    form = services.submission_submit(actor=world.mosd_admin, submission=form)
    form = services.submission_approve(actor=world.council, submission=form)
    assert form.status == SubmissionStatus.APPROVED
    assert list(form.events.values_list("kind", flat=True)) == ["submitted", "returned", "submitted", "approved"]
    # Approved: the institution can no longer change it.
    with pytest.raises(Exception):  # noqa: B017 - the policy's Denied
        fill(world, form, {"survivors-supported": "1"})
    assert Entry.objects.get(submission=form, indicator__code="survivors-supported").value == Decimal("250.00")


def test_bad_values_are_named_per_entry_and_nothing_is_saved(world: World) -> None:
    form = mosd_form(world, open_round(world))
    with pytest.raises(ValidationError) as exc, translation.override("en"):
        fill(world, form, {"survivors-supported": "12.5", "safety-plans": "140"})
    ids = {e.indicator.code: e.indicator_id for e in form.entries.select_related("indicator")}
    assert exc.value.message_dict == {
        f"entries.{ids['survivors-supported']}.value": ["Enter a whole number."],
        f"entries.{ids['safety-plans']}.value": ["A percentage is at most 100."],
    }
    assert not Entry.objects.filter(submission=form, value__isnull=False).exists()


def test_a_stale_form_is_refused(world: World) -> None:
    form = mosd_form(world, open_round(world))
    old = form.row_version
    fill(world, form, {"survivors-supported": "10"})
    with pytest.raises(services.StaleVersion):
        services.submission_save(
            actor=world.mosd_admin,
            submission=form,
            entries=[services.EntryInput(indicator_id=form.entries.first().indicator_id, value="11")],
            expected_version=old,
        )


def test_evidence_is_checked_encrypted_and_kept(world: World) -> None:
    form = mosd_form(world, open_round(world))
    indicator_id = form.entries.first().indicator_id
    with pytest.raises(ValidationError) as exc:
        services.evidence_add(
            actor=world.mosd_admin, submission=form, indicator_id=indicator_id, filename="x.pdf", data=b"MZ\x90\x00exe"
        )
    assert "file" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.evidence_add(
            actor=world.mosd_admin, submission=form, indicator_id=indicator_id, filename="x.png", data=PDF
        )
    evidence = services.evidence_add(
        actor=world.mosd_admin, submission=form, indicator_id=indicator_id, filename="كشف.pdf", data=PDF
    )
    assert is_one_page_pdf(services.evidence_bytes(Evidence.objects.get(pk=evidence.pk)))
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT content::text FROM strategy_evidence WHERE id = %s", [evidence.pk])
        stored = cursor.fetchone()[0]
    assert "JVBERi" not in stored  # the base64 of "%PDF" is not stored in the clear


def test_a_new_strategy_is_drafted_from_the_last_with_latest_values_as_baselines(world: World) -> None:
    rnd = open_round(world)
    form = fill(world, mosd_form(world, rnd), {"survivors-supported": "250", "safety-plans": "60"})
    services.submission_submit(actor=world.mosd_admin, submission=form)
    services.submission_approve(actor=world.council, submission=Submission.objects.get(pk=form.pk))
    new = services.strategy_draft_from(
        actor=world.council,
        strategy=world.strategy,
        code="next",
        name_ar="الاستراتيجية التالية",
        name_en="Next strategy",
        start_year=2026,
        end_year=2030,
    )
    assert new.status == StrategyStatus.DRAFT and new.derived_from_id == world.strategy.pk
    assert new.pillars.count() == 2 and new.indicators.count() == 4
    copied = Indicator.objects.get(strategy=new, code="survivors-supported")
    assert (copied.baseline, copied.baseline_year) == (Decimal("250.00"), 2026)
    assert list(copied.targets.values_list("year", flat=True)) == [2026]
    assert copied.initiative is not None and copied.initiative.objective.pillar.strategy_id == new.pk
    with pytest.raises(ValidationError) as exc:
        services.strategy_draft_from(
            actor=world.council,
            strategy=world.strategy,
            code="next",
            name_ar="",
            name_en="x",
            start_year=2030,
            end_year=2026,
        )
    assert set(exc.value.message_dict) == {"code", "name_ar", "end_year"}
    services.strategy_activate(actor=world.council, strategy=new)
    world.strategy.refresh_from_db()
    assert world.strategy.status == StrategyStatus.ARCHIVED


@pytest.mark.parametrize(
    ("direction", "baseline", "target", "value", "expected"),
    [
        ("increase", "100", "300", "290", "on_track"),  # 95% of the way
        ("increase", "100", "300", "200", "at_risk"),  # 50%
        ("increase", "100", "300", "150", "off_track"),  # 25%
        ("increase", "100", "300", "90", "off_track"),  # moving away
        ("decrease", "72", "24", "30", "at_risk"),  # (30-72)/(24-72) = 87.5%
        ("decrease", "72", "24", "26", "on_track"),  # 95.8%
        ("decrease", "72", "24", "60", "off_track"),  # 25%
        ("increase", None, "10", "9", "on_track"),
        ("decrease", None, "10", "20", "at_risk"),
    ],
)
def test_the_progress_rule(direction: str, baseline: str | None, target: str, value: str, expected: str) -> None:
    indicator = Indicator(direction=direction, baseline=Decimal(baseline) if baseline else None)
    status, _ratio = selectors.status_of(indicator, Decimal(value), Decimal(target))
    assert status == expected
    assert selectors.status_of(indicator, None, Decimal(target))[0] == "no_data"


def test_progress_counts_approved_values_only(world: World) -> None:
    rnd = open_round(world)
    form = fill(world, mosd_form(world, rnd), {"survivors-supported": "390", "safety-plans": "50"})
    rows = {r.indicator.code: r for r in selectors.progress(actor=world.council, strategy=world.strategy, rnd=rnd)}
    assert rows["survivors-supported"].status == "no_data"
    services.submission_submit(actor=world.mosd_admin, submission=form)
    services.submission_approve(actor=world.council, submission=Submission.objects.get(pk=form.pk))
    rows = {r.indicator.code: r for r in selectors.progress(actor=world.council, strategy=world.strategy, rnd=rnd)}
    assert (rows["survivors-supported"].value, rows["survivors-supported"].status) == (Decimal("390.00"), "on_track")
    assert rows["safety-plans"].status == "off_track"  # (50-40)/(80-40) = 25%
    pillars, _institutions = selectors.summaries(list(rows.values()))
    services_pillar = next(s for s in pillars if s.key.code == "services")
    assert services_pillar.counts == {"on_track": 1, "off_track": 1}
    # An institution follows only its own indicators.
    mine = selectors.progress(actor=world.mosd_admin, strategy=world.strategy, rnd=rnd)
    assert {r.indicator.code for r in mine} == {"survivors-supported", "safety-plans"}


def test_refresh_keeps_one_snapshot_a_day_per_period(world: World) -> None:
    rnd = open_round(world)
    assert services.refresh_computed() == 1
    assert services.refresh_computed(round_id=rnd.pk) == 1
    snapshot = ComputedSnapshot.objects.get()
    assert snapshot.round_id == rnd.pk and snapshot.unit == "percent" and snapshot.value is None
    ComputedSnapshot.objects.update(computed_on=dt.date(2026, 1, 1))
    services.refresh_computed()
    assert ComputedSnapshot.objects.count() == 2


def test_a_suppressed_computed_value_shows_as_suppressed_everywhere(world: World, client: Any) -> None:
    """The statistics withhold a share over too few referrals: the snapshot is flagged, the progress
    row, page, API and report say "suppressed", and the indicator is judged "no data", never 0."""
    from sanad.statistics.models import StatisticsSettings

    rnd = open_round(world)
    services.refresh_computed(round_id=rnd.pk)
    snapshot = ComputedSnapshot.objects.get()
    assert (snapshot.value, snapshot.suppressed) == (None, False)  # nothing sent: no data, not suppressed
    StatisticsSettings.objects.update_or_create(country=world.strategy.country, defaults={"threshold": 5})
    ComputedSnapshot.objects.update(suppressed=True, basis=0)
    row = next(
        r for r in selectors.progress(actor=world.council, strategy=world.strategy, rnd=rnd)
        if r.indicator.code == "ack-in-time"
    )
    assert (row.value, row.suppressed, row.status) == (None, True, "no_data")
    assert world.council.membership is not None
    client.force_login(world.council.user)
    page = client.get(f"/strategy/{world.strategy.pk}/progress/?round={rnd.pk}").content.decode()
    assert 'data-testid="suppressed"' in page
    api = client.get(f"/api/v1/strategies/{world.strategy.pk}/progress/?round={rnd.pk}").json()
    assert {r["code"]: r["suppressed"] for r in api["indicators"]}["ack-in-time"] is True
    import io

    from openpyxl import load_workbook

    from sanad.strategy.report import build_xlsx

    book = load_workbook(io.BytesIO(build_xlsx(actor=world.council, strategy=world.strategy, rnd=rnd, language="en")))
    cells = [c.value for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert "suppressed" in cells


def test_reminders_and_overdue_notices_are_sent_once(world: World) -> None:
    rnd = open_round(world, period_end=dt.date(2026, 6, 30), due_on=dt.date(2026, 7, 31))
    form = fill(world, mosd_form(world, rnd), {"survivors-supported": "1", "safety-plans": "1"})
    services.submission_submit(actor=world.mosd_admin, submission=form)
    assert services.send_reminders(today=dt.date(2026, 7, 1)) == (0, 0)
    assert services.send_reminders(today=dt.date(2026, 7, 26)) == (1, 0)  # only moinfo's form is pending
    assert services.send_reminders(today=dt.date(2026, 7, 27)) == (0, 0)
    assert services.send_reminders(today=dt.date(2026, 8, 1)) == (0, 1)
    assert services.send_reminders(today=dt.date(2026, 8, 2)) == (0, 0)
    assert Notice.objects.filter(kind=NoticeKind.STRATEGY_REMINDER, recipient=world.other_admin.user).count() == 1
    assert Notice.objects.filter(kind=NoticeKind.STRATEGY_OVERDUE, recipient=world.council.user).count() == 1
    assert not Notice.objects.filter(kind=NoticeKind.STRATEGY_REMINDER, recipient=world.mosd_admin.user).exists()


def test_lessons_are_recorded_by_the_council(world: World) -> None:
    rnd = open_round(world)
    pillar = world.strategy.pillars.first()
    lesson = services.lesson_record(
        actor=world.council,
        strategy=world.strategy,
        text="الربط الإلكتروني سرّع الاستجابة",
        round_id=rnd.pk,
        pillar_id=pillar.pk if pillar else None,
    )
    assert lesson.strategy_id == world.strategy.pk
    with pytest.raises(ValidationError) as exc:
        services.lesson_record(actor=world.council, strategy=world.strategy, text="", pillar_id=999999)
    assert set(exc.value.message_dict) == {"text", "pillar"}


def test_a_system_actor_loads_but_a_user_without_the_role_cannot(world: World) -> None:
    from sanad.access.policy import Denied

    with pytest.raises(Denied):
        services.strategy_load(actor=world.mosd_admin, country=world.country, data={"code": "x"})
    assert isinstance(Country.objects.get(pk=world.country.pk), Country)
    assert Actor.for_system("x").system


def test_the_worker_jobs_run_the_refresh_and_the_reminders(world: World) -> None:
    from sanad.strategy.tasks import refresh_round_indicators, refresh_strategy_indicators, strategy_reminders

    rnd = open_round(world)
    assert refresh_strategy_indicators() == 1
    assert refresh_round_indicators(round_id=rnd.pk) == 1
    assert strategy_reminders() == [0, 2]  # the 2026 round's forms are long overdue by today's date
    assert strategy_reminders() == [0, 0]
