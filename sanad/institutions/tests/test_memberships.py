from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError
from django.test import Client
from django.utils import timezone

from sanad.institutions.models import Membership
from sanad.institutions.roles import Role
from sanad.institutions.selectors import current_memberships
from sanad.testing.factories import TEST_PASSWORD, MembershipFactory, UnitFactory, UserFactory, member

pytestmark = pytest.mark.django_db


def test_current_memberships_exclude_ended_inactive_and_inactive_units() -> None:
    user = UserFactory()
    live = MembershipFactory(user=user)
    MembershipFactory(user=user, is_active=False)
    MembershipFactory(
        user=user, ends_at=timezone.now() - dt.timedelta(days=1), starts_at=timezone.now() - dt.timedelta(days=9)
    )
    MembershipFactory(user=user, unit=UnitFactory(is_active=False))
    assert list(current_memberships(user=user)) == [live]


def test_one_active_membership_per_user_unit_and_role() -> None:
    m = MembershipFactory()
    with pytest.raises(IntegrityError):
        MembershipFactory(user=m.user, unit=m.unit, role=m.role)


def test_a_membership_cannot_end_before_it_starts() -> None:
    with pytest.raises(IntegrityError):
        MembershipFactory(starts_at=timezone.now(), ends_at=timezone.now() - dt.timedelta(hours=1))


def test_single_membership_is_chosen_automatically(client: Client) -> None:
    m = member(Role.INTAKE_OFFICER)
    client.login(username=m.user.username, password=TEST_PASSWORD)
    response = client.get("/")
    assert response.status_code == 200
    assert response.context["membership"] == m


def test_user_with_several_memberships_chooses_one_and_cannot_choose_anothers(client: Client) -> None:
    first = member(Role.CASE_WORKER)
    second = MembershipFactory(user=first.user, role=Role.SUPERVISOR)
    stranger = member(Role.NATIONAL_ADMIN)
    client.login(username=first.user.username, password=TEST_PASSWORD)
    assert client.get("/").url == "/acting-for/"  # type: ignore[attr-defined]
    client.post("/acting-for/", {"membership": stranger.pk})
    assert client.get("/").status_code == 302
    client.post("/acting-for/", {"membership": second.pk})
    response = client.get("/")
    assert response.status_code == 200 and response.context["membership"] == second


def test_ending_a_membership_stops_acting_for_it(client: Client) -> None:
    m = member(Role.CASE_WORKER)
    client.login(username=m.user.username, password=TEST_PASSWORD)
    assert client.get("/").status_code == 200
    Membership.objects.filter(pk=m.pk).update(is_active=False)
    assert client.get("/").url == "/acting-for/"  # type: ignore[attr-defined]
