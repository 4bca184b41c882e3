"""Labels of dimension values in the active language (Arabic first), and their order."""

from __future__ import annotations

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from sanad.cases.models import AppealStatus, Platform, RiskLevel
from sanad.courts.models import BreachSource, OrderStatus, OrderType, SessionStatus
from sanad.institutions.models import AreaLevel, Governorate, Institution, Sector
from sanad.people.models import Sex
from sanad.referrals.models import Urgency
from sanad.statistics.indicators import DIMENSIONS
from sanad.statistics.memo import cached
from sanad.taxonomy.models import Code, DefinitionVersion, VersionStatus
from sanad.taxonomy.reference import GBVIMS_TYPES, ICCS_CODES

Labels = list[tuple[str, str]]


def current_version(country_id: int) -> DefinitionVersion | None:
    return (
        DefinitionVersion.objects.filter(country_id=country_id, status=VersionStatus.PUBLISHED)
        .order_by("-number")
        .first()
    )


def choices(dimension: str, country_id: int) -> Labels:
    """Every value of the dimension, in order, with its label."""
    return cached(("choices", dimension, country_id, get_language()), lambda: _choices(dimension, country_id))


def _choices(dimension: str, country_id: int) -> Labels:
    source = DIMENSIONS[dimension].source
    if source.startswith("list:"):
        version = current_version(country_id)
        if version is None:
            return []
        codes = Code.objects.filter(version=version, list=source[5:]).order_by("order", "code")
        return [(c.code, c.label) for c in codes]
    if source == "governorate":
        areas = Governorate.objects.filter(country_id=country_id, level=AreaLevel.GOVERNORATE)
        return [(str(g.pk), g.name) for g in areas.order_by("sort_order", "code")]
    if source == "institution":
        return [(str(i.pk), i.name) for i in Institution.objects.filter(country_id=country_id).order_by("code")]
    if source == "sector":
        return [(str(s.pk), s.name) for s in Sector.objects.order_by("sort_order")]
    if source == "gbvims":
        return [(k, ref.label) for k, ref in GBVIMS_TYPES.items()]
    if source == "iccs":
        return [(k, f"{k} {ref.label}") for k, ref in ICCS_CODES.items()]
    enum = {
        "sex": Sex,
        "risk_level": RiskLevel,
        "urgency": Urgency,
        "platform": Platform,
        "appeal_status": AppealStatus,
        "order_type": OrderType,
        "order_status": OrderStatus,
        "session_status": SessionStatus,
        "breach_source": BreachSource,
    }.get(source)
    if enum is not None:
        return [(str(v), str(label)) for v, label in enum.choices]
    return []


def label_map(dimension: str, country_id: int) -> dict[str, str]:
    labels = dict(choices(dimension, country_id))
    labels[""] = _("Not recorded")
    labels.setdefault("unknown", _("Unknown"))
    return labels


def order_keys(dimension: str, country_id: int, keys: list[str]) -> list[str]:
    """Keys in the labels' order; periods in time order; unknown values last."""
    if DIMENSIONS[dimension].source == "period":
        return sorted(keys)
    rank = {k: i for i, (k, _label) in enumerate(choices(dimension, country_id))}
    return sorted(keys, key=lambda k: (k in ("", "unknown"), rank.get(k, len(rank)), k))
