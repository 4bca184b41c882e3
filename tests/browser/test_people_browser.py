"""Intake in a real browser: a name typed in another spelling finds the stored person, who is picked."""

from __future__ import annotations

from typing import Any

import pytest

from sanad.access.actor import Actor
from sanad.institutions.roles import Role
from sanad.people.services import PersonInput, person_register
from sanad.testing.factories import member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(("field", "typed"), [("first_name", "عبد اللة"), ("latin_name", "Abdallah Al Haddad")])
def test_intake_officer_finds_a_differently_spelled_person_and_picks_them(
    page: Any, login: Any, field: str, typed: str
) -> None:
    officer = member(Role.INTAKE_OFFICER, username="maryam")
    stored = person_register(
        actor=Actor(user=officer.user, membership=officer),
        data=PersonInput(first_name="عبدالله", family_name="الحداد", latin_name="Abdullah Al-Haddad"),
    )
    person_register(
        actor=Actor(user=officer.user, membership=officer), data=PersonInput(first_name="فاطمة", family_name="علي")
    )
    login(officer.user.username)
    page.goto("/people/new/")
    page.fill(f"#id_{field}", typed)
    if field == "first_name":
        page.fill("#id_family_name", "حداد")
    match = page.locator("[data-testid=match]")
    match.first.wait_for()
    assert match.count() == 1
    assert "عبدالله الحداد" in match.first.inner_text()
    page.click("[data-testid=choose-person]")
    page.wait_for_url(f"**/people/{stored.pk}/")
    assert "عبدالله الحداد" in page.locator("h1").inner_text()


def test_a_steward_confirms_a_pair_in_place(page: Any, login: Any) -> None:
    from sanad.people.models import LinkCandidate

    officer = member(Role.INTAKE_OFFICER)
    actor = Actor(user=officer.user, membership=officer)
    a = person_register(actor=actor, data=PersonInput(first_name="عبدالله", family_name="الحداد"))
    b = person_register(actor=actor, data=PersonInput(latin_name="Abdallah Al Haddad"))
    candidate = LinkCandidate.objects.create(
        person_a=a, person_b=b, weight=2.5, reasons={"first": [4, 5.2], "family": [4, 6.1], "dob": [0, 0.0]}
    )
    steward = member(Role.DATA_STEWARD, username="khadija")
    login(steward.user.username)
    page.goto("/people/review/")
    page.click(f"a[href='/people/review/{candidate.pk}/']")
    assert "Abdallah Al Haddad" in page.locator("[data-testid=comparison]").inner_text()
    page.click("[data-testid=confirm]")
    page.locator("[data-testid=status]", has_text="الشخص نفسه").wait_for()  # "Same person"
    assert page.url.endswith(f"/people/review/{candidate.pk}/")  # swapped in place by htmx, no reload
    LinkCandidate.objects.get(pk=candidate.pk, status="confirmed")
