"""The review queue through the API: the same selectors, services and policy as the stewards' pages."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from sanad.access.actor import actor_from_request
from sanad.access.policy import Denied, get_for
from sanad.people import review
from sanad.people.models import LinkCandidate, LinkStatus


class LinkCandidateSerializer(serializers.ModelSerializer[LinkCandidate]):
    """Ids, weight, levels and status: a steward opens the persons on the review page (audited)."""

    class Meta:
        model = LinkCandidate
        fields = ["id", "person_a", "person_b", "weight", "reasons", "status", "decided_by", "decided_at"]
        read_only_fields = fields


class DecisionSerializer(serializers.Serializer[Any]):
    same_person = serializers.BooleanField()


class LinkCandidateViewSet(viewsets.ViewSet):
    @extend_schema(
        parameters=[OpenApiParameter("status", str, enum=LinkStatus.values)],
        responses=LinkCandidateSerializer(many=True),
    )
    def list(self, request: Request) -> Response:
        actor = actor_from_request(request)
        status = request.query_params.get("status", LinkStatus.PENDING)
        try:
            queue = list(review.review_queue(actor=actor, status=status)[:100])
        except Denied:
            raise PermissionDenied from None
        review.audit_queue_page(actor=actor, candidates=queue)
        return Response(LinkCandidateSerializer(queue, many=True).data)

    @extend_schema(responses=LinkCandidateSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        actor = actor_from_request(request)
        try:
            candidate = review.review_candidate_get(actor=actor, pk=int(pk))
        except (Http404, ValueError):
            raise NotFound from None
        return Response(LinkCandidateSerializer(candidate).data)

    @extend_schema(request=DecisionSerializer, responses=LinkCandidateSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str) -> Response:
        actor = actor_from_request(request)
        try:
            candidate = get_for(actor, "linkage.review", LinkCandidate.objects.all(), pk=int(pk))
        except (Http404, ValueError):
            raise NotFound from None
        serializer = DecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        decided = review.link_candidate_decide(
            actor=actor, candidate=candidate, same_person=serializer.validated_data["same_person"]
        )
        return Response(LinkCandidateSerializer(decided).data)
