"""The definitions through the API: read any published version (drafts too for national
administrators), check a coded value, and draft and publish for administrators. The same
services, selectors and policy as the pages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from sanad.access.actor import Actor, actor_from_request
from sanad.access.policy import can
from sanad.api.access import require_or_forbidden
from sanad.taxonomy import selectors, services
from sanad.taxonomy.checks import Problem, VersionRefused
from sanad.taxonomy.coded import bilingual, validate_code
from sanad.taxonomy.models import Code, CodeList, DefinitionVersion, Recode, VersionStatus
from sanad.taxonomy.recoding import recode_map


class CodeSerializer(serializers.ModelSerializer[Code]):
    class Meta:
        model = Code
        fields = [
            "list",
            "code",
            "label_ar",
            "label_en",
            "definition_ar",
            "definition_en",
            "order",
            "active",
            "gbvims_type",
            "iccs_code",
            "age_min",
            "age_max",
            "national",
        ]


class RecodeSerializer(serializers.ModelSerializer[Recode]):
    class Meta:
        model = Recode
        fields = ["list", "from_code", "to_code", "kind"]


class VersionSerializer(serializers.ModelSerializer[DefinitionVersion]):
    country = serializers.CharField(source="country.code", read_only=True)
    recodes_from = serializers.IntegerField(source="recodes_from.number", read_only=True, allow_null=True)

    class Meta:
        model = DefinitionVersion
        fields = ["number", "country", "status", "notes", "recodes_from", "source", "published_at"]


class VersionDetailSerializer(VersionSerializer):
    codes = serializers.SerializerMethodField()
    recodes = serializers.SerializerMethodField()

    class Meta(VersionSerializer.Meta):
        fields = [*VersionSerializer.Meta.fields, "codes", "recodes"]

    @extend_schema(responses=CodeSerializer(many=True))
    def get_codes(self, version: DefinitionVersion) -> list[dict[str, Any]]:
        return list(CodeSerializer(selectors.codes_of(version, self.context.get("list")), many=True).data)

    @extend_schema(responses=RecodeSerializer(many=True))
    def get_recodes(self, version: DefinitionVersion) -> list[dict[str, Any]]:
        return list(RecodeSerializer(selectors.recodes_of(version), many=True).data)


class CodedValueSerializer(serializers.Serializer[Any]):
    """A coded field as another system sends it: the list, the code and the version it was coded
    under (the current version when omitted). Refuses a code its version lacks, in Arabic and English."""

    list = serializers.ChoiceField(choices=CodeList.choices)
    code = serializers.CharField(max_length=60)
    version = serializers.IntegerField(required=False, min_value=1)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        actor: Actor = self.context["actor"]
        try:
            if "version" in attrs:
                version = selectors.version_get(actor=actor, number=attrs["version"])
            else:
                version = selectors.current_version(actor=actor)
        except Http404:
            message = bilingual(_("there is no published version %(number)s"), number=attrs.get("version", "—"))
            raise serializers.ValidationError({"version": [message]}) from None
        try:
            attrs["row"] = validate_code(attrs["list"], attrs["code"], version)
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"code": exc.messages}) from None
        attrs["version"] = version.number
        return attrs


class DraftSerializer(serializers.Serializer[Any]):
    notes = serializers.CharField(required=False, allow_blank=True, default="")


def _problems(problems: list[Problem]) -> dict[str, Any]:
    return {"problems": [{"where": p.where, "ar": p.ar, "en": p.en} for p in problems]}


_LIST = OpenApiParameter("list", str, enum=CodeList.values, description="only the codes of this list")


class DefinitionVersionViewSet(viewsets.ViewSet):
    lookup_field = "number"
    lookup_value_regex = r"\d+"

    def _actor(self, request: Request, action_name: str = "definitions.browse") -> Actor:
        actor = actor_from_request(request)
        require_or_forbidden(actor, action_name)
        return actor

    def _version(self, actor: Actor, number: str) -> DefinitionVersion:
        # A national administrator also reads their drafts; everyone else published versions only.
        action_name = "definitions.manage" if can(actor, "definitions.manage") else "definitions.browse"
        try:
            return selectors.version_get(actor=actor, number=int(number), action=action_name)
        except (Http404, ValueError):
            raise NotFound from None

    def _detail(self, request: Request, version: DefinitionVersion) -> Response:
        code_list = request.query_params.get("list") or None
        return Response(VersionDetailSerializer(version, context={"list": code_list}).data)

    @extend_schema(responses=VersionSerializer(many=True))
    def list(self, request: Request) -> Response:
        actor = self._actor(request)
        qs = selectors.version_list(actor=actor)
        if not can(actor, "definitions.manage"):
            qs = qs.filter(status=VersionStatus.PUBLISHED)
        return Response(VersionSerializer(qs, many=True).data)

    @extend_schema(parameters=[_LIST], responses=VersionDetailSerializer)
    def retrieve(self, request: Request, number: str) -> Response:
        actor = self._actor(request)
        return self._detail(request, self._version(actor, number))

    @extend_schema(parameters=[_LIST], responses=VersionDetailSerializer)
    @action(detail=False, methods=["get"])
    def current(self, request: Request) -> Response:
        """The latest published version, the one new records are coded under."""
        actor = self._actor(request)
        try:
            version = selectors.current_version(actor=actor)
        except Http404:
            raise NotFound from None
        return self._detail(request, version)

    @extend_schema(
        parameters=[OpenApiParameter("from", int, required=True, description="the earlier version's number")],
        responses=inline_serializer(
            "RecodeMap",
            {
                "from_version": serializers.IntegerField(),
                "to_version": serializers.IntegerField(),
                "map": serializers.DictField(child=serializers.DictField(child=serializers.CharField(allow_null=True))),
            },
        ),
    )
    @action(detail=True, methods=["get"], url_path="recode-map")
    def recode_map(self, request: Request, number: str) -> Response:
        """Where each code of an earlier version is counted in this one (null: no counterpart)."""
        actor = self._actor(request)
        newer = self._version(actor, number)
        older = self._version(actor, request.query_params.get("from", ""))
        try:
            mapping = recode_map(older, newer)
        except ValueError:
            raise NotFound from None
        grouped: dict[str, dict[str, str | None]] = {}
        for (code_list, code), target in sorted(mapping.items()):
            grouped.setdefault(code_list, {})[code] = target
        return Response({"from_version": older.number, "to_version": newer.number, "map": grouped})

    @extend_schema(
        request=CodedValueSerializer,
        responses={200: CodeSerializer, 400: inline_serializer("CodeRefused", {"code": serializers.ListField()})},
    )
    @action(detail=False, methods=["post"])
    def check(self, request: Request) -> Response:
        """Check a coded value before sending a record: 200 with the code, or 400 saying why not."""
        actor = self._actor(request)
        serializer = CodedValueSerializer(data=request.data, context={"actor": actor})
        serializer.is_valid(raise_exception=True)
        return Response(
            {**CodeSerializer(serializer.validated_data["row"]).data, "version": serializer.validated_data["version"]}
        )

    @extend_schema(request=DraftSerializer, responses={201: VersionSerializer})
    @action(detail=False, methods=["post"])
    def draft(self, request: Request) -> Response:
        """Start a draft from the current version (national administrators)."""
        actor = self._actor(request, "definitions.manage")
        serializer = DraftSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            version = services.draft_create(actor=actor, notes=serializer.validated_data["notes"])
        except VersionRefused as refused:
            return Response(_problems(refused.problems), status=status.HTTP_409_CONFLICT)
        return Response(VersionSerializer(version).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses={
            200: VersionSerializer,
            400: inline_serializer("VersionRefused", {"problems": serializers.ListField()}),
        },
    )
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, number: str) -> Response:
        """Publish a draft whole, or 400 with every problem in Arabic and English (nothing published)."""
        actor = self._actor(request, "definitions.manage")
        version = self._version(actor, number)
        try:
            version = services.version_publish(actor=actor, version=version)
        except VersionRefused as refused:
            return Response(_problems(refused.problems), status=status.HTTP_400_BAD_REQUEST)
        return Response(VersionSerializer(version).data)
