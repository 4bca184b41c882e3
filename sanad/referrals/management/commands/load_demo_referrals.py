"""`make run`'s demo: a few referrals of the synthetic cases to the demo case worker's unit, at
different steps (waiting, accepted, completed, overdue), sent and answered through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from sanad.access.actor import Actor
from sanad.cases.models import Case, CaseStatus
from sanad.institutions.models import Membership
from sanad.institutions.roles import Role
from sanad.referrals import services
from sanad.referrals.models import Referral


class Command(BaseCommand):
    help = "Send a few demo referrals of the synthetic cases to the demo case worker's unit (demo mode only)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--receiver", default="caseworker", help="username of the demo receiving case worker")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.SANAD_DEMO_MODE:
            raise CommandError("demo referrals are loaded only with SANAD_DEMO_MODE=1")
        receiving = (
            Membership.objects.current().filter(user__username=options["receiver"]).select_related("unit").first()
        )
        if receiving is None:
            raise CommandError(f"no current membership for {options['receiver']!r}; load the demo users first")
        receiver = Actor(user=receiving.user, membership=receiving, system="load_demo_referrals")
        cases = list(
            Case.objects.exclude(status=CaseStatus.CLOSED)
            .exclude(owner_unit=receiving.unit)
            .filter(confidentiality="normal")
            .order_by("pk")[:4]
        )
        sent = 0
        for step, case in enumerate(cases):
            worker = Membership.objects.current().filter(unit_id=case.owner_unit_id, role=Role.CASE_WORKER).first()
            if worker is None:
                continue
            sender = Actor(user=worker.user, membership=worker, system="load_demo_referrals")
            with transaction.atomic():
                referral = services.referral_send(
                    actor=sender,
                    case=case,
                    data=services.ReferralInput(
                        kind="service",
                        to_unit_id=receiving.unit_id,
                        urgency=["urgent", "routine", "immediate", "urgent"][step],
                        reason="إحالة تجريبية: تحتاج الناجية إلى دعم نفسي واجتماعي",
                        service_codes=["psychological_support", "social_support"],
                        shared_fields=["identity", "contact"],
                        consent=services.ConsentInput(
                            given_by="survivor",
                            method="verbal",
                            given_at=timezone.now() - dt.timedelta(minutes=30),
                            fields=["identity", "contact"],
                        ),
                    ),
                )
                if step in (1, 2):
                    referral = services.referral_acknowledge(actor=receiver, referral=referral)
                    referral = services.referral_accept(actor=receiver, referral=referral)
                    referral = services.referral_record_contact(actor=receiver, referral=referral)
                if step == 2:
                    services.referral_deliver_service(
                        actor=receiver,
                        referral=referral,
                        service_code="psychological_support",
                        delivered_on=timezone.localdate(),
                    )
                    referral.refresh_from_db()
                    services.referral_complete(actor=receiver, referral=referral, outcome_code="safe_at_home")
                if step == 3:
                    # Demo data only: this one was sent yesterday and is past its deadline, for the
                    # deadline scan (the worker's periodic job) to find and report.
                    yesterday = timezone.now() - dt.timedelta(days=1)
                    Referral.objects.filter(pk=referral.pk).update(
                        sent_at=yesterday, acknowledge_due=yesterday + dt.timedelta(hours=4)
                    )
            sent += 1
        self.stdout.write(f"{sent} demo referrals sent to {receiving.unit}")
