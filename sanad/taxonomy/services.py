"""Every write to the definitions: access checked first, audited in the same transaction.

A draft may change freely; a published version never does (``VersionIsPublished`` here, and a
PostgreSQL trigger underneath for anything that bypasses this module)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanad.access.actor import Actor
from sanad.access.policy import require
from sanad.audit.models import Outcome
from sanad.audit.services import audit_record
from sanad.institutions.models import Country
from sanad.taxonomy.access_rules import actor_country_id
from sanad.taxonomy.checks import Problem, VersionRefused, check_version
from sanad.taxonomy.content import CodeData, RecodeData, VersionContent, content_of
from sanad.taxonomy.models import Code, DefinitionVersion, Recode, VersionStatus

OBJECT_TYPE = "taxonomy.definitionversion"


class VersionIsPublished(VersionRefused):
    def __init__(self, version: DefinitionVersion) -> None:
        super().__init__(
            [
                Problem(
                    f"v{version.number}",
                    _("version %(number)s is published and cannot change"),
                    {"number": version.number},
                )
            ]
        )


def _locked_draft(version: DefinitionVersion) -> DefinitionVersion:
    locked = DefinitionVersion.objects.select_for_update().get(pk=version.pk)
    if locked.status != VersionStatus.DRAFT:
        raise VersionIsPublished(locked)
    return locked


def _audit(actor: Actor, action: str, version: DefinitionVersion, **details: object) -> None:
    audit_record(actor=actor, action=action, object_type=OBJECT_TYPE, object_id=version.pk, details=dict(details))


def latest_published(country_id: int) -> DefinitionVersion | None:
    return (
        DefinitionVersion.objects.filter(country_id=country_id, status=VersionStatus.PUBLISHED)
        .order_by("-number")
        .first()
    )


def _next_number(country_id: int) -> int:
    top = DefinitionVersion.objects.filter(country_id=country_id).aggregate(top=Max("number"))["top"]
    return (top or 0) + 1


def _write_content(version: DefinitionVersion, content: VersionContent) -> None:
    Code.objects.bulk_create([Code(version=version, **c.values()) for c in content.codes])
    Recode.objects.bulk_create([Recode(version=version, **r.values()) for r in content.recodes])


def draft_create(*, actor: Actor, notes: str = "") -> DefinitionVersion:
    """A new draft for the actor's country, a copy of the latest published version that recodes from it."""
    require(actor, "definitions.manage")
    country_id = actor_country_id(actor)
    if country_id is None:  # require() has already refused; this narrows the type
        raise ValueError("no acting membership")
    with transaction.atomic():
        # Lock the country row so that two administrators cannot both start the next number.
        Country.objects.select_for_update().get(pk=country_id)
        if DefinitionVersion.objects.filter(country_id=country_id, status=VersionStatus.DRAFT).exists():
            raise VersionRefused([Problem("", _("a draft already exists; publish or discard it first"), {})])
        base = latest_published(country_id)
        version = DefinitionVersion.objects.create(
            country_id=country_id,
            number=_next_number(country_id),
            notes=notes,
            recodes_from=base,
            created_by=actor.user,
        )
        if base is not None:
            _write_content(version, VersionContent(codes=content_of(base).codes))
        _audit(actor, "definitions.draft_create", version, number=version.number, base=base.number if base else None)
    return version


def code_save(*, actor: Actor, version: DefinitionVersion, data: CodeData, original: str | None = None) -> Code:
    """Add a code to a draft, or change one (``original`` is its code before the change)."""
    require(actor, "definitions.manage", version)
    with transaction.atomic():
        _locked_draft(version)
        lookup = {"version": version, "list": data.list, "code": original or data.code}
        row = Code.objects.filter(**lookup).first()
        if row is None:
            row = Code.objects.create(version=version, **data.values())
            _audit(actor, "definitions.code_add", version, list=data.list, code=data.code)
            return row
        changed = [name for name, value in data.values().items() if getattr(row, name) != value]
        for name in changed:
            setattr(row, name, getattr(data, name))
        if changed:
            row.save(update_fields=changed)
            _audit(actor, "definitions.code_edit", version, list=data.list, code=data.code, fields=changed)
    return row


def code_set_active(*, actor: Actor, version: DefinitionVersion, code_list: str, code: str, active: bool) -> None:
    """Retire a code (kept, so records coded with it stay valid, but no longer offered) or bring it back."""
    require(actor, "definitions.manage", version)
    with transaction.atomic():
        _locked_draft(version)
        updated = Code.objects.filter(version=version, list=code_list, code=code).exclude(active=active)
        if updated.update(active=active):
            action = "definitions.code_restore" if active else "definitions.code_retire"
            _audit(actor, action, version, list=code_list, code=code)


def code_remove(*, actor: Actor, version: DefinitionVersion, code_list: str, code: str) -> None:
    """Remove a code from a draft; publication then asks for a recode if the earlier version had it."""
    require(actor, "definitions.manage", version)
    with transaction.atomic():
        _locked_draft(version)
        deleted, _rows = Code.objects.filter(version=version, list=code_list, code=code).delete()
        if deleted:
            _audit(actor, "definitions.code_remove", version, list=code_list, code=code)


