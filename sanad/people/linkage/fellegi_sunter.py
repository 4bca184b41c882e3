"""Fellegi–Sunter match weights with m and u probabilities learned by EM, without labels.

Each candidate pair is a vector of field levels. Under conditional independence, a pair's
log-likelihood ratio is the sum over fields of log2(m/u) for the level it shows, where m is the
probability of that level among true matches and u among non-matches. EM alternates between the
posterior match probability of each pair and the m, u and prior that best explain those
posteriors. Pairs are first collapsed to their distinct level vectors (a few thousand at most),
so each EM iteration costs nothing however many pairs there are.

Level 0 ("missing") is evidence of nothing: its weight is fixed at 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from sanad.people.linkage.compare import FIELD_LEVEL_COUNTS, Levels

FloatArray = npt.NDArray[np.float64]
_FLOOR = 1e-6


@dataclass(slots=True)
class MatchModel:
    """m and u per field level, and the prior probability that a candidate pair is a match."""

    m: dict[str, FloatArray]
    u: dict[str, FloatArray]
    prior: float
    iterations: int = 0
    history: list[float] = field(default_factory=list)

    def level_weights(self) -> dict[str, FloatArray]:
        """log2(m/u) per level; 0 for the missing level."""
        out = {}
        for name in self.m:
            w = np.log2(np.maximum(self.m[name], _FLOOR) / np.maximum(self.u[name], _FLOOR))
            w[0] = 0.0
            out[name] = w
        return out

    def match_weights(self, levels: dict[str, Levels], /) -> FloatArray:
        """Posterior log2-odds of a match for every pair: prior odds plus each field's weight."""
        weights = self.level_weights()
        total = np.full(len(next(iter(levels.values()))), np.log2(self.prior / (1 - self.prior)))
        for name, w in weights.items():
            total += w[levels[name]]
        return total


def _initial_model() -> MatchModel:
    m: dict[str, FloatArray] = {}
    u: dict[str, FloatArray] = {}
    for name, count in FIELD_LEVEL_COUNTS.items():
        # Matches mostly agree at the top levels, non-matches mostly disagree.
        rising = np.arange(count, dtype=np.float64) ** 2 + 0.5
        rising[0] = 0.0
        falling = rising[::-1].copy()
        falling = np.roll(falling, 1)
        falling[0] = 0.0
        m[name] = rising / rising.sum()
        u[name] = falling / falling.sum()
    return MatchModel(m=m, u=u, prior=0.2)


def level_frequencies(
    levels: dict[str, Levels], /, *, mask: npt.NDArray[np.bool_] | None = None
) -> dict[str, FloatArray]:
    """Share of each non-missing level per field (add-half smoothed), e.g. u from random pairs."""
    out = {}
    for name, count in FIELD_LEVEL_COUNTS.items():
        values = levels[name] if mask is None else levels[name][mask]
        counts = np.bincount(values.astype(np.int64), minlength=count).astype(np.float64)
        counts[0] = 0.0
        freq = (counts + 0.5) / (counts.sum() + 0.5 * (count - 1))
        freq[0] = 0.0
        out[name] = freq
    return out


def monotone_m(m: FloatArray, u: FloatArray, /) -> FloatArray:
    """Make log(m/u) non-decreasing over levels 1..k (pool adjacent violators, weighted by m).

    Higher levels mean closer agreement; a model in which "different" is better evidence than
    "equal" has found some other structure in the pairs (households, usually) — forbid it.
    """
    blocks: list[list[float]] = []  # [m_sum, u_sum, count]
    for level in range(1, len(m)):
        blocks.append([m[level], u[level], 1.0])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] > blocks[-1][0] / blocks[-1][1]:
            last = blocks.pop()
            blocks[-1] = [blocks[-1][0] + last[0], blocks[-1][1] + last[1], blocks[-1][2] + last[2]]
    out = np.zeros_like(m)
    level = 1
    for m_sum, u_sum, count in blocks:
        for _ in range(int(count)):
            out[level] = u[level] * m_sum / u_sum  # same ratio for the pooled levels
            level += 1
    return out / out.sum()


