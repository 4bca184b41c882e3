"""Why the model hesitates about a pair, in words a steward reads: one line per field."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

FIELD_LABELS: dict[str, Promise] = {
    "first": _("First name"),
    "father": _("Father's name"),
    "grandfather": _("Grandfather's name"),
    "family": _("Family name"),
    "dob": _("Date of birth"),
    "national_id": _("National ID"),
    "phone": _("Phone number"),
    "sex": _("Sex"),
}
_NAME_LEVELS = (
    _("missing on one side"),
    _("different"),
    _("somewhat similar"),
    _("very similar"),
    _("same name in another spelling or script"),
    _("same name once normalised"),
    _("identical"),
)
LEVEL_LABELS: dict[str, tuple[Promise, ...]] = {
    "first": _NAME_LEVELS,
    "father": _NAME_LEVELS,
    "grandfather": _NAME_LEVELS,
    "family": _NAME_LEVELS,
    "dob": (
        _("missing on one side"),
        _("different"),
        _("within about a year"),
        _("same year"),
        _("same date"),
    ),
    "national_id": (_("missing on one side"), _("different"), _("one digit apart"), _("same number")),
    "phone": (_("missing on one side"), _("different"), _("same number")),
    "sex": (_("missing on one side"), _("different"), _("same")),
}


@dataclass(frozen=True)
class Reason:
    field: Promise
    level: Promise
    weight: float

    @property
    def tone(self) -> str:
        """For the page's colour cue: evidence for, against, or none."""
        return "for" if self.weight > 0.5 else "against" if self.weight < -0.5 else "none"


def explain(reasons: dict[str, Any]) -> list[Reason]:
    """The stored levels of a candidate as readable lines, strongest evidence first."""
    lines = []
    for name, (level, weight) in reasons.items():
        labels = LEVEL_LABELS.get(name)
        if labels is None or not 0 <= level < len(labels):
            continue
        lines.append(Reason(field=FIELD_LABELS[name], level=labels[level], weight=float(weight)))
    return sorted(lines, key=lambda r: -abs(r.weight))
