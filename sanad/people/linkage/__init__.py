"""Record linkage over plain Python records: blocking, Fellegi–Sunter with EM, guarded clustering."""

from sanad.people.linkage.engine import LinkageResult, LinkageSettings, forbidden_pairs, link_records
from sanad.people.linkage.fellegi_sunter import MatchModel, estimate_model
from sanad.people.linkage.records import PairDecision, PersonRecord

__all__ = [
    "LinkageResult",
    "LinkageSettings",
    "MatchModel",
    "PairDecision",
    "PersonRecord",
    "estimate_model",
    "forbidden_pairs",
    "link_records",
]
