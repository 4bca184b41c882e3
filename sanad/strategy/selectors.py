"""Reads of the national strategy, filtered to what the actor may see, and the progress rule.

Progress of an indicator in a round compares its value with the target of the year the round's
period ends in (or the latest earlier target), measured from the baseline:

    progress = (value − baseline) / (target − baseline)

which reads the same for "higher is better" and "lower is better" indicators, since both
differences change sign together. Without a baseline, progress is value ÷ target (lower is better:
target ÷ value). Then:

- on track: progress ≥ 0.9 (at least 90% of the way planned to this year's target);
- at risk: 0.5 ≤ progress < 0.9;
- off track: progress < 0.5 (or moving away from the target);
- no data: no approved value (reported), no computed value, or no target.

A reported value counts only once the council has approved the form.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from sanad.access.actor import Actor
from sanad.access.policy import get_for, scope
from sanad.institutions.models import Institution
from sanad.institutions.roles import Role
from sanad.strategy.models import (
    ComputedSnapshot,
    Direction,
    Entry,
    Evidence,
    Indicator,
    IndicatorKind,
    IndicatorTarget,
    ReportingRound,
    Strategy,
    Submission,
    SubmissionStatus,
)

ON_TRACK_FROM = Decimal("0.9")
AT_RISK_FROM = Decimal("0.5")

STATUS_LABELS = {
    "on_track": _("On track"),
    "at_risk": _("At risk"),
    "off_track": _("Off track"),
    "no_data": _("No data"),
}
STATUS_ORDER = ("on_track", "at_risk", "off_track", "no_data")


def strategy_list(*, actor: Actor) -> QuerySet[Strategy]:
    return scope(actor, "strategy.view", Strategy.objects.all())


def strategy_get(*, actor: Actor, pk: int, action: str = "strategy.view") -> Strategy:
    return get_for(actor, action, Strategy.objects.select_related("country", "derived_from"), pk=pk)


def strategy_tree(strategy: Strategy) -> list[Any]:
    indicators = Indicator.objects.select_related("responsible").prefetch_related("supporting", "targets")
    return list(
        strategy.pillars.prefetch_related(
            "objectives__initiatives__lead", Prefetch("objectives__indicators", queryset=indicators)
        )
    )


def round_list(*, actor: Actor, strategy: Strategy | None = None) -> QuerySet[ReportingRound]:
    qs = scope(actor, "strategy.round_view", ReportingRound.objects.select_related("strategy"))
    return qs.filter(strategy=strategy) if strategy is not None else qs


def round_get(*, actor: Actor, pk: int) -> ReportingRound:
    return get_for(actor, "strategy.round_view", ReportingRound.objects.select_related("strategy"), pk=pk)


def submission_list(*, actor: Actor, rnd: ReportingRound | None = None) -> QuerySet[Submission]:
    qs = scope(
        actor,
        "strategy.submission_view",
        Submission.objects.select_related("round__strategy", "institution"),
    )
    return qs.filter(round=rnd) if rnd is not None else qs


def submission_get(*, actor: Actor, pk: int, action: str = "strategy.submission_view") -> Submission:
    qs = Submission.objects.select_related("round__strategy", "institution", "reviewed_by", "submitted_by")
    return get_for(actor, action, qs, pk=pk)


def submission_entries(submission: Submission) -> list[Entry]:
    return list(
        submission.entries.select_related("indicator__objective__pillar").prefetch_related(
            "indicator__targets",
            Prefetch("evidence", queryset=Evidence.objects.defer("content")),
        )
    )


def is_overdue(submission: Submission, today: Any) -> bool:
    return submission.status in (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED) and submission.round.due_on < today


# --- progress ---------------------------------------------------------------------------------


def target_for(targets: list[IndicatorTarget], year: int) -> Decimal | None:
    chosen = None
    for t in sorted(targets, key=lambda t: t.year):
        if t.year <= year:
            chosen = t.value
    if chosen is None and targets:
        # A round before the first target year is measured against the first target.
        chosen = min(targets, key=lambda t: t.year).value
    return chosen


def status_of(indicator: Indicator, value: Decimal | None, target: Decimal | None) -> tuple[str, Decimal | None]:
    if value is None or target is None:
        return "no_data", None
    baseline = indicator.baseline
    progress: Decimal | None
    if baseline is not None and target != baseline:
        progress = (value - baseline) / (target - baseline)
    elif baseline is not None:
        met = value >= target if indicator.direction == Direction.INCREASE else value <= target
        progress = Decimal(1) if met else Decimal(0)
    elif indicator.direction == Direction.INCREASE:
        progress = value / target if target else Decimal(1)
    else:
        progress = target / value if value else Decimal(1)
    if progress >= ON_TRACK_FROM:
        status = "on_track"
    elif progress >= AT_RISK_FROM:
        status = "at_risk"
    else:
        status = "off_track"
    return status, progress.quantize(Decimal("0.01"))


@dataclass
class ProgressRow:
    indicator: Indicator
    value: Decimal | None
    target: Decimal | None
    status: str
    progress: Decimal | None
    as_of: Any = None
    basis: int | None = None
    narrative: str = ""
    # A computed value the statistics withheld (small cells): shown as "suppressed", judged "no data".
    suppressed: bool = False

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])


@dataclass
class Summary:
    key: Any
    label: str
    counts: Counter[str] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def ordered(self) -> list[tuple[str, str, int]]:
        return [(s, str(STATUS_LABELS[s]), self.counts.get(s, 0)) for s in STATUS_ORDER]


def _values_by_round(
    indicators: list[Indicator], rounds: list[ReportingRound]
) -> dict[tuple[int, int], tuple[Decimal | None, Any, int | None, str, bool]]:
    """(indicator, round) → (value, as of, basis, narrative, suppressed), in two queries for every round."""
    out: dict[tuple[int, int], tuple[Decimal | None, Any, int | None, str, bool]] = {}
    ids = [i.pk for i in indicators]
    round_ids = [r.pk for r in rounds]
    for e in Entry.objects.filter(
        indicator_id__in=ids, submission__round_id__in=round_ids, submission__status=SubmissionStatus.APPROVED
    ).values("indicator_id", "submission__round_id", "value", "submission__reviewed_at", "narrative"):
        out[(e["indicator_id"], e["submission__round_id"])] = (
            e["value"],
            e["submission__reviewed_at"],
            None,
            e["narrative"],
            False,
        )
    periods = {(r.period_start, r.period_end): r.pk for r in rounds}
    snapshots = ComputedSnapshot.objects.filter(
        indicator_id__in=ids, period_start__in={p[0] for p in periods}
    ).order_by("computed_on", "pk")
    for s in snapshots:
        round_id = periods.get((s.period_start, s.period_end))
        if round_id is not None:
            # Ordered oldest first: the latest computation of each period wins.
            out[(s.indicator_id, round_id)] = (s.value, s.as_of, s.basis, "", s.suppressed)
    return out


def indicators_in_reach(actor: Actor, strategy: Strategy) -> list[Indicator]:
    qs = strategy.indicators.select_related("objective__pillar", "responsible").prefetch_related("targets")
    if actor.role == Role.INSTITUTION_ADMIN:
        # An institution follows the indicators it answers for, not the others'.
        qs = qs.filter(responsible_id=actor.institution_id or 0)
    return list(qs.order_by("objective__pillar__sort_order", "sort_order", "pk"))


def progress(*, actor: Actor, strategy: Strategy, rnd: ReportingRound | None) -> list[ProgressRow]:
    indicators = indicators_in_reach(actor, strategy)
    if rnd is None:
        return [ProgressRow(indicator=i, value=None, target=None, status="no_data", progress=None) for i in indicators]
    values = _values_by_round(indicators, [rnd])
    rows = []
    for i in indicators:
        value, as_of, basis, narrative, suppressed = values.get((i.pk, rnd.pk), (None, None, None, "", False))
        target = target_for(list(i.targets.all()), rnd.period_end.year)
        status, ratio = status_of(i, value, target)
        rows.append(
            ProgressRow(
                indicator=i,
                value=value,
                target=target,
                status=status,
                progress=ratio,
                as_of=as_of,
                basis=basis,
                narrative=narrative,
                suppressed=suppressed,
            )
        )
    return rows


def summaries(rows: list[ProgressRow]) -> tuple[list[Summary], list[Summary]]:
    pillars: dict[int, Summary] = {}
    institutions: dict[int, Summary] = {}
    for row in rows:
        pillar = row.indicator.objective.pillar
        pillars.setdefault(pillar.pk, Summary(key=pillar, label=pillar.name)).counts[row.status] += 1
        inst: Institution = row.indicator.responsible
        institutions.setdefault(inst.pk, Summary(key=inst, label=inst.name)).counts[row.status] += 1
    return list(pillars.values()), sorted(institutions.values(), key=lambda s: s.label)


@dataclass
class Trend:
    indicator: Indicator
    points: list[tuple[ReportingRound, Decimal | None, Decimal | None]]


def trends(*, actor: Actor, strategy: Strategy) -> list[Trend]:
    """Each indicator's value and target over the strategy's rounds, oldest first."""
    indicators = indicators_in_reach(actor, strategy)
    rounds = list(strategy.rounds.order_by("period_end", "pk"))
    values = _values_by_round(indicators, rounds)
    return [
        Trend(
            indicator=i,
            points=[
                (r, values.get((i.pk, r.pk), (None,))[0], target_for(list(i.targets.all()), r.period_end.year))
                for r in rounds
            ],
        )
        for i in indicators
    ]


def latest_values(strategy: Strategy) -> dict[int, tuple[Decimal, int]]:
    """Each indicator's most recent known value and its year, for drafting the next strategy."""
    indicators = list(strategy.indicators.all())
    rounds = list(strategy.rounds.order_by("period_end", "pk"))
    values = _values_by_round(indicators, rounds)
    out: dict[int, tuple[Decimal, int]] = {}
    for r in rounds:
        for i in indicators:
            v = values.get((i.pk, r.pk), (None,))[0]
            if v is not None:
                out[i.pk] = (v, r.period_end.year)
    return out


def is_computed(indicator: Indicator) -> bool:
    return indicator.kind == IndicatorKind.COMPUTED
