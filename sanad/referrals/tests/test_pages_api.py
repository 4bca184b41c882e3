from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sanad.access.actor import Actor
from sanad.cases.models import Case
from sanad.institutions.models import Unit
from sanad.institutions.roles import Role
from sanad.referrals import selectors, services
from sanad.referrals.models import Referral, ReferralEvent, ReferralStatus, ResponseStandard
from sanad.referrals.tests.conftest import make_actor, referral_input
from sanad.referrals.tests.test_scope import signed_in
from sanad.testing.factories import InstitutionFactory, UnitFactory

pytestmark = pytest.mark.django_db


def post(client: Any, url: str, body: dict[str, Any] | None = None, **headers: str) -> Any:
    return client.post(url, body or {}, content_type="application/json", headers=headers)


def test_send_page_keeps_what_was_typed_and_says_which_field_then_sends(
    worker: Actor, case: Case, receiver_unit: Unit, standard: ResponseStandard
) -> None:
    client = signed_in(worker)
    assert client.get(f"/cases/{case.pk}/").content.decode().count('data-testid="refer-case"') == 1
    form = {
        "kind": "service",
        "to_unit": receiver_unit.pk,
        "urgency": "urgent",
        "service_codes": ["shelter"],
        "reason": "تحتاج إلى إيواء",
        "shared_fields": ["identity", "narrative"],
        "has_consent": "yes",
        "given_by": "survivor",
        "method": "verbal",
        "given_at": "2026-01-01T10:00",
        "consent_fields": ["identity"],
    }
    refused = client.post(f"/referrals/new/case/{case.pk}/", form)
    assert refused.status_code == 400
    page = refused.content.decode()
    assert 'data-testid="error-shared_fields"' in page and "تحتاج إلى إيواء" in page
    assert not Referral.objects.exists()
    sent = client.post(f"/referrals/new/case/{case.pk}/", {**form, "shared_fields": ["identity"]})
    referral = Referral.objects.get()
    assert sent.status_code == 302 and sent["Location"] == f"/referrals/{referral.pk}/"
    assert referral.urgency == "urgent" and referral.shared_fields == ["identity"]


def test_receiver_acts_from_the_page_and_a_stale_page_is_told(
    worker: Actor, case: Case, receiver_unit: Unit, receiver: Actor
) -> None:
    referral = services.referral_send(actor=worker, case=case, data=referral_input(receiver_unit))
    client = signed_in(receiver)
    assert 'data-testid="acknowledge"' in client.get(f"/referrals/{referral.pk}/").content.decode()
    assert client.post(f"/referrals/{referral.pk}/acknowledge/", {"version": 1}).status_code == 302
    # A second tab still showing version 1 tries to acknowledge again.
    stale = client.post(f"/referrals/{referral.pk}/acknowledge/", {"version": 1})
    assert stale.status_code == 409
    declined = client.post(f"/referrals/{referral.pk}/decline/", {"version": 2, "decline_reason_code": "other"})
    assert declined.status_code == 400 and 'data-testid="error-note"' in declined.content.decode()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.RECEIVED and referral.row_version == 2


