"""The linkage run: prepare → block → compare → learn weights → guard → cluster."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from sanad.people.linkage.blocking import BlockingStats, candidate_pairs, split_codes
from sanad.people.linkage.clustering import cluster
from sanad.people.linkage.compare import (
    DOB_DIFFERENT,
    DOB_EXACT,
    ID_DIFFERENT,
    ID_EQUAL,
    NAME_JW_LOW,
    NAME_KEY,
    NAME_MISSING,
    Comparisons,
    JaroWinklerCache,
    Patterns,
    compare_pairs,
    pack_levels,
    unpack_levels,
)
from sanad.people.linkage.fellegi_sunter import MatchModel, estimate_model_in_sessions, level_frequencies
from sanad.people.linkage.prepare import NAME_FIELDS, IntArray, PreparedRecords, prepare_records
from sanad.people.linkage.records import PairDecision, PersonRecord

Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class LinkageSettings:
    """Knobs of a run. Weights are posterior log2-odds (0 = even odds)."""

    max_block_size: int = 400
    match_threshold: float = 0.0  # an edge must be at least this strong to join two clusters
    average_threshold: float = 0.0  # …and the clusters' compared pairs must average this much
    review_band: tuple[float, float] = (-6.0, 6.0)  # pairs in here are worth a steward's look
    em_iterations: int = 100
    workers: int = 2
    random_pairs: int = 1_000_000  # non-matches, almost all: where u comes from
    seed: int = 20260101
    term_frequency_bounds: tuple[float, float] = (-4.0, 2.0)  # how far a name's rarity may move its weight
    chunk_pairs: int = 2_000_000  # pairs compared at once: bounds the memory of the comparison step


@dataclass(slots=True)
class ScoredPairs:
    """Every compared pair as its code (``left * size + right``), weight and packed levels."""

    codes: IntArray
    size: int
    weights: npt.NDArray[np.float64]
    patterns: Patterns

    @property
    def left(self) -> IntArray:
        return self.codes // max(self.size, 1)

    @property
    def right(self) -> IntArray:
        return self.codes % max(self.size, 1)

    @property
    def comparisons(self) -> Comparisons:
        """Per-field levels of every pair, unpacked (one byte per field per pair)."""
        return unpack_levels(self.patterns)


@dataclass(slots=True)
class LinkageResult:
    """Cluster label per input record (same order), and what the run learned and measured."""

    labels: IntArray
    n_clusters: int
    model: MatchModel
    pairs: ScoredPairs
    blocking: list[BlockingStats]
    seconds: dict[str, float] = field(default_factory=dict)

    def review_candidates(
        self, *, record_ids: Sequence[str], band: tuple[float, float]
    ) -> list[tuple[str, str, float]]:
        """Uncertain pairs (weight within ``band``) for the data stewards' queue, strongest first."""
        w = self.pairs.weights
        picked = np.flatnonzero((w >= band[0]) & (w < band[1]))
        picked = picked[np.argsort(-w[picked])]
        left, right = split_codes(self.pairs.codes[picked], size=self.pairs.size)
        return [
            (record_ids[a], record_ids[b], float(w[i]))
            for a, b, i in zip(left.tolist(), right.tolist(), picked.tolist(), strict=True)
        ]


def forbidden_pairs(comparisons: Comparisons, /) -> npt.NDArray[np.bool_]:
    """Pairs that must never be one person, whatever their weight.

    * different national IDs (one mistyped digit is not "different");
    * siblings: same father, grandfather (when both known) and family, but a different first name
      and a date of birth more than a year apart.
    """
    lv = comparisons.levels
    different_ids = lv["national_id"] == ID_DIFFERENT
    same_line = (
        (lv["father"] >= NAME_KEY)
        & (lv["family"] >= NAME_KEY)
        & ((lv["grandfather"] >= NAME_KEY) | (lv["grandfather"] == NAME_MISSING))
    )
    siblings = same_line & (lv["first"] <= NAME_JW_LOW) & (lv["first"] != NAME_MISSING) & (lv["dob"] == DOB_DIFFERENT)
    return different_ids | siblings


def _decision_codes(
    decisions: Sequence[PairDecision], index_of: dict[str, int], size: int
) -> tuple[IntArray, IntArray]:
    matches: list[int] = []
    non_matches: list[int] = []
    for decision in decisions:
        a, b = index_of.get(decision.record_id_a), index_of.get(decision.record_id_b)
        if a is None or b is None or a == b:
            continue  # a decision about a record not in this run says nothing here
        code = min(a, b) * size + max(a, b)
        (matches if decision.is_match else non_matches).append(code)
    return np.array(sorted(set(matches)), dtype=np.int64), np.array(sorted(set(non_matches)), dtype=np.int64)


