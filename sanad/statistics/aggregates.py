"""Pre-aggregated counts for the dashboards (``statistics_aggregate``), exact and kept current.

A year of a million cases' facts is too many rows to group on every page view. The dashboard asks
for a fixed set of breakdowns (its panels and headline figures) over a period of whole months with
at most one filter, so those numbers are stored ahead, per month and per single filter value:

* counts (reports, incidents, cases, cases closed, services, referrals, appeals): one row per
  month × filter value × breakdown cell. Counts of a period are the sum of its months.
* medians and shares: a histogram of the measured column per month × filter value × breakdown key,
  from which the median (``percentile_cont(0.5)``, computed the same way) and the share are exact.
* unique survivors, repeat victimisation and trafficking victims: distinct survivors do not add up
  across months, so these are stored per month, per quarter and per year (the periods the dashboard
  offers), each survivor counted once under her first fact of that period matching the filter,
  exactly as ``indicators.compute`` counts. Another period reads the facts.

Kept current by the refresh job: triggers on every fact table mark the months written
(``statistics_stalemonth``, in the writing transaction); after draining the change queue the job
runs ``refresh_stale``, which recomputes the aggregates of those months (and of their quarters and
years for unique survivors) from the facts and clears the marks, in one transaction. A page
whose period has a stale month, two or more filters, a filter with several values, or a country
counting only consenting survivors reads the facts, as before; so an aggregate never answers for
facts it has not seen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from math import ceil, floor
from typing import Any

from django.db import connection

from sanad.statistics.indicators import DIMENSIONS, INDICATORS, TABLE_DIMS

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
PERIODS = {"M": "{c}", "Q": "date_trunc('quarter', {c})::date", "Y": "date_trunc('year', {c})::date"}
# Writers of aggregates take this transaction lock so two refreshes never interleave.
LOCK_ID = 0x5A4E_AD57


@dataclass(frozen=True)
class Source:
    """One family of aggregates: a fact table, the month column placing a fact in a period, the
    indicator's condition, and what is stored (count, survivors or hist:<column>)."""

    table: str
    period_column: str
    where: str
    kind: str
    sets: tuple[tuple[str, ...], ...]
    repeat: bool = False

    @property
    def name(self) -> str:
        return f"{self.kind}|{self.table}|{self.period_column}|{self.where}"

    @property
    def filter_dims(self) -> tuple[str, ...]:
        return tuple(d for d in FILTER_DIMS if d in TABLE_DIMS[self.table])


def source_key(code: str) -> tuple[str, str, str, str]:
    indicator = INDICATORS[code]
    if indicator.measure in ("count", "rate"):
        kind = "count"
    elif indicator.measure in ("survivors", "repeat"):
        kind = "survivors"
    else:
        kind = "hist:" + indicator.measure.split(":", 1)[1]
    return (indicator.table, indicator.period_column, indicator.where, kind)


@lru_cache(maxsize=1)
def sources() -> tuple[Source, ...]:
    """What the dashboards and report packs ask for: their panels and headline figures."""
    from sanad.statistics.dashboard import HEADLINES, PANELS

    wanted = [(p.indicator, p.by) for p in PANELS] + [(code, ()) for code in HEADLINES]
    found: dict[tuple[str, str, str, str], tuple[list[tuple[str, ...]], bool]] = {}
    for code, by in wanted:
        sets, _repeat = found.setdefault(source_key(code), ([], False))
        if tuple(by) not in sets:
            sets.append(tuple(by))
        if INDICATORS[code].measure == "repeat":
            found[source_key(code)] = (sets, True)
    return tuple(
        Source(table, period_column, where, kind, tuple(sets), repeat)
        for (table, period_column, where, kind), (sets, repeat) in found.items()
    )


def source_for(code: str) -> Source | None:
    key = source_key(code)
    for source in sources():
        if (source.table, source.period_column, source.where, source.kind) == key:
            return source
    return None


# --- Writing ---------------------------------------------------------------------------------------


def _dims_of(source: Source) -> list[str]:
    return sorted({d for s in source.sets for d in s})


def _case(masks: list[tuple[int, str]], default: str = "NULL") -> str:
    if not masks:
        return default
    branches = " ".join(f"WHEN {mask} THEN {value}" for mask, value in masks)
    return f"CASE g {branches} ELSE {default} END"


