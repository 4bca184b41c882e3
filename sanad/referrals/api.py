"""Referrals through the API: the same services, selectors and policy as the pages.

Writes accept ``Idempotency-Key`` (the cases' helper). Every change of a referral needs ``If-Match``
with its ETag (its version): missing → 428, stale → 412 with the current version; an action the
referral's state no longer allows (another user accepted it first) → 409 with the current status.
The receiver's view of the case (``case_view``) holds the consented fields only.
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
from sanad.cases import selectors as case_selectors
from sanad.documents.views import pdf_response
from sanad.referrals import selectors, services
from sanad.referrals.form_pdf import export_referral_form
from sanad.referrals.models import ConsentGiver, ConsentMethod, Referral, ReferralKind, SharedField, Urgency


class ConsentSerializer(serializers.Serializer[Any]):
    given_by = serializers.ChoiceField(choices=ConsentGiver.choices)
    method = serializers.ChoiceField(choices=ConsentMethod.choices)
    given_at = serializers.DateTimeField()
    consented_fields = serializers.ListField(child=serializers.ChoiceField(choices=SharedField.choices))
    guardian_name = serializers.CharField(required=False, allow_blank=True, default="")
    signed_form = serializers.IntegerField(required=False, allow_null=True, default=None)


class ReferralWriteSerializer(serializers.Serializer[Any]):
    case = serializers.IntegerField(required=False, allow_null=True, default=None)
    kind = serializers.ChoiceField(choices=ReferralKind.choices)
    to_unit = serializers.IntegerField()
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    reason = serializers.CharField()
    service_codes = serializers.ListField(child=serializers.CharField(), default=list)
    shared_fields = serializers.ListField(child=serializers.ChoiceField(choices=SharedField.choices), default=list)
    consent = ConsentSerializer(required=False, allow_null=True, default=None)
    legal_ground = serializers.CharField(required=False, allow_blank=True, default="")
    legal_ground_reason = serializers.CharField(required=False, allow_blank=True, default="")

    def to_input(self) -> services.ReferralInput:
        d = self.validated_data
        c = d["consent"]
        return services.ReferralInput(
            kind=d["kind"],
            to_unit_id=d["to_unit"],
            urgency=d["urgency"],
            reason=d["reason"],
            service_codes=d["service_codes"],
            shared_fields=d["shared_fields"],
            consent=services.ConsentInput(
                given_by=c["given_by"],
                method=c["method"],
                given_at=c["given_at"],
                fields=c["consented_fields"],
                guardian_name=c["guardian_name"],
                signed_form_id=c["signed_form"],
            )
            if c
            else None,
            legal_ground_code=d["legal_ground"],
            legal_ground_reason=d["legal_ground_reason"],
        )


class DeclineSerializer(serializers.Serializer[Any]):
    reason_code = serializers.CharField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ContactSerializer(serializers.Serializer[Any]):
    at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class DeliverSerializer(serializers.Serializer[Any]):
    service_code = serializers.CharField()
    delivered_on = serializers.DateField()


class CompleteSerializer(serializers.Serializer[Any]):
    outcome_code = serializers.CharField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class LinkCaseSerializer(serializers.Serializer[Any]):
    case = serializers.IntegerField()


class WithdrawSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField()


def referral_data(referral: Referral, actor: Actor, *, full: bool = True) -> dict[str, Any]:
    side = (
        "receiver"
        if referral.to_unit_id == actor.unit_id
        else "sender"
        if referral.from_unit_id == actor.unit_id
        else ""
    )
    data: dict[str, Any] = {
        "id": referral.pk,
        "kind": referral.kind,
        "status": referral.status,
        "urgency": referral.urgency,
        "from_unit": referral.from_unit_id,
        "to_unit": referral.to_unit_id,
        "service_codes": referral.service_codes,
        "shared_fields": referral.shared_fields,
        "sent_at": referral.sent_at.isoformat(),
        "acknowledge_due": referral.acknowledge_due.isoformat() if referral.acknowledge_due else None,
        "first_contact_due": referral.first_contact_due.isoformat() if referral.first_contact_due else None,
        "complete_due": referral.complete_due.isoformat() if referral.complete_due else None,
        "acknowledged_at": referral.acknowledged_at.isoformat() if referral.acknowledged_at else None,
        "first_contact_at": referral.first_contact_at.isoformat() if referral.first_contact_at else None,
        "completed_at": referral.completed_at.isoformat() if referral.completed_at else None,
        "decline_reason_code": referral.decline_reason_code,
        "outcome_code": referral.outcome_code,
        "version": referral.row_version,
    }
    if side == "sender":
        data["case"] = referral.case_id
    if full and side:
        data["reason"] = str(referral.reason)
        data["events"] = [{"at": e.at.isoformat(), "event": e.event, "status": e.status} for e in referral.events.all()]
        data["delivered"] = [
            {"service_code": d.service_code, "delivered_on": d.delivered_on.isoformat()}
            for d in referral.delivered.all()
        ]
    if full and side == "receiver":
        data["case_view"] = selectors.referral_case_view(actor=actor, referral=referral)
    return data


class ReferralViewSet(viewsets.ViewSet):
    @extend_schema(
        parameters=[
            OpenApiParameter("box", str, description="incoming (default), outgoing or all"),
            OpenApiParameter("state", str, description="open (default), all, or one status"),
        ]
    )
    def list(self, request: Request) -> Response:
        actor = actor_from_request(request)
        require_or_forbidden(actor, "referral.list")
        qs = selectors.referral_list(
            actor=actor,
            box=request.query_params.get("box", "incoming"),
            state=request.query_params.get("state", "open"),
        )[:200]
        return Response([referral_data(r, actor, full=False) for r in qs])

    def retrieve(self, request: Request, pk: str) -> Response:
        actor = actor_from_request(request)
        referral = selectors.referral_get(actor=actor, pk=int(pk))
        return with_etag(Response(referral_data(referral, actor)), referral.row_version)

    @extend_schema(request=ReferralWriteSerializer, parameters=[IDEMPOTENCY])
    def create(self, request: Request) -> Response:
        actor = actor_from_request(request)

        def handler() -> Response:
            serializer = ReferralWriteSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            case_id = serializer.validated_data["case"]
            case = case_selectors.case_get(actor=actor, pk=case_id) if case_id else None
            require_or_forbidden(actor, "referral.send" if case else "referral.notify", case)
            try:
                referral = services.referral_send(actor=actor, case=case, data=serializer.to_input())
            except ValidationError as exc:
                return field_errors(exc)
            return with_etag(
                Response(referral_data(referral, actor), status=status.HTTP_201_CREATED), referral.row_version
            )

        return idempotent(request, actor, handler)

    def _change(
        self,
        request: Request,
        pk: str,
        change: Callable[[Actor, Referral, int, dict[str, Any]], Referral | object],
        serializer_class: type[serializers.Serializer[Any]] | None = None,
        action_name: str = "referral.respond",
    ) -> Response:
        actor = actor_from_request(request)
        referral = selectors.referral_get(actor=actor, pk=int(pk))
        require_or_forbidden(actor, action_name, referral)
        expected = if_match(request, noun="referral")
        if isinstance(expected, Response):
            return expected

        def handler() -> Response:
            body: dict[str, Any] = {}
            if serializer_class is not None:
                serializer = serializer_class(data=request.data)
                serializer.is_valid(raise_exception=True)
                body = dict(serializer.validated_data)
            try:
                change(actor, referral, expected, body)
            except ValidationError as exc:
                return field_errors(exc)
            except services.ReferralConflict as exc:
                return Response(
                    {"detail": exc.message, "code": "conflict", "status": exc.status, "current_version": exc.version},
                    status=status.HTTP_409_CONFLICT if exc.version == expected else status.HTTP_412_PRECONDITION_FAILED,
                    headers={"ETag": f'"{exc.version}"'},
                )
            fresh = Referral.objects.get(pk=referral.pk)
            return with_etag(Response(referral_data(fresh, actor)), fresh.row_version)

        return idempotent(request, actor, handler)

    @extend_schema(request=None, parameters=[IF_MATCH, IDEMPOTENCY])
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: str) -> Response:
        return self._change(
            request, pk, lambda a, r, v, b: services.referral_acknowledge(actor=a, referral=r, expected_version=v)
        )

    @extend_schema(request=None, parameters=[IF_MATCH, IDEMPOTENCY])
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str) -> Response:
        return self._change(
            request, pk, lambda a, r, v, b: services.referral_accept(actor=a, referral=r, expected_version=v)
        )

    @extend_schema(request=DeclineSerializer, parameters=[IF_MATCH, IDEMPOTENCY])
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str) -> Response:
        return self._change(
            request,
            pk,
            lambda a, r, v, b: services.referral_decline(
                actor=a, referral=r, reason_code=b["reason_code"], note=b["note"], expected_version=v
            ),
            DeclineSerializer,
        )

    @extend_schema(request=ContactSerializer, parameters=[IF_MATCH, IDEMPOTENCY])
    @action(detail=True, methods=["post"])
    def contact(self, request: Request, pk: str) -> Response:
        return self._change(
            request,
            pk,
            lambda a, r, v, b: services.referral_record_contact(actor=a, referral=r, at=b["at"], expected_version=v),
            ContactSerializer,
        )

    @extend_schema(request=None, parameters=[IF_MATCH, IDEMPOTENCY])
    @action(detail=True, methods=["post"])
    def start(self, request: Request, pk: str) -> Response:
        return self._change(
            request, pk, lambda a, r, v, b: services.referral_start(actor=a, referral=r, expected_version=v)
        )

    @extend_schema(request=DeliverSerializer, parameters=[IF_MATCH, IDEMPOTENCY])
    @action(detail=True, methods=["post"])
    def deliver(self, request: Request, pk: str) -> Response:
        return self._change(
            request,
            pk,
            lambda a, r, v, b: services.referral_deliver_service(
                actor=a, referral=r, service_code=b["service_code"], delivered_on=b["delivered_on"], expected_version=v
            ),
            DeliverSerializer,
        )

    @extend_schema(request=CompleteSerializer, parameters=[IF_MATCH, IDEMPOTENCY])
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str) -> Response:
        return self._change(
            request,
            pk,
            lambda a, r, v, b: services.referral_complete(
                actor=a, referral=r, outcome_code=b["outcome_code"], note=b["note"], expected_version=v
            ),
            CompleteSerializer,
        )

    @extend_schema(request=WithdrawSerializer, parameters=[IF_MATCH, IDEMPOTENCY])
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        return self._change(
            request,
            pk,
            lambda a, r, v, b: services.referral_withdraw(actor=a, referral=r, reason=b["reason"], expected_version=v),
            WithdrawSerializer,
            "referral.withdraw",
        )

    @extend_schema(request=None, parameters=[IF_MATCH, IDEMPOTENCY])
    @action(detail=True, methods=["post"], url_path="withdraw-consent")
    def withdraw_consent(self, request: Request, pk: str) -> Response:
        return self._change(
            request,
            pk,
            lambda a, r, v, b: services.consent_withdraw(actor=a, referral=r),
            None,
            "referral.withdraw_consent",
        )

    @extend_schema(request=LinkCaseSerializer, parameters=[IF_MATCH, IDEMPOTENCY])
    @action(detail=True, methods=["post"], url_path="link-case")
    def link_case(self, request: Request, pk: str) -> Response:
        def link(a: Actor, r: Referral, v: int, b: dict[str, Any]) -> Referral:
            case = case_selectors.case_get(actor=a, pk=b["case"], action="case.edit")
            return services.referral_link_receiver_case(actor=a, referral=r, case=case, expected_version=v)

        return self._change(request, pk, link, LinkCaseSerializer)


class ReferralFormPdfView(APIView):
    """The printable referral form, as the pages give it (no-store, audited, consented scope only)."""

    @extend_schema(responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY)})
    def get(self, request: Request, pk: int) -> HttpResponse:
        actor = actor_from_request(request)
        referral = selectors.referral_get(actor=actor, pk=int(pk), action="referral.print_form")
        data = export_referral_form(actor=actor, referral=referral, language=get_language() or "ar")
        return pdf_response(data, f"RF-{referral.pk}.pdf")
