"""Every write to the national strategy: access checked, validated, audited in the same transaction;
notices written in the same transaction and jobs queued on commit, so a rolled-back change tells
nobody."""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from sanad.access.actor import Actor
from sanad.access.policy import require
from sanad.accounts.models import User
from sanad.audit.services import audit_record
from sanad.institutions.models import Country, Institution, Membership
from sanad.institutions.roles import Role
from sanad.notices.models import NoticeKind
from sanad.notices.services import notify
from sanad.strategy import computed
from sanad.strategy.models import (
    Direction,
    Entry,
    Evidence,
    Indicator,
    IndicatorKind,
    IndicatorTarget,
    IndicatorUnit,
    Initiative,
    Lesson,
    Objective,
    Pillar,
    ReportingRound,
    RoundStatus,
    Strategy,
    StrategyStatus,
    Submission,
    SubmissionEvent,
    SubmissionEventKind,
    SubmissionStatus,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
MAX_NARRATIVE = 4000
MAX_VALUE = Decimal("999999999999")


class StaleVersion(Exception):
    """The record changed since the editor loaded it: their change was not applied."""

    def __init__(self, current: int) -> None:
        self.current = current
        super().__init__(f"record is now at version {current}")


def _user(actor: Actor) -> User:
    if actor.user is None:
        raise ValueError("no acting user")
    return actor.user


def _holders(role: str, **where: Any) -> list[int]:
    return list(
        Membership.objects.current()
        .filter(role=role, user__is_active=True, **where)
        .values_list("user_id", flat=True)
        .distinct()
    )


def reporters_of(institution_id: int) -> list[int]:
    return _holders(Role.INSTITUTION_ADMIN, unit__institution_id=institution_id)


def council_of(country_id: int) -> list[int]:
    return _holders(Role.NATIONAL_ADMIN, unit__institution__country_id=country_id)


# --- strategies -------------------------------------------------------------------------------


def _decimal(raw: Any) -> Decimal | None:
    return None if raw is None else Decimal(str(raw))


def strategy_load(*, actor: Actor, country: Country, data: dict[str, Any]) -> Strategy:
    """Load a strategy written as data (``data/<country>-*.yaml``). Loading the same code again
    replaces nothing and answers the strategy already there: the council's later edits stand."""
    if not actor.system:
        require(actor, "strategy.manage")
    existing = Strategy.objects.filter(country=country, code=data["code"]).first()
    if existing is not None:
        return existing
    institutions = {i.code: i for i in Institution.objects.filter(country=country)}

    def institution(code: str) -> Institution:
        if code not in institutions:
            raise ValidationError({"institutions": [f"unknown institution {code!r} in strategy {data['code']!r}"]})
        return institutions[code]

    with transaction.atomic():
        strategy = Strategy.objects.create(
            country=country,
            code=data["code"],
            name_ar=data["name_ar"],
            name_en=data["name_en"],
            start_year=int(data["start_year"]),
            end_year=int(data["end_year"]),
            status=data.get("status", StrategyStatus.DRAFT),
            created_by=actor.user,
        )
        order = 0
        for p_index, p in enumerate(data.get("pillars", [])):
            pillar = Pillar.objects.create(
                strategy=strategy, code=p["code"], name_ar=p["name_ar"], name_en=p["name_en"], sort_order=p_index
            )
            for o_index, o in enumerate(p.get("objectives", [])):
                objective = Objective.objects.create(
                    pillar=pillar, code=o["code"], name_ar=o["name_ar"], name_en=o["name_en"], sort_order=o_index
                )
                initiatives: dict[str, Initiative] = {}
                for i_index, i in enumerate(o.get("initiatives", [])):
                    initiatives[i["code"]] = Initiative.objects.create(
                        objective=objective,
                        code=i["code"],
                        name_ar=i["name_ar"],
                        name_en=i["name_en"],
                        lead=institution(i["lead"]) if i.get("lead") else None,
                        sort_order=i_index,
                    )
                for ind in o.get("indicators", []):
                    kind = ind["kind"]
                    if kind == IndicatorKind.COMPUTED and ind.get("source") not in computed.SOURCES:
                        raise ValidationError({"source": [f"unknown computed source {ind.get('source')!r}"]})
                    indicator = Indicator.objects.create(
                        strategy=strategy,
                        objective=objective,
                        initiative=initiatives.get(ind.get("initiative", "")),
                        code=ind["code"],
                        name_ar=ind["name_ar"],
                        name_en=ind["name_en"],
                        kind=kind,
                        source=ind.get("source", "") if kind == IndicatorKind.COMPUTED else "",
                        unit=ind["unit"],
                        direction=ind.get("direction", Direction.INCREASE),
                        baseline=_decimal(ind.get("baseline")),
                        baseline_year=ind.get("baseline_year"),
                        responsible=institution(ind["responsible"]),
                        sort_order=order,
                    )
                    order += 1
                    indicator.supporting.set([institution(c) for c in ind.get("supporting", [])])
                    IndicatorTarget.objects.bulk_create(
                        IndicatorTarget(indicator=indicator, year=int(year), value=Decimal(str(value)))
                        for year, value in (ind.get("targets") or {}).items()
                    )
        audit_record(
            actor=actor,
            action="strategy.load",
            object_type="strategy.strategy",
            object_id=strategy.pk,
            details={"code": strategy.code, "indicators": order},
        )
    return strategy


def strategy_load_file(*, actor: Actor, country: Country, path: Path) -> Strategy:
    with path.open(encoding="utf-8") as fh:
        return strategy_load(actor=actor, country=country, data=yaml.safe_load(fh))


def starter_files(country_code: str) -> list[Path]:
    return sorted(DATA_DIR.glob(f"{country_code}-*.yaml"))


def strategy_draft_from(
    *,
    actor: Actor,
    strategy: Strategy,
    code: str,
    name_ar: str,
    name_en: str,
    start_year: int | None,
    end_year: int | None,
) -> Strategy:
    """A new draft with the last strategy's pillars, objectives, initiatives and indicators. Each
    indicator's baseline becomes its latest known value (approved report or computed snapshot) when
    there is one; targets of the years the new strategy covers are carried over for the council to revise."""
    require(actor, "strategy.manage", strategy)
    from sanad.strategy.selectors import latest_values

    errors: dict[str, list[str]] = {}
    code = code.strip()
    if not code:
        errors["code"] = [_("This field is required.")]
    elif Strategy.objects.filter(country_id=strategy.country_id, code=code).exists():
        errors["code"] = [_("A strategy with this code already exists.")]
    if not name_ar.strip():
        errors["name_ar"] = [_("This field is required.")]
    if not name_en.strip():
        errors["name_en"] = [_("This field is required.")]
    if start_year is None:
        errors["start_year"] = [_("This field is required.")]
    if end_year is None:
        errors["end_year"] = [_("This field is required.")]
    elif start_year is not None and end_year < start_year:
        errors["end_year"] = [_("The last year comes before the first.")]
    if errors or start_year is None or end_year is None:
        raise ValidationError(errors)
    latest = latest_values(strategy)
    with transaction.atomic():
        new = Strategy.objects.create(
            country_id=strategy.country_id,
            code=code,
            name_ar=name_ar.strip(),
            name_en=name_en.strip(),
            start_year=start_year,
            end_year=end_year,
            status=StrategyStatus.DRAFT,
            derived_from=strategy,
            created_by=_user(actor),
        )
        for pillar in strategy.pillars.prefetch_related("objectives__initiatives", "objectives__indicators"):
            new_pillar = Pillar.objects.create(
                strategy=new,
                code=pillar.code,
                name_ar=pillar.name_ar,
                name_en=pillar.name_en,
                sort_order=pillar.sort_order,
            )
            for objective in pillar.objectives.all():
                new_objective = Objective.objects.create(
                    pillar=new_pillar,
                    code=objective.code,
                    name_ar=objective.name_ar,
                    name_en=objective.name_en,
                    sort_order=objective.sort_order,
                )
                initiatives = {}
                for initiative in objective.initiatives.all():
                    initiatives[initiative.pk] = Initiative.objects.create(
                        objective=new_objective,
                        code=initiative.code,
                        name_ar=initiative.name_ar,
                        name_en=initiative.name_en,
                        lead_id=initiative.lead_id,
                        sort_order=initiative.sort_order,
                    )
                for indicator in objective.indicators.all():
                    last = latest.get(indicator.pk)
                    copy = Indicator.objects.create(
                        strategy=new,
                        objective=new_objective,
                        initiative=initiatives.get(indicator.initiative_id or 0),
                        code=indicator.code,
                        name_ar=indicator.name_ar,
                        name_en=indicator.name_en,
                        kind=indicator.kind,
                        source=indicator.source,
                        unit=indicator.unit,
                        direction=indicator.direction,
                        baseline=last[0] if last else indicator.baseline,
                        baseline_year=last[1] if last else indicator.baseline_year,
                        responsible_id=indicator.responsible_id,
                        sort_order=indicator.sort_order,
                    )
                    copy.supporting.set(indicator.supporting.all())
                    IndicatorTarget.objects.bulk_create(
                        IndicatorTarget(indicator=copy, year=t.year, value=t.value)
                        for t in indicator.targets.filter(year__gte=start_year, year__lte=end_year)
                    )
        audit_record(
            actor=actor,
            action="strategy.draft_from",
            object_type="strategy.strategy",
            object_id=new.pk,
            details={"from": strategy.pk},
        )
    return new


def strategy_activate(*, actor: Actor, strategy: Strategy) -> Strategy:
    """Put a draft in force; the strategy in force before it is archived (one in force per country)."""
    require(actor, "strategy.manage", strategy)
    if strategy.status != StrategyStatus.DRAFT:
        raise ValidationError({"status": [_("Only a draft can be put in force.")]})
    with transaction.atomic():
        Strategy.objects.filter(country_id=strategy.country_id, status=StrategyStatus.ACTIVE).update(
            status=StrategyStatus.ARCHIVED, row_version=F("row_version") + 1
        )
        Strategy.objects.filter(pk=strategy.pk).update(status=StrategyStatus.ACTIVE, row_version=F("row_version") + 1)
        audit_record(actor=actor, action="strategy.activate", object_type="strategy.strategy", object_id=strategy.pk)
    strategy.refresh_from_db()
    return strategy


# --- rounds -----------------------------------------------------------------------------------


def round_open(
    *,
    actor: Actor,
    strategy: Strategy,
    name: str,
    period_start: dt.date | None,
    period_end: dt.date | None,
    due_on: dt.date | None,
) -> ReportingRound:
    """Open a round: each institution responsible for a reported indicator gets its form, with one
    entry per such indicator, and its administrators are told. Computed indicators are computed for
    the period on commit."""
    require(actor, "strategy.manage", strategy)
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = [_("This field is required.")]
    if strategy.status != StrategyStatus.ACTIVE:
        errors["__all__"] = [_("Rounds are opened only for the strategy in force.")]
    for field, value in (("period_start", period_start), ("period_end", period_end), ("due_on", due_on)):
        if value is None:
            errors[field] = [_("This field is required.")]
    if period_start and period_end and period_end < period_start:
        errors["period_end"] = [_("The period ends before it starts.")]
    if period_end and due_on and due_on < period_end:
        errors["due_on"] = [_("Forms cannot be due before the period ends.")]
    if (
        period_start
        and period_end
        and ReportingRound.objects.filter(strategy=strategy, period_start=period_start, period_end=period_end).exists()
    ):
        errors["period_start"] = [_("A round for this period already exists.")]
    if errors or period_start is None or period_end is None or due_on is None:
        raise ValidationError(errors)
    reported = list(strategy.indicators.filter(kind=IndicatorKind.REPORTED).order_by("responsible_id", "sort_order"))
    with transaction.atomic():
        rnd = ReportingRound.objects.create(
            strategy=strategy,
            name=name.strip(),
            period_start=period_start,
            period_end=period_end,
            due_on=due_on,
            opened_by=_user(actor),
        )
        by_institution: dict[int, list[Indicator]] = {}
        for indicator in reported:
            by_institution.setdefault(indicator.responsible_id, []).append(indicator)
        for institution_id, indicators in by_institution.items():
            submission = Submission.objects.create(round=rnd, institution_id=institution_id)
            Entry.objects.bulk_create(Entry(submission=submission, indicator=i) for i in indicators)
            notify(
                recipients=reporters_of(institution_id),
                kind=NoticeKind.STRATEGY_ROUND_OPENED,
                object_type="strategy.submission",
                object_id=submission.pk,
                params={"round": rnd.name, "due": due_on.isoformat()},
            )
        audit_record(
            actor=actor,
            action="strategy.round_open",
            object_type="strategy.reportinground",
            object_id=rnd.pk,
            details={"strategy": strategy.pk, "forms": len(by_institution)},
        )
        round_id = rnd.pk
        transaction.on_commit(lambda: _queue_refresh(round_id))
    return rnd


def _queue_refresh(round_id: int) -> None:
    from sanad.strategy.tasks import refresh_round_indicators

    refresh_round_indicators.defer(round_id=round_id)


def round_close(*, actor: Actor, rnd: ReportingRound) -> ReportingRound:
    require(actor, "strategy.manage", rnd.strategy)
    with transaction.atomic():
        ReportingRound.objects.filter(pk=rnd.pk).update(status=RoundStatus.CLOSED, row_version=F("row_version") + 1)
        audit_record(
            actor=actor, action="strategy.round_close", object_type="strategy.reportinground", object_id=rnd.pk
        )
    rnd.refresh_from_db()
    return rnd


# --- forms ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EntryInput:
    indicator_id: int
    value: str | Decimal | None
    narrative: str = ""


def _parse_value(raw: str | Decimal | None, unit: str) -> tuple[Decimal | None, str | None]:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, None
    try:
        value = Decimal(str(raw).strip().replace("٫", ".").translate(str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")))
    except InvalidOperation:
        return None, _("Enter a number.")
    if not value.is_finite() or value < 0:
        return None, _("Enter a number of zero or more.")
    if unit == IndicatorUnit.PERCENT and value > 100:
        return None, _("A percentage is at most 100.")
    if value > MAX_VALUE:
        return None, _("The number is too large.")
    if unit == IndicatorUnit.COUNT and value != value.to_integral_value():
        return None, _("Enter a whole number.")
    return value.quantize(Decimal("0.01")), None


def _lock(submission: Submission, expected_version: int | None) -> Submission:
    locked = Submission.objects.select_for_update().select_related("round__strategy").get(pk=submission.pk)
    if expected_version is not None and locked.row_version != expected_version:
        raise StaleVersion(locked.row_version)
    return locked


def _bump(submission: Submission) -> None:
    Submission.objects.filter(pk=submission.pk).update(row_version=F("row_version") + 1)
    submission.row_version += 1


def submission_save(
    *, actor: Actor, submission: Submission, entries: list[EntryInput], expected_version: int | None = None
) -> Submission:
    """Save values and narratives as typed. Errors are per entry: ``entries.<indicator id>.value``."""
    require(actor, "strategy.submission_fill", submission)
    rows = {e.indicator_id: e for e in submission.entries.select_related("indicator")}
    errors: dict[str, list[str]] = {}
    parsed: dict[int, tuple[Decimal | None, str]] = {}
    for item in entries:
        row = rows.get(item.indicator_id)
        if row is None:
            errors[f"entries.{item.indicator_id}.indicator"] = [_("This indicator is not on your form.")]
            continue
        value, problem = _parse_value(item.value, row.indicator.unit)
        if problem:
            errors[f"entries.{item.indicator_id}.value"] = [problem]
        narrative = (item.narrative or "").strip()
        if len(narrative) > MAX_NARRATIVE:
            errors[f"entries.{item.indicator_id}.narrative"] = [_("At most %(n)s characters.") % {"n": MAX_NARRATIVE}]
        parsed[item.indicator_id] = (value, narrative)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _lock(submission, expected_version)
        require(actor, "strategy.submission_fill", locked)
        for indicator_id, (value, narrative) in parsed.items():
            Entry.objects.filter(pk=rows[indicator_id].pk).update(value=value, narrative=narrative)
        _bump(locked)
        audit_record(
            actor=actor,
            action="strategy.submission_save",
            object_type="strategy.submission",
            object_id=locked.pk,
            details={"indicators": sorted(parsed)},
        )
    return locked


def evidence_add(
    *,
    actor: Actor,
    submission: Submission,
    indicator_id: int,
    filename: str,
    data: bytes,
    expected_version: int | None = None,
) -> Evidence:
    """Evidence for one entry, checked like a case attachment: type read from the content and matched
    to the name, size limited, images re-encoded without metadata, encrypted at rest."""
    from sanad.cases.attachments import check_upload

    require(actor, "strategy.submission_fill", submission)
    entry = submission.entries.filter(indicator_id=indicator_id).first()
    if entry is None:
        raise ValidationError({"indicator": [_("This indicator is not on your form.")]})
    checked = check_upload(filename, data)
    with transaction.atomic():
        locked = _lock(submission, expected_version)
        require(actor, "strategy.submission_fill", locked)
        evidence = Evidence.objects.create(
            entry=entry,
            filename=checked.filename,
            content_type=checked.content_type,
            size=len(checked.data),
            content=base64.b64encode(checked.data).decode("ascii"),
            uploaded_by=_user(actor),
        )
        _bump(locked)
        audit_record(
            actor=actor,
            action="strategy.evidence_add",
            object_type="strategy.submission",
            object_id=locked.pk,
            details={"evidence": evidence.pk, "indicator": indicator_id, "type": checked.content_type},
        )
    return evidence


def evidence_bytes(evidence: Evidence) -> bytes:
    return base64.b64decode(str(evidence.content))


def submission_submit(*, actor: Actor, submission: Submission, expected_version: int | None = None) -> Submission:
    """Send the form to the council. Every entry needs a value; what is missing is named per entry."""
    require(actor, "strategy.submission_fill", submission)
    with transaction.atomic():
        locked = _lock(submission, expected_version)
        require(actor, "strategy.submission_fill", locked)
        missing = list(locked.entries.filter(value__isnull=True).values_list("indicator_id", flat=True))
        if missing:
            raise ValidationError({f"entries.{i}.value": [_("Enter the value before submitting.")] for i in missing})
        locked.status = SubmissionStatus.SUBMITTED
        locked.submitted_at = timezone.now()
        locked.submitted_by = _user(actor)
        locked.row_version += 1
        locked.save(update_fields=["status", "submitted_at", "submitted_by", "row_version"])
        SubmissionEvent.objects.create(submission=locked, kind=SubmissionEventKind.SUBMITTED, by=_user(actor))
        notify(
            recipients=council_of(locked.round.strategy.country_id),
            kind=NoticeKind.STRATEGY_SUBMITTED,
            object_type="strategy.submission",
            object_id=locked.pk,
            params={"round": locked.round.name, **_names(locked.institution)},
        )
        audit_record(actor=actor, action="strategy.submit", object_type="strategy.submission", object_id=locked.pk)
    return locked


def _names(institution: Institution) -> dict[str, str]:
    return {"institution_ar": institution.name_ar, "institution_en": institution.name_en}


def submission_return(
    *, actor: Actor, submission: Submission, comment: str, expected_version: int | None = None
) -> Submission:
    """The council asks for corrections; the comment says what to correct and goes to the institution."""
    require(actor, "strategy.submission_review", submission)
    if not comment.strip():
        raise ValidationError({"comment": [_("Say what needs correcting.")]})
    return _review(actor, submission, SubmissionEventKind.RETURNED, comment.strip(), expected_version)


def submission_approve(
    *, actor: Actor, submission: Submission, comment: str = "", expected_version: int | None = None
) -> Submission:
    require(actor, "strategy.submission_review", submission)
    return _review(actor, submission, SubmissionEventKind.APPROVED, comment.strip(), expected_version)


def _review(actor: Actor, submission: Submission, kind: str, comment: str, expected_version: int | None) -> Submission:
    with transaction.atomic():
        locked = _lock(submission, expected_version)
        require(actor, "strategy.submission_review", locked)
        approved = kind == SubmissionEventKind.APPROVED
        locked.status = SubmissionStatus.APPROVED if approved else SubmissionStatus.RETURNED
        locked.reviewed_at = timezone.now()
        locked.reviewed_by = _user(actor)
        locked.review_comment = comment
        locked.row_version += 1
        locked.save(update_fields=["status", "reviewed_at", "reviewed_by", "review_comment", "row_version"])
        SubmissionEvent.objects.create(submission=locked, kind=kind, comment=comment, by=_user(actor))
        notify(
            recipients=reporters_of(locked.institution_id),
            kind=NoticeKind.STRATEGY_APPROVED if approved else NoticeKind.STRATEGY_RETURNED,
            object_type="strategy.submission",
            object_id=locked.pk,
            params={"round": locked.round.name},
        )
        audit_record(
            actor=actor,
            action="strategy.approve" if approved else "strategy.return",
            object_type="strategy.submission",
            object_id=locked.pk,
        )
    return locked


# --- lessons ----------------------------------------------------------------------------------


def lesson_record(
    *, actor: Actor, strategy: Strategy, text: str, round_id: int | None = None, pillar_id: int | None = None
) -> Lesson:
    require(actor, "strategy.manage", strategy)
    errors: dict[str, list[str]] = {}
    if not text.strip():
        errors["text"] = [_("This field is required.")]
    elif len(text) > MAX_NARRATIVE:
        errors["text"] = [_("At most %(n)s characters.") % {"n": MAX_NARRATIVE}]
    if round_id and not strategy.rounds.filter(pk=round_id).exists():
        errors["round"] = [_("Choose a round of this strategy.")]
    if pillar_id and not strategy.pillars.filter(pk=pillar_id).exists():
        errors["pillar"] = [_("Choose a pillar of this strategy.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        lesson = Lesson.objects.create(
            strategy=strategy,
            round_id=round_id or None,
            pillar_id=pillar_id or None,
            text=text.strip(),
            recorded_by=_user(actor),
        )
        audit_record(actor=actor, action="strategy.lesson", object_type="strategy.lesson", object_id=lesson.pk)
    return lesson


# --- periodic work ----------------------------------------------------------------------------


def refresh_computed(*, round_id: int | None = None) -> int:
    """Compute every computed indicator for the period of each open round (or the one given) and keep
    today's snapshot of it. Returns how many snapshots were written."""
    from sanad.statistics.facts import drain
    from sanad.strategy.models import ComputedSnapshot

    # The computed values read the statistics' facts: bring them up to date with every change queued.
    while drain():
        pass
    rounds = ReportingRound.objects.select_related("strategy__country")
    rounds = rounds.filter(pk=round_id) if round_id else rounds.filter(status=RoundStatus.OPEN)
    today = timezone.localdate()
    written = 0
    for rnd in rounds:
        for indicator in rnd.strategy.indicators.filter(kind=IndicatorKind.COMPUTED):
            result = computed.compute(
                indicator.source, period_start=rnd.period_start, period_end=rnd.period_end, country=rnd.strategy.country
            )
            ComputedSnapshot.objects.update_or_create(
                indicator=indicator,
                period_start=rnd.period_start,
                period_end=rnd.period_end,
                computed_on=today,
                defaults={
                    "round": rnd,
                    "value": result.value,
                    "unit": result.unit,
                    "as_of": result.as_of,
                    "basis": result.basis,
                    "suppressed": result.suppressed,
                },
            )
            written += 1
    if written:
        audit_record(actor=Actor.for_system("strategy_refresh"), action="strategy.refresh", details={"count": written})
    return written


REMIND_DAYS_BEFORE = 7


def send_reminders(*, today: dt.date | None = None) -> tuple[int, int]:
    """Forms of open rounds not yet submitted: a reminder when the due date is a week away or less,
    and an overdue notice (to the institution and the council) once it has passed. Each is sent once:
    the row is stamped in the same transaction, and rows another run holds are skipped."""
    today = today or timezone.localdate()
    system = Actor.for_system("strategy_reminders")
    reminded = overdue = 0
    with transaction.atomic():
        pending = (
            Submission.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("round__strategy", "institution")
            .filter(round__status=RoundStatus.OPEN, status__in=[SubmissionStatus.DRAFT, SubmissionStatus.RETURNED])
            .order_by("pk")
        )
        now = timezone.now()
        for row in pending.filter(
            reminder_sent_at__isnull=True,
            round__due_on__gte=today,
            round__due_on__lte=today + dt.timedelta(days=REMIND_DAYS_BEFORE),
        )[:1000]:
            notify(
                recipients=reporters_of(row.institution_id),
                kind=NoticeKind.STRATEGY_REMINDER,
                object_type="strategy.submission",
                object_id=row.pk,
                params={"round": row.round.name, "due": row.round.due_on.isoformat()},
            )
            Submission.objects.filter(pk=row.pk).update(reminder_sent_at=now)
            reminded += 1
        for row in pending.filter(overdue_noted_at__isnull=True, round__due_on__lt=today)[:1000]:
            notify(
                recipients=[*reporters_of(row.institution_id), *council_of(row.round.strategy.country_id)],
                kind=NoticeKind.STRATEGY_OVERDUE,
                object_type="strategy.submission",
                object_id=row.pk,
                params={"round": row.round.name, "due": row.round.due_on.isoformat(), **_names(row.institution)},
            )
            Submission.objects.filter(pk=row.pk).update(overdue_noted_at=now)
            overdue += 1
        if reminded or overdue:
            audit_record(actor=system, action="strategy.reminders", details={"reminded": reminded, "overdue": overdue})
    return reminded, overdue
