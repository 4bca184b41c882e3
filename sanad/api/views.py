from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets

from sanad.api import serializers
from sanad.institutions import selectors
from sanad.institutions.models import Governorate, Institution, Sector, Unit

_COUNTRY = OpenApiParameter("country", str, description="country code, e.g. bh")


@extend_schema_view(list=extend_schema(parameters=[_COUNTRY]))
class GovernorateViewSet(viewsets.ReadOnlyModelViewSet[Governorate]):
    serializer_class = serializers.GovernorateSerializer

    def get_queryset(self) -> QuerySet[Governorate]:
        return selectors.governorate_list(country_code=self.request.query_params.get("country"))


class SectorViewSet(viewsets.ReadOnlyModelViewSet[Sector]):
    serializer_class = serializers.SectorSerializer
    lookup_field = "code"
    pagination_class = None

    def get_queryset(self) -> QuerySet[Sector]:
        return selectors.sector_list()


@extend_schema_view(
    list=extend_schema(
        parameters=[
            _COUNTRY,
            OpenApiParameter("sector", str, description="sector code"),
            OpenApiParameter("governorate", str, description="governorate code"),
            OpenApiParameter("search", str, description="part of a name or code"),
        ]
    )
)
class InstitutionViewSet(viewsets.ReadOnlyModelViewSet[Institution]):
    serializer_class = serializers.InstitutionSerializer

    def get_queryset(self) -> QuerySet[Institution]:
        p = self.request.query_params
        return selectors.institution_list(
            country_code=p.get("country"),
            sector=p.get("sector"),
            governorate=p.get("governorate"),
            search=p.get("search"),
        )


@extend_schema_view(list=extend_schema(parameters=[OpenApiParameter("institution", int)]))
class UnitViewSet(viewsets.ReadOnlyModelViewSet[Unit]):
    serializer_class = serializers.UnitSerializer

    def get_queryset(self) -> QuerySet[Unit]:
        institution = self.request.query_params.get("institution")
        return selectors.unit_list(institution_id=int(institution) if institution and institution.isdigit() else None)
