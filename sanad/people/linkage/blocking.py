"""Candidate pairs: records that share at least one blocking key.

Several keys, so that a pair missed by one (a missing national ID, a swapped name, a variant
first name) is caught by another. A block larger than ``max_block_size`` is skipped: it is a
very common name (محمد + a large tribe) and the finer keys split it; comparing inside it would
cost quadratically for pairs the finer keys already produce.

Built to stay lean at a million records: keys are int64 arithmetic combinations of the field
codes (no row-wise sorting of tuples), pairs are produced a bounded chunk of blocks at a time, a
loose rule may drop pairs that cannot be one person before they are kept, and the rules' pairs
are merged as int64 codes ``left * size + right``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sanad.people.linkage.prepare import MISSING, IntArray, PreparedRecords

# Keep a pair of records only when this says so (vectorised over the pair arrays).
PairFilter = Callable[[PreparedRecords, IntArray, IntArray], npt.NDArray[np.bool_]]
CHUNK_PAIRS = 4_000_000


@dataclass(frozen=True, slots=True)
class BlockingStats:
    rule: str
    pairs: int
    skipped_blocks: int
    skipped_records: int


@dataclass(frozen=True, slots=True)
class BlockingRule:
    name: str
    key: IntArray
    keep: PairFilter | None = None


def births_compatible(prepared: PreparedRecords, left: IntArray, right: IntArray) -> npt.NDArray[np.bool_]:
    """Birth dates missing on either side, or at most two years apart.

    Used on the rules made of names only: two records that share a common first and family name
    (or first, father and grandfather) and whose births are years apart are cousins, not one person.
    """
    yl, yr = prepared.dob_year[left], prepared.dob_year[right]
    return (yl < 0) | (yr < 0) | (np.abs(yl - yr) <= 2)


def _fathers_compatible(prepared: PreparedRecords) -> PairFilter:
    """Fathers' names missing on either side, or their cross-script keys start with the same letter.

    Loose on purpose (a typo or a transliteration that splits the keys rarely touches the first
    consonant), yet it halves the loosest rule's pairs: same first and family name, other father.
    """
    initials = np.array([ord(k[0]) if k else 0 for k in prepared.vocabulary.keys] + [0], dtype=np.int32)
    father = prepared.key["father"]

    def keep(prepared: PreparedRecords, left: IntArray, right: IntArray) -> npt.NDArray[np.bool_]:
        fl, fr = father[left], father[right]
        return births_compatible(prepared, left, right) & ((fl < 0) | (fr < 0) | (initials[fl] == initials[fr]))

    return keep


def blocking_rules(prepared: PreparedRecords, /) -> list[BlockingRule]:
    """Each rule's key per record (MISSING where any part is absent), and what it keeps."""
    k = prepared.key
    first, father, grand, family = k["first"], k["father"], k["grandfather"], k["family"]
    low, high = np.minimum(first, family), np.maximum(first, family)
    # Swapped first/family: the unordered pair of keys is the same either way round.
    both_names = np.where((first >= 0) & (family >= 0), low, MISSING)
    return [
        BlockingRule("national_id", prepared.nid_code),
        BlockingRule("phone", prepared.phone_code),
        BlockingRule(
            "first+family (either order)",
            _combine(both_names, np.where(both_names >= 0, high, MISSING)),
            keep=_fathers_compatible(prepared),
        ),
        BlockingRule("first+father+family", _combine(first, father, family), keep=births_compatible),
        # Not filtered: this is the rule that puts siblings side by side, so the sibling guard sees them.
        BlockingRule("father+grandfather+family", _combine(father, grand, family)),
        BlockingRule("first+father+grandfather", _combine(first, father, grand), keep=births_compatible),
        BlockingRule("dob+first", _combine(prepared.dob_days, first)),
        BlockingRule("dob+family", _combine(prepared.dob_days, family)),
        BlockingRule("birth year+first+father", _combine(prepared.dob_year, first, father)),
    ]


def blocking_keys(prepared: PreparedRecords, /) -> dict[str, IntArray]:
    return {rule.name: rule.key for rule in blocking_rules(prepared)}


def _combine(*columns: IntArray) -> IntArray:
    """One int64 key for a tuple of non-negative codes; MISSING when any column is missing."""
    valid = np.ones(len(columns[0]), dtype=np.bool_)
    for column in columns:
        valid &= column >= 0
    out = np.where(valid, columns[0], 0).astype(np.int64)
    for column in columns[1:]:
        radix = int(column.max(initial=0)) + 1
        if int(out.max(initial=0)) >= (2**62) // radix:
            # Would overflow: renumber the combination so far densely (rare; costs one sort).
            _, inverse = np.unique(out, return_inverse=True)
            out = inverse.ravel().astype(np.int64)
        out = out * radix + np.where(valid, column, 0)
    out[~valid] = MISSING
    return out