def _grouped_insert(
    source: Source, *, period: str, inner: str, filter_dim: str | None, value_column: str = ""
) -> str:
    """INSERT the grouping sets of ``source`` over ``inner`` (a subquery with country_id, p, fv and
    d_<dim> columns): ``filter_dim`` None means one statement for every filter (f_<dim> columns)."""
    dims = _dims_of(source)
    fdims = list(source.filter_dims) if filter_dim is None else []
    args = [f"f_{d}" for d in fdims] + [f"d_{d}" for d in dims]
    sets: list[tuple[str | None, tuple[str, ...]]] = []
    for f in [None, *fdims] if filter_dim is None else [None]:
        for s in source.sets:
            sets.append((f, s))
    masks_dim: list[tuple[int, str]] = []
    masks_fdim: list[tuple[int, str]] = []
    masks_fval: list[tuple[int, str]] = []
    masks_k0: list[tuple[int, str]] = []
    masks_k1: list[tuple[int, str]] = []
    grouping_sets = []
    for f, s in sets:
        present = ([f"f_{f}"] if f else []) + [f"d_{d}" for d in s]
        grouping_sets.append("(" + ", ".join(present) + ")")
        mask = sum(1 << (len(args) - 1 - i) for i, a in enumerate(args) if a not in present)
        masks_dim.append((mask, "'" + ",".join(s) + "'"))
        if f:
            masks_fdim.append((mask, f"'{f}'"))
            masks_fval.append((mask, f"f_{f}"))
        if s:
            masks_k0.append((mask, f"d_{s[0]}"))
        if len(s) > 1:
            masks_k1.append((mask, f"d_{s[1]}"))
    grouping = f"GROUPING({', '.join(args)})" if args else "0"
    select_args = ", ".join(args) + ", " if args else ""
    if filter_dim is None:
        fdim_sql, fval_sql = _case(masks_fdim, "''"), _case(masks_fval)
    else:
        fdim_sql, fval_sql = "%(filter_dim)s", "fv"
    k1_sql = "v::text" if value_column else _case(masks_k1)
    fv_group = "" if filter_dim is None else ", fv"
    value_group = ", v" if value_column else ""
    return (
        "INSERT INTO statistics_aggregate "  # noqa: S608 - columns and tables from the registries
        "(country_id, source, period, month, filter_dim, filter_value, dims, k0, k1, n) "
        f"SELECT country_id, %(source)s, '{period}', p, {fdim_sql}, {fval_sql}, {_case(masks_dim, chr(39) * 2)}, "
        f"{_case(masks_k0)}, {k1_sql}, n FROM ("
        f"SELECT country_id, p{fv_group}{value_group}, {grouping} AS g, {select_args}count(*) AS n FROM {inner} "
        f"GROUP BY country_id, p{fv_group}{value_group}, GROUPING SETS ({', '.join(grouping_sets)})) a"
    )


def _columns(source: Source, with_filters: bool) -> str:
    cols = [f"{DIMENSIONS[d].column} AS d_{d}" for d in _dims_of(source)]
    if with_filters:
        cols += [f"{DIMENSIONS[d].column} AS f_{d}" for d in source.filter_dims]
    return "".join(", " + c for c in cols)


def _scope(source: Source, period: str, scoped: bool) -> str:
    column = source.period_column
    clauses = [f"{column} IS NOT NULL"]
    if source.where:
        clauses.append(source.where)
    if scoped:
        clauses.append("country_id = %(country)s")
        clauses.append(f"{column} BETWEEN %(low)s AND %(high)s")
        clauses.append(f"{PERIODS[period].format(c=column)} = ANY(%(periods)s::date[])")
    return " AND ".join(clauses)


def _write_counts(cursor: Any, source: Source, params: dict[str, Any], scoped: bool) -> None:
    value = ""
    where = _scope(source, "M", scoped)
    if source.kind.startswith("hist:"):
        value = source.kind.split(":", 1)[1]
        where += f" AND {value} IS NOT NULL"
    value_col = f", {value}::int AS v" if value else ""
    inner = (
        f"(SELECT country_id, {source.period_column} AS p{value_col}{_columns(source, True)} "  # noqa: S608
        f"FROM {source.table} WHERE {where}) s"
    )
    cursor.execute(
        _grouped_insert(source, period="M", inner=inner, filter_dim=None, value_column=value),
        {**params, "source": source.name},
    )


