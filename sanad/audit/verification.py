"""Walking the chains: every row's hash recomputed, every link and sequence number checked."""

from __future__ import annotations

from dataclasses import dataclass

from sanad.audit.hashing import GENESIS, HASHED_FIELDS, row_hash
from sanad.audit.models import AuditEvent, ChainHead


@dataclass(frozen=True)
class Break:
    chain: int
    seq: int
    event_id: int | None
    reason: str

    def __str__(self) -> str:
        where = f"row id {self.event_id}" if self.event_id is not None else "end of chain"
        return f"chain {self.chain}, seq {self.seq} ({where}): {self.reason}"


def verify_chain(chain: int) -> tuple[int, Break | None]:
    """Return (rows checked, first break or None)."""
    expected_prev, expected_seq, checked = GENESIS, 1, 0
    rows = AuditEvent.objects.filter(chain=chain).order_by("seq").values("id", "hash", *HASHED_FIELDS).iterator(2000)
    for row in rows:
        if row["seq"] != expected_seq:
            return checked, Break(chain, expected_seq, row["id"], f"row(s) missing before seq {row['seq']}")
        if row["prev_hash"] != expected_prev:
            return checked, Break(chain, row["seq"], row["id"], "previous-hash link broken")
        if row_hash(row) != row["hash"]:
            return checked, Break(chain, row["seq"], row["id"], "content does not match its hash (edited)")
        expected_prev, expected_seq, checked = row["hash"], expected_seq + 1, checked + 1
    head = ChainHead.objects.filter(chain=chain).first()
    if head is not None and (head.seq != expected_seq - 1 or head.hash != expected_prev):
        return checked, Break(chain, head.seq, None, "last row(s) missing: chain head is ahead of the table")
    return checked, None


def verify_all() -> tuple[int, list[Break]]:
    chains = set(AuditEvent.objects.values_list("chain", flat=True).distinct())
    chains |= set(ChainHead.objects.values_list("chain", flat=True))
    total, breaks = 0, []
    for chain in sorted(chains):
        checked, broken = verify_chain(chain)
        total += checked
        if broken is not None:
            breaks.append(broken)
    return total, breaks


def chain_heads() -> list[dict[str, object]]:
    return [
        {"chain": h.chain, "seq": h.seq, "hash": h.hash, "updated_at": h.updated_at.isoformat()}
        for h in ChainHead.objects.order_by("chain")
    ]
