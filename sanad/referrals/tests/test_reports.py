"""Response times per receiving institution: the medians and shares the statistics will read."""

from __future__ import annotations

import datetime as dt

import pytest

from sanad.access.actor import Actor
from sanad.cases.models import Case
from sanad.institutions.models import Unit
from sanad.referrals import services
from sanad.referrals.models import Referral
from sanad.referrals.reports import response_times
from sanad.referrals.tests.conftest import referral_input

pytestmark = pytest.mark.django_db


def test_medians_and_shares_within_the_standard(worker: Actor, case: Case, receiver_unit: Unit) -> None:
    for _ in range(3):
        services.referral_send(actor=worker, case=case, data=referral_input(receiver_unit))
    referrals = list(Referral.objects.order_by("pk"))
    for referral, minutes in zip(referrals, (10, 20, 90), strict=True):
        sent = referral.sent_at
        Referral.objects.filter(pk=referral.pk).update(
            acknowledge_due=sent + dt.timedelta(minutes=60),
            acknowledged_at=sent + dt.timedelta(minutes=minutes),
            first_contact_due=sent + dt.timedelta(days=30),
        )
    first = referrals[0]
    Referral.objects.filter(pk=first.pk).update(first_contact_at=first.sent_at + dt.timedelta(minutes=30))

    (row,) = response_times(country_id=case.country_id)
    assert row.institution_id == receiver_unit.institution_id
    assert row.referrals == 3
    assert row.acknowledge_median_minutes == 20.0
    assert row.acknowledged_within == pytest.approx(2 / 3)
    # Two referrals are not yet contacted but still within their time: only the contacted one counts.
    assert row.first_contact_median_minutes == 30.0
    assert row.contacted_within == 1.0
