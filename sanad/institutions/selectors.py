"""Reads of the institutional structure. Structure is not personal data: any signed-in user may
read the directory; memberships are read only for oneself here (administrators use the admin)."""

from __future__ import annotations

from django.db.models import QuerySet

from sanad.accounts.models import User
from sanad.institutions.models import Governorate, Institution, Membership, Sector, Unit


def governorate_list(*, country_code: str | None = None) -> QuerySet[Governorate]:
    qs = Governorate.objects.select_related("country", "parent")
    return qs.filter(country__code=country_code) if country_code else qs


def sector_list() -> QuerySet[Sector]:
    return Sector.objects.all()


def institution_list(
    *,
    country_code: str | None = None,
    sector: str | None = None,
    governorate: str | None = None,
    search: str | None = None,
) -> QuerySet[Institution]:
    qs = Institution.objects.filter(is_active=True).select_related("country", "sector", "governorate", "parent")
    if country_code:
        qs = qs.filter(country__code=country_code)
    if sector:
        qs = qs.filter(sector__code=sector)
    if governorate:
        qs = qs.filter(governorate__code=governorate)
    if search:
        from django.db.models import Q

        qs = qs.filter(Q(name_ar__icontains=search) | Q(name_en__icontains=search) | Q(code__icontains=search))
    return qs


def unit_list(*, institution_id: int | None = None) -> QuerySet[Unit]:
    qs = Unit.objects.filter(is_active=True).select_related("institution", "institution__sector", "governorate")
    return qs.filter(institution_id=institution_id) if institution_id else qs


def current_memberships(*, user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.current()
        .filter(user=user)
        .select_related("unit", "unit__institution", "unit__institution__sector", "unit__institution__country")
        .order_by("unit__institution__code", "unit__code", "role")
    )
