"""Reports and cases through the API: the same services, selectors and policy as the pages.

Writes accept an ``Idempotency-Key`` header: a replay with the same body gets the first answer
again (nothing is written twice), the same key with another body is refused (422). Changes to a
case require ``If-Match`` with the case's ETag (its version): a stale editor gets 412 and the
current version, never a silent overwrite.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from sanad.access.actor import Actor, actor_from_request
from sanad.access.policy import Denied
from sanad.access.services import ReasonRequired, unseal
from sanad.accounts.models import User
from sanad.api.access import require_or_forbidden
from sanad.api.writes import IDEMPOTENCY, IF_MATCH, field_errors, idempotent, if_match, stale, with_etag
from sanad.cases import selectors, services
from sanad.cases.models import (
    Appeal,
    AppealStatus,
    Case,
    CaseStatus,
    PersonRole,
    PlanKind,
    Platform,
    Report,
    RiskLevel,
)


class IncidentSerializer(serializers.Serializer[Any]):
    occurred_on = serializers.DateField(required=False, allow_null=True, default=None)
    period_start = serializers.DateField(required=False, allow_null=True, default=None)
    period_end = serializers.DateField(required=False, allow_null=True, default=None)
    governorate = serializers.IntegerField(required=False, allow_null=True, default=None)
    location_type_code = serializers.CharField(required=False, allow_blank=True, default="")
    violence_type_codes = serializers.ListField(child=serializers.CharField(), default=list)
    context_code = serializers.CharField(required=False, allow_blank=True, default="")
    relationship_code = serializers.CharField(required=False, allow_blank=True, default="")
    injuries = serializers.BooleanField(default=False)
    weapons = serializers.BooleanField(default=False)
    children_present = serializers.BooleanField(default=False)
    repeated = serializers.BooleanField(default=False)

    @staticmethod
    def to_input(d: dict[str, Any]) -> services.IncidentInput:
        values = dict(d)
        values["governorate_id"] = values.pop("governorate")
        return services.IncidentInput(**values)


class ReportPersonSerializer(serializers.Serializer[Any]):
    person = serializers.IntegerField()
    role = serializers.ChoiceField(choices=PersonRole.choices)


class ReportEditSerializer(serializers.Serializer[Any]):
    """A PATCH of the report's own fields: what is not sent keeps its current value."""

    received_at = serializers.DateTimeField()
    channel_code = serializers.CharField()
    reporter_type_code = serializers.CharField()
    reporter_name = serializers.CharField(allow_blank=True)
    narrative = serializers.CharField(allow_blank=True)
    urgent = serializers.BooleanField()

    @staticmethod
    def current(report: Report) -> dict[str, Any]:
        return {
            "received_at": report.received_at.isoformat(),
            "channel_code": report.channel_code,
            "reporter_type_code": report.reporter_type_code,
            "reporter_name": str(report.reporter_name or ""),
            "narrative": str(report.narrative or ""),
            "urgent": report.urgent,
        }

    def to_edit(self) -> services.ReportEdit:
        return services.ReportEdit(**self.validated_data)


class ReportWriteSerializer(serializers.Serializer[Any]):
    received_at = serializers.DateTimeField()
    channel_code = serializers.CharField()
    reporter_type_code = serializers.CharField()
    reporter_name = serializers.CharField(required=False, allow_blank=True, default="")
    narrative = serializers.CharField(required=False, allow_blank=True, default="")
    urgent = serializers.BooleanField(default=False)
    persons = ReportPersonSerializer(many=True, required=False, default=list)
    incidents = IncidentSerializer(many=True, required=False, default=list)

    def to_input(self) -> services.ReportInput:
        d = self.validated_data
        return services.ReportInput(
            received_at=d["received_at"],
            channel_code=d["channel_code"],
            reporter_type_code=d["reporter_type_code"],
            reporter_name=d["reporter_name"],
            narrative=d["narrative"],
            urgent=d["urgent"],
            persons=[(p["person"], p["role"]) for p in d["persons"]],
            incidents=[IncidentSerializer.to_input(i) for i in d["incidents"]],
        )


