"""Court orders through the API: the same services, selectors and policy as the pages.

Every write accepts ``Idempotency-Key``; every change of an order needs ``If-Match`` with its ETag
(its version): missing → 428, stale → 412 with the current version. Refused input → 400 with
``{field: [messages]}``. The compliance report is a PDF at ``compliance-reports/<id>.pdf``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import get_language
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from sanad.access.actor import Actor, actor_from_request
from sanad.api.access import require_or_forbidden
from sanad.api.writes import IDEMPOTENCY, IF_MATCH, field_errors, idempotent, if_match, with_etag
from sanad.courts import selectors, services
from sanad.courts.compliance_pdf import export_compliance_report
from sanad.courts.models import Condition, CourtOrder, Frequency, OrderType, Reporter, SessionStatus
from sanad.documents.views import pdf_response


class OrderWriteSerializer(serializers.Serializer[Any]):
    case = serializers.IntegerField()
    order_type = serializers.ChoiceField(choices=OrderType.choices)
    reference = serializers.CharField(allow_blank=True)
    issued_on = serializers.DateField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(required=False, allow_null=True, default=None)
    protected_person = serializers.IntegerField(required=False, allow_null=True, default=None)
    restrained_person = serializers.IntegerField(required=False, allow_null=True, default=None)
    conditions = serializers.ListField(child=serializers.ChoiceField(choices=Condition.choices), default=list)
    distance_metres = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1)
    child = serializers.IntegerField(required=False, allow_null=True, default=None)
    custodial_parent = serializers.IntegerField(required=False, allow_null=True, default=None)
    visiting_parent = serializers.IntegerField(required=False, allow_null=True, default=None)
    centre_unit = serializers.IntegerField(required=False, allow_null=True, default=None)
    supervised = serializers.BooleanField(default=False)
    handover = serializers.CharField(required=False, allow_blank=True, default="")
    weekday = serializers.IntegerField(required=False, allow_null=True, default=None, help_text="0 = Monday")
    session_start = serializers.TimeField(required=False, allow_null=True, default=None)
    session_end = serializers.TimeField(required=False, allow_null=True, default=None)
    session_frequency = serializers.ChoiceField(choices=Frequency.choices, required=False, allow_blank=True, default="")
    obligor = serializers.IntegerField(required=False, allow_null=True, default=None)
    beneficiaries = serializers.ListField(child=serializers.IntegerField(), default=list)
    amount = serializers.DecimalField(max_digits=10, decimal_places=3, required=False, allow_null=True, default=None)
    payment_frequency = serializers.ChoiceField(choices=Frequency.choices, required=False, allow_blank=True, default="")

    def to_input(self) -> services.OrderInput:
        d = self.validated_data
        return services.OrderInput(
            order_type=d["order_type"],
            reference=d["reference"],
            issued_on=d["issued_on"],
            starts_on=d["starts_on"],
            ends_on=d["ends_on"],
            protected_person_id=d["protected_person"],
            restrained_person_id=d["restrained_person"],
            conditions=d["conditions"],
            distance_metres=d["distance_metres"],
            child_id=d["child"],
            custodial_parent_id=d["custodial_parent"],
            visiting_parent_id=d["visiting_parent"],
            centre_unit_id=d["centre_unit"],
            supervised=d["supervised"],
            handover=d["handover"],
            weekday=d["weekday"],
            session_start=d["session_start"],
            session_end=d["session_end"],
            session_frequency=d["session_frequency"],
            obligor_id=d["obligor"],
            beneficiary_ids=d["beneficiaries"],
            amount=d["amount"],
            payment_frequency=d["payment_frequency"],
        )


class VarySerializer(serializers.Serializer[Any]):
    varied_on = serializers.DateField()
    note = serializers.CharField(allow_blank=True)
    amount = serializers.DecimalField(max_digits=10, decimal_places=3, required=False, allow_null=True, default=None)
    ends_on = serializers.DateField(required=False, allow_null=True, default=None)


class RevokeSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(allow_blank=True)


class ReferFundSerializer(serializers.Serializer[Any]):
    fund_unit = serializers.IntegerField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class DecideSerializer(serializers.Serializer[Any]):
    approve = serializers.BooleanField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class SessionSerializer(serializers.Serializer[Any]):
    on = serializers.DateField()
    status = serializers.ChoiceField(choices=[c for c in SessionStatus.choices if c[0] != SessionStatus.SCHEDULED])
    reported_by = serializers.ChoiceField(choices=Reporter.choices, required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")
    wellbeing = serializers.CharField(required=False, allow_blank=True, default="")


class PaymentSerializer(serializers.Serializer[Any]):
    due_on = serializers.DateField()
    paid_on = serializers.DateField()
    amount = serializers.DecimalField(max_digits=10, decimal_places=3)


class RecoverySerializer(serializers.Serializer[Any]):
    recovered_on = serializers.DateField()
    amount = serializers.DecimalField(max_digits=10, decimal_places=3)


class BreachSerializer(serializers.Serializer[Any]):
    occurred_at = serializers.DateTimeField()
    account = serializers.CharField(allow_blank=True)


def _summary(order: CourtOrder) -> dict[str, Any]:
    return {
        "id": order.pk,
        "order_type": order.order_type,
        "status": order.status,
        "reference": order.reference,
        "case_number": order.case.number,
        "court": order.court_unit_id,
        "issued_on": order.issued_on.isoformat(),
        "starts_on": order.starts_on.isoformat(),
        "ends_on": order.ends_on.isoformat() if order.ends_on else None,
        "fund_status": order.fund_status,
        "version": order.row_version,
    }


class CourtOrderViewSet(viewsets.ViewSet):
    @extend_schema(parameters=[OpenApiParameter("type", str, description="protection, visitation or alimony")])
    def list(self, request: Request) -> Response:
        actor = actor_from_request(request)
        require_or_forbidden(actor, "court.order.list")
        qs = selectors.order_list(actor=actor, order_type=request.query_params.get("type", ""))[:200]
        return Response([_summary(o) for o in qs])

    def retrieve(self, request: Request, pk: str) -> Response:
        actor = actor_from_request(request)
        order = selectors.order_get(actor=actor, pk=int(pk))
        return with_etag(Response(selectors.order_view(actor=actor, order=order)), order.row_version)

    @extend_schema(description="Cases referred to the caller's court, with the persons an order may name.")
    @action(detail=False, methods=["get"])
    def cases(self, request: Request) -> Response:
        actor = actor_from_request(request)
        require_or_forbidden(actor, "court.case.list")
        rows = []
        for case in selectors.cases_before_court(actor=actor)[:200]:
            full = selectors.case_for_court(actor=actor, pk=case.pk)
            rows.append(
                {
                    "id": case.pk,
                    "number": case.number,
                    "persons": [{"id": p.pk, "name": p.full_name} for p in services.case_persons(full)],
                }
            )
        return Response(rows)

    @extend_schema(request=OrderWriteSerializer, parameters=[IDEMPOTENCY])
    def create(self, request: Request) -> Response:
        actor = actor_from_request(request)
        require_or_forbidden(actor, "court.case.list")

        def handler() -> Response:
            serializer = OrderWriteSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            case = selectors.case_for_court(actor=actor, pk=serializer.validated_data["case"])
            try:
                order = services.order_record(actor=actor, case=case, data=serializer.to_input())
            except ValidationError as exc:
                return field_errors(exc)
            fresh = selectors.order_get(actor=actor, pk=order.pk, audit=False)
            return with_etag(
                Response(selectors.order_view(actor=actor, order=fresh), status=status.HTTP_201_CREATED),
                fresh.row_version,
            )

        return idempotent(request, actor, handler)

    def _change(
        self,
        request: Request,
        pk: str,
        action_name: str,
        serializer_class: type[serializers.Serializer[Any]] | None,
        change: Callable[[Actor, CourtOrder, int, dict[str, Any]], object],
        created: bool = False,
    ) -> Response:
        actor = actor_from_request(request)
        order = selectors.order_get(actor=actor, pk=int(pk))
        require_or_forbidden(actor, action_name, order)
        expected = if_match(request, noun="order")
        if isinstance(expected, Response):
            return expected

        def handler() -> Response:
            body: dict[str, Any] = {}
            if serializer_class is not None:
                serializer = serializer_class(data=request.data)
                serializer.is_valid(raise_exception=True)
                body = dict(serializer.validated_data)
            try:
                change(actor, order, expected, body)
            except ValidationError as exc:
                return field_errors(exc)
            except services.OrderConflict as exc:
                return Response(
                    {"detail": exc.message, "code": "stale_version", "current_version": exc.version},
                    status=status.HTTP_412_PRECONDITION_FAILED,
                    headers={"ETag": f'"{exc.version}"'},
                )
            fresh = selectors.order_get(actor=actor, pk=order.pk, audit=False)
            return with_etag(
                Response(
                    selectors.order_view(actor=actor, order=fresh),
                    status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
                ),
                fresh.row_version,
            )

        return idempotent(request, actor, handler)

    @extend_schema(request=VarySerializer, parameters=[IF_MATCH, IDEMPOTENCY])
    @action(detail=True, methods=["post"])
    def vary(self, request: Request, pk: str) -> Response:
        return self._change(
            request,
            pk,
            "court.order.change",
            VarySerializer,
            lambda a, o, v, b: services.order_vary(actor=a, order=o, expected_version=v, **b),
        )

    @extend_schema(request=RevokeSerializer, parameters=[IF_MATCH, IDEMPOTENCY])
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, pk: str) -> Response:
        return self._change(
            request,
            pk,
            "court.order.change",
            RevokeSerializer,
            lambda a, o, v, b: services.order_revoke(actor=a, order=o, reason=b["reason"], expected_version=v),
        )

    @extend_schema(request=ReferFundSerializer, parameters=[IF_MATCH, IDEMPOTENCY])
    @action(detail=True, methods=["post"], url_path="refer-to-fund")
    def refer_to_fund(self, request: Request, pk: str) -> Response:
        return self._change(
            request,
            pk,
            "court.order.change",
            ReferFundSerializer,
            lambda a, o, v, b: services.order_refer_to_fund(
                actor=a, order=o, fund_unit_id=b["fund_unit"], note=b["note"], expected_version=v
            ),
        )

    @extend_schema(request=DecideSerializer, parameters=[IF_MATCH, IDEMPOTENCY])
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str) -> Response:
        return self._change(
            request,
            pk,
            "court.fund.act",
            DecideSerializer,
            lambda a, o, v, b: services.fund_decide(
                actor=a, order=o, approve=b["approve"], reason=b["reason"], expected_version=v
            ),
        )

    @extend_schema(request=PaymentSerializer, parameters=[IF_MATCH, IDEMPOTENCY])
    @action(detail=True, methods=["post"])
    def payments(self, request: Request, pk: str) -> Response:
        return self._change(
            request,
            pk,
            "court.fund.act",
            PaymentSerializer,
            lambda a, o, v, b: services.payment_record(actor=a, order=o, expected_version=v, **b),
            created=True,
        )

    @extend_schema(request=RecoverySerializer, parameters=[IF_MATCH, IDEMPOTENCY])
    @action(detail=True, methods=["post"])
    def recoveries(self, request: Request, pk: str) -> Response:
        return self._change(
            request,
            pk,
            "court.fund.act",
            RecoverySerializer,
            lambda a, o, v, b: services.recovery_record(actor=a, order=o, expected_version=v, **b),
            created=True,
        )

    @extend_schema(request=SessionSerializer, parameters=[IF_MATCH, IDEMPOTENCY])
    @action(detail=True, methods=["post"])
    def sessions(self, request: Request, pk: str) -> Response:
        return self._change(
            request,
            pk,
            "court.session.record",
            SessionSerializer,
            lambda a, o, v, b: services.session_record(actor=a, order=o, expected_version=v, **b),
        )

    @extend_schema(request=None, parameters=[IF_MATCH, IDEMPOTENCY])
    @action(detail=True, methods=["post"], url_path="compliance-reports")
    def compliance_reports(self, request: Request, pk: str) -> Response:
        return self._change(
            request,
            pk,
            "court.session.record",
            None,
            lambda a, o, v, b: services.compliance_report_request(actor=a, order=o, expected_version=v),
            created=True,
        )

    @extend_schema(request=BreachSerializer, parameters=[IF_MATCH, IDEMPOTENCY])
    @action(detail=True, methods=["post"])
    def breaches(self, request: Request, pk: str) -> Response:
        return self._change(
            request,
            pk,
            "court.breach.report",
            BreachSerializer,
            lambda a, o, v, b: services.breach_report(actor=a, order=o, expected_version=v, **b),
            created=True,
        )


class ComplianceReportPdfView(APIView):
    """The compliance report as the court receives it: built from the session records, no-store, audited."""

    @extend_schema(responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY)})
    def get(self, request: Request, pk: int) -> HttpResponse:
        actor = actor_from_request(request)
        report = selectors.compliance_report_get(actor=actor, pk=int(pk))
        data = export_compliance_report(actor=actor, report=report, language=get_language() or "ar")
        return pdf_response(data, f"CR-{report.pk}.pdf")