def recode_declare(*, actor: Actor, version: DefinitionVersion, data: RecodeData) -> Recode:
    """Declare how an earlier code is counted in this draft: renamed or merged into ``to_code``.

    A rename or merge removes the earlier code from the draft: its meaning now lives in ``to_code``."""
    require(actor, "definitions.manage", version)
    with transaction.atomic():
        _locked_draft(version)
        recode, _created = Recode.objects.update_or_create(
            version=version,
            list=data.list,
            from_code=data.from_code,
            defaults={"to_code": data.to_code, "kind": data.kind},
        )
        earlier_code = Code.objects.filter(version=version, list=data.list, code=data.from_code)
        if data.kind == "retire":
            earlier_code.update(active=False)
        else:
            earlier_code.delete()
        _audit(actor, "definitions.recode", version, **data.values())
    return recode


def recode_remove(*, actor: Actor, version: DefinitionVersion, code_list: str, from_code: str) -> None:
    require(actor, "definitions.manage", version)
    with transaction.atomic():
        _locked_draft(version)
        deleted, _rows = Recode.objects.filter(version=version, list=code_list, from_code=from_code).delete()
        if deleted:
            _audit(actor, "definitions.recode_remove", version, list=code_list, from_code=from_code)


def draft_replace(*, actor: Actor, version: DefinitionVersion, content: VersionContent, source: str) -> None:
    """Replace a draft's whole content by an imported file's (already read without problems)."""
    require(actor, "definitions.manage", version)
    with transaction.atomic():
        _locked_draft(version)
        Code.objects.filter(version=version).delete()
        Recode.objects.filter(version=version).delete()
        _write_content(version, content)
        _audit(
            actor, "definitions.import", version, source=source, codes=len(content.codes), recodes=len(content.recodes)
        )


def draft_discard(*, actor: Actor, version: DefinitionVersion) -> None:
    require(actor, "definitions.manage", version)
    with transaction.atomic():
        locked = _locked_draft(version)
        _audit(actor, "definitions.draft_discard", locked, number=locked.number)
        locked.delete()


def problems_of(version: DefinitionVersion) -> list[Problem]:
    earlier = content_of(version.recodes_from) if version.recodes_from is not None else None
    return check_version(content_of(version), earlier)


def version_publish(*, actor: Actor, version: DefinitionVersion) -> DefinitionVersion:
    """Publish a draft whole, or refuse it with every problem listed and change nothing."""
    require(actor, "definitions.manage", version)
    with transaction.atomic():
        locked = _locked_draft(version)
        problems = problems_of(locked)
        if not problems:
            locked.status = VersionStatus.PUBLISHED
            locked.published_at = timezone.now()
            locked.published_by = actor.user
            locked.save(update_fields=["status", "published_at", "published_by"])
            _audit(actor, "definitions.publish", locked, number=locked.number)
            return locked
    # The refusal is recorded outside the (unchanged) draft's transaction.
    audit_record(
        actor=actor,
        action="definitions.publish",
        object_type=OBJECT_TYPE,
        object_id=version.pk,
        outcome=Outcome.FAILED,
        details={"problems": len(problems)},
    )
    raise VersionRefused(problems)


def publish_content(
    *, actor: Actor, country: Country, content: VersionContent, source: str, notes: str = ""
) -> DefinitionVersion:
    """Publish a whole version at once (a country pack's first version); checked like any other.

    For loaders that run without a user (``Actor.for_system``): the access policy is the caller's."""
    with transaction.atomic():
        base = latest_published(country.pk)
        earlier = content_of(base) if base is not None else None
        problems = check_version(content, earlier)
        if problems:
            raise VersionRefused(problems)
        version = DefinitionVersion.objects.create(
            country=country, number=_next_number(country.pk), notes=notes, recodes_from=base, source=source
        )
        _write_content(version, content)
        version.status = VersionStatus.PUBLISHED
        version.published_at = timezone.now()
        version.save(update_fields=["status", "published_at"])
        _audit(actor, "definitions.publish", version, number=version.number, source=source)
    return version


def code_rename(
    *,
    actor: Actor,
    version: DefinitionVersion,
    code_list: str,
    code: str,
    new_code: str,
    label_ar: str,
    label_en: str,
) -> Code:
    """Give a code of a draft a new code and labels for the same meaning, and declare the recode."""
    require(actor, "definitions.manage", version)
    with transaction.atomic():
        _locked_draft(version)
        old = Code.objects.get(version=version, list=code_list, code=code)
        if Code.objects.filter(version=version, list=code_list, code=new_code).exists():
            raise VersionRefused(
                [Problem(f"{code_list}:{new_code}", _("the code '%(code)s' already exists"), {"code": new_code})]
            )
        Code.objects.filter(pk=old.pk).update(code=new_code, label_ar=label_ar, label_en=label_en)
        # When the code was itself new in this draft, there is nothing earlier to recode from.
        if (
            version.recodes_from is not None
            and Code.objects.filter(version=version.recodes_from, list=code_list, code=code).exists()
        ):
            Recode.objects.update_or_create(
                version=version, list=code_list, from_code=code, defaults={"to_code": new_code, "kind": "rename"}
            )
        Recode.objects.filter(version=version, list=code_list, to_code=code).update(to_code=new_code)
        _audit(actor, "definitions.code_rename", version, list=code_list, code=code, new_code=new_code)
        old.refresh_from_db()
    return old