def estimate_model(
    levels: dict[str, Levels],
    /,
    *,
    max_iterations: int = 100,
    tolerance: float = 1e-6,
    initial: MatchModel | None = None,
    fixed_u: bool = False,
    fields: tuple[str, ...] | None = None,
    fixed_match: npt.NDArray[np.bool_] | None = None,
    fixed_non_match: npt.NDArray[np.bool_] | None = None,
    counts: FloatArray | None = None,
) -> MatchModel:
    """Learn m, u and the prior by EM over the distinct level vectors.

    ``counts`` says how many pairs each row stands for (rows may already be distinct level vectors).

    ``initial`` seeds the iteration (the engine seeds u from random pairs and m from pairs that
    share a national ID); with ``fixed_u`` only m and the prior move. m is kept monotone
    (``monotone_m``). ``fixed_match`` / ``fixed_non_match`` mark pairs a reviewer settled: their
    posterior is pinned to 1 or 0, so reviewers' decisions also teach the model. Only ``fields``
    (default: all) take part; the others keep their initial m and u.
    """
    names = list(fields or FIELD_LEVEL_COUNTS)
    n = len(levels[names[0]])
    if n == 0:
        return _initial_model()
    matrix = np.stack([levels[name].astype(np.int64) for name in names], axis=1)
    # Pinned pairs form their own groups so their posterior can be set apart.
    pin = np.zeros(n, dtype=np.int64)
    if fixed_match is not None:
        pin[fixed_match] = 1
    if fixed_non_match is not None:
        pin[fixed_non_match] = 2
    patterns, inverse = np.unique(np.column_stack([matrix, pin]), axis=0, return_inverse=True)
    counts = np.bincount(inverse.ravel(), weights=counts, minlength=len(patterns)).astype(np.float64)
    pins = patterns[:, -1]
    patterns = patterns[:, :-1]
    model = initial or _initial_model()
    model = MatchModel(
        m={k: v.copy() for k, v in model.m.items()}, u={k: v.copy() for k, v in model.u.items()}, prior=model.prior
    )
    previous = -np.inf
    for iteration in range(1, max_iterations + 1):
        log_m = np.zeros(len(patterns))
        log_u = np.zeros(len(patterns))
        for j, name in enumerate(names):
            present = patterns[:, j] > 0
            log_m[present] += np.log(np.maximum(model.m[name][patterns[present, j]], _FLOOR))
            log_u[present] += np.log(np.maximum(model.u[name][patterns[present, j]], _FLOOR))
        a = np.log(model.prior) + log_m
        b = np.log(1 - model.prior) + log_u
        top = np.maximum(a, b)
        log_likelihood = float((counts * (top + np.log(np.exp(a - top) + np.exp(b - top)))).sum())
        posterior = 1.0 / (1.0 + np.exp(np.clip(b - a, -700, 700)))
        posterior[pins == 1] = 1.0
        posterior[pins == 2] = 0.0
        matched, unmatched = counts * posterior, counts * (1 - posterior)
        for j, name in enumerate(names):
            size = FIELD_LEVEL_COUNTS[name]
            m_counts = np.bincount(patterns[:, j], weights=matched, minlength=size)
            u_counts = np.bincount(patterns[:, j], weights=unmatched, minlength=size)
            m_counts[0] = u_counts[0] = 0.0
            # A little smoothing so an unseen level never gets an infinite weight.
            m_new = (m_counts + 0.5) / (m_counts.sum() + 0.5 * size)
            m_new[0] = 0.0
            if not fixed_u:
                model.u[name] = (u_counts + 0.5) / (u_counts.sum() + 0.5 * size)
                model.u[name][0] = 0.0
            model.m[name] = monotone_m(m_new / m_new.sum(), model.u[name])
        model.prior = float(np.clip(matched.sum() / counts.sum(), 1e-6, 1 - 1e-6))
        model.iterations = iteration
        model.history.append(log_likelihood)
        if abs(log_likelihood - previous) < tolerance * abs(log_likelihood):
            break
        previous = log_likelihood
    return model


def estimate_model_in_sessions(
    levels: dict[str, Levels],
    /,
    *,
    u: dict[str, FloatArray],
    sessions: list[tuple[npt.NDArray[np.bool_], tuple[str, ...]]],
    prior: float,
    max_iterations: int = 100,
    fixed_match: npt.NDArray[np.bool_] | None = None,
    fixed_non_match: npt.NDArray[np.bool_] | None = None,
    counts: FloatArray | None = None,
) -> MatchModel:
    """EM in sessions, as Splink does: each session takes the pairs that agree on some fields.

    Pairs selected because they agree on a field say nothing about that field's m, so each session
    learns m only for the fields it did not select on (``sessions`` = (pair mask, blocked fields)).
    u stays as measured on random pairs; each field's m is the mean over the sessions that learned
    it. ``prior`` is the probability that two random records match, estimated apart.
    """
    start = _initial_model()
    learned: dict[str, list[FloatArray]] = {name: [] for name in FIELD_LEVEL_COUNTS}
    for mask, blocked in sessions:
        if (mask.sum() if counts is None else counts[mask].sum()) < 50:
            continue  # too few pairs to learn from
        fields = tuple(name for name in FIELD_LEVEL_COUNTS if name not in blocked)
        session = estimate_model(
            {name: values[mask] for name, values in levels.items()},
            max_iterations=max_iterations,
            initial=MatchModel(m=start.m, u=u, prior=0.5),
            fixed_u=True,
            fields=fields,
            fixed_match=None if fixed_match is None else fixed_match[mask],
            fixed_non_match=None if fixed_non_match is None else fixed_non_match[mask],
            counts=None if counts is None else counts[mask],
        )
        for name in fields:
            learned[name].append(session.m[name])
    m = {name: (np.mean(found, axis=0) if found else start.m[name]) for name, found in learned.items()}
    return MatchModel(m=m, u=u, prior=prior)
