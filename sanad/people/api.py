"""The people registry through the API: the same services, selectors and policy as the pages."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from sanad.access.actor import actor_from_request
from sanad.api.access import require_or_forbidden
from sanad.people import selectors, services
from sanad.people.models import DocumentKind, Person, Sex


class PersonSerializer(serializers.ModelSerializer[Person]):
    owner_unit = serializers.IntegerField(source="owner_unit_id", read_only=True)
    phones = serializers.CharField(read_only=True, allow_null=True)
    address = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = Person
        fields = ["id", *services.CHANGED_FIELDS, "confidentiality", "owner_unit"]


class PersonListSerializer(serializers.ModelSerializer[Person]):
    """Listing never carries phones or addresses, and a sealed record carries only its id and owner."""

    owner_unit = serializers.IntegerField(source="owner_unit_id", read_only=True)

    class Meta:
        model = Person
        fields = [
            "id",
            "first_name",
            "family_name",
            "latin_name",
            "sex",
            "date_of_birth",
            "confidentiality",
            "owner_unit",
        ]

    def to_representation(self, instance: Person) -> dict[str, Any]:
        if instance.confidentiality == "sealed":
            return {"id": instance.pk, "confidentiality": "sealed", "owner_unit": instance.owner_unit_id}
        return super().to_representation(instance)


class PersonWriteSerializer(serializers.Serializer[Any]):
    first_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    father_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    grandfather_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    family_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    latin_name = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    sex = serializers.ChoiceField(choices=Sex.choices, default=Sex.UNKNOWN)
    date_of_birth = serializers.DateField(required=False, allow_null=True, default=None)
    dob_is_estimated = serializers.BooleanField(default=False)
    nationality = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    phones = serializers.CharField(required=False, allow_blank=True, default="")
    address = serializers.CharField(required=False, allow_blank=True, default="")
    document_kind = serializers.ChoiceField(choices=DocumentKind.choices, required=False)
    document_number = serializers.CharField(max_length=40, required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        from django.utils import timezone
        from django.utils.translation import gettext as _

        errors: dict[str, list[str]] = {}
        if attrs.get("date_of_birth") and attrs["date_of_birth"] > timezone.localdate():
            errors["date_of_birth"] = [_("The date of birth is in the future.")]
        if not any(attrs.get(f) for f in ("first_name", "family_name", "latin_name")):
            errors["first_name"] = [_("Give at least a first name, a family name or a Latin name.")]
        if bool(attrs.get("document_kind")) != bool(attrs.get("document_number")):
            errors["document_number"] = [_("Give both the kind and the number of the document.")]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def to_input(self) -> services.PersonInput:
        d = dict(self.validated_data)
        kind, number = d.pop("document_kind", None), d.pop("document_number", None)
        docs = [services.DocumentInput(kind=kind, number=number)] if kind and number else []
        return services.PersonInput(**d, documents=docs)


class PersonViewSet(viewsets.ViewSet):
    @extend_schema(
        parameters=[OpenApiParameter("q", str, description="name, any spelling")],
        responses=PersonListSerializer(many=True),
    )
    def list(self, request: Request) -> Response:
        actor = actor_from_request(request)
        require_or_forbidden(actor, "person.list")
        qs = selectors.person_list(actor=actor, search=request.query_params.get("q", ""))[:100]
        return Response(PersonListSerializer(qs, many=True).data)

    @extend_schema(responses=PersonSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        actor = actor_from_request(request)
        try:
            person, readable = selectors.person_open_or_closed(actor=actor, pk=int(pk))
            if not readable:
                raise Http404
        except (Http404, ValueError):
            raise NotFound from None
        return Response(PersonSerializer(person).data)

    @extend_schema(request=PersonWriteSerializer, responses={201: PersonSerializer})
    def create(self, request: Request) -> Response:
        actor = actor_from_request(request)
        require_or_forbidden(actor, "person.create")
        serializer = PersonWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        person = services.person_register(actor=actor, data=serializer.to_input())
        return Response(PersonSerializer(person).data, status=status.HTTP_201_CREATED)
