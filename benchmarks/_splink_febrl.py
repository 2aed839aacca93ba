"""Splink 5 + DuckDB on FEBRL3 (dedupe) / FEBRL4 (link A to B), as in Splink's own examples.

Run as a child process by splink_compare.py --febrl:

    python benchmarks/_splink_febrl.py febrl3|febrl4 DATA_DIR OUT_DIR

Reads DATA_DIR/splink_input.csv (written by _febrl.py) and writes pairs.csv, clusters.csv and
phases.json into OUT_DIR like _splink_recipe.py. The settings, deterministic rules, recall
guesses, u sample sizes and EM blocking rules are those of Splink's febrl3 and febrl4 example
notebooks (the "detailed model" for FEBRL4); predictions and clusters are cut at 0.5 here, as
in the synthetic comparison.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any

from _measure import PhaseClock
from _splink_recipe import THRESHOLD, write_outputs


def _load_sql(source: Path, where: str) -> str:
    path = str(source).replace("'", "''")
    return f"SELECT * FROM read_csv('{path}', header = true, all_varchar = true) WHERE {where}"


def febrl3_model() -> tuple[Any, list[Any], float, float, list[Any]]:
    """Settings, deterministic rules, their recall guess, u max_pairs, EM rules (febrl3 example)."""
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    rules: list[Any] = [
        block_on("soc_sec_id"),
        block_on("given_name"),
        block_on("surname"),
        block_on("date_of_birth"),
        block_on("postcode"),
    ]
    settings = SettingsCreator(
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=rules,
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison(
                "date_of_birth", input_is_string=True, datetime_format="%Y%m%d"
            ),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
        ],
    )
    deterministic = [
        block_on("soc_sec_id"),
        block_on("given_name", "surname", "date_of_birth"),
        "l.given_name = r.surname and l.surname = r.given_name "
        "and l.date_of_birth = r.date_of_birth",
    ]
    return settings, deterministic, 0.9, 1e6, [block_on("date_of_birth"), block_on("postcode")]


def febrl4_model() -> tuple[Any, list[Any], float, float, list[Any]]:
    """The febrl4 example's detailed model, linking A to B only."""
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    rules: list[Any] = [
        block_on("given_name", "surname"),
        "l.given_name = r.surname and l.surname = r.given_name",
        block_on("date_of_birth"),
        block_on("soc_sec_id"),
        block_on("state", "address_1"),
        block_on("street_number", "address_1"),
        block_on("postcode"),
    ]
    settings = SettingsCreator(
        link_type="link_only",
        blocking_rules_to_generate_predictions=rules,
        comparisons=[
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison(
                "date_of_birth",
                input_is_string=True,
                datetime_format="%Y%m%d",
                invalid_dates_as_null=True,
            ),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(
                term_frequency_adjustments=True
            ),
        ],
    )
    deterministic = [block_on("soc_sec_id"), block_on("given_name", "surname", "date_of_birth")]
    return settings, deterministic, 0.8, 1e6, [block_on("date_of_birth"), block_on("postcode")]


def run(name: str, data: Path, out_dir: Path) -> None:
    clock = PhaseClock()
    from splink import DuckDBAPI, Linker

    clock.lap("import")
    db_api = DuckDBAPI()
    con = db_api.duckdb_con
    source = data / "splink_input.csv"
    parts = ["A", "B"] if name == "febrl4" else ["F3"]
    tables = []
    for part in parts:
        query = _load_sql(source, f"institution = '{part}'")
        con.execute(f"CREATE TABLE input_{part} AS {query}")
        tables.append(db_api.register(f"input_{part}"))
    settings, deterministic, recall, u_pairs, em_rules = (
        febrl4_model() if name == "febrl4" else febrl3_model()
    )
    linker = Linker(tables if len(tables) > 1 else tables[0], settings)
    clock.lap("load")
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=recall)
    linker.training.estimate_u_using_random_sampling(max_pairs=u_pairs, seed=2)
    for rule in em_rules:
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True
        )
    clock.lap("train")
    predictions = linker.inference.predict(threshold_match_probability=THRESHOLD)
    clock.lap("predict")
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=THRESHOLD
    )
    clock.lap("cluster")
    tables_out = (predictions.physical_name, clusters.physical_name)
    clock.facts["counts"] = write_outputs(con, *tables_out, out_dir)
    clock.lap("write")
    clock.write(out_dir)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("dataset", choices=("febrl3", "febrl4"))
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("out_dir", type=Path)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stdout)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    run(args.dataset, args.data_dir, args.out_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
