"""Who may do what with reports and cases. Reports and cases are protected records (owner unit +
confidentiality); the extra actions below also need the record within the actor's content scope."""

from typing import Any

from sanad.access.actor import Actor
from sanad.access.policy import register
from sanad.access.records import in_content_scope, record_rules
from sanad.institutions.roles import Role

_READERS = {Role.INTAKE_OFFICER, Role.CASE_WORKER, Role.SUPERVISOR, Role.EXAMINER}
_INTAKE = {Role.INTAKE_OFFICER, Role.CASE_WORKER, Role.SUPERVISOR}
_CASE_WORK = {Role.CASE_WORKER, Role.SUPERVISOR}


def _readable(actor: Actor, obj: Any) -> bool:
    return in_content_scope(actor, obj)


def remember_reach(obj: Any) -> None:
    """Let the access checks on ``obj`` reuse their answer until the instance is dropped (one page
    rendering). Never for an instance that lives on while grants or confidentiality change."""
    obj._reach_memo = {}


def _supervises(actor: Actor, obj: Any) -> bool:
    # Approval is the owner unit's supervisor's: a supervisor elsewhere who was granted access may read, not approve.
    return obj.owner_unit_id == actor.unit_id and _readable(actor, obj)


for prefix, editors in (("report", _INTAKE), ("case", _CASE_WORK | {Role.INTAKE_OFFICER}), ("appeal", _INTAKE)):
    record_rules(
        prefix,
        readers=_READERS,
        editors=editors,
        breakers=_READERS,
        unsealers={Role.SUPERVISOR},
        confidentiality_setters={Role.SUPERVISOR, Role.CASE_WORKER},
    )

register("report.create", roles=_INTAKE)
register("case.open", roles=_INTAKE, check=_readable)
# Family-protection officers take the first DASH at intake; case workers repeat it.
register("case.assess", roles=_INTAKE, check=_readable)
register("case.advance", roles=_CASE_WORK, check=_readable)
register("case.assign", roles={Role.SUPERVISOR}, check=_supervises)
register("case.request_closure", roles=_CASE_WORK, check=_readable)
register("case.approve_closure", roles={Role.SUPERVISOR}, check=_supervises)
register("case.reopen", roles={Role.SUPERVISOR}, check=_supervises)
register("case.plan", roles=_CASE_WORK, check=_readable)
register("case.record_service", roles=_READERS, check=_readable)
register("case.note", roles=_READERS, check=_readable)
register("appeal.create", roles=_INTAKE)
register("appeal.triage", roles=_INTAKE, check=_readable)