def _write_survivors(cursor: Any, source: Source, period: str, params: dict[str, Any], scoped: bool) -> None:
    """Per filter: each survivor once per period and filter value, under her first fact of it."""
    column = source.period_column
    p_expr = PERIODS[period].format(c=column)
    tiebreak = ", incident_id" if source.table == "statistics_incidentfact" else ""
    for filter_dim in ("", *source.filter_dims):
        fv = f"{DIMENSIONS[filter_dim].column}" if filter_dim else "NULL::text"
        partition = f"survivor_key, {fv}, {p_expr}" if filter_dim else f"survivor_key, {p_expr}"
        repeat_cols = (
            f", sum(incidents) OVER (PARTITION BY {partition}) AS total, first_month" if source.repeat else ""
        )
        firsts = (
            f"(SELECT * FROM (SELECT country_id, {p_expr} AS p, {fv} AS fv{_columns(source, False)}{repeat_cols}, "  # noqa: S608
            f"row_number() OVER (PARTITION BY {partition} ORDER BY {column}{tiebreak}) AS rn "
            f"FROM {source.table} WHERE survivor_key IS NOT NULL AND {_scope(source, period, scoped)}) r "
            "WHERE rn = 1) s"
        )
        args = {**params, "source": source.name, "filter_dim": filter_dim}
        cursor.execute(_grouped_insert(source, period=period, inner=firsts, filter_dim=filter_dim), args)
        if source.repeat:
            cursor.execute(
                "INSERT INTO statistics_aggregate (country_id, source, period, month, filter_dim, filter_value, "  # noqa: S608
                "dims, k0, k1, n) "
                f"SELECT country_id, %(source)s, '{period}', p, %(filter_dim)s, fv, 'repeat', NULL, NULL, count(*) "
                f"FROM {firsts} WHERE total >= 2 OR first_month < p GROUP BY country_id, p, fv",
                args,
            )


def _write(cursor: Any, *, country: int | None, months: Sequence[dt.date] | None) -> None:
    """Aggregates of ``months`` of ``country`` (and their quarters and years), or of everything."""
    scoped = months is not None
    for period in ("M", "Q", "Y"):
        if months is not None:
            periods = sorted({_period_start(m, period) for m in months})
            params: dict[str, Any] = {
                "country": country,
                "periods": periods,
                "low": periods[0],
                "high": _period_end(periods[-1], period),
            }
            cursor.execute(
                "DELETE FROM statistics_aggregate WHERE country_id = %(country)s AND period = %(period)s "
                "AND month = ANY(%(periods)s::date[])",
                {**params, "period": period},
            )
        else:
            params = {}
        for source in sources():
            if source.kind == "survivors":
                _write_survivors(cursor, source, period, params, scoped)
            elif period == "M":
                _write_counts(cursor, source, params, scoped)


def _period_start(month: dt.date, period: str) -> dt.date:
    if period == "Y":
        return month.replace(month=1, day=1)
    if period == "Q":
        return month.replace(month=3 * ((month.month - 1) // 3) + 1, day=1)
    return month.replace(day=1)


def _period_end(start: dt.date, period: str) -> dt.date:
    months = {"M": 1, "Q": 3, "Y": 12}[period]
    year, month = divmod(start.month - 1 + months, 12)
    return dt.date(start.year + year, month + 1, 1) - dt.timedelta(days=1)


def refresh_stale(cursor: Any) -> int:
    """Recompute the aggregates of every month marked stale; inside the caller's transaction."""
    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_ID])
    # Read, not deleted: a drain writing the same month meanwhile must not wait for this recount.
    cursor.execute("SELECT id, country_id, month, version FROM statistics_stalemonth")
    seen = cursor.fetchall()
    stale: dict[int, set[dt.date]] = {}
    for _id, country, month, _version in seen:
        stale.setdefault(country, set()).add(month)
    for country, months in stale.items():
        _write(cursor, country=country, months=sorted(months))
    # A mark written again since it was read stays: those facts may be newer than this recount.
    for mark_id, _country, _month, version in seen:
        cursor.execute("DELETE FROM statistics_stalemonth WHERE id = %s AND version = %s", [mark_id, version])
    return len(seen)


def rebuild(cursor: Any) -> None:
    """Every aggregate from the facts (after ``rebuild_statistics`` or a bulk load of facts)."""
    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_ID])
    cursor.execute("LOCK TABLE statistics_stalemonth IN EXCLUSIVE MODE")
    cursor.execute("TRUNCATE statistics_aggregate")
    cursor.execute("DELETE FROM statistics_stalemonth")
    _write(cursor, country=None, months=None)
    cursor.execute("ANALYZE statistics_aggregate")


# --- Reading ---------------------------------------------------------------------------------------


@dataclass
class Loaded:
    """The aggregates of one page: (source name, dims) -> [(k0, k1, n)]; ``survivor_period`` is the
    stored period matching the page's (None: unique survivors read the facts)."""

    cells: dict[tuple[str, str], list[tuple[str | None, str | None, int]]]
    survivor_period: str | None


def granularity(start: dt.date, end: dt.date) -> str | None:
    if start.day != 1:
        return None
    for period in ("M", "Q", "Y"):
        if _period_start(start, period) == start and _period_end(start, period) == end:
            return period
    return None