def report_data(report: Report) -> dict[str, Any]:
    version = report.definitions_version
    return {
        "id": report.pk,
        "status": report.status,
        "owner_unit": report.owner_unit_id,
        "received_at": report.received_at.isoformat(),
        "definitions_version": version.number if version else None,
        "channel_code": report.channel_code,
        "reporter_type_code": report.reporter_type_code,
        "reporter_name": str(report.reporter_name or ""),
        "narrative": str(report.narrative or ""),
        "urgent": report.urgent,
        "version": report.row_version,
        "case": report.case_id,
        "persons": [{"person": p.person_id, "role": p.role} for p in report.persons.order_by("pk")],
        "incidents": [
            {
                "id": i.pk,
                "occurred_on": i.occurred_on.isoformat() if i.occurred_on else None,
                "period_start": i.period_start.isoformat() if i.period_start else None,
                "period_end": i.period_end.isoformat() if i.period_end else None,
                "governorate": i.governorate_id,
                "location_type_code": i.location_type_code,
                "violence_type_codes": i.violence_type_codes,
                "context_code": i.context_code,
                "relationship_code": i.relationship_code,
                "injuries": i.injuries,
                "weapons": i.weapons,
                "children_present": i.children_present,
                "repeated": i.repeated,
            }
            for i in report.incidents.order_by("pk")
        ],
    }


def case_data(case: Case, *, full: bool = True) -> dict[str, Any]:
    if case.confidentiality == "sealed" and not full:
        return {"id": case.pk, "confidentiality": "sealed", "owner_unit": case.owner_unit_id}
    data: dict[str, Any] = {
        "id": case.pk,
        "number": case.number,
        "status": case.status,
        "owner_unit": case.owner_unit_id,
        "confidentiality": case.confidentiality,
        "survivor": case.survivor_id,
        "assigned_to": case.assigned_to_id,
        "risk_level": case.risk_level,
        "multi_agency_review": case.multi_agency_review,
        "closure_reason_code": case.closure_reason_code,
        "version": case.row_version,
    }
    if full:
        data["reports"] = list(case.reports.order_by("pk").values_list("pk", flat=True))
        data["timeline"] = [
            {"at": e.at.isoformat(), "kind": e.kind, "params": e.params} for e in case.timeline.order_by("at", "pk")
        ]
        data["plan_actions"] = [
            {
                "id": a.pk,
                "plan": a.plan,
                "goal": str(a.goal),
                "action": str(a.action),
                "responsible": a.responsible,
                "due_on": a.due_on.isoformat(),
                "done_at": a.done_at.isoformat() if a.done_at else None,
            }
            for a in case.plan_actions.all()
        ]
        data["services"] = [
            {
                "service_code": sv.service_code,
                "provider": sv.provider_id,
                "delivered_on": sv.delivered_on.isoformat(),
                "outcome_code": sv.outcome_code,
            }
            for sv in case.services.all()
        ]
        data["notes"] = [
            {"text": str(n.text), "written_at": n.written_at.isoformat(), "written_by": n.written_by_id}
            for n in case.notes.all()
        ]
        data["assessments"] = [
            {"at": a.assessed_at.isoformat(), "score": a.score, "computed_level": a.computed_level, "level": a.level}
            for a in case.assessments.order_by("assessed_at", "pk")
        ]
    return data


def report_row(report: Report) -> dict[str, Any]:
    """A report as a list shows it: its own fields, no narrative, persons or incidents (one query
    for the whole list whatever its length)."""
    if report.confidentiality == "sealed":
        return {"id": report.pk, "confidentiality": "sealed", "owner_unit": report.owner_unit_id}
    return {
        "id": report.pk,
        "status": report.status,
        "owner_unit": report.owner_unit_id,
        "received_at": report.received_at.isoformat(),
        "channel_code": report.channel_code,
        "reporter_type_code": report.reporter_type_code,
        "urgent": report.urgent,
        "case": report.case_id,
        "version": report.row_version,
    }


