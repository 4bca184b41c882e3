"""The printable referral form (issue 7, item 7): the referral, the consent or legal ground it rests
on, and exactly the consented part of the case, as an Arabic-first PDF built on each request.

Both sides print the same form: what it shows of the case is ``consented_scope``, the hook every
receiver-facing view goes through, so printing can never widen what the survivor agreed to share.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sanad.access.actor import Actor
from sanad.access.policy import require
from sanad.audit.services import audit_record
from sanad.documents.case_summary import build_case_summary
from sanad.documents.pdf import Block, Consent, Document, Heading, KeyValues, Paragraph, confidential_footer, render
from sanad.referrals.models import Referral, SharedField
from sanad.referrals.scope import ConsentedScope, consented_scope
from sanad.taxonomy.models import Code, CodeList

# Consented fields printed through the case summary's sections; contact details and notes, which
# the summary does not carry, are printed by this module.
_SUMMARY_SECTION = {
    SharedField.IDENTITY: "survivor",
    SharedField.INCIDENTS: "incidents",
    SharedField.RISK: "risk",
    SharedField.PLANS: "plan",
    SharedField.NARRATIVE: "narrative",
}


def _when(value: dt.datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "—"


def _unit(unit: object) -> str:
    return f"{unit.institution.name} · {unit.name}"  # type: ignore[attr-defined]


def _service_labels(referral: Referral, codes: list[str] | tuple[str, ...]) -> str:
    if not codes:
        return "—"
    labels = {
        c.code: c.label
        for c in Code.objects.filter(version_id=referral.definitions_version_id, list=CodeList.SERVICE, code__in=codes)
    }
    return "، ".join(labels.get(code, code) for code in codes)


def _field_labels(fields: frozenset[str] | list[str]) -> str:
    chosen = [str(label) for value, label in SharedField.choices if value in fields]
    return "، ".join(chosen) or "—"


def _referral_block(referral: Referral) -> KeyValues:
    rows = [
        (_("Referral"), f"RF-{referral.pk}"),
        (_("Type"), str(referral.get_kind_display())),
        (_("Urgency"), str(referral.get_urgency_display())),
        (_("Status"), str(referral.get_status_display())),
        (_("From"), _unit(referral.from_unit)),
        (_("To"), _unit(referral.to_unit)),
        (_("Sent at"), _when(referral.sent_at)),
        (_("Services"), _service_labels(referral, referral.service_codes)),
        (_("Acknowledge by"), _when(referral.acknowledge_due)),
        (_("First contact by"), _when(referral.first_contact_due)),
        (_("Complete by"), _when(referral.complete_due)),
    ]
    if referral.case is not None:
        rows.insert(1, (_("Case number"), referral.case.number))
    return KeyValues(title=_("The referral"), rows=rows)


def _basis_block(referral: Referral, scope: ConsentedScope) -> Block:
    consent = referral.consent
    if consent is not None:
        rows = [
            (_("Consent given by"), str(consent.get_given_by_display())),
            (_("How"), str(consent.get_method_display())),
            (_("Given at"), _when(consent.given_at)),
            (_("For the receiver"), _unit(referral.to_unit)),
            (_("Services consented to"), _service_labels(referral, consent.service_codes)),
            (_("Fields consented to"), _field_labels(consent.fields)),
        ]
        if consent.guardian_name:
            rows.insert(1, (_("Guardian"), str(consent.guardian_name)))
        if consent.withdrawn_at is not None:
            rows.append((_("Withdrawn at"), _when(consent.withdrawn_at)))
        statement = (
            _("Consent was withdrawn: nothing of the case may be shared any more.")
            if not consent.is_live
            else _("Only the fields and services above may be shared with the receiver.")
        )
        return Consent(title=_("Consent"), rows=rows, statement=statement)
    ground = referral.legal_ground
    rows = [
        (_("Legal ground"), ground.name if ground else "—"),
        (_("Why consent could not be sought"), str(referral.legal_ground_reason or "—")),
        (_("Fields shared"), _field_labels(scope.fields)),
    ]
    return Consent(
        title=_("Sent without consent"),
        rows=rows,
        statement=_("Sent on a legal ground of the country; the sending unit's supervisors were told."),
    )


def _case_blocks(referral: Referral, scope: ConsentedScope) -> list[Block]:
    case = referral.case
    if case is None:
        return []
    if not scope.fields:
        return [Paragraph(_("Nothing of the case may be shared under this referral."))]
    language = translation.get_language() or "ar"
    sections = frozenset(section for field, section in _SUMMARY_SECTION.items() if scope.allows(field))
    blocks: list[Block] = [Heading(_("What is shared of the case"))]
    if sections:
        blocks.extend(build_case_summary(case, sections=sections, language=language).blocks)
    if scope.allows(SharedField.CONTACT):
        person = case.survivor
        blocks.append(
            KeyValues(
                title=str(SharedField.CONTACT.label),
                rows=[(_("Phones"), str(person.phones or "—")), (_("Address"), str(person.address or "—"))],
            )
        )
    if scope.allows(SharedField.NOTES):
        blocks.append(Heading(str(SharedField.NOTES.label)))
        for note in case.notes.order_by("written_at", "pk"):
            blocks.append(Paragraph(_when(note.written_at) + " · " + str(note.text)))
    return blocks


def build_referral_form(referral: Referral, *, language: str = "ar", footer: str = "") -> Document:
    """The form of ``referral`` in ``language``; the case part holds only the consented scope."""
    scope = consented_scope(referral)
    with translation.override(language):
        blocks: list[Block] = [_referral_block(referral), Heading(_("Reason for the referral"))]
        blocks.append(Paragraph(str(referral.reason or "—")))
        blocks.append(_basis_block(referral, scope))
        blocks.extend(_case_blocks(referral, scope))
        return Document(
            title=_("Referral form RF-%(number)s") % {"number": referral.pk},
            blocks=blocks,
            language=language,
            footer=footer or _("Confidential: for the sending and receiving units only."),
        )


def export_referral_form(*, actor: Actor, referral: Referral, language: str) -> bytes:
    """Either side's printable form: checked against the policy, audited as an export with the
    fields it printed."""
    require(actor, "referral.print_form", referral)
    footer = confidential_footer(username=actor.user.get_username() if actor.user else "", language=language)
    data = render(build_referral_form(referral, language=language, footer=footer))
    audit_record(
        actor=actor,
        action="referral.export",
        object_type="referrals.referral",
        object_id=referral.pk,
        details={"format": "pdf", "document": "referral_form", "fields": sorted(consented_scope(referral).fields)},
    )
    return data
