"""Clusters from scored pairs, guarded against chaining and against forbidden merges.

Plain connected components over "match" edges chain: A≈B and B≈C puts A with C even when A and
C are clearly two people (two brothers who each resemble a cousin). Here edges are taken
strongest first (as in single linkage) but two clusters are joined only when

* no pair across them is forbidden (weight −∞: different national IDs, the sibling rule, a
  reviewer's "not the same person"), and
* the average weight of the pairs across them that were compared is at least
  ``average_threshold`` (average linkage on the compared pairs).

Reviewers' "same person" decisions are applied first and unconditionally.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from sanad.people.linkage.prepare import IntArray

FloatArray = npt.NDArray[np.float64]


def _lookup(codes: IntArray, weights: FloatArray, wanted: IntArray) -> FloatArray:
    """Weights of the wanted pair codes; NaN for pairs that were never compared."""
    pos = np.minimum(np.searchsorted(codes, wanted), len(codes) - 1)
    found = codes[pos] == wanted
    return np.where(found, weights[pos], np.nan)


def cluster(
    *,
    size: int,
    pair_codes: IntArray,
    weights: FloatArray,
    match_threshold: float,
    average_threshold: float,
    must_link: IntArray | None = None,
) -> IntArray:
    """Dense cluster labels (0..k-1) for ``size`` records.

    ``pair_codes`` are sorted codes ``left * size + right`` (left < right) with their ``weights``.
    """
    parent = list(range(size))
    members: dict[int, list[int]] = {}

    def find(x: int) -> int:
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:  # path compression
            parent[x], x = root, parent[x]
        return root

    def union(ra: int, rb: int) -> None:
        group_a, group_b = members.get(ra, [ra]), members.get(rb, [rb])
        if len(group_a) < len(group_b):
            ra, rb, group_a, group_b = rb, ra, group_b, group_a
        parent[rb] = ra
        group_a.extend(group_b)
        members[ra] = group_a
        members.pop(rb, None)

    if must_link is not None:
        for code in must_link.tolist():
            ra, rb = find(code // size), find(code % size)
            if ra != rb:
                union(ra, rb)

    strong = np.flatnonzero(weights >= match_threshold)
    order = strong[np.argsort(-weights[strong], kind="stable")]
    for code in pair_codes[order].tolist():
        ra, rb = find(code // size), find(code % size)
        if ra == rb:
            continue
        group_a, group_b = members.get(ra), members.get(rb)
        if group_a is None and group_b is None:
            union(ra, rb)  # two single records: this edge is the only pair and it is strong
            continue
        a = np.array(group_a or [ra], dtype=np.int64)
        b = np.array(group_b or [rb], dtype=np.int64)
        lo = np.minimum.outer(a, b).ravel()
        hi = np.maximum.outer(a, b).ravel()
        across = _lookup(pair_codes, weights, lo * size + hi)
        compared = across[~np.isnan(across)]
        if np.isneginf(compared).any() or compared.mean() < average_threshold:
            continue
        union(ra, rb)

    roots = np.array([find(i) for i in range(size)], dtype=np.int64)
    _, labels = np.unique(roots, return_inverse=True)
    return labels.ravel().astype(np.int64)
