"""Multi-agency review services: convening, the agenda of flagged cases, outcomes, actions, overdue scan."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from sanad.access.models import Confidentiality
from sanad.audit.models import AuditEvent
from sanad.cases.models import Case, TimelineEntry, TimelineKind
from sanad.cases.timeline import entry_text
from sanad.institutions.roles import Role
from sanad.multiagency import selectors, services
from sanad.multiagency.models import ActionStatus, AgendaItem, AgreedAction, ItemOutcome
from sanad.notices.messages import notice_text
from sanad.notices.models import Notice, NoticeKind

from .conftest import World, actor, flagged_case

pytestmark = pytest.mark.django_db

TOMORROW = timezone.localdate() + dt.timedelta(days=1)


def convene(world: World):  # type: ignore[no-untyped-def]
    chair = actor(Role.SUPERVISOR, world.convening)
    meeting = services.meeting_convene(actor=chair, held_on=TOMORROW, institution_ids=[world.shelter.institution_id])
    return chair, meeting


def test_convening_tells_the_participating_supervisors_and_adds_the_own_institution(world: World) -> None:
    shelter_supervisor = actor(Role.SUPERVISOR, world.shelter)
    outsider_supervisor = actor(Role.SUPERVISOR, world.outsider)
    _chair, meeting = convene(world)
    assert set(meeting.institutions.values_list("pk", flat=True)) == {
        world.convening.institution_id,
        world.shelter.institution_id,
    }
    notices = Notice.objects.filter(kind=NoticeKind.MARAC_CONVENED)
    assert list(notices.values_list("recipient_id", flat=True)) == [shelter_supervisor.user_id]
    assert outsider_supervisor.user_id not in notices.values_list("recipient_id", flat=True)
    assert AuditEvent.objects.filter(action="marac.convene", object_id=str(meeting.pk)).exists()
    # The notice reads in the reader's language from identifiers only.
    with translation.override("ar"):
        text = notice_text(notices.get())
    assert f"MARAC-{meeting.pk}" in text and "اجتماع المراجعة متعددة الجهات" in text


def test_convening_refuses_a_past_date_and_no_institution(world: World) -> None:
    chair = actor(Role.SUPERVISOR, world.convening)
    with pytest.raises(ValidationError) as exc:
        services.meeting_convene(actor=chair, held_on=timezone.localdate() - dt.timedelta(days=9), institution_ids=[])
    assert set(exc.value.message_dict) == {"held_on", "institutions"}


def test_candidates_are_flagged_open_cases_of_participants_only(world: World) -> None:
    chair, meeting = convene(world)
    unflagged = flagged_case(world.shelter, flagged=False)
    outsider_case = flagged_case(world.outsider)
    sealed = flagged_case(world.shelter)
    Case.objects.filter(pk=sealed.pk).update(confidentiality=Confidentiality.SEALED)
    numbers = [c.number for c in selectors.candidates(actor=chair, meeting=meeting)]
    assert numbers == [world.case.number]
    for refused in (unflagged, outsider_case, sealed):
        with pytest.raises(ValidationError):
            services.agenda_add_case(actor=chair, meeting=meeting, case_id=refused.pk)
    assert not AgendaItem.objects.exists()


def test_a_case_on_the_agenda_leaves_it_reviewed_or_deflagged_with_a_reason(world: World) -> None:
    chair, meeting = convene(world)
    item = services.agenda_add_case(actor=chair, meeting=meeting, case_id=world.case.pk)
    assert item.case_number == world.case.number and item.risk_level == "high"
    assert selectors.candidates(actor=chair, meeting=meeting) == []
    # Awaiting review on one agenda at a time.
    _, other = convene(world)
    with pytest.raises(ValidationError):
        services.agenda_add_case(actor=chair, meeting=other, case_id=world.case.pk)
    with pytest.raises(ValidationError) as exc:
        services.item_decide(actor=chair, item=item, outcome=ItemOutcome.DEFLAGGED, reason="  ")
    assert "reason" in exc.value.message_dict
    services.item_decide(actor=chair, item=item, outcome=ItemOutcome.DEFLAGGED, reason="انتقلت إلى دار إيواء آمنة")
    case = Case.objects.get(pk=world.case.pk)
    assert not case.multi_agency_review and case.row_version == world.case.row_version + 1
    kinds = list(TimelineEntry.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds[-2:] == [TimelineKind.MARAC_LISTED, TimelineKind.MARAC_DECIDED]
    with pytest.raises(ValidationError):
        services.item_decide(actor=chair, item=item, outcome=ItemOutcome.REVIEWED, reason="again")


def test_stale_meeting_version_is_refused(world: World) -> None:
    chair, meeting = convene(world)
    with pytest.raises(services.StaleVersion):
        services.agenda_add_case(actor=chair, meeting=meeting, case_id=world.case.pk, expected_version=99)
    assert not AgendaItem.objects.exists()


def test_actions_are_followed_like_plan_actions(world: World) -> None:
    chair, meeting = convene(world)
    worker = actor(Role.CASE_WORKER, world.shelter, username="noor")
    item = services.agenda_add_case(actor=chair, meeting=meeting, case_id=world.case.pk)
    with pytest.raises(ValidationError) as exc:
        services.action_agree(
            actor=chair,
            item=item,
            description="",
            institution_id=world.outsider.institution_id,
            user_id=worker.user_id,
            due_on=None,
        )
    assert set(exc.value.message_dict) == {"description", "institution", "user", "due_on"}
    action = services.action_agree(
        actor=chair,
        item=item,
        description="زيارة منزلية وخطة أمان",
        institution_id=world.shelter.institution_id,
        user_id=worker.user_id,
        due_on=TOMORROW,
    )
    assert Notice.objects.filter(kind=NoticeKind.MARAC_ACTION, recipient_id=worker.user_id).count() == 1
    assert list(selectors.my_actions(actor=worker)) == [action]
    # Time passes: the scan puts it on the case timeline and tells the worker, once.
    assert services.note_overdue_actions(today=TOMORROW + dt.timedelta(days=1)) == 1
    assert services.note_overdue_actions(today=TOMORROW + dt.timedelta(days=2)) == 0
    overdue = TimelineEntry.objects.get(case=world.case, kind=TimelineKind.MARAC_ACTION_OVERDUE)
    assert world.shelter.institution.name_ar in entry_text(overdue)
    assert Notice.objects.filter(kind=NoticeKind.MARAC_ACTION_OVERDUE, recipient_id=worker.user_id).count() == 1
    done = services.action_complete(actor=worker, action=action, expected_version=action.row_version)
    assert done.status == ActionStatus.DONE and list(selectors.my_actions(actor=worker)) == []
    assert TimelineEntry.objects.filter(case=world.case, kind=TimelineKind.MARAC_ACTION_DONE).count() == 1


def test_overdue_actions_come_first_in_the_worklist(world: World) -> None:
    chair, meeting = convene(world)
    supervisor = actor(Role.SUPERVISOR, world.shelter)
    item = services.agenda_add_case(actor=chair, meeting=meeting, case_id=world.case.pk)
    later = services.action_agree(
        actor=chair,
        item=item,
        description="b",
        institution_id=world.shelter.institution_id,
        user_id=None,
        due_on=TOMORROW + dt.timedelta(days=5),
    )
    sooner = services.action_agree(
        actor=chair,
        item=item,
        description="a",
        institution_id=world.shelter.institution_id,
        user_id=None,
        due_on=TOMORROW,
    )
    AgreedAction.objects.filter(pk=sooner.pk).update(due_on=timezone.localdate() - dt.timedelta(days=3))
    rows = list(selectors.my_actions(actor=supervisor))
    assert rows == [sooner, later] and selectors.overdue(rows[0]) and not selectors.overdue(rows[1])
