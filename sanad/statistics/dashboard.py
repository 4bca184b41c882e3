"""What a dashboard shows: the filters, the headline figures and the panels (an indicator broken
down by one or two dimensions). Pages, chart images, CSV/XLSX downloads and the report packs read
the same panels, so a download always holds exactly what the page showed."""

from __future__ import annotations

import datetime as dt
from calendar import monthrange
from dataclasses import dataclass, field

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sanad.statistics.indicators import DIMENSIONS, INDICATORS, Result, compute, prefetch
from sanad.statistics.labels import choices, label_map, order_keys

FILTER_DIMS = (
    "governorate",
    "institution",
    "sex",
    "age_group",
    "nationality_group",
    "violence_type",
    "context",
    "relationship",
    "channel",
)


@dataclass(frozen=True)
class Panel:
    key: str
    indicator: str
    by: tuple[str, ...]
    title: str | Promise
    chart: str = "bars"  # bars | columns (a time series)


PANELS: list[Panel] = [
    Panel("type_by_sex", "incidents", ("violence_type", "sex"), _("Incidents by violence type and sex")),
    Panel("gbvims", "incidents", ("gbvims_type",), _("Incidents by GBVIMS type")),
    Panel("iccs", "incidents", ("iccs_code",), _("Incidents by offence (ICCS)")),
    Panel("by_month", "incidents", ("month",), _("Incidents by month reported"), chart="columns"),
    Panel("governorate_rate", "incident_rate", ("governorate",), _("Incidents per 100,000 population by governorate")),
    Panel("context", "incidents", ("context",), _("Incidents by case context")),
    Panel("relationship", "incidents", ("relationship",), _("Incidents by relationship to the perpetrator")),
    Panel("channel", "reports", ("channel",), _("Reports by intake channel")),
    Panel("survivor_age", "survivors", ("age_group",), _("Unique survivors by age group")),
    Panel("nationality", "survivors", ("nationality_group",), _("Unique survivors by nationality group")),
    Panel("risk", "cases", ("risk_level",), _("Cases opened by risk level")),
    Panel("closure", "cases_closed", ("closure_reason",), _("Cases closed by reason")),
    Panel("services", "services", ("service",), _("Services delivered")),
    Panel("referrals_sector", "referrals", ("sector",), _("Referrals by receiving sector")),
    Panel(
        "referral_standard",
        "referral_acknowledged_within",
        ("sector",),
        _("Referrals acknowledged within the standard, by receiving sector"),
    ),
    Panel("appeals", "appeals", ("appeal_status",), _("Social-media and press appeals by how they were answered")),
    # Courts and the electronic links.
    Panel("court_orders", "court_orders", ("order_type",), _("Court orders issued by type")),
    Panel("order_breaches", "protection_order_breaches", ("breach_source",),
          _("Breaches of protection orders by who reported them")),
    Panel("visitation_sessions", "visitation_sessions", ("session_status",), _("Visitation sessions by outcome")),
    Panel("visitation_held", "visitation_sessions_held", ("institution",),
          _("Visitation sessions held, by social centre")),
    Panel("alimony_payments", "alimony_payments", ("month",), _("Alimony payments by the fund, by month"),
          chart="columns"),
    Panel("alimony_delay", "alimony_payment_delay", ("month",), _("Median days alimony payments are late, by month"),
          chart="columns"),
]
PANEL_BY_KEY = {p.key: p for p in PANELS}

HEADLINES = (
    "reports",
    "incidents",
    "cases",
    "survivors",
    "repeat_victimisation",
    "incident_rate",
    "days_to_report",
    "trafficking_victims",
    "days_to_closure",
    "referral_acknowledged_within",
)


class FilterForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=_("Quarter"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Whole year")), (1, "Q1"), (2, "Q2"), (3, "Q3"), (4, "Q4")],
    )
    month = forms.TypedChoiceField(
        label=_("Month"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("All months")), *[(m, f"{m:02d}") for m in range(1, 13)]],
    )

    def __init__(self, data: object, *, country_id: int, fixed: dict[str, str] | None = None) -> None:
        super().__init__(data)  # type: ignore[arg-type]
        self.fixed = fixed or {}
        for dim in FILTER_DIMS:
            if dim in self.fixed:
                continue
            self.fields[dim] = forms.ChoiceField(
                label=str(DIMENSIONS[dim].label),
                required=False,
                choices=[("", _("All")), *choices(dim, country_id)],
            )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        quarter, month = data.get("quarter"), data.get("month")
        if quarter and month and (int(month) - 1) // 3 + 1 != quarter:
            self.add_error("month", _("This month is not in the quarter chosen."))
        return data

    def period(self) -> tuple[dt.date, dt.date]:
        year = self.cleaned_data["year"]
        quarter = self.cleaned_data.get("quarter")
        month = self.cleaned_data.get("month")
        if month:
            return dt.date(year, month, 1), dt.date(year, month, monthrange(year, month)[1])
        if quarter:
            first = 3 * (quarter - 1) + 1
            return dt.date(year, first, 1), dt.date(year, first + 2, monthrange(year, first + 2)[1])
        return dt.date(year, 1, 1), dt.date(year, 12, 31)

    def filters(self) -> dict[str, list[str]]:
        chosen = {dim: [value] for dim, value in self.fixed.items()}
        for dim in FILTER_DIMS:
            value = self.cleaned_data.get(dim)
            if value:
                chosen[dim] = [value]
        return chosen


@dataclass
class PanelResult:
    panel: Panel
    result: Result | None
    # Why the panel is empty: its facts do not carry a dimension being filtered on.
    unavailable: list[str] = field(default_factory=list)
    row_labels: dict[str, str] = field(default_factory=dict)
    col_labels: dict[str, str] = field(default_factory=dict)


def applicable(indicator_code: str, filters: dict[str, list[str]]) -> tuple[dict[str, list[str]], list[str]]:
    dims = INDICATORS[indicator_code].dimensions
    missing = [str(DIMENSIONS[d].label) for d in filters if d not in dims]
    return {d: v for d, v in filters.items() if d in dims}, missing


def panel_result(
    panel: Panel, *, country_id: int, start: dt.date, end: dt.date, filters: dict[str, list[str]]
) -> PanelResult:
    usable, missing = applicable(panel.indicator, filters)
    if missing:
        return PanelResult(panel, None, missing)
    result = compute(
        panel.indicator,
        period_start=start,
        period_end=end,
        filters=usable,
        by=panel.by,
        country_id=country_id,
        order=order_keys,
    )
    rows = label_map(panel.by[0], country_id) if panel.by else {}
    cols = label_map(panel.by[1], country_id) if len(panel.by) > 1 else {}
    return PanelResult(panel, result, [], rows, cols)


def headline_results(
    *, country_id: int, start: dt.date, end: dt.date, filters: dict[str, list[str]]
) -> list[tuple[str, Result | None]]:
    out: list[tuple[str, Result | None]] = []
    for code in HEADLINES:
        usable, missing = applicable(code, filters)
        out.append(
            (
                code,
                None
                if missing
                else compute(code, period_start=start, period_end=end, filters=usable, country_id=country_id),
            )
        )
    return out


def prefetch_dashboard(*, country_id: int, start: dt.date, end: dt.date, filters: dict[str, list[str]]) -> int:
    """Every count the dashboard shows, one query per fact table (inside ``memoised()``)."""
    wanted = [(p.indicator, p.by) for p in PANELS] + [(code, ()) for code in HEADLINES]
    return prefetch(wanted, period_start=start, period_end=end, filters=filters, country_id=country_id)


def label_of(key: str, labels: dict[str, str]) -> str:
    return labels.get(key, key)
