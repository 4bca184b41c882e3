"""Multi-agency review through the API: the same services, selectors and policy as the pages.

Writes accept ``Idempotency-Key``; changes to a meeting (agenda, outcomes, actions) and to an action
need ``If-Match`` with its ETag (its version), as everywhere in the API (``sanad.api.writes``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from sanad.access.actor import Actor, actor_from_request
from sanad.access.policy import Denied
from sanad.api.access import require_or_forbidden
from sanad.api.writes import IDEMPOTENCY, IF_MATCH, field_errors, idempotent, if_match, stale, with_etag
from sanad.multiagency import selectors, services
from sanad.multiagency.models import AgreedAction, ItemOutcome, ReviewMeeting


class ConveneSerializer(serializers.Serializer[Any]):
    held_on = serializers.DateField()
    institutions = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)


class AgendaAddSerializer(serializers.Serializer[Any]):
    case = serializers.IntegerField()


class DecideSerializer(serializers.Serializer[Any]):
    item = serializers.IntegerField()
    outcome = serializers.ChoiceField(choices=[c for c in ItemOutcome.choices if c[0]])
    reason = serializers.CharField()


class AgreeSerializer(serializers.Serializer[Any]):
    item = serializers.IntegerField()
    description = serializers.CharField()
    institution = serializers.IntegerField()
    user = serializers.IntegerField(required=False, allow_null=True, default=None)
    due_on = serializers.DateField()


def action_data(a: AgreedAction, *, readable: bool) -> dict[str, Any]:
    return {
        "id": a.pk,
        "item": a.item_id,
        "case_number": a.item.case_number,
        # What was agreed is shown to the institutions concerned only (access_rules: marac.action_detail).
        "description": str(a.description) if readable else None,
        "responsible_institution": a.responsible_institution_id,
        "responsible_user": a.responsible_user_id,
        "due_on": a.due_on.isoformat(),
        "status": a.status,
        "overdue": selectors.overdue(a),
        "version": a.row_version,
    }


def meeting_data(actor: Actor, meeting: ReviewMeeting) -> dict[str, Any]:
    return {
        "id": meeting.pk,
        "held_on": meeting.held_on.isoformat(),
        "convening_unit": meeting.convening_unit_id,
        "institutions": sorted(meeting.institutions.values_list("pk", flat=True)),
        "version": meeting.row_version,
        "agenda": [
            {
                "id": row.item.pk,
                "case_number": row.item.case_number,
                "owner_institution": row.item.owner_institution_id,
                "risk_level": row.item.risk_level,
                "outcome": row.item.outcome,
                "outcome_reason": str(row.item.outcome_reason or "") if row.detail else None,
                "actions": [action_data(a, readable=readable) for a, readable in row.actions],
            }
            for row in selectors.agenda(actor=actor, meeting=meeting)
        ],
    }


class ReviewMeetingViewSet(viewsets.ViewSet):
    def list(self, request: Request) -> Response:
        actor = actor_from_request(request)
        require_or_forbidden(actor, "marac.view")
        return Response(
            [
                {
                    "id": m.pk,
                    "held_on": m.held_on.isoformat(),
                    "convening_unit": m.convening_unit_id,
                    "pending": m.pending,  # type: ignore[attr-defined]  # annotated by the selector
                }
                for m in selectors.meeting_list(actor=actor)[:100]
            ]
        )

    def retrieve(self, request: Request, pk: str) -> Response:
        actor = actor_from_request(request)
        meeting = selectors.meeting_get(actor=actor, pk=int(pk))
        return with_etag(Response(meeting_data(actor, meeting)), meeting.row_version)

    @extend_schema(request=ConveneSerializer, parameters=[IDEMPOTENCY])
    def create(self, request: Request) -> Response:
        actor = actor_from_request(request)
        require_or_forbidden(actor, "marac.convene")

        def handler() -> Response:
            serializer = ConveneSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            d = serializer.validated_data
            try:
                meeting = services.meeting_convene(actor=actor, held_on=d["held_on"], institution_ids=d["institutions"])
            except ValidationError as exc:
                return field_errors(exc)
            return with_etag(
                Response(meeting_data(actor, meeting), status=status.HTTP_201_CREATED), meeting.row_version
            )

        return idempotent(request, actor, handler)

    def _change(
        self, request: Request, pk: str, serializer_class: type[serializers.Serializer[Any]], run: Callable[..., Any]
    ) -> Response:
        actor = actor_from_request(request)
        meeting = selectors.meeting_get(actor=actor, pk=int(pk))
        require_or_forbidden(actor, "marac.manage", meeting)
        expected = if_match(request, noun="meeting")
        if isinstance(expected, Response):
            return expected

        def handler() -> Response:
            serializer = serializer_class(data=request.data)
            serializer.is_valid(raise_exception=True)
            try:
                run(actor, meeting, serializer.validated_data, expected)
            except services.StaleVersion as exc:
                return stale(exc.current, noun="meeting")
            except ValidationError as exc:
                return field_errors(exc)
            except Denied:
                raise PermissionDenied from None
            fresh = ReviewMeeting.objects.select_related("convening_unit").get(pk=meeting.pk)
            return with_etag(Response(meeting_data(actor, fresh), status=status.HTTP_201_CREATED), fresh.row_version)

        return idempotent(request, actor, handler)

    @extend_schema(request=AgendaAddSerializer, parameters=[IF_MATCH, IDEMPOTENCY])
    @action(detail=True, methods=["post"])
    def agenda(self, request: Request, pk: str) -> Response:
        return self._change(
            request,
            pk,
            AgendaAddSerializer,
            lambda actor, meeting, d, v: services.agenda_add_case(
                actor=actor, meeting=meeting, case_id=d["case"], expected_version=v
            ),
        )

    @extend_schema(request=DecideSerializer, parameters=[IF_MATCH, IDEMPOTENCY])
    @action(detail=True, methods=["post"])
    def outcomes(self, request: Request, pk: str) -> Response:
        def run(actor: Actor, meeting: ReviewMeeting, d: dict[str, Any], v: int) -> Any:
            item = meeting.items.select_related("meeting").filter(pk=d["item"]).first()
            if item is None:
                raise ValidationError({"item": ["Not an item of this meeting."]})
            return services.item_decide(
                actor=actor, item=item, outcome=d["outcome"], reason=d["reason"], expected_version=v
            )

        return self._change(request, pk, DecideSerializer, run)

    @extend_schema(request=AgreeSerializer, parameters=[IF_MATCH, IDEMPOTENCY])
    @action(detail=True, methods=["post"])
    def actions(self, request: Request, pk: str) -> Response:
        def run(actor: Actor, meeting: ReviewMeeting, d: dict[str, Any], v: int) -> Any:
            item = meeting.items.select_related("meeting").filter(pk=d["item"]).first()
            if item is None:
                raise ValidationError({"item": ["Not an item of this meeting."]})
            return services.action_agree(
                actor=actor,
                item=item,
                description=d["description"],
                institution_id=d["institution"],
                user_id=d["user"],
                due_on=d["due_on"],
                expected_version=v,
            )

        return self._change(request, pk, AgreeSerializer, run)


class AgreedActionViewSet(viewsets.ViewSet):
    """The actions the caller follows (their own, or their institution's for a supervisor), overdue first."""

    def list(self, request: Request) -> Response:
        actor = actor_from_request(request)
        require_or_forbidden(actor, "marac.action_list")
        return Response([action_data(a, readable=True) for a in selectors.my_actions(actor=actor)[:200]])

    def retrieve(self, request: Request, pk: str) -> Response:
        actor = actor_from_request(request)
        a = selectors.action_get(actor=actor, pk=int(pk), action="marac.action_list")
        return with_etag(Response(action_data(a, readable=True)), a.row_version)

    @extend_schema(request=None, parameters=[IF_MATCH, IDEMPOTENCY])
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str) -> Response:
        actor = actor_from_request(request)
        a = selectors.action_get(actor=actor, pk=int(pk))
        expected = if_match(request, noun="meeting")
        if isinstance(expected, Response):
            return expected

        def handler() -> Response:
            try:
                done = services.action_complete(actor=actor, action=a, expected_version=expected)
            except services.StaleVersion as exc:
                return stale(exc.current, noun="meeting")
            return with_etag(Response(action_data(done, readable=True)), done.row_version)

        return idempotent(request, actor, handler)
