"""Documents through the API: the same export, policy and audit as the pages."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import get_language
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from sanad.access.actor import actor_from_request
from sanad.cases import selectors
from sanad.documents.case_summary import SECTIONS, UnknownSection, export_case_summary, parse_sections
from sanad.documents.views import pdf_response


class CaseSummaryPdfView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter(
                "sections", str, description=f"comma-separated, any of: {', '.join(SECTIONS)}; all when empty"
            )
        ],
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY), 400: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request, pk: int) -> HttpResponse | Response:
        actor = actor_from_request(request)
        case = selectors.case_get(actor=actor, pk=int(pk), action="case.export_summary")
        try:
            sections = parse_sections(request.query_params.get("sections"))
        except UnknownSection as exc:
            return Response({"sections": [f"Unknown sections: {exc}"]}, status=400)
        data = export_case_summary(actor=actor, case=case, sections=sections, language=get_language() or "ar")
        return pdf_response(data, f"{case.number}-summary.pdf")
