from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from sanad.access.actor import actor_from_request
from sanad.access.policy import Denied, require
from sanad.accounts.stepup import require_recent_auth
from sanad.audit.forms import AuditFilterForm
from sanad.audit.selectors import audit_event_list
from sanad.audit.services import audit_record

EXPORT_COLUMNS = (
    "occurred_at",
    "chain",
    "seq",
    "username",
    "role",
    "institution_id",
    "unit_id",
    "action",
    "object_type",
    "object_id",
    "outcome",
    "reason",
    "ip",
    "user_agent",
    "hash",
)


@login_required
def audit_search(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    try:
        require(actor, "audit.view")
    except Denied:
        return render(request, "403.html", status=403)
    form = AuditFilterForm(request.GET or None)
    filters = form.filters()
    events = audit_event_list(actor=actor, filters=filters)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    audit_record(actor=actor, action="audit.search", details={k: str(v) for k, v in vars(filters).items() if v})
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/search.html", {"form": form, "page": page, "query": query.urlencode()})


class _Echo:
    def write(self, value: str) -> str:
        return value


@login_required
@require_recent_auth()
def audit_export(request: HttpRequest) -> HttpResponseBase:
    actor = actor_from_request(request)
    try:
        require(actor, "audit.export")
    except Denied:
        return render(request, "403.html", status=403)
    form = AuditFilterForm(request.GET or None)
    filters = form.filters()
    audit_record(actor=actor, action="audit.export", details={k: str(v) for k, v in vars(filters).items() if v})
    rows = audit_event_list(actor=actor, filters=filters).values_list(*EXPORT_COLUMNS).iterator(2000)
    writer = csv.writer(_Echo())
    stream = (writer.writerow(r) for r in _with_header(rows))
    response = StreamingHttpResponse(stream, content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="sanad-audit-{stamp}.csv"'
    return response


def _with_header(rows: Iterable[tuple[object, ...]]) -> Iterator[tuple[object, ...]]:
    yield EXPORT_COLUMNS
    yield from rows
