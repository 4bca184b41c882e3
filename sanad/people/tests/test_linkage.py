"""The linkage engine: levels, sibling protection, forbidden merges, reviewers' decisions, accuracy."""

import datetime as dt

import numpy as np

from sanad.people.linkage import LinkageSettings, PairDecision, PersonRecord, link_records
from sanad.people.linkage.blocking import pairs_within_blocks
from sanad.people.linkage.clustering import cluster
from sanad.people.linkage.compare import (
    NAME_DIFFERENT,
    NAME_EXACT,
    NAME_KEY,
    NAME_NORM,
    JaroWinklerCache,
    compare_pairs,
)
from sanad.people.linkage.fellegi_sunter import monotone_m
from sanad.people.linkage.prepare import prepare_records
from sanad.people.person_file import parse_dob
from sanad.people.synthetic import generate_records

FAMILY = [("Ali", "حسن", "علي", "الشمري"), ("Omar", "خالد", "سعيد", "الكعبي"), ("Sara", "ناصر", "فهد", "النعيمي")]


def _background(count: int = 300) -> list[PersonRecord]:
    """Unrelated people so the model has something to learn u and m from."""
    rows = generate_records(records=count, seed=3).rows
    out = []
    for row in rows:
        dob, estimated, _ = parse_dob(row["dob"])
        out.append(
            PersonRecord(
                record_id=row["record_id"],
                sex=row["sex"],
                first=row["first_name"] or row["full_name"],
                father=row["father_name"],
                grandfather=row["grandfather_name"],
                family=row["family_name"],
                dob=dob,
                dob_is_estimated=estimated,
                national_id=row["national_id"],
                phone=row["phone"],
            )
        )
    return out


def _labels(records: list[PersonRecord], **kwargs: object) -> dict[str, int]:
    result = link_records(records, **kwargs)  # type: ignore[arg-type]
    return {r.record_id: int(label) for r, label in zip(records, result.labels, strict=True)}


def test_pairs_within_blocks_lists_each_pair_once_and_skips_big_blocks() -> None:
    key = np.array([5, 1, 5, -1, 5, 1, 7, 7, 7, 7], dtype=np.int64)
    left, right, skipped, skipped_records = pairs_within_blocks(key, max_block_size=3)
    pairs = set(zip(left.tolist(), right.tolist(), strict=True))
    assert pairs == {(0, 2), (0, 4), (2, 4), (1, 5)}
    assert (skipped, skipped_records) == (1, 4)


def test_name_levels_across_scripts_and_spellings() -> None:
    records = [
        PersonRecord("a", first="محمد", family="الشمري"),
        PersonRecord("b", first="Mohammed", family="Al-Shammari"),
        PersonRecord("c", first="مُحمّد", family="شمري"),
        PersonRecord("d", first="محمد", family="الشمري"),
        PersonRecord("e", first="خالد", family="الشمري"),
    ]
    prepared = prepare_records(records)
    left, right = np.array([0, 0, 0, 0]), np.array([1, 2, 3, 4])
    levels = compare_pairs(prepared, left, right, jaro_winkler=JaroWinklerCache(prepared)).levels
    assert levels["first"].tolist() == [NAME_KEY, NAME_NORM, NAME_EXACT, NAME_DIFFERENT]
    assert levels["family"].tolist()[:3] == [NAME_KEY, NAME_NORM, NAME_EXACT]


def test_swapped_first_and_family_are_read_crosswise() -> None:
    records = [PersonRecord("a", first="ناصر", family="الكعبي"), PersonRecord("b", first="الكعبي", family="ناصر")]
    prepared = prepare_records(records)
    comparisons = compare_pairs(prepared, np.array([0]), np.array([1]), jaro_winkler=JaroWinklerCache(prepared))
    assert comparisons.swapped.tolist() == [True]
    assert comparisons.levels["first"][0] >= NAME_NORM


def test_monotone_m_forbids_disagreement_being_evidence_of_a_match() -> None:
    m = np.array([0.0, 0.5, 0.1, 0.4])
    u = np.array([0.0, 0.5, 0.3, 0.2])
    fixed = monotone_m(m, u)
    ratios = fixed[1:] / u[1:]
    assert np.all(np.diff(ratios) >= -1e-12)


def test_duplicates_linked_across_scripts() -> None:
    records = [
        *_background(),
        PersonRecord(
            "x1",
            sex="f",
            first="فاطمة",
            father="أحمد",
            grandfather="علي",
            family="الشمري",
            dob=dt.date(1990, 5, 1),
            national_id="123456789",
        ),
        PersonRecord("x2", sex="f", first="Fatima", father="Ahmed", family="Al-Shammari", dob=dt.date(1990, 5, 1)),
        PersonRecord(
            "x3",
            sex="f",
            first="فاطمه",
            father="احمد",
            grandfather="على",
            family="شمري",
            dob=dt.date(1990, 1, 1),
            dob_is_estimated=True,
            national_id="123456780",
        ),
    ]
    labels = _labels(records)
    assert labels["x1"] == labels["x2"] == labels["x3"]


