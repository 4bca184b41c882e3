"""The worklist's name search through the survivor's words kept on each case: every Arabic spelling
variant finds the case, and the words follow a rename of the person, a merge and an unmerge."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sanad.access.actor import Actor
from sanad.cases import selectors, services
from sanad.cases.models import Case
from sanad.institutions.roles import Role
from sanad.people.merge import person_merge, person_unmerge
from sanad.people.models import Person
from sanad.people.services import PersonInput, person_register, person_update
from sanad.testing.auth import MfaClient
from sanad.testing.factories import TEST_PASSWORD

from .conftest import report_input

pytestmark = pytest.mark.django_db


def open_case(intake: Actor, first_name: str, family_name: str) -> Case:
    person = person_register(actor=intake, data=PersonInput(first_name=first_name, family_name=family_name))
    return services.case_open(actor=intake, report=services.report_register(actor=intake, data=report_input(person)))


def found(actor: Actor, typed: str) -> set[int]:
    return set(selectors.case_list(actor=actor, search=typed).values_list("pk", flat=True))


def words_of(case: Case) -> list[str]:
    return list(Case.objects.filter(pk=case.pk).values_list("survivor_words", flat=True).get())


@pytest.mark.parametrize(
    "typed",
    [
        "ليلى",  # as written
        "ليلي",  # alef maqsura written as yaa
        "لَيْلَى",  # with diacritics
        "ليلى المؤيد",  # hamza on waw
        "ليلي المويد",  # hamza written plainly
        "ليلى المؤ",  # the last word half typed
        "ليلى مؤيد",  # family name without its article
    ],
)
def test_name_search_finds_every_spelling(intake: Actor, typed: str) -> None:
    case = open_case(intake, "ليلى", "المؤيد")
    open_case(intake, "مريم", "المؤيد")
    assert found(intake, typed) == {case.pk}


@pytest.mark.parametrize("typed", ["فاطمه", "فاطمة", "فاطِمَة الأنصاري", "فاطمة الانصارى", "فاطمه انصار"])
def test_taa_marbuta_hamza_and_alef_maqsura_fold_on_the_page(client: MfaClient, intake: Actor, typed: str) -> None:
    case = open_case(intake, "فاطمة", "الأنصاري")
    open_case(intake, "مريم", "الأنصاري")
    assert intake.user is not None
    client.login(username=intake.user.username, password=TEST_PASSWORD)
    body = client.get("/cases/", {"view": "all", "q": typed}).content.decode()
    assert case.number in body and body.count('data-testid="case-row"') == 1


def test_every_typed_word_must_match(intake: Actor) -> None:
    open_case(intake, "ليلى", "المؤيد")
    assert found(intake, "ليلى الحداد") == set()
    assert found(intake, "نوره") == set()


def test_the_words_follow_an_edit_of_the_survivors_name(intake: Actor) -> None:
    case = open_case(intake, "سعاد", "الخطيب")
    person = Person.objects.get(pk=case.survivor_id)
    person_update(actor=intake, person=person, data=PersonInput(first_name="سعاد", family_name="البدري"))
    assert "بدري" in words_of(case) and "خطيب" not in words_of(case)
    assert found(intake, "سعاد البدري") == {case.pk}
    assert found(intake, "سعاد الخطيب") == set()


def test_a_rename_makes_no_history_row_for_the_case(intake: Actor) -> None:
    case = open_case(intake, "سعاد", "الخطيب")
    events = Case.pgh_event_model.objects.filter(pgh_obj_id=case.pk)
    before = events.count()
    person = Person.objects.get(pk=case.survivor_id)
    person_update(actor=intake, person=person, data=PersonInput(first_name="سعاد", family_name="البدري"))
    assert events.count() == before


def test_the_words_follow_a_merge_and_an_unmerge(intake: Actor, actor_for: Any) -> None:
    steward = actor_for(Role.DATA_STEWARD)
    case = open_case(intake, "منيرة", "الشمري")
    duplicate = Person.objects.get(pk=case.survivor_id)
    survivor = person_register(actor=intake, data=PersonInput(first_name="منى", family_name="الشمري"))
    merge = person_merge(actor=steward, survivor=survivor, duplicate=duplicate, reason="same person")
    assert Case.objects.get(pk=case.pk).survivor_id == survivor.pk
    # The words are the normalised ones (alef maqsura and taa marbuta folded).
    assert "مني" in words_of(case) and "منيره" not in words_of(case)
    assert found(intake, "منى الشمري") == {case.pk}
    assert found(intake, "منيرة الشمري") == set()
    person_unmerge(actor=steward, merge=merge, reason="two persons")
    assert "منيره" in words_of(case) and "مني" not in words_of(case)
    assert found(intake, "منيرة الشمري") == {case.pk}
    assert found(intake, "منى الشمري") == set()


def test_searched_worklist_issues_a_fixed_number_of_queries(client: MfaClient, intake: Actor) -> None:
    assert intake.user is not None
    client.login(username=intake.user.username, password=TEST_PASSWORD)
    data = {"view": "open", "q": "عائشه المو", "sort": "number"}

    def queries() -> int:
        client.get("/cases/", data)
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/cases/", data).status_code == 200
        return len(captured.captured_queries)

    open_case(intake, "عائشة", "المؤيد")
    few = queries()
    for _ in range(30):
        open_case(intake, "عائشة", "المؤيد")
    many = queries()
    # As many as without a search: one for the words the half-typed last word may become, and none
    # for a total count (the page reads one row more instead).
    assert few == many == 10


def test_pages_follow_without_a_count(client: MfaClient, intake: Actor) -> None:
    for _ in range(27):
        open_case(intake, "عائشة", "المؤيد")
    assert intake.user is not None
    client.login(username=intake.user.username, password=TEST_PASSWORD)
    first = client.get("/cases/", {"view": "all", "q": "عائشة"})
    assert first.context["page"].has_next and len(first.context["page"]) == 25
    second = client.get("/cases/", {"view": "all", "q": "عائشة", "page": "2"})
    assert not second.context["page"].has_next and len(second.context["page"]) == 2
    assert second.content.decode().count('data-testid="case-row"') == 2
    # A page number that is not one shows the first page.
    assert len(client.get("/cases/", {"view": "all", "page": "x"}).context["page"]) == 25


def test_a_merge_that_would_put_a_person_twice_in_one_role_on_a_report_is_refused(
    intake: Actor, actor_for: Any
) -> None:
    from sanad.cases.models import ReportPerson
    from sanad.people.merge import MergeRefused

    steward = actor_for(Role.DATA_STEWARD)
    first = person_register(actor=intake, data=PersonInput(first_name="هند", family_name="الكواري"))
    second = person_register(actor=intake, data=PersonInput(first_name="هند", family_name="كواري"))
    report = services.report_register(actor=intake, data=report_input(first))
    services.report_add_person(actor=intake, report=report, person_id=second.pk, role="survivor")
    before = sorted(ReportPerson.objects.values_list("pk", "person_id", "role"))
    with pytest.raises(MergeRefused):
        person_merge(actor=steward, survivor=first, duplicate=second, reason="same person")
    assert sorted(ReportPerson.objects.values_list("pk", "person_id", "role")) == before
    assert Person.objects.get(pk=second.pk).merged_into_id is None
