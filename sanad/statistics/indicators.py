"""The indicators: what each counts, over which fact table, by which dimensions, and ``compute``.

``compute(code, period_start=..., period_end=..., filters=..., by=...)`` is the one way to get an
indicator's value; pages, exports, the API and other domains (the national strategy) call it. It
reads fact tables only and returns values already protected (``sanad.statistics.suppression``).

Example (the strategy domain)::

    from sanad.statistics.indicators import compute
    result = compute("incidents", period_start=date(2025, 1, 1), period_end=date(2025, 12, 31),
                     filters={"governorate": [3]}, country_id=bh.pk)
    result.total.value      # None when suppressed; result.total.flag says why
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.db import connection
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanad.statistics.memo import cached, peek
from sanad.statistics.suppression import Cell, ProtectedTable, Rule, protect, round_to

PERIOD_DIMS = ("year", "quarter", "month")


@dataclass(frozen=True)
class Dimension:
    code: str
    label: str | Promise
    column: str
    # Where its labels come from: a code list of the definitions, or a named source (see labels.py).
    source: str


DIMENSIONS: dict[str, Dimension] = {
    d.code: d
    for d in [
        Dimension("year", gettext_lazy("Year"), "to_char(month, 'YYYY')", "period"),
        Dimension("quarter", gettext_lazy("Quarter"), "to_char(month, 'YYYY-\"Q\"Q')", "period"),
        Dimension("month", gettext_lazy("Month"), "to_char(month, 'YYYY-MM')", "period"),
        Dimension("governorate", gettext_lazy("Governorate"), "governorate_id::text", "governorate"),
        Dimension("institution", gettext_lazy("Institution"), "institution_id::text", "institution"),
        Dimension("sector", gettext_lazy("Sector"), "sector_id::text", "sector"),
        Dimension("violence_type", gettext_lazy("Violence type (national)"), "violence_type", "list:violence_type"),
        Dimension("gbvims_type", gettext_lazy("Violence type (GBVIMS)"), "gbvims_type", "gbvims"),
        Dimension("iccs_code", gettext_lazy("Offence (ICCS)"), "iccs_code", "iccs"),
        Dimension("context", gettext_lazy("Case context"), "context", "list:case_context"),
        Dimension("relationship", gettext_lazy("Relationship to the perpetrator"), "relationship", "list:relationship"),
        Dimension("channel", gettext_lazy("Intake channel"), "channel", "list:intake_channel"),
        Dimension("sex", gettext_lazy("Sex"), "sex", "sex"),
        Dimension("age_group", gettext_lazy("Age group"), "age_group", "list:age_group_gbvims"),
        Dimension(
            "nationality_group", gettext_lazy("Nationality group"), "nationality_group", "list:nationality_group"
        ),
        Dimension("risk_level", gettext_lazy("Risk level"), "risk_level", "risk_level"),
        Dimension("closure_reason", gettext_lazy("Closure reason"), "closure_reason", "list:closure_reason"),
        Dimension("service", gettext_lazy("Service"), "service", "list:service"),
        Dimension("urgency", gettext_lazy("Urgency"), "urgency", "urgency"),
        Dimension("platform", gettext_lazy("Platform"), "platform", "platform"),
        Dimension("appeal_status", gettext_lazy("How the appeal was answered"), "status", "appeal_status"),
        Dimension("order_type", gettext_lazy("Type of court order"), "order_type", "order_type"),
        Dimension("order_status", gettext_lazy("Status of the court order"), "status", "order_status"),
        Dimension("session_status", gettext_lazy("Outcome of the visitation session"), "session_status",
                  "session_status"),
        Dimension("breach_source", gettext_lazy("Breach reported by"), "breach_source", "breach_source"),
    ]
}

# The dimensions every fact table carries, then each table's own.
_COMMON = ("year", "quarter", "month", "governorate", "institution", "sector")
_PERSON = ("sex", "age_group", "nationality_group")
TABLE_DIMS: dict[str, tuple[str, ...]] = {
    "statistics_reportfact": (*_COMMON, "channel"),
    "statistics_incidentfact": (
        *_COMMON, *_PERSON, "violence_type", "gbvims_type", "iccs_code", "context", "relationship", "channel",
    ),
    "statistics_survivormonthfact": (*_COMMON, *_PERSON, "violence_type"),
    "statistics_casefact": (
        *_COMMON, *_PERSON, "violence_type", "gbvims_type", "iccs_code", "context", "risk_level", "closure_reason",
    ),
    "statistics_servicefact": (*_COMMON, "service"),
    "statistics_referralfact": (*_COMMON, "urgency"),
    "statistics_appealfact": (*_COMMON, "platform", "appeal_status"),
    "statistics_courtorderfact": (*_COMMON, "order_type", "order_status"),
    "statistics_courteventfact": (*_COMMON, "order_type", "session_status", "breach_source"),
}
PERSON_TABLES = {"statistics_incidentfact", "statistics_survivormonthfact", "statistics_casefact"}


@dataclass(frozen=True)
class Indicator:
    code: str
    title: str | Promise
    unit: str | Promise
    definition: str | Promise
    table: str
    # count | survivors | repeat | rate | median:<column> | share:<column>
    measure: str = "count"
    where: str = ""
    # The month column that places a fact in a period (closures count in the month they close).
    period_column: str = "month"
    suffix: str | Promise = ""

    @property
    def dimensions(self) -> tuple[str, ...]:
        return TABLE_DIMS[self.table]

    @property
    def is_count(self) -> bool:
        return self.measure in ("count", "survivors", "repeat")


_I = Indicator
INDICATORS: dict[str, Indicator] = {
    i.code: i
    for i in [
        _I("reports", gettext_lazy("Reports received"), gettext_lazy("report"),
           gettext_lazy("Complaints and reports received by any institution through any channel, in the month "
                        "received. A report about several incidents counts once."),
           "statistics_reportfact"),
        _I("incidents", gettext_lazy("Incidents"), gettext_lazy("incident"),
           gettext_lazy("Incidents recorded on the reports received in the period, each under its principal "
                        "violence type (the first of its types in the list's order, as GBVIMS counts)."),
           "statistics_incidentfact"),
        _I("cases", gettext_lazy("Cases opened"), gettext_lazy("case"),
           gettext_lazy("Cases opened in the period, under the type and context of their first incident and "
                        "the survivor's sex and age group when the case opened."),
           "statistics_casefact"),
        _I("survivors", gettext_lazy("Unique survivors"), gettext_lazy("survivor (linked identity)"),
           gettext_lazy("Distinct survivors with at least one incident reported in the period, after record "
                        "linkage: a survivor reported by several bodies counts once, under the attributes of her "
                        "first incident of the period."),
           "statistics_survivormonthfact", measure="survivors"),
        _I("repeat_victimisation", gettext_lazy("Repeat victimisation"), gettext_lazy("survivor (linked identity)"),
           gettext_lazy("Unique survivors of the period with two or more incidents in it, or with an incident "
                        "reported before it."),
           "statistics_survivormonthfact", measure="repeat"),
        _I("incident_rate", gettext_lazy("Incidents per 100,000 population"), gettext_lazy("incident"),
           gettext_lazy("Incidents of the period per 100,000 inhabitants of the governorate (population from the "
                        "country pack); not shown where the count is suppressed."),
           "statistics_incidentfact", measure="rate"),
        _I("days_to_report", gettext_lazy("Median days from incident to report"), gettext_lazy("incident"),
           gettext_lazy("Median of the days between the incident (or the end of its approximate period) and the "
                        "report, over incidents reported in the period."),
           "statistics_incidentfact", measure="median:days_to_report", suffix=gettext_lazy("days")),
        _I("trafficking_victims", gettext_lazy("Trafficking victims detected"),
           gettext_lazy("survivor (linked identity)"),
           gettext_lazy("Distinct survivors with an incident in the period that is part of trafficking in persons "
                        "(its context, or a violence type mapped to ICCS 0204)."),
           "statistics_incidentfact", measure="survivors", where="trafficking"),
        _I("services", gettext_lazy("Services delivered"), gettext_lazy("service"),
           gettext_lazy("Services delivered to survivors in the period, by the month delivered and the providing "
                        "institution."),
           "statistics_servicefact"),
        _I("referrals", gettext_lazy("Referrals sent"), gettext_lazy("referral"),
           gettext_lazy("Referrals and mandatory notifications sent in the period, by receiving institution."),
           "statistics_referralfact"),
        _I("referral_acknowledge_minutes", gettext_lazy("Median minutes to acknowledge a referral"),
           gettext_lazy("referral"),
           gettext_lazy("Median time from sending to acknowledgement, over the referrals acknowledged."),
           "statistics_referralfact", measure="median:acknowledge_minutes", suffix=gettext_lazy("minutes")),
        _I("referral_acknowledged_within", gettext_lazy("Referrals acknowledged within the standard"),
           gettext_lazy("referral"),
           gettext_lazy("Share of referrals acknowledged by the deadline of the response standard for the "
                        "receiving sector, over those whose deadline is met or passed."),
           "statistics_referralfact", measure="share:acknowledged_within", suffix="%"),
        _I("referral_contacted_within", gettext_lazy("Referrals with first contact within the standard"),
           gettext_lazy("referral"),
           gettext_lazy("Share of referrals whose first contact with the survivor met the standard's deadline."),
           "statistics_referralfact", measure="share:contacted_within", suffix="%"),
        _I("cases_closed", gettext_lazy("Cases closed"), gettext_lazy("case"),
           gettext_lazy("Cases closed in the period (by the month of closure), by closure reason."),
           "statistics_casefact", where="closed", period_column="closed_month"),
        _I("days_to_closure", gettext_lazy("Median days to closure"), gettext_lazy("case"),
           gettext_lazy("Median days from opening to closure of the cases closed in the period."),
           "statistics_casefact", measure="median:days_to_closure", period_column="closed_month",
           suffix=gettext_lazy("days")),
        _I("appeals", gettext_lazy("Social-media and press appeals"), gettext_lazy("appeal"),
           gettext_lazy("Appeals posted in the period, by how they were answered."), "statistics_appealfact"),
        _I("appeals_answered", gettext_lazy("Appeals answered"), gettext_lazy("appeal"),
           gettext_lazy("Share of the period's appeals that were answered: contact made, a report opened, or "
                        "closed after verification."),
           "statistics_appealfact", measure="share:answered", suffix="%"),
        _I("referral_contact_minutes", gettext_lazy("Median minutes to first contact after a referral"),
           gettext_lazy("referral"),
           gettext_lazy("Median time from sending a referral to the receiving institution's first contact with "
                        "the survivor, over the referrals of the period with a first contact recorded."),
           "statistics_referralfact", measure="median:contact_minutes", suffix=gettext_lazy("minutes")),
        # Court orders and the electronic links (sanad.courts).
        _I("court_orders", gettext_lazy("Court orders issued"), gettext_lazy("court order"),
           gettext_lazy("Protection orders, custody and visitation rulings and alimony judgments issued in the "
                        "period (by the date issued), by issuing court and its governorate, under their current "
                        "status."),
           "statistics_courtorderfact"),
        _I("protection_order_breaches", gettext_lazy("Breaches of protection orders"), gettext_lazy("breach"),
           gettext_lazy("Breaches of protection orders that happened in the period, whenever the order was "
                        "issued, by who reported them (the police, the case worker, a social centre). An order "
                        "breached twice counts twice."),
           "statistics_courteventfact", where="event = 'breach'"),
        _I("visitation_sessions", gettext_lazy("Visitation sessions scheduled"), gettext_lazy("session"),
           gettext_lazy("Sessions of custody and visitation rulings due in the period at a social centre, by "
                        "how they went: held, the visiting parent absent, the child not brought, cancelled, or "
                        "not recorded yet (still scheduled)."),
           "statistics_courteventfact", where="event = 'session'"),
        _I("visitation_sessions_held", gettext_lazy("Visitation sessions held"), gettext_lazy("session"),
           gettext_lazy("Share of the period's visitation sessions that were held, over those held or missed by "
                        "a parent (sessions cancelled or not recorded yet are left out), by social centre."),
           "statistics_courteventfact", measure="share:held", where="event = 'session'", suffix="%"),
        _I("alimony_payments", gettext_lazy("Alimony payments by the fund"), gettext_lazy("payment"),
           gettext_lazy("Payments the alimony fund made to beneficiaries of alimony judgments in the period, by "
                        "the month paid."),
           "statistics_courteventfact", where="event = 'payment'"),
        _I("alimony_payment_delay", gettext_lazy("Median days an alimony payment is late"),
           gettext_lazy("payment"),
           gettext_lazy("Median of the days between a payment's due date and the day the fund paid it (0 when "
                        "paid on time or early), over the payments made in the period."),
           "statistics_courteventfact", measure="median:delay_days", where="event = 'payment'",
           suffix=gettext_lazy("days")),
    ]
}


def _dim_label(code: str) -> str:
    return str(DIMENSIONS[code].label) if code in DIMENSIONS else code


class IndicatorError(ValueError):
    """An unknown indicator, dimension or filter value; the message is for the person who asked."""


@dataclass(frozen=True)
class Value:
    """A median or a share, published only over enough facts (``n`` protected like a count)."""

    value: float | None
    n: Cell

    @property
    def suppressed(self) -> bool:
        return self.value is None


@dataclass
class Result:
    indicator: Indicator
    period_start: dt.date
    period_end: dt.date
    by: tuple[str, ...]
    filters: dict[str, list[str]]
    rule: Rule
    # Counts (and the n behind medians and shares): rows × columns, with totals.
    table: ProtectedTable
    # Medians, shares and rates by row key (and "" for the total); empty for counts.
    values: dict[str, Value] = field(default_factory=dict)

    @property
    def total(self) -> Cell:
        return self.table.total

    @property
    def total_value(self) -> Value | None:
        return self.values.get("")


def settings_for(country_id: int) -> tuple[Rule, bool]:
    return cached(("settings", country_id), lambda: _settings_for(country_id))


def _settings_for(country_id: int) -> tuple[Rule, bool]:
    from sanad.statistics.models import StatisticsSettings

    row = StatisticsSettings.objects.filter(country_id=country_id).first()
    if row is None:
        return Rule(threshold=5), False
    return Rule(threshold=row.threshold, rounding_base=row.rounding_base), row.consent_required


def _where(
    indicator: Indicator,
    country_id: int,
    start: dt.date,
    end: dt.date,
    filters: Mapping[str, Sequence[str]],
    consent: bool,
) -> tuple[str, list[Any]]:
    col = indicator.period_column
    clauses = ["country_id = %s", f"{col} >= %s", f"{col} <= %s"]
    params: list[Any] = [country_id, start.replace(day=1), end]
    if indicator.where:
        clauses.append(indicator.where)
    if consent and indicator.table in PERSON_TABLES:
        clauses.append("consented IS TRUE")
    for dim_code, values in filters.items():
        if not values:
            continue
        dim = DIMENSIONS[dim_code]
        clauses.append(f"{dim.column} = ANY(%s)")
        params.append([str(v) for v in values])
    return " AND ".join(clauses), params


def _fetch(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _counts_sql(indicator: Indicator, keys: list[str], where: str) -> str:
    select = ", ".join(keys) if keys else "''"
    group = " GROUP BY " + ", ".join(str(i + 1) for i in range(len(keys))) if keys else ""
    n = len(keys) or 1
    if indicator.measure in ("survivors", "repeat"):
        order_extra = ", incident_id" if indicator.table == "statistics_incidentfact" else ""
        inner_keys = ", ".join(f"{k} AS k{i}" for i, k in enumerate(keys)) or "'' AS k0"
        repeat = ""
        extra = ""
        if indicator.measure == "repeat":
            extra = ", sum(incidents) OVER (PARTITION BY survivor_key) AS n, first_month"
            repeat = " WHERE s.n >= 2 OR s.first_month < %s"
        outer = ", ".join(f"k{i}" for i in range(n))
        return (
            f"SELECT {outer}, count(*) FROM (SELECT DISTINCT ON (survivor_key) {inner_keys}{extra} "  # noqa: S608
            f"FROM {indicator.table} WHERE {where} AND survivor_key IS NOT NULL "
            f"ORDER BY survivor_key, month{order_extra}) s{repeat} GROUP BY {outer}"
        )
    return f"SELECT {select}, count(*) FROM {indicator.table} WHERE {where}{group}"  # noqa: S608 - registries


def _grid(rows: list[tuple[Any, ...]], nkeys: int) -> tuple[list[str], list[str], list[list[int]]]:
    row_keys: list[str] = []
    col_keys: list[str] = []
    counts: dict[tuple[str, str], int] = {}
    for row in rows:
        r = "" if row[0] is None else str(row[0])
        c = "" if nkeys < 2 or row[1] is None else str(row[1])
        counts[(r, c)] = counts.get((r, c), 0) + int(row[-1])
        if r not in row_keys:
            row_keys.append(r)
        if c not in col_keys:
            col_keys.append(c)
    return row_keys, col_keys, [[counts.get((r, c), 0) for c in col_keys] for r in row_keys]


# Ordering of keys is the labels' order (labels.order_keys); a hook so tests and pages share it.
KeyOrder = Callable[[str, int, list[str]], list[str]]


def _default_order(_dim: str, _country_id: int, keys: list[str]) -> list[str]:
    return sorted(keys)


def compute(
    code: str,
    *,
    period_start: dt.date,
    period_end: dt.date,
    filters: Mapping[str, Sequence[str | int]] | None = None,
    by: Sequence[str] = (),
    country_id: int,
    order: KeyOrder | None = None,
) -> Result:
    """The indicator ``code`` over [period_start, period_end] (whole months), protected.

    ``filters``: dimension → accepted values; ``by``: up to two dimensions (rows, then columns).
    Raises IndicatorError for an unknown indicator, a dimension the indicator lacks, or a bad period.
    """
    indicator = INDICATORS.get(code)
    if indicator is None:
        raise IndicatorError(_("Unknown indicator: %(code)s.") % {"code": code})
    if period_end < period_start:
        raise IndicatorError(_("The period ends before it starts."))
    clean: dict[str, list[str]] = {}
    for dim_code, values in (filters or {}).items():
        if dim_code not in indicator.dimensions:
            raise IndicatorError(
                _("%(indicator)s cannot be filtered by %(dimension)s.")
                % {"indicator": indicator.title, "dimension": _dim_label(dim_code)}
            )
        clean[dim_code] = [str(v) for v in values]
    by = tuple(by)
    if len(by) > 2:
        raise IndicatorError(_("At most two dimensions at a time."))
    for dim_code in by:
        if dim_code not in indicator.dimensions:
            raise IndicatorError(
                _("%(indicator)s cannot be broken down by %(dimension)s.")
                % {"indicator": indicator.title, "dimension": _dim_label(dim_code)}
            )
    if indicator.measure == "rate" and by and by[0] != "governorate":
        raise IndicatorError(_("A rate per population is broken down by governorate only."))
    rule, consent = settings_for(country_id)
    where, params = _where(indicator, country_id, period_start, period_end, clean, consent)
    keys = [DIMENSIONS[d].column for d in by]
    arrange = order or _default_order

    if indicator.measure.startswith(("median:", "share:")):
        return _values(indicator, keys, where, params, by, clean, rule, country_id, arrange, period_start, period_end)

    extra = [period_start.replace(day=1)] if indicator.measure == "repeat" else []
    rows = cached(
        _rows_key(indicator, where, params + extra, keys),
        lambda: _fetch(_counts_sql(indicator, keys, where), params + extra),
    )
    row_keys, col_keys, counts = _grid(rows, len(keys))
    if by:
        ordered_rows = arrange(by[0], country_id, row_keys)
        ordered_cols = arrange(by[1], country_id, col_keys) if len(by) > 1 else col_keys
        counts = [[counts[row_keys.index(r)][col_keys.index(c)] for c in ordered_cols] for r in ordered_rows]
        row_keys, col_keys = ordered_rows, ordered_cols
    if not row_keys:
        row_keys, col_keys, counts = ([], [""], []) if by else ([""], [""], [[0]])
    table = protect(row_keys, col_keys, counts, rule)
    result = Result(indicator, period_start, period_end, by, clean, rule, table)
    if indicator.measure == "rate":
        result.values = _rates(table, by, country_id, rule)
    return result


def _rows_key(indicator: Indicator, where: str, params: list[Any], keys: Sequence[str]) -> tuple[str, ...]:
    kind = "count" if indicator.measure in ("count", "rate") else indicator.measure
    return ("rows", indicator.table, kind, where, repr(params), *keys)


def prefetch(
    requests: Sequence[tuple[str, Sequence[str]]],
    *,
    period_start: dt.date,
    period_end: dt.date,
    filters: Mapping[str, Sequence[str]],
    country_id: int,
) -> int:
    """Inside ``memoised()``: read the counts of many (indicator, by) pairs at once, one query per fact
    table (GROUPING SETS), so a dashboard scans each table once instead of once per panel. The
    ``compute`` calls that follow find their rows ready. Filters an indicator lacks are left out, as
    the dashboard does. Returns how many queries were run."""
    from sanad.statistics import aggregates

    groups: dict[tuple[str, ...], tuple[Indicator, str, list[Any], list[tuple[str, ...]]]] = {}
    _rule, consent = settings_for(country_id)
    loaded = aggregates.load(
        country_id=country_id, start=period_start, end=period_end, filters=filters, consent=consent
    )
    queries = 0 if loaded is None else 1
    for code, by in requests:
        indicator = INDICATORS[code]
        usable = {d: [str(v) for v in vs] for d, vs in filters.items() if d in indicator.dimensions and vs}
        if len(usable) != len([d for d, vs in filters.items() if vs]):
            continue
        where, params = _where(indicator, country_id, period_start, period_end, usable, consent)
        if loaded is not None and _from_aggregates(loaded, indicator, tuple(by), where, params, period_start):
            continue
        if not indicator.is_count and indicator.measure != "rate":
            continue
        if indicator.measure == "repeat":
            params = [*params, period_start.replace(day=1)]
        kind = "count" if indicator.measure in ("count", "rate") else indicator.measure
        group = groups.setdefault((indicator.table, kind, where, repr(params)), (indicator, where, params, []))
        keys = tuple(DIMENSIONS[d].column for d in by)
        if keys not in group[3]:
            group[3].append(keys)
    for indicator, where, params, sets in groups.values():
        columns = sorted({c for keys in sets for c in keys})
        names = {c: f"d{i}" for i, c in enumerate(columns)}
        inner_cols = ", ".join(f"{c} AS {names[c]}" for c in columns) or "1 AS d_none"
        if indicator.measure in ("survivors", "repeat"):
            order_extra = ", incident_id" if indicator.table == "statistics_incidentfact" else ""
            extra = ", sum(incidents) OVER (PARTITION BY survivor_key) AS n, first_month" if (
                indicator.measure == "repeat"
            ) else ""
            source = (
                f"(SELECT DISTINCT ON (survivor_key) {inner_cols}{extra} FROM {indicator.table} "  # noqa: S608
                f"WHERE {where} AND survivor_key IS NOT NULL ORDER BY survivor_key, month{order_extra}) s"
            )
            # For repeat victimisation the period start, the last parameter, is the outer filter's.
            outer_where = " WHERE s.n >= 2 OR s.first_month < %s" if indicator.measure == "repeat" else ""
        else:
            source = f"(SELECT {inner_cols} FROM {indicator.table} WHERE {where}) s"  # noqa: S608
            outer_where = ""
        all_names = [names[c] for c in columns]
        grouping = f"GROUPING({', '.join(all_names)})" if all_names else "0"
        grouping_sets = ", ".join("(" + ", ".join(names[c] for c in keys) + ")" for keys in sets)
        select = ", ".join(all_names) + ", " if all_names else ""
        sql = (
            f"SELECT {select}{grouping}, count(*) FROM {source}{outer_where} "  # noqa: S608
            f"GROUP BY GROUPING SETS ({grouping_sets})"
        )
        rows = _fetch(sql, params)
        by_set: dict[tuple[str, ...], list[tuple[Any, ...]]] = {keys: [] for keys in sets}
        for row in rows:
            mask = int(row[len(columns)]) if columns else 0
            count = row[-1]
            for keys in sets:
                expected = sum(1 << (len(columns) - 1 - i) for i, c in enumerate(columns) if c not in keys)
                if mask == expected:
                    values = tuple(row[columns.index(c)] for c in keys)
                    by_set[keys].append((*values, count) if keys else ("", count))
        for keys, found in by_set.items():
            cached(_rows_key(indicator, where, params, keys), lambda found=found: found)  # type: ignore[misc]
    return len(groups) + queries


def _hist_key(indicator: Indicator, where: str, params: list[Any], keys: Sequence[str]) -> tuple[str, ...]:
    return ("hist", indicator.table, indicator.measure.split(":", 1)[-1], where, repr(params), *keys)


def _from_aggregates(
    loaded: Any, indicator: Indicator, by: tuple[str, ...], where: str, params: list[Any], start: dt.date
) -> bool:
    """Put the rows ``compute`` would read from the facts into the request's memory, from the
    pre-aggregated counts (``sanad.statistics.aggregates``); False when they do not hold them."""
    from sanad.statistics import aggregates

    source = aggregates.source_for(indicator.code)
    if source is None or by not in source.sets:
        return False
    if source.kind == "survivors" and loaded.survivor_period is None:
        return False
    keys = tuple(DIMENSIONS[d].column for d in by)
    dims = "repeat" if indicator.measure == "repeat" else ",".join(by)
    cells = loaded.cells.get((source.name, dims), [])
    if source.kind.startswith("hist:"):
        histograms: dict[str, dict[int, int]] = {}
        for k0, value, n in cells:
            histogram = histograms.setdefault("" if not by or k0 is None else str(k0), {})
            histogram[int(value)] = histogram.get(int(value), 0) + n
        cached(_hist_key(indicator, where, params, keys), lambda: histograms)
        return True
    rows: list[tuple[Any, ...]]
    if not by:
        rows = [("", sum(n for _k0, _k1, n in cells))]
    else:
        rows = [(k0, n) if len(by) == 1 else (k0, k1, n) for k0, k1, n in cells]
    if indicator.measure == "repeat":
        params = [*params, start.replace(day=1)]
    cached(_rows_key(indicator, where, params, keys), lambda: rows)
    return True


def _rates(table: ProtectedTable, by: tuple[str, ...], country_id: int, rule: Rule) -> dict[str, Value]:
    from sanad.institutions.models import AreaLevel, Governorate

    areas = Governorate.objects.filter(country_id=country_id, level=AreaLevel.GOVERNORATE)
    population = {str(g.pk): g.population for g in areas}
    national = sum(p for p in population.values() if p) or None
    out: dict[str, Value] = {}
    pairs = list(zip(table.row_keys, table.row_totals, strict=True)) if by else []
    pairs.append(("", table.total))
    for key, cell in pairs:
        pop = national if key == "" else population.get(key)
        value = None if cell.value is None or not pop else round(cell.value * 100_000 / pop, 1)
        out[key] = Value(value, cell)
    return out


def _values(
    indicator: Indicator,
    keys: list[str],
    where: str,
    params: list[Any],
    by: tuple[str, ...],
    filters: dict[str, list[str]],
    rule: Rule,
    country_id: int,
    arrange: KeyOrder,
    start: dt.date,
    end: dt.date,
) -> Result:
    kind, column = indicator.measure.split(":", 1)
    if len(by) > 1:
        raise IndicatorError(_("A median or a share is broken down by one dimension at a time."))
    aggregate = (
        f"percentile_cont(0.5) WITHIN GROUP (ORDER BY {column})" if kind == "median" else f"avg({column}::int) * 100"
    )
    key = keys[0] if keys else "''"
    # Columns and tables come from the registries above; values are parameters.
    sql = (
        f"SELECT {key}, count({column}), {aggregate} FROM {indicator.table} "  # noqa: S608
        f"WHERE {where} AND {column} IS NOT NULL GROUP BY 1"
    )
    total_sql = (
        f"SELECT count({column}), {aggregate} FROM {indicator.table} "  # noqa: S608
        f"WHERE {where} AND {column} IS NOT NULL"
    )
    histograms = peek(_hist_key(indicator, where, params, keys))
    if histograms is not None:
        rows, total_row = _from_histograms(histograms, kind, bool(keys))
    else:
        rows = _fetch(sql, params) if keys else []
        total_row = _fetch(total_sql, params)[0]
    row_keys = arrange(by[0], country_id, ["" if r[0] is None else str(r[0]) for r in rows]) if by else []
    found = {("" if r[0] is None else str(r[0])): r for r in rows}
    if row_keys:
        table = protect(row_keys, [""], [[int(found[k][1])] for k in row_keys], rule)
    else:
        table = protect([""], [""], [[int(total_row[0])]], rule) if not by else protect([], [""], [], rule)
    values: dict[str, Value] = {}
    for k, cell in zip(table.row_keys, table.row_totals, strict=True):
        if k == "" and not by:
            continue
        raw = found[k][2]
        values[k] = Value(None if cell.suppressed or raw is None else round(float(raw), 1), cell)
    total_cell = table.total
    values[""] = Value(
        None if total_cell.suppressed or total_row[1] is None else round(float(total_row[1]), 1), total_cell
    )
    return Result(indicator, start, end, by, filters, rule, table, values)


def _from_histograms(
    histograms: dict[str, dict[int, int]], kind: str, by: bool
) -> tuple[list[tuple[Any, ...]], tuple[Any, ...]]:
    """The rows and the total row ``_values`` reads from the facts, from pre-aggregated histograms."""
    from sanad.statistics.aggregates import percentile_cont, share

    def measure(histogram: dict[int, int]) -> float | None:
        return percentile_cont(histogram, 0.5) if kind == "median" else share(histogram)

    everything: dict[int, int] = {}
    for histogram in histograms.values():
        for value, n in histogram.items():
            everything[value] = everything.get(value, 0) + n
    rows = [(k, sum(h.values()), measure(h)) for k, h in histograms.items() if sum(h.values())] if by else []
    return rows, (sum(everything.values()), measure(everything))


@lru_cache(maxsize=1)
def indicator_codes() -> tuple[str, ...]:
    return tuple(INDICATORS)


__all__ = ["DIMENSIONS", "INDICATORS", "IndicatorError", "Result", "Value", "compute", "round_to"]