def test_api_every_action_versioned_and_idempotent(
    worker: Actor, case: Case, receiver_unit: Unit, receiver: Actor, standard: ResponseStandard
) -> None:
    sender_api = signed_in(worker)
    body = {
        "case": case.pk,
        "kind": "service",
        "to_unit": receiver_unit.pk,
        "urgency": "urgent",
        "reason": "إيواء",
        "service_codes": ["shelter"],
        "shared_fields": ["identity"],
        "consent": {
            "given_by": "survivor",
            "method": "verbal",
            "given_at": "2026-01-01T10:00:00Z",
            "consented_fields": ["identity"],
        },
    }
    created = post(sender_api, "/api/v1/referrals/", body, **{"Idempotency-Key": "send-1"})
    assert created.status_code == 201 and created["ETag"] == '"1"'
    again = post(sender_api, "/api/v1/referrals/", body, **{"Idempotency-Key": "send-1"})
    assert again["Idempotent-Replayed"] == "true" and Referral.objects.count() == 1
    bad = post(sender_api, "/api/v1/referrals/", {**body, "service_codes": ["nope"]})
    assert bad.status_code == 400 and "service_codes" in bad.json()
    pk = created.json()["id"]
    api = signed_in(receiver)
    assert post(api, f"/api/v1/referrals/{pk}/acknowledge/").status_code == 428
    assert post(api, f"/api/v1/referrals/{pk}/acknowledge/", **{"If-Match": '"1"'}).status_code == 200
    stale = post(api, f"/api/v1/referrals/{pk}/accept/", **{"If-Match": '"1"'})
    assert stale.status_code == 412 and stale.json()["current_version"] == 2
    accepted = post(api, f"/api/v1/referrals/{pk}/accept/", **{"If-Match": '"2"', "Idempotency-Key": "acc-1"})
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    replay = post(api, f"/api/v1/referrals/{pk}/accept/", **{"If-Match": '"2"', "Idempotency-Key": "acc-1"})
    assert replay.status_code == 200 and replay["Idempotent-Replayed"] == "true"
    # Someone else, with the current version, tries to accept again: told it is already accepted.
    conflict = post(api, f"/api/v1/referrals/{pk}/accept/", **{"If-Match": '"3"'})
    assert conflict.status_code == 409 and conflict.json()["status"] == "accepted"
    assert post(api, f"/api/v1/referrals/{pk}/contact/", {}, **{"If-Match": '"3"'}).status_code == 200
    delivered = post(
        api,
        f"/api/v1/referrals/{pk}/deliver/",
        {"service_code": "shelter", "delivered_on": "2026-01-02"},
        **{"If-Match": '"4"'},
    )
    assert delivered.status_code == 200 and delivered.json()["status"] == "in_progress"
    refused = post(api, f"/api/v1/referrals/{pk}/complete/", {"outcome_code": "x"}, **{"If-Match": '"5"'})
    assert refused.status_code == 400 and "outcome_code" in refused.json()
    done = post(api, f"/api/v1/referrals/{pk}/complete/", {"outcome_code": "safe_elsewhere"}, **{"If-Match": '"5"'})
    assert done.status_code == 200 and done.json()["status"] == "completed"
    seen = sender_api.get(f"/api/v1/referrals/{pk}/").json()
    assert [e["event"] for e in seen["events"]] == [
        "sent",
        "acknowledged",
        "accepted",
        "first_contact",
        "service_delivered",
        "completed",
    ]
    assert "case_view" not in seen  # the sender reads the case itself, through the case's own policy


@pytest.mark.parametrize("role", [Role.CASE_WORKER, Role.SUPERVISOR, Role.AUDITOR, Role.STATISTICIAN])
@pytest.mark.parametrize("where", ["sender", "third_unit"])
def test_only_the_receiving_side_responds_and_a_refusal_changes_nothing(
    role: str, where: str, worker: Actor, case: Case, receiver_unit: Unit, sender_unit: Unit
) -> None:
    referral = services.referral_send(actor=worker, case=case, data=referral_input(receiver_unit))
    unit = sender_unit if where == "sender" else UnitFactory(institution=InstitutionFactory(country=case.country))
    client = signed_in(make_actor(role, unit))
    page = client.post(f"/referrals/{referral.pk}/acknowledge/", {"version": 1})
    api = post(client, f"/api/v1/referrals/{referral.pk}/acknowledge/", **{"If-Match": '"1"'})
    if where == "sender" and role in (Role.CASE_WORKER, Role.SUPERVISOR):
        assert (page.status_code, api.status_code) == (403, 403)  # they see it, they may not answer it
    else:
        assert (page.status_code, api.status_code) == (404, 404)  # like a missing referral
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT and referral.row_version == 1
    assert ReferralEvent.objects.filter(referral=referral).count() == 1


