"""A referral's missed deadline reaches its facts when the deadline scan records the breach, not only
at the referral's next change: the share within the standard (which the national strategy reads too)
counts it as missed at once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from sanad.access.actor import Actor
from sanad.cases.models import Case
from sanad.institutions.models import Country, Unit
from sanad.referrals import services as referral_services
from sanad.referrals.models import Breach, Referral
from sanad.referrals.tests.conftest import (  # noqa: F401 - shared fixtures
    case,
    country,
    receiver_unit,
    referral_input,
    sender_unit,
    v1,
    worker,
)
from sanad.statistics.facts import drain
from sanad.statistics.models import QueuedChange, ReferralFact

pytestmark = pytest.mark.django_db


def test_a_breach_queues_its_referral(worker: Actor, case: Case, receiver_unit: Unit, country: Country) -> None:  # noqa: F811
    referral = referral_services.referral_send(actor=worker, case=case, data=referral_input(receiver_unit))
    drain()
    assert ReferralFact.objects.get(referral_id=referral.pk).acknowledged_within is None
    # The deadline passes; the referral row itself is not written again.
    due = timezone.now() - dt.timedelta(minutes=1)
    Referral.objects.filter(pk=referral.pk).update(acknowledge_due=due)
    drain()
    QueuedChange.objects.all().delete()
    Breach.objects.create(
        referral=referral, kind="acknowledge", country=country, to_unit=receiver_unit, urgency=referral.urgency,
        due_at=due,
    )
    assert QueuedChange.objects.filter(kind="referral", source_id=referral.pk).exists()
    drain()
    assert ReferralFact.objects.get(referral_id=referral.pk).acknowledged_within is False
