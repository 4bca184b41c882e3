"""Statistics pages: the dashboards (national, per governorate, per institution), chart images and
table downloads, the counting rules, the indicators' definitions and the report packs. They read
fact tables only, through ``indicators.compute``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from sanad.access.actor import Actor, actor_from_request
from sanad.access.policy import can, require
from sanad.cases.views import denied_as_403
from sanad.institutions.models import AreaLevel, Governorate, Institution
from sanad.statistics import charts, exports
from sanad.statistics.dashboard import (
    FILTER_DIMS,
    PANEL_BY_KEY,
    PANELS,
    FilterForm,
    PanelResult,
    headline_results,
    panel_result,
    prefetch_dashboard,
)
from sanad.statistics.indicators import DIMENSIONS, INDICATORS, settings_for
from sanad.statistics.labels import label_map
from sanad.statistics.memo import memoised


def memoised_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> HttpResponse:
        with memoised():
            return view(*args, **kwargs)

    return wrapped


def country_id_of(actor: Actor) -> int:
    if actor.membership is None:
        raise Http404
    return int(actor.membership.unit.institution.country_id)


def _scope(country_id: int, kind: str | None, pk: int | None) -> tuple[dict[str, str], Any]:
    if kind is not None and pk is None:
        raise Http404
    if kind == "governorate":
        area = Governorate.objects.filter(country_id=country_id, level=AreaLevel.GOVERNORATE, pk=pk or 0).first()
        if area is None:
            raise Http404
        return {"governorate": str(area.pk)}, area
    if kind == "institution":
        institution = Institution.objects.filter(country_id=country_id, pk=pk or 0).first()
        if institution is None:
            raise Http404
        return {"institution": str(institution.pk)}, institution
    return {}, None


def _form(request: HttpRequest, country_id: int, fixed: dict[str, str]) -> FilterForm:
    data = request.GET.copy()
    data.setdefault("year", str(timezone.localdate().year))
    return FilterForm(data, country_id=country_id, fixed=fixed)


def _context_lines(form: FilterForm, country_id: int, scope_obj: Any) -> list[str]:
    start, end = form.period()
    lines = [_("Period: %(start)s to %(end)s") % {"start": start.isoformat(), "end": end.isoformat()}]
    if scope_obj is not None:
        lines.append(str(scope_obj.name))
    for dim, values in form.filters().items():
        labels = label_map(dim, country_id)
        lines.append(f"{DIMENSIONS[dim].label}: {', '.join(labels.get(v, v) for v in values)}")
    return lines


def _panel_items(pr: PanelResult) -> list[tuple[str, float | None]]:
    result = pr.result
    if result is None:
        return []
    t = result.table
    if result.indicator.is_count:
        return [(pr.row_labels.get(k, k), c.value) for k, c in zip(t.row_keys, t.row_totals, strict=True)]
    return [(pr.row_labels.get(k, k), result.values[k].value) for k in t.row_keys if k in result.values]


def _svg(pr: PanelResult) -> str:
    if pr.result is None:
        return ""
    return charts.bar_chart(
        str(pr.panel.title),
        _panel_items(pr),
        rule=pr.result.rule.text(),
        columns=pr.panel.chart == "columns",
        suffix=str(pr.result.indicator.suffix) if pr.result.indicator.suffix == "%" else "",
    )


@login_required
@denied_as_403
@memoised_view
def dashboard(request: HttpRequest, kind: str | None = None, pk: int | None = None) -> HttpResponse:
    actor = actor_from_request(request)
    require(actor, "statistics.view")
    country_id = country_id_of(actor)
    fixed, scope_obj = _scope(country_id, kind, pk)
    form = _form(request, country_id, fixed)
    context: dict[str, Any] = {"form": form, "scope": scope_obj, "kind": kind or "national", "scope_pk": pk}
    if not form.is_valid():
        return render(request, "statistics/dashboard.html", context, status=400)
    start, end = form.period()
    filters = form.filters()
    prefetch_dashboard(country_id=country_id, start=start, end=end, filters=filters)
    panels = []
    for panel in PANELS:
        pr = panel_result(panel, country_id=country_id, start=start, end=end, filters=filters)
        table = (
            exports.table_of(str(panel.title), pr.result, pr.row_labels, pr.col_labels) if pr.result else None
        )
        panels.append({"pr": pr, "table": table, "svg": _svg(pr) if pr.result else ""})
    rule, _consent = settings_for(country_id)
    context.update(
        {
            "panels": panels,
            "headlines": [(INDICATORS[code], r) for code, r in headline_results(
                country_id=country_id, start=start, end=end, filters=filters
            )],
            "rule": rule.text(),
            "start": start,
            "end": end,
            "query": request.GET.urlencode(),
            "governorates": Governorate.objects.filter(country_id=country_id, level=AreaLevel.GOVERNORATE),
            "context_lines": _context_lines(form, country_id, scope_obj),
        }
    )
    return render(request, "statistics/dashboard.html", context)


def _download(data: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
@denied_as_403
@memoised_view
def panel_download(
    request: HttpRequest, key: str, fmt: str, kind: str | None = None, pk: int | None = None
) -> HttpResponse:
    actor = actor_from_request(request)
    require(actor, "statistics.export")
    country_id = country_id_of(actor)
    fixed, scope_obj = _scope(country_id, kind, pk)
    form = _form(request, country_id, fixed)
    if not form.is_valid():
        return HttpResponse(_("The filters are not valid."), status=400, content_type="text/plain; charset=utf-8")
    start, end = form.period()
    filters = form.filters()
    lines = _context_lines(form, country_id, scope_obj)
    if key == "all":
        prefetch_dashboard(country_id=country_id, start=start, end=end, filters=filters)
        results = [panel_result(p, country_id=country_id, start=start, end=end, filters=filters) for p in PANELS]
        tables = [
            exports.table_of(str(pr.panel.title), pr.result, pr.row_labels, pr.col_labels, context=lines)
            for pr in results
            if pr.result is not None
        ]
    else:
        panel = PANEL_BY_KEY.get(key)
        if panel is None:
            raise Http404
        pr = panel_result(panel, country_id=country_id, start=start, end=end, filters=filters)
        if pr.result is None:
            raise Http404
        if fmt == "svg":
            return _download(_svg(pr).encode("utf-8"), f"{key}-{start}-{end}.svg", "image/svg+xml")
        tables = [exports.table_of(str(panel.title), pr.result, pr.row_labels, pr.col_labels, context=lines)]
    name = f"statistics-{key}-{start}-{end}"
    if fmt == "csv":
        return _download(exports.to_csv(tables), f"{name}.csv", "text/csv; charset=utf-8")
    if fmt == "xlsx":
        return _download(exports.to_xlsx([(_("Statistics"), tables)]), f"{name}.xlsx", XLSX)
    raise Http404


@login_required
@denied_as_403
def counting_rules(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    require(actor, "statistics.definitions")
    rule, consent = settings_for(country_id_of(actor))
    return render(
        request,
        "statistics/counting_rules.html",
        {"rule": rule, "rule_text": rule.text(), "consent_required": consent, "indicators": INDICATORS.values()},
    )


@login_required
@denied_as_403
def indicator_list(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    require(actor, "statistics.definitions")
    return render(request, "statistics/indicator_list.html", {"indicators": INDICATORS.values()})


@login_required
@denied_as_403
def indicator_detail(request: HttpRequest, code: str) -> HttpResponse:
    actor = actor_from_request(request)
    require(actor, "statistics.definitions")
    indicator = INDICATORS.get(code)
    if indicator is None:
        raise Http404
    dims = [DIMENSIONS[d] for d in indicator.dimensions]
    return render(
        request,
        "statistics/indicator_detail.html",
        {
            "indicator": indicator,
            "dimensions": dims,
            "filterable": [DIMENSIONS[d] for d in FILTER_DIMS if d in indicator.dimensions],
            "may_view": can(actor, "statistics.view"),
        },
    )


def parse_period(value: str) -> tuple[dt.date, dt.date] | None:
    """"2025" → the year; "2025-Q2" → the quarter."""
    try:
        if "-Q" in value:
            year, q = value.split("-Q")
            first = 3 * (int(q) - 1) + 1
            if not 1 <= int(q) <= 4:
                return None
            end_month = first + 2
            last = (dt.date(int(year) + (end_month // 12), end_month % 12 + 1, 1)) - dt.timedelta(days=1)
            return dt.date(int(year), first, 1), last
        year_int = int(value)
        return dt.date(year_int, 1, 1), dt.date(year_int, 12, 31)
    except ValueError:
        return None
