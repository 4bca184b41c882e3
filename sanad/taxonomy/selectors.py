"""Reads of the definitions, within the access policy (a user reads their own country's)."""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.http import Http404

from sanad.access.actor import Actor
from sanad.access.policy import get_for, scope
from sanad.taxonomy.models import Code, DefinitionVersion, Recode, VersionStatus


def version_list(*, actor: Actor, action: str = "definitions.browse") -> QuerySet[DefinitionVersion]:
    qs = DefinitionVersion.objects.select_related("country", "recodes_from", "published_by", "created_by")
    return scope(actor, action, qs).annotate(code_count=Count("codes")).order_by("-number")


def published_versions(*, actor: Actor) -> QuerySet[DefinitionVersion]:
    return version_list(actor=actor).filter(status=VersionStatus.PUBLISHED)


def version_get(*, actor: Actor, number: int, action: str = "definitions.browse") -> DefinitionVersion:
    """One version of the actor's country; drafts only for those who manage the definitions."""
    qs = DefinitionVersion.objects.select_related("country", "recodes_from")
    if action == "definitions.browse":
        qs = qs.filter(status=VersionStatus.PUBLISHED)
    return get_for(actor, action, qs, number=number)


def current_version(*, actor: Actor) -> DefinitionVersion:
    version = published_versions(actor=actor).first()
    if version is None:
        raise Http404
    return version


def draft_version(*, actor: Actor) -> DefinitionVersion | None:
    return version_list(actor=actor, action="definitions.manage").filter(status=VersionStatus.DRAFT).first()


def codes_of(version: DefinitionVersion, code_list: str | None = None) -> QuerySet[Code]:
    qs = Code.objects.filter(version=version).order_by("list", "order", "code")
    return qs.filter(list=code_list) if code_list else qs


def recodes_of(version: DefinitionVersion) -> QuerySet[Recode]:
    return Recode.objects.filter(version=version).order_by("list", "from_code")
