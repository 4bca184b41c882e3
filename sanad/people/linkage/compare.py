"""Per-field agreement levels for candidate pairs, all vectorised over the pair arrays.

Levels are small integers; level 0 is always "missing on either side" and carries no evidence.
Names:  0 missing · 1 different · 2 Jaro-Winkler ≥ 0.80 · 3 Jaro-Winkler ≥ 0.92 · 4 same
        cross-script key · 5 same normalised form · 6 same raw string.
        Jaro-Winkler is taken on the normalised strings when both sides are in one script, and
        on the cross-script keys when one side is Arabic and the other Latin.
DOB:    0 missing · 1 different · 2 within about a year (or ±1 year when estimated) · 3 same
        year · 4 same date (both exact).
ID:     0 missing · 1 different · 2 one digit mistyped · 3 equal.
Phone, sex: 0 missing · 1 different · 2 equal.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from rapidfuzz.distance import JaroWinkler
from rapidfuzz.process import cpdist

from sanad.people.linkage.prepare import IntArray, PreparedRecords

Levels = npt.NDArray[np.int8]

NAME_MISSING, NAME_DIFFERENT, NAME_JW_LOW, NAME_JW_HIGH, NAME_KEY, NAME_NORM, NAME_EXACT = range(7)
DOB_MISSING, DOB_DIFFERENT, DOB_NEAR, DOB_SAME_YEAR, DOB_EXACT = range(5)
ID_MISSING, ID_DIFFERENT, ID_ONE_OFF, ID_EQUAL = range(4)
EQ_MISSING, EQ_DIFFERENT, EQ_EQUAL = range(3)

FIELD_LEVEL_COUNTS: dict[str, int] = {
    "first": 7,
    "father": 7,
    "grandfather": 7,
    "family": 7,
    "dob": 5,
    "national_id": 4,
    "phone": 3,
    "sex": 3,
}
JW_HIGH = 0.92
JW_LOW = 0.80


@dataclass(slots=True)
class Comparisons:
    """Level arrays per field, aligned with the pair arrays; ``swapped`` marks first/family read crosswise."""

    levels: dict[str, Levels]
    swapped: npt.NDArray[np.bool_]


class JaroWinklerCache:
    """Jaro-Winkler between vocabulary entries, computed once per distinct pair of codes in a call.

    Not kept across calls: at a million records the distinct name pairs run into the millions, and
    keeping them sorted for lookup cost more than recomputing a chunk's distinct pairs.
    """

    def __init__(self, prepared: PreparedRecords, *, workers: int = 1) -> None:
        vocab = prepared.vocabulary
        self._latin = vocab.latin
        self._strings = np.array(vocab.strings, dtype=object)
        keys = np.array([*vocab.keys, ""], dtype=object)
        # Key string of each vocabulary entry ("" when it has no key).
        self._key_strings = keys[np.where(vocab.key_code >= 0, vocab.key_code, len(vocab.keys))]
        self._size = max(len(vocab.strings), 1)
        self._workers = workers

    def similarity(self, a: IntArray, b: IntArray) -> npt.NDArray[np.float64]:
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        unique, inverse = np.unique(lo * self._size + hi, return_inverse=True)
        ta, tb = unique // self._size, unique % self._size
        cross = self._latin[ta] != self._latin[tb]
        left = np.where(cross, self._key_strings[ta], self._strings[ta])
        right = np.where(cross, self._key_strings[tb], self._strings[tb])
        scores = cpdist(
            list(left), list(right), scorer=JaroWinkler.normalized_similarity, workers=self._workers, dtype=np.float64
        )
        return np.asarray(scores, dtype=np.float64)[inverse.ravel()]


def name_levels(
    prepared: PreparedRecords,
    left: IntArray,
    right: IntArray,
    *,
    left_field: str,
    right_field: str,
    jaro_winkler: JaroWinklerCache,
) -> Levels:
    """Levels for one name field of the left record against one of the right record."""
    nl, nr = prepared.norm[left_field][left], prepared.norm[right_field][right]
    kl, kr = prepared.key[left_field][left], prepared.key[right_field][right]
    rl, rr = prepared.raw[left_field][left], prepared.raw[right_field][right]
    present = (nl >= 0) & (nr >= 0)
    levels = np.full(len(left), NAME_DIFFERENT, dtype=np.int8)
    levels[~present] = NAME_MISSING
    exact = present & (rl == rr)
    normal = present & ~exact & (nl == nr)
    keyed = present & ~exact & ~normal & (kl == kr) & (kl >= 0)
    levels[exact], levels[normal], levels[keyed] = NAME_EXACT, NAME_NORM, NAME_KEY
    fuzzy = present & ~exact & ~normal & ~keyed
    if fuzzy.any():
        sim = jaro_winkler.similarity(nl[fuzzy], nr[fuzzy])
        levels[fuzzy] = np.where(sim >= JW_HIGH, NAME_JW_HIGH, np.where(sim >= JW_LOW, NAME_JW_LOW, NAME_DIFFERENT))
    return levels


def dob_levels(prepared: PreparedRecords, left: IntArray, right: IntArray) -> Levels:
    dl, dr = prepared.dob_days[left], prepared.dob_days[right]
    yl, yr = prepared.dob_year[left], prepared.dob_year[right]
    estimated = prepared.dob_estimated[left] | prepared.dob_estimated[right]
    present = (dl >= 0) & (dr >= 0)
    year_gap = np.abs(yl - yr)
    near = (np.abs(dl - dr) <= 400) | (estimated & (year_gap <= 1))
    levels = np.full(len(left), DOB_DIFFERENT, dtype=np.int8)
    levels[near] = DOB_NEAR
    levels[year_gap == 0] = DOB_SAME_YEAR
    levels[(dl == dr) & ~estimated] = DOB_EXACT
    levels[~present] = DOB_MISSING
    return levels


def national_id_levels(prepared: PreparedRecords, left: IntArray, right: IntArray) -> Levels:
    cl, cr = prepared.nid_code[left], prepared.nid_code[right]
    present = (cl >= 0) & (cr >= 0)
    levels = np.full(len(left), ID_DIFFERENT, dtype=np.int8)
    levels[cl == cr] = ID_EQUAL
    differ = np.flatnonzero(present & (cl != cr))
    if len(differ):
        dl, dr = prepared.nid_digits[left[differ]], prepared.nid_digits[right[differ]]
        same_length = ((dl == 255) == (dr == 255)).all(axis=1)
        mismatches = (dl != dr).sum(axis=1)
        levels[differ[same_length & (mismatches == 1)]] = ID_ONE_OFF
    levels[~present] = ID_MISSING
    return levels


def equality_levels(left_values: IntArray, right_values: IntArray, *, missing: int) -> Levels:
    present = (left_values != missing) & (right_values != missing)
    levels = np.where(left_values == right_values, EQ_EQUAL, EQ_DIFFERENT).astype(np.int8)
    levels[~present] = EQ_MISSING
    return levels


def compare_pairs(
    prepared: PreparedRecords, left: IntArray, right: IntArray, *, jaro_winkler: JaroWinklerCache
) -> Comparisons:
    """Every field's level for every pair; first/family are also tried crosswise (a swapped source)."""

    def names(lf: str, rf: str, pick: IntArray | slice = slice(None)) -> Levels:
        return name_levels(prepared, left[pick], right[pick], left_field=lf, right_field=rf, jaro_winkler=jaro_winkler)

    first, family = names("first", "first"), names("family", "family")

    # Read crosswise only when that is clearly better: both crosswise levels beat the straight sum
    # and are at least "same key" (same raw string or same cross-script key). Only pairs that agree
    # so crosswise can be swapped, and only those (a handful) are compared crosswise.
    def agree(lf: str, rf: str) -> npt.NDArray[np.bool_]:
        kl, kr = prepared.key[lf][left], prepared.key[rf][right]
        rl, rr = prepared.raw[lf][left], prepared.raw[rf][right]
        return ((kl >= 0) & (kl == kr)) | ((rl >= 0) & (rl == rr))

    crosswise = np.flatnonzero(agree("first", "family") & agree("family", "first"))
    swapped = np.zeros(len(left), dtype=np.bool_)
    first_x = family_x = np.zeros(0, dtype=np.int8)
    if len(crosswise):
        first_x, family_x = names("first", "family", crosswise), names("family", "first", crosswise)
        swapped[crosswise] = (
            first_x.astype(np.int16) + family_x > first[crosswise].astype(np.int16) + family[crosswise] + 2
        ) & (np.minimum(first_x, family_x) >= NAME_KEY)
        first, family = first.copy(), family.copy()
        chosen = swapped[crosswise]
        first[crosswise[chosen]], family[crosswise[chosen]] = first_x[chosen], family_x[chosen]
    levels = {
        "first": first,
        "father": names("father", "father"),
        "grandfather": names("grandfather", "grandfather"),
        "family": family,
        "dob": dob_levels(prepared, left, right),
        "national_id": national_id_levels(prepared, left, right),
        "phone": equality_levels(prepared.phone_code[left], prepared.phone_code[right], missing=-1),
        "sex": equality_levels(prepared.sex[left].astype(np.int64), prepared.sex[right].astype(np.int64), missing=0),
    }
    return Comparisons(levels=levels, swapped=swapped)


# A pair's levels packed in one int32: 3 bits per field in FIELD_LEVEL_COUNTS order, then the
# "read crosswise" bit. A million records' tens of millions of pairs then cost 4 bytes each, and
# the model, the forbidden-pair rules and the reviewers' "why" are all functions of the pattern.
_FIELD_BITS = 3
SWAPPED_BIT = _FIELD_BITS * len(FIELD_LEVEL_COUNTS)
Patterns = npt.NDArray[np.int32]


def pack_levels(comparisons: Comparisons, /) -> Patterns:
    packed = comparisons.swapped.astype(np.int32) << SWAPPED_BIT
    for shift, name in enumerate(FIELD_LEVEL_COUNTS):
        packed |= comparisons.levels[name].astype(np.int32) << (_FIELD_BITS * shift)
    return packed


def unpack_levels(patterns: Patterns, /) -> Comparisons:
    levels = {
        name: ((patterns >> (_FIELD_BITS * shift)) & 0b111).astype(np.int8)
        for shift, name in enumerate(FIELD_LEVEL_COUNTS)
    }
    return Comparisons(levels=levels, swapped=((patterns >> SWAPPED_BIT) & 1).astype(np.bool_))
