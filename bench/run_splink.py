"""Link a person CSV with Splink (DuckDB backend), fed the same Arabic normalisation as link_persons.

Run as a subprocess by ``bench_linkage`` so its time and memory are measured apart:
``python -m bench.run_splink --input IN.csv --output OUT.csv [--thresholds 0.5,0.9]``.
Writes one output per threshold (OUT.csv for the first, OUT.<t>.csv for the others).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanad.settings")


def normalised_rows(path: Path) -> list[dict[str, object]]:
    """The same reading, chain parsing and normalisation as link_persons, as flat columns."""
    from sanad.people.linkage.prepare import clean_national_id, clean_phone
    from sanad.people.names import name_key, normalise_family_name, normalise_given_name
    from sanad.people.person_file import read_person_file

    rows = []
    for r in read_person_file(path).records:
        given = {f: normalise_given_name(getattr(r, f)) or None for f in ("first", "father", "grandfather")}
        family = normalise_family_name(r.family) or None
        rows.append(
            {
                "record_id": r.record_id,
                "first_n": given["first"],
                "father_n": given["father"],
                "gf_n": given["grandfather"],
                "family_n": family,
                "first_k": name_key(r.first) or None,
                "father_k": name_key(r.father) or None,
                "gf_k": name_key(r.grandfather) or None,
                "family_k": name_key(r.family, family=True) or None,
                "dob": r.dob.isoformat() if r.dob and not r.dob_is_estimated else None,
                "dob_year": r.dob.year if r.dob else None,
                "nid": clean_national_id(r.national_id) or None,
                "phone": clean_phone(r.phone) or None,
                "sex": r.sex.lower() or None,
            }
        )
    return rows


def name_comparison(column: str, key: str, *, tf: bool):  # type: ignore[no-untyped-def]
    import splink.comparison_level_library as cll
    from splink.comparison_library import CustomComparison

    return CustomComparison(
        output_column_name=column,
        comparison_levels=[
            cll.NullLevel(column),
            cll.ExactMatchLevel(column, term_frequency_adjustments=tf),
            cll.ExactMatchLevel(key),
            cll.JaroWinklerLevel(column, 0.92),
            cll.JaroWinklerLevel(key, 0.9),
            cll.JaroWinklerLevel(column, 0.8),
            cll.ElseLevel(),
        ],
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--input", type=Path, required=True)
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--thresholds", default="0.5")
    args = parser.parse_args()
    started = time.perf_counter()

    import duckdb
    import pyarrow as pa
    import splink.comparison_level_library as cll
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on
    from splink.comparison_library import CustomComparison

    table = pa.Table.from_pylist(normalised_rows(args.input))
    con = duckdb.connect(database=":memory:")
    con.execute("SET threads TO 2")
    con.register("people_arrow", table)
    con.execute("CREATE TABLE people AS SELECT * FROM people_arrow")
    db_api = DuckDBAPI(connection=con)
    people = db_api.register("people")
    blocking = [
        block_on("nid"),
        block_on("phone"),
        block_on("first_k", "family_k"),
        "l.first_k = r.family_k AND l.family_k = r.first_k",  # swapped first and family
        block_on("first_k", "father_k", "family_k"),
        block_on("father_k", "gf_k", "family_k"),
        block_on("first_k", "father_k", "gf_k"),
        block_on("dob", "first_k"),
        block_on("dob", "family_k"),
        block_on("dob_year", "first_k", "father_k"),
    ]
    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="record_id",
        blocking_rules_to_generate_predictions=blocking,
        comparisons=[
            name_comparison("first_n", "first_k", tf=True),
            name_comparison("father_n", "father_k", tf=True),
            name_comparison("gf_n", "gf_k", tf=False),
            name_comparison("family_n", "family_k", tf=True),
            CustomComparison(
                output_column_name="dob",
                comparison_levels=[
                    cll.NullLevel("dob_year"),
                    cll.ExactMatchLevel("dob"),
                    cll.ExactMatchLevel("dob_year"),
                    cll.CustomLevel("abs(dob_year_l - dob_year_r) <= 1", label_for_charts="within a year"),
                    cll.ElseLevel(),
                ],
            ),
            CustomComparison(
                output_column_name="nid",
                comparison_levels=[
                    cll.NullLevel("nid"),
                    cll.ExactMatchLevel("nid"),
                    cll.DamerauLevenshteinLevel("nid", 1),
                    cll.ElseLevel(),
                ],
            ),
            CustomComparison(
                output_column_name="phone",
                comparison_levels=[
                    cll.NullLevel("phone"),
                    cll.ExactMatchLevel("phone"),
                    cll.ElseLevel(),
                ],
            ),
            CustomComparison(
                output_column_name="sex",
                comparison_levels=[
                    cll.NullLevel("sex"),
                    cll.ExactMatchLevel("sex"),
                    cll.ElseLevel(),
                ],
            ),
        ],
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker(people, settings, log_level=None)
    linker.training.estimate_probability_two_random_records_match(
        [
            block_on("nid"),
            "l.first_n = r.first_n AND l.father_n = r.father_n AND l.gf_n = r.gf_n "
            "AND l.family_n = r.family_n AND l.dob = r.dob",
        ],
        recall=0.8,
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=5e6, seed=1)
    # EM sessions block on different fields so every comparison gets its m trained at least once.
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("first_k", "family_k"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("nid"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    predictions = linker.inference.predict(threshold_match_probability=0.01)
    thresholds = [float(t) for t in args.thresholds.split(",")]
    for n, threshold in enumerate(thresholds):
        clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
            predictions, threshold_match_probability=threshold
        )
        target = args.output if n == 0 else args.output.with_suffix(f".{threshold}.csv")
        with tempfile.TemporaryDirectory() as tmp:
            staging = Path(tmp) / "clusters.csv"
            con.execute(
                f"COPY (SELECT record_id, cluster_id FROM {clusters.physical_name} ORDER BY record_id) "  # noqa: S608
                f"TO '{staging}' (HEADER, DELIMITER ',')"
            )
            staging.replace(target) if staging.stat().st_dev == target.parent.stat().st_dev else target.write_bytes(
                staging.read_bytes()
            )
    sys.stdout.write(
        json.dumps({"seconds": round(time.perf_counter() - started, 2), "splink": __import__("splink").__version__})
        + "\n"
    )


if __name__ == "__main__":
    main()
