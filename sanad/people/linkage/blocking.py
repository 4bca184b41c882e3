"""Candidate pairs: records that share at least one blocking key.

Several keys, so that a pair missed by one (a missing national ID, a swapped name, a variant
first name) is caught by another. A block larger than ``max_block_size`` is skipped: it is a
very common name (محمد + a large tribe) and the finer keys split it; comparing inside it would
cost quadratically for pairs the finer keys already produce.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sanad.people.linkage.prepare import MISSING, IntArray, PreparedRecords


@dataclass(frozen=True, slots=True)
class BlockingStats:
    rule: str
    pairs: int
    skipped_blocks: int
    skipped_records: int


def blocking_keys(prepared: PreparedRecords, /) -> dict[str, IntArray]:
    """Each rule's key per record (MISSING where any part is absent)."""
    k = prepared.key
    first, father, grand, family = k["first"], k["father"], k["grandfather"], k["family"]
    low, high = np.minimum(first, family), np.maximum(first, family)
    # Swapped first/family: the unordered pair of keys is the same either way round.
    both_names = np.where((first >= 0) & (family >= 0), low, MISSING)
    return {
        "national_id": prepared.nid_code,
        "phone": prepared.phone_code,
        "first+family (either order)": _combine(both_names, np.where(both_names >= 0, high, MISSING)),
        "first+father+family": _combine(first, father, family),
        "father+grandfather+family": _combine(father, grand, family),
        "first+father+grandfather": _combine(first, father, grand),
        "dob+first": _combine(prepared.dob_days, first),
        "dob+family": _combine(prepared.dob_days, family),
        "birth year+first+father": _combine(prepared.dob_year, first, father),
    }


def _combine(*columns: IntArray) -> IntArray:
    """Dense code for a tuple of columns; MISSING when any column is missing."""
    stacked = np.stack(columns, axis=1)
    valid = (stacked >= 0).all(axis=1)
    out = np.full(len(stacked), MISSING, dtype=np.int64)
    if valid.any():
        _, inverse = np.unique(stacked[valid], axis=0, return_inverse=True)
        out[valid] = inverse.ravel()
    return out


def pairs_within_blocks(key: IntArray, /, *, max_block_size: int) -> tuple[IntArray, IntArray, int, int]:
    """All pairs (i < j) of records sharing a key value, vectorised.

    Returns (left, right, skipped_blocks, skipped_records).
    """
    idx = np.flatnonzero(key >= 0)
    order = idx[np.argsort(key[idx], kind="stable")]
    sorted_keys = key[order]
    if len(order) < 2:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, 0, 0
    starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
    sizes = np.diff(np.r_[starts, len(order)])
    oversized = sizes > max_block_size
    skipped_records = int(sizes[oversized].sum())
    keep = (sizes >= 2) & ~oversized
    starts, sizes = starts[keep], sizes[keep]
    # Element at offset k of a block of size s pairs with the s-1-k elements after it.
    elem_block_start = np.repeat(starts, sizes)
    elem_pos = elem_block_start + (np.arange(sizes.sum()) - np.repeat(np.cumsum(sizes) - sizes, sizes))
    elem_after = np.repeat(starts + sizes, sizes) - elem_pos - 1
    left_pos = np.repeat(elem_pos, elem_after)
    run_starts = np.cumsum(elem_after) - elem_after
    right_pos = left_pos + 1 + (np.arange(elem_after.sum()) - np.repeat(run_starts, elem_after))
    a, b = order[left_pos], order[right_pos]
    return np.minimum(a, b), np.maximum(a, b), int(oversized.sum()), skipped_records


def candidate_pairs(
    prepared: PreparedRecords, /, *, max_block_size: int = 400, extra_pairs: IntArray | None = None
) -> tuple[IntArray, list[BlockingStats]]:
    """Sorted unique pair codes ``left * size + right`` from every rule (plus ``extra_pairs`` codes)."""
    n = prepared.size
    codes: list[IntArray] = []
    stats: list[BlockingStats] = []
    for rule, key in blocking_keys(prepared).items():
        left, right, skipped_blocks, skipped_records = pairs_within_blocks(key, max_block_size=max_block_size)
        codes.append(left * n + right)
        stats.append(BlockingStats(rule, len(left), skipped_blocks, skipped_records))
    if extra_pairs is not None:
        codes.append(extra_pairs)
    return np.unique(np.concatenate(codes)) if codes else np.zeros(0, dtype=np.int64), stats


def split_codes(codes: IntArray, /, *, size: int) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Inverse of the pair code: (left, right)."""
    return codes // size, codes % size
