"""Merge and unmerge of person records.

A merge moves every row that points to the duplicate over to the survivor and marks the duplicate
merged (never deleted); the snapshot says exactly which rows moved, so an unmerge puts back those
and only those. Relations are found from ``Person._meta`` so the tables of apps written later
(cases, referrals, courts) are covered without a change here. Bookkeeping relations declared with
``related_name="+"`` (linkage candidates, identities, merges, history) are not moved.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import IntegrityError, models, transaction
from django.db.models import ForeignObjectRel
from django.utils import timezone
from django.utils.translation import gettext as _

from sanad.access.actor import Actor
from sanad.access.policy import require
from sanad.audit.services import audit_record
from sanad.people.models import Person, PersonMerge


class MergeRefused(Exception):
    """The merge or unmerge cannot be done as asked; nothing was changed."""


def _movable() -> list[tuple[type[models.Model], str]]:
    """(model, FK column) of every row that may point to a person, M2M link tables included."""
    found: list[tuple[type[models.Model], str]] = []
    # Hidden relations of other apps too (``related_name="+"``): a case's survivor, a report's
    # persons, court parties point to a person without a reverse accessor, and must follow the
    # merge all the same. The registry's own hidden ones (merge records, link candidates and
    # identities) record facts about the two records and stay as they are.
    relations: list[ForeignObjectRel] = [*Person._meta.related_objects]
    for f in Person._meta.get_fields(include_hidden=True):
        if (
            isinstance(f, ForeignObjectRel)
            and f.hidden
            and f.related_model is not None
            and f.related_model._meta.app_label != Person._meta.app_label
            and f not in relations
        ):
            relations.append(f)
    for rel in relations:
        if rel.related_model is Person or getattr(rel.related_model, "pgh_obj", None) is not None:
            continue  # the merge link itself, and history rows: history must keep what happened
        if rel.many_to_many:
            through: type[models.Model] = rel.through  # type: ignore[attr-defined]
            column = next(
                f.attname
                for f in through._meta.fields
                if isinstance(f, models.ForeignKey) and f.related_model is Person
            )
            found.append((through, column))
        else:
            found.append((rel.related_model, rel.field.attname))
    return list(dict.fromkeys(found))


def person_merge(*, actor: Actor, survivor: Person, duplicate: Person, reason: str) -> PersonMerge:
    require(actor, "person.merge")
    if survivor.pk == duplicate.pk:
        raise MergeRefused(_("a person cannot be merged into itself"))
    if not reason.strip():
        raise MergeRefused(_("a merge needs a reason"))
    with transaction.atomic():
        locked = {p.pk: p for p in Person.objects.select_for_update().filter(pk__in=[survivor.pk, duplicate.pk])}
        if any(p.merged_into_id is not None for p in locked.values()):
            raise MergeRefused(_("one of the two records is already merged"))
        moved: list[dict[str, Any]] = []
        for model, column in _movable():
            rows = model._base_manager.filter(**{column: duplicate.pk})
            pks = [str(pk) for pk in rows.values_list("pk", flat=True)]
            if not pks:
                continue
            field = model._meta.get_field(column.removesuffix("_id"))
            if field.one_to_one and model._base_manager.filter(**{column: survivor.pk}).exists():
                raise MergeRefused(_("both records have a %(what)s") % {"what": model._meta.verbose_name})
            try:
                with transaction.atomic():
                    rows.update(**{column: survivor.pk})
            except IntegrityError as error:
                # Both on the same report in the same role, say: a person cannot be there twice.
                raise MergeRefused(
                    _("both records appear on the same %(what)s") % {"what": model._meta.verbose_name}
                ) from error
            moved.append({"model": model._meta.label_lower, "field": column, "pks": pks})
        # Records merged earlier into the duplicate now lead straight to the survivor.
        earlier = list(Person.objects.filter(merged_into_id=duplicate.pk).values_list("pk", flat=True))
        Person.objects.filter(pk__in=earlier).update(merged_into_id=survivor.pk)
        Person.objects.filter(pk=duplicate.pk).update(merged_into_id=survivor.pk)
        duplicate.merged_into_id = survivor.pk
        merge = PersonMerge.objects.create(
            survivor=survivor,
            duplicate=duplicate,
            reason=reason,
            snapshot={"moved": moved, "earlier_merges": earlier},
            merged_by=actor.user,
        )
        audit_record(
            actor=actor,
            action="person.merge",
            object_type="people.person",
            object_id=survivor.pk,
            reason=reason,
            details={
                "merge": merge.pk,
                "duplicate": duplicate.pk,
                "moved": {entry["model"]: len(entry["pks"]) for entry in moved},
            },
        )
    return merge


def person_unmerge(*, actor: Actor, merge: PersonMerge, reason: str = "") -> PersonMerge:
    """Put back exactly the rows the merge moved; rows added to the survivor since stay with it."""
    require(actor, "person.merge")
    with transaction.atomic():
        locked = PersonMerge.objects.select_for_update().get(pk=merge.pk)
        if locked.unmerged_at is not None:
            raise MergeRefused(_("this merge was already undone"))
        survivor = Person.objects.select_for_update().get(pk=locked.survivor_id)
        if survivor.merged_into_id is not None:
            raise MergeRefused(_("the survivor was merged again since: undo that merge first"))
        for entry in locked.snapshot.get("moved", []):
            model = apps.get_model(entry["model"])
            pks = [model._meta.pk.to_python(pk) for pk in entry["pks"]]
            column = entry["field"]
            model._base_manager.filter(pk__in=pks, **{column: locked.survivor_id}).update(
                **{column: locked.duplicate_id}
            )
        earlier = locked.snapshot.get("earlier_merges", [])
        Person.objects.filter(pk__in=earlier, merged_into_id=locked.survivor_id).update(
            merged_into_id=locked.duplicate_id
        )
        Person.objects.filter(pk=locked.duplicate_id).update(merged_into_id=None)
        locked.unmerged_by = actor.user
        locked.unmerged_at = timezone.now()
        locked.save(update_fields=["unmerged_by", "unmerged_at"])
        audit_record(
            actor=actor,
            action="person.unmerge",
            object_type="people.person",
            object_id=locked.survivor_id,
            reason=reason,
            details={"merge": locked.pk, "duplicate": locked.duplicate_id},
        )
    return locked
