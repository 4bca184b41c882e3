"""The review queue through the API: the same selectors, services and policy as the stewards' pages."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from sanad.access.actor import actor_from_request
from sanad.access.policy import Denied, get_for
from sanad.api.writes import idempotent
from sanad.people import review
from sanad.people.merge import MergeRefused, person_merge, person_unmerge
from sanad.people.models import LinkCandidate, LinkStatus, PersonMerge


class LinkCandidateSerializer(serializers.ModelSerializer[LinkCandidate]):
    """Ids, weight, levels and status: a steward opens the persons on the review page (audited)."""

    class Meta:
        model = LinkCandidate
        fields = ["id", "person_a", "person_b", "weight", "reasons", "status", "decided_by", "decided_at"]
        read_only_fields = fields


class DecisionSerializer(serializers.Serializer[Any]):
    same_person = serializers.BooleanField()


class ReasonSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=2000)


class UnmergeSerializer(serializers.Serializer[Any]):
    merge = serializers.IntegerField()
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class PersonMergeSerializer(serializers.ModelSerializer[PersonMerge]):
    """Which record survived, which was folded into it, and when; not what moved (ids of other cases)."""

    class Meta:
        model = PersonMerge
        fields = ["id", "survivor", "duplicate", "merged_at", "unmerged_at"]
        read_only_fields = fields


def _refused(refused: MergeRefused) -> Response:
    return Response({"__all__": [str(refused)]}, status=status.HTTP_400_BAD_REQUEST)


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

    def _mergeable(self, request: Request, pk: str) -> LinkCandidate:
        """The pair, if this user may merge persons and see it; 404 alike for missing and forbidden."""
        try:
            return get_for(
                actor_from_request(request),
                "person.merge",
                LinkCandidate.objects.select_related("person_a", "person_b"),
                pk=int(pk),
            )
        except (Http404, ValueError):
            raise NotFound from None

    @extend_schema(request=ReasonSerializer, responses={201: PersonMergeSerializer})
    @action(detail=True, methods=["post"])
    def merge(self, request: Request, pk: str) -> Response:
        """Merge a confirmed pair (the older record survives), as the review page does. Takes Idempotency-Key."""
        actor = actor_from_request(request)
        candidate = self._mergeable(request, pk)
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)

        def handler() -> Response:
            if candidate.status != LinkStatus.CONFIRMED:
                return Response(
                    {"__all__": [_("Only a pair a steward confirmed as the same person can be merged.")]},
                    status=status.HTTP_400_BAD_REQUEST,
                )
            try:
                merge = person_merge(
                    actor=actor,
                    survivor=candidate.person_a,
                    duplicate=candidate.person_b,
                    reason=serializer.validated_data["reason"],
                )
            except MergeRefused as refused:
                return _refused(refused)
            return Response(PersonMergeSerializer(merge).data, status=status.HTTP_201_CREATED)

        return idempotent(request, actor, handler)

    @extend_schema(request=UnmergeSerializer, responses=PersonMergeSerializer)
    @action(detail=True, methods=["post"])
    def unmerge(self, request: Request, pk: str) -> Response:
        """Undo a merge of this pair: exactly what it moved goes back. Takes Idempotency-Key."""
        actor = actor_from_request(request)
        candidate = self._mergeable(request, pk)
        serializer = UnmergeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        pair = (candidate.person_a_id, candidate.person_b_id)
        merge = PersonMerge.objects.filter(
            pk=serializer.validated_data["merge"], survivor_id__in=pair, duplicate_id__in=pair
        ).first()
        if merge is None:
            raise NotFound

        def handler() -> Response:
            try:
                undone = person_unmerge(actor=actor, merge=merge, reason=serializer.validated_data["reason"])
            except MergeRefused as refused:
                return _refused(refused)
            return Response(PersonMergeSerializer(undone).data)

        return idempotent(request, actor, handler)