class ReportViewSet(viewsets.ViewSet):
    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, description="only reports in this status"),
            OpenApiParameter("queue", str, description="new: the acting unit's queue of new reports, urgent first"),
        ]
    )
    def list(self, request: Request) -> Response:
        """The reports the user may see, newest first (at most 100), or the unit's queue of new ones."""
        actor = actor_from_request(request)
        require_or_forbidden(actor, "report.list")
        if request.query_params.get("queue") == "new":
            qs = selectors.new_reports(actor=actor)
        else:
            status_ = request.query_params.get("status", "")
            qs = selectors.report_list(actor=actor, status=status_).order_by("-received_at", "-pk")
        return Response([report_row(r) for r in qs[:100]])

    @extend_schema(request=ReportWriteSerializer, parameters=[IDEMPOTENCY])
    def create(self, request: Request) -> Response:
        actor = actor_from_request(request)
        require_or_forbidden(actor, "report.create")

        def handler() -> Response:
            serializer = ReportWriteSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            try:
                report = services.report_register(actor=actor, data=serializer.to_input())
            except ValidationError as exc:
                return field_errors(exc)
            return Response(report_data(report), status=status.HTTP_201_CREATED)

        return idempotent(request, actor, handler)

    def retrieve(self, request: Request, pk: str) -> Response:
        actor = actor_from_request(request)
        report = selectors.report_get(actor=actor, pk=int(pk))
        return with_etag(Response(report_data(report)), report.row_version)

    @extend_schema(request=ReportEditSerializer, parameters=[IF_MATCH, IDEMPOTENCY])
    def partial_update(self, request: Request, pk: str) -> Response:
        """Correct the report's own fields; ``If-Match`` with its ETag (428 without, 412 when stale)."""
        actor = actor_from_request(request)
        report = selectors.report_get(actor=actor, pk=int(pk), action="report.edit")
        expected = if_match(request, noun="report")
        if isinstance(expected, Response):
            return expected

        def handler() -> Response:
            sent = request.data if isinstance(request.data, dict) else {}
            serializer = ReportEditSerializer(data={**ReportEditSerializer.current(report), **sent})
            serializer.is_valid(raise_exception=True)
            try:
                updated = services.report_update(
                    actor=actor, report=report, data=serializer.to_edit(), expected_version=expected
                )
            except services.StaleVersion as exc:
                return stale(exc.current, noun="report")
            except ValidationError as exc:
                return field_errors(exc)
            return with_etag(Response(report_data(updated)), updated.row_version)

        return idempotent(request, actor, handler)

    @extend_schema(request=ReportPersonSerializer, parameters=[IDEMPOTENCY])
    @action(detail=True, methods=["post"])
    def persons(self, request: Request, pk: str) -> Response:
        actor = actor_from_request(request)
        report = selectors.report_get(actor=actor, pk=int(pk), action="report.edit")

        def handler() -> Response:
            serializer = ReportPersonSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            try:
                services.report_add_person(
                    actor=actor,
                    report=report,
                    person_id=serializer.validated_data["person"],
                    role=serializer.validated_data["role"],
                )
            except ValidationError as exc:
                return field_errors(exc)
            return Response(report_data(report), status=status.HTTP_201_CREATED)

        return idempotent(request, actor, handler)

    @extend_schema(request=IncidentSerializer, parameters=[IDEMPOTENCY])
    @action(detail=True, methods=["post"])
    def incidents(self, request: Request, pk: str) -> Response:
        actor = actor_from_request(request)
        report = selectors.report_get(actor=actor, pk=int(pk), action="report.edit")

        def handler() -> Response:
            serializer = IncidentSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            try:
                services.report_add_incident(
                    actor=actor, report=report, data=IncidentSerializer.to_input(serializer.validated_data)
                )
            except ValidationError as exc:
                return field_errors(exc)
            return Response(report_data(report), status=status.HTTP_201_CREATED)

        return idempotent(request, actor, handler)

    @extend_schema(parameters=[IDEMPOTENCY])
    @action(detail=True, methods=["post"], url_path="open-case")
    def open_case(self, request: Request, pk: str) -> Response:
        actor = actor_from_request(request)
        report = selectors.report_get(actor=actor, pk=int(pk))

        def handler() -> Response:
            body = request.data if isinstance(request.data, dict) else {}
            try:
                if body.get("not_a_case"):
                    closed = services.report_close_not_a_case(
                        actor=actor, report=report, reason=str(body.get("reason", ""))
                    )
                    return Response(report_data(closed))
                link_to = body.get("link_to")
                if link_to:
                    case = selectors.case_get(actor=actor, pk=int(link_to), action="case.edit")
                    case = services.case_link_report(actor=actor, report=report, case=case)
                else:
                    case = services.case_open(actor=actor, report=report)
            except ValidationError as exc:
                return field_errors(exc)
            except Denied:
                raise PermissionDenied from None
            return with_etag(Response(case_data(case), status=status.HTTP_201_CREATED), case.row_version)

        return idempotent(request, actor, handler)


