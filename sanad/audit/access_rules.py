from sanad.access.policy import register
from sanad.institutions.roles import Role

# The trail is read by auditors only; a record's own access log is shown through the record's rules.
register("audit.view", roles={Role.AUDITOR})
register("audit.export", roles={Role.AUDITOR})
