"""The roles a membership can carry (DESIGN.md, "The people who use it")."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    INTAKE_OFFICER = "intake_officer", _("Intake officer")
    CASE_WORKER = "case_worker", _("Case worker")
    EXAMINER = "examiner", _("Health / forensic examiner")
    SUPERVISOR = "supervisor", _("Supervisor")
    COURT_CLERK = "court_clerk", _("Court / prosecution clerk")
    ALIMONY_OFFICER = "alimony_officer", _("Alimony-fund officer")
    SOCIAL_CENTRE_OFFICER = "social_centre_officer", _("Social-centre officer")
    INSTITUTION_ADMIN = "institution_admin", _("Institution administrator")
    NATIONAL_ADMIN = "national_admin", _("National administrator")
    STATISTICIAN = "statistician", _("Statistician / policy analyst")
    AUDITOR = "auditor", _("Auditor")
    DATA_STEWARD = "data_steward", _("National data steward")
    # The national council's officer who follows how fast institutions answer referrals: breaches of the
    # response standards escalate to them. They see referrals' dates and states, never case content.
    NATIONAL_COORDINATOR = "national_coordinator", _("National response coordinator")


# Roles that manage structure and people; they never see case content (trust core rule).
ADMIN_ROLES = frozenset({Role.INSTITUTION_ADMIN, Role.NATIONAL_ADMIN})
# Roles that work on individual cases.
CASE_ROLES = frozenset(
    {
        Role.INTAKE_OFFICER,
        Role.CASE_WORKER,
        Role.EXAMINER,
        Role.SUPERVISOR,
        Role.COURT_CLERK,
        Role.ALIMONY_OFFICER,
        Role.SOCIAL_CENTRE_OFFICER,
    }
)
