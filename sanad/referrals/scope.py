"""What the receiver of a referral may read of the case: the one place that computes it.

``consented_scope`` is the hook for everything that shows the case to a receiver (pages, API,
exports, the printable referral form): the referral's shared fields, bounded by a live consent, or
the fields shared on a legal ground. Nothing once the consent is withdrawn, the referral withdrawn
or declined.
"""

from __future__ import annotations

from dataclasses import dataclass

from sanad.referrals.models import Consent, LegalGround, Referral, ReferralStatus

# After these the receiver has nothing more to do with the case.
_CLOSED_TO_RECEIVER = (ReferralStatus.WITHDRAWN, ReferralStatus.DECLINED)


@dataclass(frozen=True)
class ConsentedScope:
    referral_id: int
    fields: frozenset[str]
    service_codes: tuple[str, ...]
    # "consent", "legal_ground", or "none" when nothing may be read any more.
    basis: str
    consent: Consent | None
    legal_ground: LegalGround | None

    def allows(self, field: str) -> bool:
        return field in self.fields


def consented_scope(referral: Referral) -> ConsentedScope:
    consent = referral.consent
    nothing = ConsentedScope(referral.pk, frozenset(), (), "none", consent, referral.legal_ground)
    if referral.status in _CLOSED_TO_RECEIVER:
        return nothing
    if consent is not None:
        if not consent.is_live:
            return nothing
        fields = frozenset(referral.shared_fields) & frozenset(consent.fields)
        services = tuple(c for c in referral.service_codes if c in consent.service_codes)
        return ConsentedScope(referral.pk, fields, services, "consent", consent, None)
    if referral.legal_ground is not None:
        return ConsentedScope(
            referral.pk,
            frozenset(referral.shared_fields),
            tuple(referral.service_codes),
            "legal_ground",
            None,
            referral.legal_ground,
        )
    return nothing