class AssessmentSerializer(serializers.Serializer[Any]):
    answers = serializers.DictField(child=serializers.BooleanField())
    level = serializers.ChoiceField(choices=RiskLevel.choices, required=False, allow_blank=True, default="")
    judgement_reason = serializers.CharField(required=False, allow_blank=True, default="")


class AdvanceSerializer(serializers.Serializer[Any]):
    to_status = serializers.ChoiceField(choices=CaseStatus.choices)


class ClosureRequestSerializer(serializers.Serializer[Any]):
    reason_code = serializers.CharField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class DecisionSerializer(serializers.Serializer[Any]):
    decision = serializers.ChoiceField(choices=[("approve", "approve"), ("reject", "reject")])
    note = serializers.CharField(required=False, allow_blank=True, default="")


class AssignSerializer(serializers.Serializer[Any]):
    assigned_to = serializers.IntegerField()


class ReasonSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField()


class UnsealSerializer(serializers.Serializer[Any]):
    # As on the page: the reason goes to the audit trail and to the record's owner and the auditors.
    reason = serializers.CharField(min_length=10, max_length=2000)


class PlanActionSerializer(serializers.Serializer[Any]):
    plan = serializers.ChoiceField(choices=PlanKind.choices)
    goal = serializers.CharField()
    action = serializers.CharField()
    responsible = serializers.CharField(max_length=200)
    due_on = serializers.DateField()


class ServiceDeliveredSerializer(serializers.Serializer[Any]):
    service_code = serializers.CharField()
    provider = serializers.IntegerField()
    delivered_on = serializers.DateField()
    outcome_code = serializers.CharField(required=False, allow_blank=True, default="")


class NoteSerializer(serializers.Serializer[Any]):
    text = serializers.CharField()


