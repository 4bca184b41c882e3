"""Pairwise precision/recall/F1 of a clustering against the true persons, counted without listing pairs."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path


def read_truth(path: Path) -> tuple[dict[str, str], dict[str, str]]:
    """record_id → person_id, record_id → script."""
    person, script = {}, {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            person[row["record_id"]] = row["person_id"]
            script[row["record_id"]] = row.get("script", "ar")
    return person, script


def read_clusters(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["record_id"]: row["cluster_id"] for row in csv.DictReader(handle)}


def _pairs(counter: Counter[object]) -> int:
    return sum(n * (n - 1) // 2 for n in counter.values())


def pairwise_scores(*, truth: dict[str, str], clusters: dict[str, str], script: dict[str, str]) -> dict[str, float]:
    ids = list(truth)
    true_pairs = _pairs(Counter(truth[i] for i in ids))
    found_pairs = _pairs(Counter(clusters[i] for i in ids))
    both = _pairs(Counter((truth[i], clusters[i]) for i in ids))
    precision = both / found_pairs if found_pairs else 1.0
    recall = both / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    # Latin-vs-Arabic pairs: per true person, latin × arabic records; found when also co-clustered.
    cross_true = cross_found = 0
    by_person: dict[str, list[str]] = {}
    for i in ids:
        by_person.setdefault(truth[i], []).append(i)
    for members in by_person.values():
        latin = [i for i in members if script[i] == "latin"]
        arabic = [i for i in members if script[i] != "latin"]
        cross_true += len(latin) * len(arabic)
        cross_found += sum(1 for a in latin for b in arabic if clusters[a] == clusters[b])
    n_true, n_found = len(set(truth.values())), len({clusters[i] for i in ids})
    return {
        "precision": round(precision, 5),
        "recall": round(recall, 5),
        "f1": round(f1, 5),
        "true_persons": n_true,
        "estimated_persons": n_found,
        "persons_error_pct": round(100 * (n_found - n_true) / n_true, 3) if n_true else 0.0,
        "latin_arabic_pairs": cross_true,
        "latin_arabic_recall": round(cross_found / cross_true, 5) if cross_true else 1.0,
    }