def usable_filter(filters: Mapping[str, Sequence[str]]) -> tuple[str, str] | bool | None:
    """(dim, value) for one single-valued filter, None for no filter, False when not served."""
    chosen = [(d, vs) for d, vs in filters.items() if vs]
    if not chosen:
        return None
    if len(chosen) > 1 or len(chosen[0][1]) != 1 or chosen[0][0] not in FILTER_DIMS:
        return False
    return chosen[0][0], str(chosen[0][1][0])


def load(
    *, country_id: int, start: dt.date, end: dt.date, filters: Mapping[str, Sequence[str]], consent: bool
) -> Loaded | None:
    """The page's aggregates, or None when they cannot answer exactly (read the facts)."""
    chosen = usable_filter(filters)
    if consent or chosen is False or start.day != 1 or end < start:
        return None
    last = _period_end(end.replace(day=1), "M")
    if end != last:
        return None
    with connection.cursor() as cursor:
        # Closures count by the month closed: every month column of the period must be current.
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM statistics_stalemonth WHERE country_id = %s AND month BETWEEN %s AND %s)",
            [country_id, start, end],
        )
        row = cursor.fetchone()
        if row is None or row[0]:
            return None
        period = granularity(start, end)
        filter_sql = "filter_dim = '' AND filter_value IS NULL"
        params: list[Any] = [country_id]
        if chosen:
            filter_sql = "filter_dim = %s AND filter_value = %s"
            params += list(chosen)  # type: ignore[arg-type]
        params += [start, end]
        cursor.execute(
            "SELECT source, dims, k0, k1, sum(n) FROM statistics_aggregate "  # noqa: S608 - fixed text
            f"WHERE country_id = %s AND {filter_sql} AND period = 'M' AND month BETWEEN %s AND %s "
            "GROUP BY source, dims, k0, k1",
            params,
        )
        rows = cursor.fetchall()
    cells: dict[tuple[str, str], list[tuple[str | None, str | None, int]]] = {}
    survivor_names = {s.name for s in sources() if s.kind == "survivors"}
    for source, dims, k0, k1, n in rows:
        cells.setdefault((source, dims), []).append((k0, k1, int(n)))
    if period != "M":
        # Distinct survivors of several months are not the sum of each month's: a quarter or a year
        # reads its own rows, any other span the facts.
        for key in [k for k in cells if k[0] in survivor_names]:
            del cells[key]
        if period in ("Q", "Y"):
            _add_period_rows(cells, country_id, chosen, period, start, survivor_names)
    return Loaded(cells, period)


def _add_period_rows(
    cells: dict[tuple[str, str], list[tuple[str | None, str | None, int]]],
    country_id: int,
    chosen: tuple[str, str] | bool | None,
    period: str,
    start: dt.date,
    names: Iterable[str],
) -> None:
    # Kept apart from the main query's sums: quarter and year rows are read as stored.
    with connection.cursor() as cursor:
        filter_sql = "filter_dim = '' AND filter_value IS NULL"
        params: list[Any] = [country_id, period, start, list(names)]
        if chosen:
            filter_sql = "filter_dim = %s AND filter_value = %s"
            params += list(chosen)  # type: ignore[arg-type]
        cursor.execute(
            "SELECT source, dims, k0, k1, n FROM statistics_aggregate WHERE country_id = %s AND period = %s "  # noqa: S608
            f"AND month = %s AND source = ANY(%s) AND {filter_sql}",
            params,
        )
        for source, dims, k0, k1, n in cursor.fetchall():
            cells.setdefault((source, dims), []).append((k0, k1, int(n)))


def percentile_cont(histogram: dict[int, int], fraction: float) -> float | None:
    """PostgreSQL's percentile_cont over the values a histogram counts (same arithmetic)."""
    total = sum(histogram.values())
    if not total:
        return None
    position = fraction * (total - 1)
    first_row, second_row = floor(position), ceil(position)
    first = second = None
    seen = 0
    for value in sorted(histogram):
        count = histogram[value]
        if first is None and first_row < seen + count:
            first = float(value)
        if second_row < seen + count:
            second = float(value)
            break
        seen += count
    if first is None or second is None:
        raise ValueError("histogram counts changed while read")
    return first + (position - first_row) * (second - first)


def share(histogram: dict[int, int]) -> float | None:
    """avg(column::int) * 100 as PostgreSQL's numeric arithmetic gives it."""
    total = sum(histogram.values())
    if not total:
        return None
    ones = sum(v * c for v, c in histogram.items())
    return float(Decimal(ones) / Decimal(total) * 100)
