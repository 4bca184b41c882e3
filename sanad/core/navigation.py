"""What each role finds on its home page and in the navigation.

Domains add their entries here as they land; a role sees only entries for work it may do.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sanad.institutions.roles import Role


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    description: str | Promise = ""


DIRECTORY = NavItem(
    _("Institutions directory"), "institution-directory", _("Every institution and unit, by sector and governorate.")
)
ADMIN = NavItem(
    _("Administration"), "admin:index", _("Institutions, units, governorates, roll-out phases and memberships.")
)
CASES = NavItem(_("Cases"), "case-worklist", _("Register complaints and reports; work on cases, risk and closure."))
APPEALS = NavItem(
    _("Appeals"), "appeal-list", _("Appeals published on social media or in the press: verify, contact, open a report.")
)
MARAC = NavItem(
    _("Multi-agency review"),
    "marac-meetings",
    _("Meetings on high-risk cases, their agenda and the actions agreed, with who does what by when."),
)
PEOPLE = NavItem(_("People"), "person-list", _("Find or register survivors and other persons."))
LINKAGE_REVIEW = NavItem(
    _("Linkage review"), "review-queue", _("Decide whether records the linkage is unsure about are one person.")
)
AUDIT = NavItem(_("Audit trail"), "audit-search", _("Who saw and changed what; export; chain verification."))
DEFINITIONS = NavItem(
    _("Definitions"), "definitions-browse", _("The unified code lists every body counts with, in Arabic and English.")
)
REFERRALS = NavItem(
    _("Referrals"), "referral-inbox", _("Referrals to and from your unit: respond, follow, overdue ones first.")
)
RESPONSE_TIMES = NavItem(
    _("Response times"),
    "referral-response-times",
    _("How fast each institution answers referrals, against the standards."),
)
STANDARDS = NavItem(
    _("Response standards"),
    "referral-standards",
    _("Time to acknowledge, to first contact and to complete, per sector."),
)
COURTS = NavItem(
    _("Court orders"),
    "court-order-list",
    _("Protection orders, visitation rulings and alimony judgments, and their links to centres and the fund."),
)
STRATEGY = NavItem(
    _("National strategy"),
    "strategy-home",
    _("Pillars, indicators and targets; reporting rounds, institutions' forms, progress and evaluation."),
)
STATISTICS = NavItem(
    _("Statistics"), "statistics-dashboard", _("National anonymous statistics: dashboards, tables and report packs.")
)
COUNTING_RULES = NavItem(
    _("Counting rules"), "statistics-rules", _("How every national figure is counted, and each indicator's definition.")
)
API_DOCS = NavItem(_("API documentation"), "api-docs", _("The REST API for institutions' systems."))

ROLE_DESCRIPTIONS: dict[str, str | Promise] = {
    Role.INTAKE_OFFICER: _("Register complaints and reports, find or register the persons, open or link a case."),
    Role.CASE_WORKER: _("Assess risk, plan, deliver services, refer, follow up and close cases."),
    Role.EXAMINER: _("Record examinations and findings for referred cases."),
    Role.SUPERVISOR: _("Assign cases, approve closures, watch deadlines and breaches."),
    Role.COURT_CLERK: _("Record orders and rulings of the court or prosecution."),
    Role.ALIMONY_OFFICER: _("Decide on referred alimony judgments and record payments."),
    Role.SOCIAL_CENTRE_OFFICER: _("Record supervised visits and custody sessions."),
    Role.INSTITUTION_ADMIN: _("Manage the users and units of your institution."),
    Role.NATIONAL_ADMIN: _("Manage institutions, roll-out phases, definitions, response standards and the strategy."),
    Role.STATISTICIAN: _("Read anonymous aggregates only, never a person."),
    Role.AUDITOR: _("See who saw and changed what, and check that the trail is intact."),
    Role.DATA_STEWARD: _("Review the national linkage: confirm or reject likely duplicates, merge and unmerge."),
    Role.NATIONAL_COORDINATOR: _(
        "Follow how fast institutions answer referrals; breaches of the standards come to you."
    ),
}

_COMMON = [DIRECTORY, DEFINITIONS]
ROLE_ITEMS: dict[str, list[NavItem]] = {
    Role.INTAKE_OFFICER: [CASES, REFERRALS, COURTS, APPEALS, PEOPLE, DIRECTORY, DEFINITIONS],
    Role.CASE_WORKER: [CASES, REFERRALS, COURTS, MARAC, PEOPLE, DIRECTORY, DEFINITIONS],
    Role.SUPERVISOR: [CASES, REFERRALS, COURTS, APPEALS, MARAC, PEOPLE, RESPONSE_TIMES, DIRECTORY, DEFINITIONS],
    Role.EXAMINER: [CASES, REFERRALS, PEOPLE, DIRECTORY, DEFINITIONS],
    Role.INSTITUTION_ADMIN: [ADMIN, STRATEGY, DIRECTORY, DEFINITIONS],
    Role.NATIONAL_ADMIN: [ADMIN, STRATEGY, STATISTICS, DEFINITIONS, STANDARDS, RESPONSE_TIMES, DIRECTORY, API_DOCS],
    Role.STATISTICIAN: [STATISTICS, COUNTING_RULES, STRATEGY, DEFINITIONS, DIRECTORY, API_DOCS],
    Role.NATIONAL_COORDINATOR: [REFERRALS, RESPONSE_TIMES, STANDARDS, DIRECTORY, DEFINITIONS],
    Role.AUDITOR: [AUDIT, DIRECTORY, DEFINITIONS],
    Role.COURT_CLERK: [COURTS, REFERRALS, DIRECTORY, DEFINITIONS],
    Role.SOCIAL_CENTRE_OFFICER: [COURTS, REFERRALS, DIRECTORY, DEFINITIONS],
    Role.ALIMONY_OFFICER: [COURTS, REFERRALS, DIRECTORY, DEFINITIONS],
    Role.DATA_STEWARD: [LINKAGE_REVIEW, DIRECTORY, DEFINITIONS],
}


def items_for(role: str | None) -> list[NavItem]:
    if role is None:
        return []
    return ROLE_ITEMS.get(role, _COMMON)
