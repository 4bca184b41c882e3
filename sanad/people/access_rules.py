from sanad.access.policy import register
from sanad.access.records import record_rules
from sanad.institutions.roles import Role

_WORKERS = {Role.INTAKE_OFFICER, Role.CASE_WORKER, Role.SUPERVISOR, Role.EXAMINER}

record_rules(
    "person",
    readers=_WORKERS,
    editors={Role.INTAKE_OFFICER, Role.CASE_WORKER, Role.SUPERVISOR},
    breakers=_WORKERS,
    unsealers={Role.SUPERVISOR},
    confidentiality_setters={Role.SUPERVISOR, Role.CASE_WORKER},
)

register("person.create", roles={Role.INTAKE_OFFICER, Role.CASE_WORKER, Role.SUPERVISOR})

# National data stewards: the linkage review queue and merges, nothing else of a person's record.
register("linkage.review", roles={Role.DATA_STEWARD})
register("linkage.run", roles={Role.DATA_STEWARD})
register("person.merge", roles={Role.DATA_STEWARD})
