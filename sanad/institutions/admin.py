"""The administration area for national and institution administrators.

National administrators manage the whole structure; an institution administrator sees and
manages only the units and memberships of their own institution. Neither sees case content.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from sanad.institutions.models import Country, Governorate, Institution, Membership, PackLoad, Sector, Unit
from sanad.institutions.roles import Role


def _admin_institution_ids(request: HttpRequest) -> set[int] | None:
    """None means "every institution" (national administrator or superuser)."""
    user = request.user
    if user.is_superuser:
        return None
    roles = Membership.objects.current().filter(user_id=user.pk or 0).values_list("role", "unit__institution_id")
    if any(role == Role.NATIONAL_ADMIN for role, _ in roles):
        return None
    return {inst for role, inst in roles if role == Role.INSTITUTION_ADMIN}


class ScopedAdmin(admin.ModelAdmin):
    institution_path = "institution_id"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)
        ids = _admin_institution_ids(request)
        return qs if ids is None else qs.filter(**{f"{self.institution_path}__in": ids})


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin[Country]):
    list_display = ("code", "name_ar", "name_en", "case_prefix", "time_zone")


@admin.register(Governorate)
class GovernorateAdmin(admin.ModelAdmin[Governorate]):
    list_display = ("code", "name_ar", "name_en", "level", "parent", "rollout_phase", "population", "population_year")
    list_filter = ("country", "level", "rollout_phase")
    search_fields = ("code", "name_ar", "name_en")


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin[Sector]):
    list_display = ("code", "name_ar", "name_en")


class UnitInline(admin.TabularInline[Unit, Institution]):
    model = Unit
    extra = 0
    fields = ("code", "name_ar", "name_en", "governorate", "is_active")


@admin.register(Institution)
class InstitutionAdmin(ScopedAdmin):
    institution_path = "id"
    list_display = ("code", "name_ar", "name_en", "sector", "governorate", "rollout_phase", "is_active")
    list_filter = ("country", "sector", "rollout_phase", "governorate")
    search_fields = ("code", "name_ar", "name_en")
    inlines = (UnitInline,)


@admin.register(Unit)
class UnitAdmin(ScopedAdmin):
    list_display = ("code", "name_ar", "name_en", "institution", "governorate", "is_active")
    list_filter = ("institution__sector", "is_active")
    search_fields = ("code", "name_ar", "name_en", "institution__name_ar", "institution__name_en")


@admin.register(Membership)
class MembershipAdmin(ScopedAdmin):
    institution_path = "unit__institution_id"
    list_display = ("user", "unit", "role", "is_active", "starts_at", "ends_at")
    list_filter = ("role", "is_active", "unit__institution__sector")
    search_fields = ("user__username", "unit__name_ar", "unit__name_en")
    autocomplete_fields = ("user", "unit")


@admin.register(PackLoad)
class PackLoadAdmin(admin.ModelAdmin[PackLoad]):
    list_display = ("country_code", "source", "loaded_at", "sha256")
    readonly_fields = ("country_code", "source", "sha256", "loaded_at", "summary")
