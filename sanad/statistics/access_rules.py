"""Who may read statistics. Statisticians read aggregates of the fact tables and nothing else: no
other domain's rule names their role (tested by sweeping every page and API address as one)."""

from __future__ import annotations

from sanad.access.policy import register
from sanad.institutions.roles import Role

READERS = {Role.STATISTICIAN, Role.NATIONAL_ADMIN}

register("statistics.view", roles=READERS)
register("statistics.export", roles=READERS)
# The counting rules and the indicators' definitions: readable by every signed-in member.
register("statistics.definitions", roles=set(Role))