def learn_model(
    prepared: PreparedRecords,
    comparisons: Comparisons,
    *,
    settings: LinkageSettings,
    jaro_winkler: JaroWinklerCache,
    fixed_match: npt.NDArray[np.bool_] | None,
    fixed_non_match: npt.NDArray[np.bool_] | None,
    counts: npt.NDArray[np.float64] | None = None,
) -> MatchModel:
    """Learn m, u and the prior without labels.

    ``comparisons`` are the candidate pairs' levels, or their distinct level vectors with
    ``counts`` (how many candidate pairs show each).
    u: level frequencies over random record pairs (nearly all non-matches).
    m: EM in sessions over candidate pairs that share a national ID, a first+family key, or an
    exact birth date (``estimate_model_in_sessions``).
    prior: pairs sharing a national ID, scaled up by the chance that both records of a matching
    pair carry one (the share of records with an ID, squared), over all possible pairs.
    """
    rng = np.random.default_rng(settings.seed)
    size = prepared.size
    count = min(settings.random_pairs, max(size * 20, 1000))
    a, b = rng.integers(0, size, count), rng.integers(0, size, count)
    keep = a != b
    random_levels = compare_pairs(
        prepared, np.minimum(a, b)[keep], np.maximum(a, b)[keep], jaro_winkler=jaro_winkler
    ).levels
    u = level_frequencies(random_levels)
    lv = comparisons.levels
    same_id = lv["national_id"] == ID_EQUAL
    same_id_pairs = float(same_id.sum() if counts is None else counts[same_id].sum())
    id_share = float((prepared.nid_code >= 0).mean()) if size else 0.0
    all_pairs = size * (size - 1) / 2
    if same_id_pairs >= 50 and id_share > 0:
        prior = same_id_pairs / (id_share**2) / all_pairs
    else:  # no IDs to count on: assume each record has about one duplicate
        prior = size / 2 / max(all_pairs, 1)
    sessions = [
        (same_id, ("national_id",)),
        ((lv["first"] >= NAME_KEY) & (lv["family"] >= NAME_KEY), ("first", "family")),
        (lv["dob"] == DOB_EXACT, ("dob",)),
    ]
    return estimate_model_in_sessions(
        lv,
        u=u,
        sessions=sessions,
        prior=float(np.clip(prior, 1e-12, 0.5)),
        max_iterations=settings.em_iterations,
        fixed_match=fixed_match,
        fixed_non_match=fixed_non_match,
        counts=counts,
    )


def term_frequency_adjustment(
    prepared: PreparedRecords, left: IntArray, levels: dict[str, npt.NDArray[np.int8]], *, bounds: tuple[float, float]
) -> npt.NDArray[np.float64]:
    """Agreeing on a common name (محمد) is weaker evidence than agreeing on a rare one.

    For pairs that agree at key level or better, add log2(Σp² / p_v): p_v is how often the shared
    key occurs in that field, Σp² the chance two random records agree on any key.
    """
    total = np.zeros(len(left))
    for name_field in NAME_FIELDS:
        keys = prepared.key[name_field]
        present = keys[keys >= 0]
        if not len(present):
            continue
        freq = np.bincount(present).astype(np.float64) / len(present)
        collide = float((freq**2).sum())
        agree = levels[name_field] >= NAME_KEY
        value = keys[left[agree]]
        ok = value >= 0
        adjustment = np.zeros(int(agree.sum()))
        adjustment[ok] = np.clip(np.log2(collide / freq[value[ok]]), *bounds)
        total[agree] += adjustment
    return total


def compare_in_chunks(
    prepared: PreparedRecords, pair_codes: IntArray, *, settings: LinkageSettings, jaro_winkler: JaroWinklerCache
) -> tuple[Patterns, npt.NDArray[np.float32]]:
    """Packed levels and the term-frequency adjustment of every pair, a bounded chunk at a time.

    Only 8 bytes per pair are kept; the per-field arrays of a chunk are dropped once packed.
    """
    patterns = np.empty(len(pair_codes), dtype=np.int32)
    adjustment = np.empty(len(pair_codes), dtype=np.float32)
    step = max(settings.chunk_pairs, 1)
    for start in range(0, len(pair_codes), step):
        left, right = split_codes(pair_codes[start : start + step], size=prepared.size)
        comparisons = compare_pairs(prepared, left, right, jaro_winkler=jaro_winkler)
        patterns[start : start + len(left)] = pack_levels(comparisons)
        adjustment[start : start + len(left)] = term_frequency_adjustment(
            prepared, left, comparisons.levels, bounds=settings.term_frequency_bounds
        )
    return patterns, adjustment


