from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from sanad.access.actor import actor_from_request
from sanad.notices import selectors, services
from sanad.notices.messages import notice_text
from sanad.notices.models import Notice


class NoticeSerializer(serializers.ModelSerializer[Notice]):
    text = serializers.SerializerMethodField()

    class Meta:
        model = Notice
        fields = ("id", "kind", "recipient", "unit", "object_type", "object_id", "text", "created_at", "read_at")

    def get_text(self, notice: Notice) -> str:
        return notice_text(notice)


class NoticeViewSet(viewsets.ViewSet):
    """The signed-in user's own notices, newest first."""

    @extend_schema(
        responses=NoticeSerializer(many=True),
        parameters=[
            OpenApiParameter("box", str, description="all (default), mine (to the user) or unit (to their unit)"),
            OpenApiParameter("unread", bool),
        ],
    )
    def list(self, request: Request) -> Response:
        actor = actor_from_request(request)
        unread_only = request.query_params.get("unread") in ("1", "true")
        box = request.query_params.get("box", "all")
        notices = selectors.notice_list(actor=actor, unread_only=unread_only, box=box)[:200]
        return Response(NoticeSerializer(notices, many=True).data)

    @extend_schema(
        responses={200: {"type": "object", "properties": {"mine": {"type": "integer"}, "unit": {"type": "integer"}}}}
    )
    @action(detail=False, methods=["get"])
    def unread(self, request: Request) -> Response:
        """Unread notices to the user and to the unit they act for."""
        return Response(selectors.unread_counts(actor=actor_from_request(request)))

    @extend_schema(request=None, responses=NoticeSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str) -> Response:
        actor = actor_from_request(request)
        try:
            notice = selectors.notice_get(actor=actor, pk=int(pk))
        except (Http404, ValueError):
            raise NotFound from None
        services.notices_mark_read(actor=actor, notices=[notice])
        notice.refresh_from_db()
        return Response(NoticeSerializer(notice).data)