def test_inbox_overdue_first_with_a_pinned_number_of_queries(
    worker: Actor, case: Case, receiver_unit: Unit, receiver: Actor
) -> None:
    for urgency in ("routine", "urgent", "immediate"):
        services.referral_send(actor=worker, case=case, data=referral_input(receiver_unit, urgency=urgency))
    overdue = Referral.objects.get(urgency="routine")
    Referral.objects.filter(pk=overdue.pk).update(acknowledge_due=overdue.sent_at)
    client = signed_in(receiver)
    client.get("/referrals/")
    with CaptureQueriesContext(connection) as ctx:
        page = client.get("/referrals/?box=incoming").content.decode()
    rows = [chunk.split('"', 1)[0] for chunk in page.split('href="/referrals/')[1:] if chunk[:1].isdigit()]
    by_urgency = {r.urgency: f"{r.pk}/" for r in Referral.objects.all()}
    assert rows == [by_urgency["routine"], by_urgency["immediate"], by_urgency["urgent"]]  # overdue first
    baseline = len(ctx.captured_queries)
    for _ in range(5):
        services.referral_send(actor=worker, case=case, data=referral_input(receiver_unit))
    with CaptureQueriesContext(connection) as ctx:
        client.get("/referrals/?box=incoming")
    assert len(ctx.captured_queries) == baseline


def test_response_times_page(
    worker: Actor, case: Case, receiver_unit: Unit, receiver: Actor, standard: ResponseStandard
) -> None:
    referral = services.referral_send(actor=worker, case=case, data=referral_input(receiver_unit))
    services.referral_acknowledge(actor=receiver, referral=referral)
    supervisor = make_actor(Role.SUPERVISOR, receiver_unit)
    page = signed_in(supervisor).get("/referrals/response-times/")
    assert page.status_code == 200
    assert receiver_unit.institution.name_ar in page.content.decode()
    assert signed_in(receiver).get("/referrals/response-times/").status_code == 403


def test_overdue_in_python_agrees_with_the_query(worker: Actor, case: Case, receiver_unit: Unit) -> None:
    for urgency in ("immediate", "urgent", "routine"):
        services.referral_send(actor=worker, case=case, data=referral_input(receiver_unit, urgency=urgency))
    first, second, third = Referral.objects.order_by("pk")
    Referral.objects.filter(pk=first.pk).update(acknowledge_due=first.sent_at)
    Referral.objects.filter(pk=second.pk).update(
        acknowledged_at=second.sent_at, first_contact_due=second.sent_at - dt.timedelta(minutes=1)
    )
    Referral.objects.filter(pk=third.pk).update(complete_due=third.sent_at + dt.timedelta(days=400))
    expected = {
        timezone.now(): {first.pk, second.pk},
        timezone.now() + dt.timedelta(days=500): {r.pk for r in (first, second, third)},
    }
    for now, overdue_ones in expected.items():
        in_sql = set(Referral.objects.filter(selectors.overdue(now)).values_list("pk", flat=True))
        in_python = {r.pk for r in Referral.objects.all() if selectors.is_overdue(r, now)}
        assert in_sql == in_python == overdue_ones
        not_late = set(Referral.objects.filter(selectors.not_overdue(now)).values_list("pk", flat=True))
        assert not_late == set(Referral.objects.values_list("pk", flat=True)) - overdue_ones


@pytest.mark.parametrize("size", [1, 2, 3, 10])
def test_pages_follow_the_list_order_across_the_overdue_boundary(
    worker: Actor, case: Case, receiver_unit: Unit, receiver: Actor, size: int
) -> None:
    for urgency in ("routine", "urgent", "immediate", "routine", "urgent", "immediate", "routine"):
        services.referral_send(actor=worker, case=case, data=referral_input(receiver_unit, urgency=urgency))
    late = list(Referral.objects.order_by("pk"))[1::2]
    for referral in late:
        Referral.objects.filter(pk=referral.pk).update(acknowledge_due=referral.sent_at)
    expected = list(selectors.referral_list(actor=receiver, box="incoming", state="open").values_list("pk", flat=True))
    assert set(expected[: len(late)]) == {r.pk for r in late}
    seen: list[int] = []
    number = 1
    while True:
        page = selectors.referral_page(actor=receiver, box="incoming", state="open", number=number, size=size)
        seen += [r.pk for r in page.rows]
        assert all(r.overdue == (r.pk in {x.pk for x in late}) for r in page.rows)  # type: ignore[attr-defined]
        if not page.has_next:
            break
        number += 1
    assert seen == expected