def iter_block_pairs(
    key: IntArray, /, *, max_block_size: int, chunk_pairs: int = CHUNK_PAIRS
) -> Iterator[tuple[IntArray, IntArray]]:
    """All pairs (left < right) of records sharing a key value, a bounded group of blocks at a time."""
    idx = np.flatnonzero(key >= 0)
    if len(idx) < 2:
        return
    order = idx[np.argsort(key[idx], kind="stable")]
    sorted_keys = key[order]
    starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
    sizes = np.diff(np.r_[starts, len(order)])
    keep = (sizes >= 2) & (sizes <= max_block_size)
    starts, sizes = starts[keep], sizes[keep]
    block_pairs = sizes * (sizes - 1) // 2
    # Group consecutive blocks so that no group holds much more than chunk_pairs pairs.
    group = np.cumsum(block_pairs) // max(chunk_pairs, 1)
    bounds = np.flatnonzero(np.r_[True, group[1:] != group[:-1], True])
    for g in range(len(bounds) - 1):
        s, z = starts[bounds[g] : bounds[g + 1]], sizes[bounds[g] : bounds[g + 1]]
        # Element at offset k of a block of size s pairs with the s-1-k elements after it.
        elem_pos = np.repeat(s, z) + (np.arange(z.sum()) - np.repeat(np.cumsum(z) - z, z))
        elem_after = np.repeat(s + z, z) - elem_pos - 1
        left_pos = np.repeat(elem_pos, elem_after)
        run_starts = np.cumsum(elem_after) - elem_after
        right_pos = left_pos + 1 + (np.arange(elem_after.sum()) - np.repeat(run_starts, elem_after))
        a, b = order[left_pos], order[right_pos]
        yield np.minimum(a, b), np.maximum(a, b)


def _oversized(key: IntArray, max_block_size: int) -> tuple[int, int]:
    present = key[key >= 0]
    if not len(present):
        return 0, 0
    _, sizes = np.unique(present, return_counts=True)
    big = sizes > max_block_size
    return int(big.sum()), int(sizes[big].sum())


def pairs_within_blocks(key: IntArray, /, *, max_block_size: int) -> tuple[IntArray, IntArray, int, int]:
    """All pairs (i < j) of records sharing a key value. Returns (left, right, skipped_blocks, skipped_records)."""
    chunks = list(iter_block_pairs(key, max_block_size=max_block_size))
    empty = np.zeros(0, dtype=np.int64)
    left = np.concatenate([c[0] for c in chunks]) if chunks else empty
    right = np.concatenate([c[1] for c in chunks]) if chunks else empty
    return (left, right, *_oversized(key, max_block_size))


def candidate_pairs(
    prepared: PreparedRecords, /, *, max_block_size: int = 400, extra_pairs: IntArray | None = None
) -> tuple[IntArray, list[BlockingStats]]:
    """Sorted unique pair codes ``left * size + right`` from every rule (plus ``extra_pairs`` codes)."""
    n = prepared.size
    codes: list[IntArray] = []
    stats: list[BlockingStats] = []
    for rule in blocking_rules(prepared):
        kept = 0
        rule_codes: list[IntArray] = []
        for left, right in iter_block_pairs(rule.key, max_block_size=max_block_size):
            if rule.keep is not None:
                wanted = rule.keep(prepared, left, right)
                left, right = left[wanted], right[wanted]
            kept += len(left)
            rule_codes.append(left * n + right)
        codes.extend(rule_codes)
        stats.append(BlockingStats(rule.name, kept, *_oversized(rule.key, max_block_size)))
    if extra_pairs is not None:
        codes.append(extra_pairs.astype(np.int64))
    return sorted_unique(np.concatenate(codes)) if codes else np.zeros(0, dtype=np.int64), stats


def sorted_unique(values: IntArray, /) -> IntArray:
    """Sorted distinct values, sorting in place (plain ``np.unique`` hashes, far slower on 10⁷ int64)."""
    values.sort()
    if not len(values):
        return values
    return values[np.r_[True, values[1:] != values[:-1]]]


def split_codes(codes: IntArray, /, *, size: int) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Inverse of the pair code: (left, right)."""
    return codes // size, codes % size
