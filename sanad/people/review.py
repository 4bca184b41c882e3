"""The national data stewards' review queue: uncertain pairs, read for review only, and decided.

A steward is national: the queue spans every institution. A steward reads the two persons of a pair
only here, and every such read is audited with the pair it was for. Sealed persons are compared by
their levels only (why the model hesitates), never shown.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from sanad.access.actor import Actor
from sanad.access.policy import get_for, require, scope
from sanad.audit.services import audit_record
from sanad.people.linking import own_identity
from sanad.people.models import LinkCandidate, LinkStatus, PersonIdentity

_RELATED = ("person_a__owner_unit__institution", "person_b__owner_unit__institution", "decided_by")


def review_queue(*, actor: Actor, status: str = LinkStatus.PENDING) -> QuerySet[LinkCandidate]:
    """Candidates with the given status, most likely first (``require`` raises Denied for non-stewards)."""
    require(actor, "linkage.review")
    queue = LinkCandidate.objects.filter(status=status)
    if status == LinkStatus.PENDING:  # a pair with a record merged since needs no decision any more
        queue = queue.filter(person_a__merged_into__isnull=True, person_b__merged_into__isnull=True)
    return scope(actor, "linkage.review", queue).select_related(*_RELATED)


def audit_queue_page(*, actor: Actor, candidates: list[LinkCandidate]) -> None:
    """A queue page names persons: record which pairs the steward saw."""
    audit_record(
        actor=actor,
        action="linkage.review_list",
        object_type="people.linkcandidate",
        details={"candidates": [c.pk for c in candidates]},
    )


def review_candidate_get(*, actor: Actor, pk: int) -> LinkCandidate:
    """One pair for review (Http404 alike for others); reading both persons is audited."""
    candidate = get_for(actor, "linkage.review", LinkCandidate.objects.select_related(*_RELATED), pk=pk)
    for person_id in (candidate.person_a_id, candidate.person_b_id):
        audit_record(
            actor=actor,
            action="person.view",
            object_type="people.person",
            object_id=person_id,
            details={"purpose": "linkage_review", "candidate": candidate.pk},
        )
    return candidate


def _identity_rows(*person_ids: int) -> dict[int, int]:
    for person_id in person_ids:
        PersonIdentity.objects.get_or_create(person_id=person_id, defaults={"identity": person_id})
    return dict(PersonIdentity.objects.filter(person_id__in=person_ids).values_list("person_id", "identity"))


def link_candidate_decide(*, actor: Actor, candidate: LinkCandidate, same_person: bool) -> LinkCandidate:
    """Confirm or reject a pair. The linked identities follow at once; later runs honour the verdict."""
    require(actor, "linkage.review", candidate)
    with transaction.atomic():
        locked = LinkCandidate.objects.select_for_update().get(pk=candidate.pk)
        before = locked.status
        locked.status = LinkStatus.CONFIRMED if same_person else LinkStatus.REJECTED
        locked.decided_by = actor.user
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_by", "decided_at"])
        a, b = locked.person_a_id, locked.person_b_id
        identity = _identity_rows(a, b)
        if same_person and identity[a] != identity[b]:
            # Join the two identities under the smaller id.
            PersonIdentity.objects.filter(identity__in=[identity[a], identity[b]]).update(
                identity=min(identity[a], identity[b])
            )
        elif not same_person and identity[a] == identity[b]:
            # Take b out of the shared identity; the next national run re-clusters the rest properly.
            PersonIdentity.objects.filter(person_id=b).update(identity=own_identity(b))
        audit_record(
            actor=actor,
            action="linkage.decide",
            object_type="people.linkcandidate",
            object_id=locked.pk,
            details={"from": before, "to": locked.status, "persons": [a, b]},
        )
    return locked
