"""Coded fields for other domains: a code that keeps the version it was coded under.

A model declares a coded field as two columns, made by these helpers::

    violence_type_code = code_field(_("violence type"))
    violence_type_version = version_field()

and its service calls ``validate_code(CodeList.VIOLENCE_TYPE, code, version)`` before saving (the
API's ``CodedValueSerializer`` does the same), so a record never holds a code that its version
lacks. Statistics then recode each record from its own version (``sanad.taxonomy.recoding``).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sanad.taxonomy.models import Code, DefinitionVersion, VersionStatus


def code_field(verbose_name: Any, **options: Any) -> models.CharField[str, str]:
    return models.CharField(verbose_name, max_length=60, blank=True, **options)


def version_field(**options: Any) -> models.ForeignKey[DefinitionVersion | None, DefinitionVersion | None]:
    return models.ForeignKey(
        DefinitionVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+", **options
    )


def bilingual(message: Promise, **params: Any) -> str:
    """Arabic first, then English: a refusal read by people and by other institutions' systems."""
    texts = []
    for language in ("ar", "en"):
        with translation.override(language):
            texts.append(str(message) % params)
    return " / ".join(texts)


# Published versions never change (PostgreSQL refuses it, migration taxonomy/0002), so each process
# reads a published version's codes once: a report with a dozen codes costs no query per code.
_PUBLISHED: dict[int, dict[tuple[str, str], Code]] = {}


def _published_codes(version: DefinitionVersion) -> dict[tuple[str, str], Code]:
    codes = _PUBLISHED.get(version.pk)
    if codes is None:
        codes = {(c.list, c.code): c for c in Code.objects.filter(version=version)}
        _PUBLISHED[version.pk] = codes
    return codes


def validate_code(code_list: str, code: str, version: DefinitionVersion | None, *, allow_retired: bool = False) -> Code:
    """The ``Code`` row for ``code`` in ``version``; ValidationError (Arabic and English) otherwise.

    Only published versions code records: a draft may still change under the record. A retired code
    stays valid for records already coded with it (``allow_retired``), never for new ones."""
    if version is None or version.status != VersionStatus.PUBLISHED:
        raise ValidationError(bilingual(_("a code must name a published version of the definitions")), code="version")
    row = _published_codes(version).get((code_list, code))
    if row is None:
        raise ValidationError(
            bilingual(
                _("'%(code)s' is not a code of the list '%(list)s' in version %(number)s"),
                code=code,
                list=code_list,
                number=version.number,
            ),
            code="unknown_code",
        )
    if not row.active and not allow_retired:
        raise ValidationError(
            bilingual(_("'%(code)s' is retired in version %(number)s"), code=code, number=version.number),
            code="retired_code",
        )
    return row