def test_siblings_stay_apart_even_with_a_shared_phone() -> None:
    siblings = [
        PersonRecord(
            f"s{n}",
            sex="m",
            first=first,
            father=father,
            grandfather=grand,
            family=family,
            dob=dt.date(1980 + 3 * n, 3, 1),
            phone="39991234",
        )
        for n, (first, father, grand, family) in enumerate(
            [
                ("خالد", "محمد", "سعيد", "المنصوري"),
                ("وليد", "محمد", "سعيد", "المنصوري"),
                ("Faisal", "Mohammed", "Said", "Al Mansouri"),
            ]
        )
    ]
    labels = _labels([*_background(), *siblings])
    assert len({labels[s.record_id] for s in siblings}) == 3


def test_different_national_ids_never_merge() -> None:
    twins = [
        PersonRecord(
            "t1",
            sex="m",
            first="Omar",
            father="Khalid",
            family="Al-Kaabi",
            dob=dt.date(1999, 1, 1),
            national_id="111222333",
            phone="35550000",
        ),
        PersonRecord(
            "t2",
            sex="m",
            first="عمر",
            father="خالد",
            family="الكعبي",
            dob=dt.date(1999, 1, 1),
            national_id="999888777",
            phone="35550000",
        ),
    ]
    labels = _labels([*_background(), *twins])
    assert labels["t1"] != labels["t2"]


def test_reviewer_decisions_are_respected_on_rerun() -> None:
    a = PersonRecord("d1", sex="f", first="سارة", father="ناصر", family="النعيمي", dob=dt.date(2001, 2, 3))
    b = PersonRecord("d2", sex="f", first="Sara", father="Nasser", family="Al Nuaimi", dob=dt.date(2001, 2, 3))
    c = PersonRecord("d3", sex="f", first="هدى", father="سالم", family="العتيبي", dob=dt.date(1970, 1, 1))
    d = PersonRecord("d4", sex="f", first="Huda", father="Ahmad", family="Al Maliki")
    records = [*_background(), a, b, c, d]
    before = _labels(records)
    assert before["d1"] == before["d2"]
    assert before["d3"] != before["d4"]
    decisions = [PairDecision("d1", "d2", is_match=False), PairDecision("d3", "d4", is_match=True)]
    after = _labels(records, decisions=decisions)
    assert after["d1"] != after["d2"]
    assert after["d3"] == after["d4"]
    # and again, on a re-run with the same decisions
    assert _labels(records, decisions=decisions) == after


def test_cluster_guards_against_chaining() -> None:
    # 0-1 strong, 1-2 strong, but 0-2 forbidden: 2 must not join 0's cluster.
    size = 3
    codes = np.array([0 * size + 1, 0 * size + 2, 1 * size + 2], dtype=np.int64)
    weights = np.array([20.0, -np.inf, 15.0])
    labels = cluster(size=size, pair_codes=codes, weights=weights, match_threshold=0.0, average_threshold=0.0)
    assert labels[0] == labels[1] != labels[2]


def test_cluster_average_linkage_rejects_weakly_supported_merge() -> None:
    # {0,1} and {2,3} are tight; one bridge 1-2 is strong but the other cross pairs are very negative.
    size = 4
    pairs = {(0, 1): 20.0, (2, 3): 20.0, (1, 2): 10.0, (0, 2): -30.0, (0, 3): -30.0, (1, 3): -30.0}
    codes = np.array([a * size + b for a, b in pairs], dtype=np.int64)
    order = np.argsort(codes)
    labels = cluster(
        size=size,
        pair_codes=codes[order],
        weights=np.array(list(pairs.values()))[order],
        match_threshold=0.0,
        average_threshold=0.0,
    )
    assert labels[0] == labels[1] and labels[2] == labels[3] and labels[0] != labels[2]


def test_accuracy_on_generated_records() -> None:
    generated = generate_records(records=3000, seed=11)
    records = []
    for row in generated.rows:
        from sanad.people.names import parse_name_chain

        dob, estimated, _ = parse_dob(row["dob"])
        chain = parse_name_chain(row["full_name"]) if row["full_name"] else None
        records.append(
            PersonRecord(
                record_id=row["record_id"],
                sex=row["sex"],
                first=chain.first if chain else row["first_name"],
                father=chain.father if chain else row["father_name"],
                grandfather=chain.grandfather if chain else row["grandfather_name"],
                family=chain.family if chain else row["family_name"],
                dob=dob,
                dob_is_estimated=estimated,
                national_id=row["national_id"],
                phone=row["phone"],
            )
        )
    result = link_records(records, settings=LinkageSettings())
    truth = {record_id: person for record_id, person, _ in generated.truth}
    labels = result.labels.tolist()
    same_true = same_found = both = 0
    by_label: dict[int, list[int]] = {}
    for index, label in enumerate(labels):
        by_label.setdefault(label, []).append(index)
    ids = [r.record_id for r in records]
    from collections import Counter

    same_true = sum(n * (n - 1) // 2 for n in Counter(truth.values()).values())
    same_found = sum(n * (n - 1) // 2 for n in Counter(labels).values())
    both = sum(n * (n - 1) // 2 for n in Counter((truth[i], lab) for i, lab in zip(ids, labels, strict=True)).values())
    precision, recall = both / same_found, both / same_true
    f1 = 2 * precision * recall / (precision + recall)
    assert f1 >= 0.93, (precision, recall)
    persons = len(set(truth.values()))
    assert abs(result.n_clusters - persons) / persons < 0.05
