"""Document downloads: generated on demand, never stored, never cached by a browser or proxy."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from sanad.access.actor import actor_from_request
from sanad.cases import selectors
from sanad.cases.views import denied_as_403
from sanad.documents.case_summary import UnknownSection, export_case_summary, parse_sections


def pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@denied_as_403
def case_summary_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_from_request(request)
    case = selectors.case_get(actor=actor, pk=pk, action="case.export_summary")
    try:
        sections = parse_sections(",".join(request.GET.getlist("sections")))
    except UnknownSection as exc:
        return render(
            request,
            "documents/bad_request.html",
            {"message": _("Unknown sections: %(names)s") % {"names": exc}},
            status=400,
        )
    data = export_case_summary(actor=actor, case=case, sections=sections, language=get_language() or "ar")
    return pdf_response(data, f"{case.number}-summary.pdf")
