from __future__ import annotations

import logging

from procrastinate.contrib.django import app

from sanad.core.jobs import releases_db_connection

logger = logging.getLogger(__name__)


@app.task(queue="notifications", pass_context=False, retry=10)
@releases_db_connection
def notify_record_opened(*, grant_id: int) -> None:
    """Break-glass or unseal: the owner unit's supervisors and every auditor get a notice at once.

    The notice names who opened which record and until when, never the record's content or the
    stated reason (that stays in the record's access log, behind the access policy). The warning log
    line is for the operators' alerting, with identifiers only.
    """
    from sanad.access.models import AccessGrant, GrantKind
    from sanad.institutions.models import Membership
    from sanad.institutions.roles import Role
    from sanad.notices.models import NoticeKind
    from sanad.notices.services import auditors, current_users_with_role, notify

    grant = AccessGrant.objects.select_related("content_type", "user").get(pk=grant_id)
    record = grant.content_type.get_object_for_this_type(pk=grant.object_id)
    owner_unit_id = getattr(record, "owner_unit_id", None)
    opener = Membership.objects.current().filter(user=grant.user).select_related("unit__institution").first()
    recipients = set(auditors())
    if owner_unit_id is not None:
        recipients |= set(current_users_with_role(Role.SUPERVISOR, unit_id=owner_unit_id))
    recipients.discard(grant.user_id)  # the opener knows
    kind = NoticeKind.RECORD_OPENED_UNSEAL if grant.kind == GrantKind.UNSEAL else NoticeKind.RECORD_OPENED_BREAK_GLASS
    # Both languages: the notice is rendered later in whichever language its reader uses.
    unit_ar = f"{opener.unit.institution.name_ar} / {opener.unit.name_ar}" if opener else ""
    unit_en = f"{opener.unit.institution.name_en} / {opener.unit.name_en}" if opener else ""
    notify(
        recipients=recipients,
        kind=kind,
        object_type=grant.content_type.app_label + "." + grant.content_type.model,
        object_id=grant.object_id,
        params={
            "user": grant.user.get_username(),
            "unit_ar": unit_ar,
            "unit_en": unit_en,
            "until": grant.expires_at.isoformat(timespec="minutes") if grant.expires_at else "",
        },
    )
    logger.warning(
        "record opened: %s %s:%s by user %s until %s; %s notices",
        grant.kind,
        grant.content_type.model,
        grant.object_id,
        grant.user_id,
        grant.expires_at,
        len(recipients),
    )