class CaseViewSet(viewsets.ViewSet):
    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="case number or survivor's name, any spelling"),
            OpenApiParameter("status", str),
            OpenApiParameter("mine", bool),
            OpenApiParameter("governorate", int, description="id of the owner unit's governorate"),
        ]
    )
    def list(self, request: Request) -> Response:
        actor = actor_from_request(request)
        require_or_forbidden(actor, "case.list")
        qs = selectors.case_list(
            actor=actor,
            search=request.query_params.get("q", ""),
            status=request.query_params.get("status", ""),
            mine=request.query_params.get("mine") in ("1", "true"),
            governorate=int(governorate)
            if (governorate := request.query_params.get("governorate", "")).isdigit()
            else None,
        )[:100]
        return Response([case_data(c, full=False) for c in qs])

    def retrieve(self, request: Request, pk: str) -> Response:
        actor = actor_from_request(request)
        case = selectors.case_get(actor=actor, pk=int(pk))
        return with_etag(Response(case_data(case)), case.row_version)

    def _change(
        self, request: Request, pk: str, serializer_class: type[serializers.Serializer[Any]], run: Callable[..., Any]
    ) -> Response:
        actor = actor_from_request(request)
        case = selectors.case_get(actor=actor, pk=int(pk))
        expected = if_match(request, noun="case")
        if isinstance(expected, Response):
            return expected

        def handler() -> Response:
            serializer = serializer_class(data=request.data)
            serializer.is_valid(raise_exception=True)
            try:
                run(actor, case, serializer.validated_data, expected)
            except services.StaleVersion as exc:
                return stale(exc.current, noun="case")
            except ValidationError as exc:
                return field_errors(exc)
            except Denied:
                raise PermissionDenied from None
            fresh = Case.objects.get(pk=case.pk)
            return with_etag(Response(case_data(fresh)), fresh.row_version)

        return idempotent(request, actor, handler)

    @extend_schema(request=AssessmentSerializer, parameters=[IDEMPOTENCY])
    @action(detail=True, methods=["post"])
    def assessments(self, request: Request, pk: str) -> Response:
        actor = actor_from_request(request)
        case = selectors.case_get(actor=actor, pk=int(pk))

        def handler() -> Response:
            serializer = AssessmentSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            d = serializer.validated_data
            try:
                services.case_assess_risk(
                    actor=actor, case=case, answers=d["answers"], judged_level=d["level"], reason=d["judgement_reason"]
                )
            except ValidationError as exc:
                return field_errors(exc)
            except Denied:
                raise PermissionDenied from None
            fresh = Case.objects.get(pk=case.pk)
            return with_etag(Response(case_data(fresh), status=status.HTTP_201_CREATED), fresh.row_version)

        return idempotent(request, actor, handler)

    @extend_schema(request=AdvanceSerializer, parameters=[IF_MATCH, IDEMPOTENCY])
    @action(detail=True, methods=["post"])
    def advance(self, request: Request, pk: str) -> Response:
        return self._change(
            request,
            pk,
            AdvanceSerializer,
            lambda actor, case, d, v: services.case_advance(
                actor=actor, case=case, to_status=d["to_status"], expected_version=v
            ),
        )

    @extend_schema(request=ClosureRequestSerializer, parameters=[IF_MATCH, IDEMPOTENCY])
    @action(detail=True, methods=["post"], url_path="closure-request")
    def closure_request(self, request: Request, pk: str) -> Response:
        return self._change(
            request,
            pk,
            ClosureRequestSerializer,
            lambda actor, case, d, v: services.case_request_closure(
                actor=actor, case=case, reason_code=d["reason_code"], note=d["note"], expected_version=v
            ),
        )

    @extend_schema(request=DecisionSerializer, parameters=[IF_MATCH, IDEMPOTENCY])
    @action(detail=True, methods=["post"], url_path="closure-decision")
    def closure_decision(self, request: Request, pk: str) -> Response:
        return self._change(
            request,
            pk,
            DecisionSerializer,
            lambda actor, case, d, v: services.case_decide_closure(
                actor=actor, case=case, approve=d["decision"] == "approve", note=d["note"], expected_version=v
            ),
        )

    @extend_schema(request=AssignSerializer, parameters=[IF_MATCH, IDEMPOTENCY])
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str) -> Response:
        def run(actor: Actor, case: Case, d: dict[str, Any], v: int) -> Any:
            user = User.objects.filter(pk=d["assigned_to"], is_active=True).first()
            if user is None:
                raise ValidationError({"assigned_to": ["unknown user"]})
            return services.case_assign(actor=actor, case=case, user=user, expected_version=v)

        return self._change(request, pk, AssignSerializer, run)

    @extend_schema(request=UnsealSerializer, parameters=[IDEMPOTENCY])
    @action(detail=True, methods=["post"])
    def unseal(self, request: Request, pk: str) -> Response:
        """Open a sealed case for a limited time, with a reason (the owner unit's supervisors and the
        auditors are told at once): the same service and policy as the page."""
        actor = actor_from_request(request)
        case = selectors.case_reachable(actor=actor, pk=int(pk))  # a case out of reach is 404 like a missing one

        def handler() -> Response:
            serializer = UnsealSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            try:
                grant = unseal(actor=actor, obj=case, reason=serializer.validated_data["reason"])
            except ReasonRequired:  # only blanks around a short reason get this far
                too_short = str(serializers.CharField.default_error_messages["min_length"]).format(min_length=10)
                return Response({"reason": [too_short]}, status=status.HTTP_400_BAD_REQUEST)
            except Denied:
                raise PermissionDenied from None
            return Response(
                {"case": case.pk, "expires_at": grant.expires_at.isoformat() if grant.expires_at else None},
                status=status.HTTP_201_CREATED,
            )

        return idempotent(request, actor, handler)

    @extend_schema(request=ReasonSerializer, parameters=[IF_MATCH, IDEMPOTENCY])
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str) -> Response:
        return self._change(
            request,
            pk,
            ReasonSerializer,
            lambda actor, case, d, v: services.case_reopen(
                actor=actor, case=case, reason=d["reason"], expected_version=v
            ),
        )

    def _add(
        self, request: Request, pk: str, serializer_class: type[serializers.Serializer[Any]], run: Callable[..., Any]
    ) -> Response:
        """Additions to a case (plan actions, services, notes) need no If-Match: they change nothing
        another editor typed."""
        actor = actor_from_request(request)
        case = selectors.case_get(actor=actor, pk=int(pk))

        def handler() -> Response:
            serializer = serializer_class(data=request.data)
            serializer.is_valid(raise_exception=True)
            try:
                run(actor, case, serializer.validated_data)
            except ValidationError as exc:
                return field_errors(exc)
            except Denied:
                raise PermissionDenied from None
            fresh = Case.objects.get(pk=case.pk)
            return with_etag(Response(case_data(fresh), status=status.HTTP_201_CREATED), fresh.row_version)

        return idempotent(request, actor, handler)

    @extend_schema(request=PlanActionSerializer, parameters=[IDEMPOTENCY])
    @action(detail=True, methods=["post"], url_path="plan-actions")
    def plan_actions(self, request: Request, pk: str) -> Response:
        return self._add(
            request,
            pk,
            PlanActionSerializer,
            lambda actor, case, d: services.case_add_plan_action(actor=actor, case=case, **d),
        )

    @extend_schema(request=ServiceDeliveredSerializer, parameters=[IDEMPOTENCY])
    @action(detail=True, methods=["post"])
    def services(self, request: Request, pk: str) -> Response:
        return self._add(
            request,
            pk,
            ServiceDeliveredSerializer,
            lambda actor, case, d: services.case_record_service(
                actor=actor,
                case=case,
                service_code=d["service_code"],
                provider_id=d["provider"],
                delivered_on=d["delivered_on"],
                outcome_code=d["outcome_code"],
            ),
        )

    @extend_schema(request=NoteSerializer, parameters=[IDEMPOTENCY])
    @action(detail=True, methods=["post"])
    def notes(self, request: Request, pk: str) -> Response:
        return self._add(
            request,
            pk,
            NoteSerializer,
            lambda actor, case, d: services.case_add_note(actor=actor, case=case, text=d["text"]),
        )