_PIN_SHIFT = 28  # above the packed levels: 1 = reviewers said "same", 2 = "not the same"


def score_prepared(
    prepared: PreparedRecords,
    *,
    pair_codes: IntArray,
    settings: LinkageSettings,
    model: MatchModel | None = None,
    fixed_match: IntArray | None = None,
    fixed_non_match: IntArray | None = None,
) -> tuple[ScoredPairs, MatchModel]:
    """Compare the given pairs, learn (or reuse) the model, and weigh every pair.

    The model, the forbidden-pair rules and the pins are applied per distinct level vector (a few
    thousand), then spread to the pairs: nothing per pair but a lookup and the term frequencies.
    """
    jaro_winkler = JaroWinklerCache(prepared, workers=settings.workers)
    patterns, adjustment = compare_in_chunks(prepared, pair_codes, settings=settings, jaro_winkler=jaro_winkler)
    keyed = patterns.astype(np.int64)
    if fixed_match is not None and len(fixed_match):
        keyed[np.isin(pair_codes, fixed_match)] |= 1 << _PIN_SHIFT
    if fixed_non_match is not None and len(fixed_non_match):
        keyed[np.isin(pair_codes, fixed_non_match)] |= 2 << _PIN_SHIFT
    distinct, inverse, counts = np.unique(keyed, return_inverse=True, return_counts=True)
    del keyed
    pins = distinct >> _PIN_SHIFT
    distinct_levels = unpack_levels((distinct & ((1 << _PIN_SHIFT) - 1)).astype(np.int32))
    if model is None:
        model = learn_model(
            prepared,
            distinct_levels,
            settings=settings,
            jaro_winkler=jaro_winkler,
            fixed_match=pins == 1,
            fixed_non_match=pins == 2,
            counts=counts.astype(np.float64),
        )
    pattern_weights = model.match_weights(distinct_levels.levels)
    pattern_weights[forbidden_pairs(distinct_levels)] = -np.inf
    pattern_weights[pins == 2] = -np.inf
    pattern_weights[pins == 1] = np.inf
    weights = pattern_weights[inverse.ravel()]
    del inverse
    # Term frequencies move finite weights only (a pin or a forbidden pair stays where it is).
    weights += np.where(np.isfinite(weights), adjustment, 0.0)
    return ScoredPairs(codes=pair_codes, size=prepared.size, weights=weights, patterns=patterns), model


def link_records(
    records: Sequence[PersonRecord],
    *,
    decisions: Sequence[PairDecision] = (),
    settings: LinkageSettings | None = None,
    model: MatchModel | None = None,
    progress: Progress | None = None,
) -> LinkageResult:
    """Link records into persons. ``decisions`` are reviewers' verdicts and always win.

    Pass ``model`` to reuse weights learned on a larger run instead of re-learning them.
    """
    settings = settings or LinkageSettings()
    say = progress or (lambda _message: None)
    seconds: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(step: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        seconds[step] = round(now - clock, 3)
        clock = now

    size = len(records)
    say(f"normalising {size} records")
    prepared = prepare_records(records)
    lap("prepare")
    index_of = {r.record_id: i for i, r in enumerate(records)}
    must, must_not = _decision_codes(decisions, index_of, size)
    say("blocking")
    pair_codes, blocking = candidate_pairs(
        prepared, max_block_size=settings.max_block_size, extra_pairs=np.concatenate([must, must_not])
    )
    lap("blocking")
    say(f"comparing {len(pair_codes)} candidate pairs")
    scored, model = score_prepared(
        prepared, pair_codes=pair_codes, settings=settings, model=model, fixed_match=must, fixed_non_match=must_not
    )
    lap("compare+em")
    say("clustering")
    labels = cluster(
        size=size,
        pair_codes=pair_codes,
        weights=scored.weights,
        match_threshold=settings.match_threshold,
        average_threshold=settings.average_threshold,
        must_link=must,
    )
    lap("cluster")
    n_clusters = int(labels.max()) + 1 if size else 0
    return LinkageResult(
        labels=labels, n_clusters=n_clusters, model=model, pairs=scored, blocking=blocking, seconds=seconds
    )
