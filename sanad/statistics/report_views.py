"""The report packs page and its downloads."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from sanad.access.actor import actor_from_request
from sanad.access.policy import require
from sanad.cases.views import denied_as_403
from sanad.statistics import exports, reports
from sanad.statistics.views import XLSX, _download, country_id_of, memoised_view, parse_period


@login_required
@denied_as_403
def report_packs(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    require(actor, "statistics.export")
    this_year = timezone.localdate().year
    periods = []
    for year in range(this_year, this_year - 4, -1):
        periods.append((str(year), _("Year %(year)s") % {"year": year}))
        periods += [(f"{year}-Q{q}", f"{year} Q{q}") for q in (4, 3, 2, 1)]
    return render(request, "statistics/report_packs.html", {"periods": periods})


@login_required
@denied_as_403
@memoised_view
def report_download(request: HttpRequest, period: str, pack: str, fmt: str) -> HttpResponse:
    actor = actor_from_request(request)
    require(actor, "statistics.export")
    bounds = parse_period(period)
    if bounds is None:
        raise Http404
    start, end = bounds
    country_id = country_id_of(actor)
    if pack == "national":
        sheets = reports.national_tables(country_id, start, end)
        title = _("National family-violence statistics, %(period)s") % {"period": period}
    elif pack == "international":
        sheets = reports.international_tables(country_id, start, end)
        title = _("International reporting tables, %(period)s") % {"period": period}
    else:
        raise Http404
    name = f"sanad-{pack}-{period}"
    if fmt == "xlsx":
        return _download(exports.to_xlsx(sheets), f"{name}.xlsx", XLSX)
    if fmt == "pdf":
        data = reports.to_pdf(title, sheets, language=get_language() or "ar")
        return _download(data, f"{name}.pdf", "application/pdf")
    raise Http404
