from __future__ import annotations

from rest_framework import serializers

from sanad.institutions.models import Governorate, Institution, Sector, Unit


class GovernorateSerializer(serializers.ModelSerializer[Governorate]):
    country = serializers.CharField(source="country.code", read_only=True)
    parent = serializers.CharField(source="parent.code", read_only=True, allow_null=True, default=None)  # type: ignore[assignment]

    class Meta:
        model = Governorate
        fields = [
            "id",
            "country",
            "code",
            "name_ar",
            "name_en",
            "level",
            "parent",
            "rollout_phase",
            "population",
            "population_year",
            "population_source",
        ]


class SectorSerializer(serializers.ModelSerializer[Sector]):
    class Meta:
        model = Sector
        fields = ["code", "name_ar", "name_en"]


class UnitSerializer(serializers.ModelSerializer[Unit]):
    institution = serializers.CharField(source="institution.code", read_only=True)
    governorate = serializers.CharField(source="governorate.code", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Unit
        fields = ["id", "institution", "code", "name_ar", "name_en", "governorate"]


class InstitutionSerializer(serializers.ModelSerializer[Institution]):
    country = serializers.CharField(source="country.code", read_only=True)
    sector = serializers.CharField(source="sector.code", read_only=True)
    governorate = serializers.CharField(source="governorate.code", read_only=True, allow_null=True, default=None)
    parent = serializers.CharField(source="parent.code", read_only=True, allow_null=True, default=None)  # type: ignore[assignment]

    class Meta:
        model = Institution
        fields = ["id", "country", "code", "name_ar", "name_en", "sector", "governorate", "parent", "rollout_phase"]