class AppealWriteSerializer(serializers.Serializer[Any]):
    platform = serializers.ChoiceField(choices=Platform.choices)
    link = serializers.CharField(max_length=500)
    posted_on = serializers.DateField()
    posted_by = serializers.CharField(max_length=200)
    summary = serializers.CharField()


class TriageSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=AppealStatus.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")


def appeal_data(appeal: Appeal, *, full: bool = True) -> dict[str, Any]:
    if appeal.confidentiality == "sealed" and not full:
        return {"id": appeal.pk, "confidentiality": "sealed", "owner_unit": appeal.owner_unit_id}
    data: dict[str, Any] = {
        "id": appeal.pk,
        "platform": appeal.platform,
        "link": appeal.link,
        "posted_on": appeal.posted_on.isoformat(),
        "posted_by": appeal.posted_by,
        "status": appeal.status,
        "report": appeal.report_id,
        "owner_unit": appeal.owner_unit_id,
    }
    if full:
        data["summary"] = str(appeal.summary)
        data["log"] = [
            {"at": e.at.isoformat(), "status": e.status, "note": str(e.note or ""), "by": e.by_id}
            for e in appeal.log.order_by("at", "pk")
        ]
    return data


class AppealViewSet(viewsets.ViewSet):
    def list(self, request: Request) -> Response:
        actor = actor_from_request(request)
        require_or_forbidden(actor, "appeal.list")
        return Response([appeal_data(a, full=False) for a in selectors.appeal_list(actor=actor)[:100]])

    def retrieve(self, request: Request, pk: str) -> Response:
        actor = actor_from_request(request)
        return Response(appeal_data(selectors.appeal_get(actor=actor, pk=int(pk))))

    @extend_schema(request=AppealWriteSerializer, parameters=[IDEMPOTENCY])
    def create(self, request: Request) -> Response:
        actor = actor_from_request(request)
        require_or_forbidden(actor, "appeal.create")

        def handler() -> Response:
            serializer = AppealWriteSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            try:
                appeal = services.appeal_register(actor=actor, data=services.AppealInput(**serializer.validated_data))
            except ValidationError as exc:
                return field_errors(exc)
            return Response(appeal_data(appeal), status=status.HTTP_201_CREATED)

        return idempotent(request, actor, handler)

    @extend_schema(request=TriageSerializer, parameters=[IDEMPOTENCY])
    @action(detail=True, methods=["post"])
    def triage(self, request: Request, pk: str) -> Response:
        actor = actor_from_request(request)
        appeal = selectors.appeal_get(actor=actor, pk=int(pk))

        def handler() -> Response:
            serializer = TriageSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            try:
                fresh = services.appeal_triage(actor=actor, appeal=appeal, **serializer.validated_data)
            except ValidationError as exc:
                return field_errors(exc)
            except Denied:
                raise PermissionDenied from None
            return Response(appeal_data(fresh))

        return idempotent(request, actor, handler)
