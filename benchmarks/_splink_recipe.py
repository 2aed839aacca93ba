"""Splink 5 + DuckDB deduplication of a canonical record file, following Splink's own recipe.

Run as a child process by splink_compare.py:

    python benchmarks/_splink_recipe.py RECORDS.csv OUT_DIR [--seed S]

It writes OUT_DIR/pairs.csv (unique_id_l, unique_id_r, match_probability for every pair
predicted at >= 0.5), OUT_DIR/clusters.csv (institution, record_id, cluster_id) and
OUT_DIR/phases.json (seconds per phase, counts).

The steps are those of Splink's "deduplicate_50k_synthetic" and FEBRL examples: standardise
the columns, estimate the prior from deterministic rules, u by random sampling (1e7 pairs),
m by EM on two blocking rules (without term frequencies, as the examples do), predict with the
prediction blocking rules, cluster by connected components. The only data preparation is the
generic cleaning Splink's docs ask for (upper case, accents stripped, spaces collapsed, empty
and profiled placeholder values set to NULL); nothing Mexico-specific (no CURP-root, nickname
or married-name logic), which is what mpi adds.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path
from typing import Any

from _measure import PhaseClock

THRESHOLD = 0.5
RECALL_OF_DETERMINISTIC_RULES = 0.7  # a guess, as in Splink's examples (0.6-0.9)
U_MAX_PAIRS = 1e7  # "1e7 (ten million) is often adequate" (Splink docstring)
# Splink 5's cap on the pairs one EM session uses: at 1M records block_on("birth_date") alone
# gives 66M pairs (and most of Splink's run time and memory without the cap).
EM_MAX_PAIRS = 1e7

# Placeholder values seen when profiling the columns (profile_columns' top values), which a
# Splink user would null out before linking: they are not evidence of identity.
_PLACEHOLDER_CURPS = ("XXXX999999XXXXXX99",)
_PLACEHOLDER_CURP_PREFIX = "XEXX010101"  # born abroad, no CURP: XEXX010101HNEXXXA4 / ...M...
_PLACEHOLDER_DATES = ("1900-01-01",)
_MISSING_SURNAME_FORMS = ("X", "XX", ".")


def _name(column: str) -> str:
    cleaned = f"regexp_replace(upper(strip_accents(trim({column}))), '\\s+', ' ', 'g')"
    return f"nullif({cleaned}, '')"


def _quoted(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


def prepare_sql(records: Path) -> str:
    """SQL that loads the CSV into DuckDB as the cleaned input table `records_clean`."""
    path = str(records).replace("'", "''")
    curp = "nullif(upper(trim(curp)), '')"
    second = _name("second_surname")
    return f"""
    CREATE OR REPLACE TABLE records_clean AS
    SELECT
        institution || ':' || record_id AS unique_id,
        institution,
        record_id,
        CASE WHEN {curp} IN ({_quoted(_PLACEHOLDER_CURPS)})
             OR starts_with({curp}, '{_PLACEHOLDER_CURP_PREFIX}') THEN NULL
             ELSE {curp} END AS curp,
        {_name("given_names")} AS given_names,
        {_name("first_surname")} AS first_surname,
        CASE WHEN {second} IN ({_quoted(_MISSING_SURNAME_FORMS)}) THEN NULL
             ELSE {second} END AS second_surname,
        nullif(upper(trim(sex)), '') AS sex,
        CASE WHEN trim(birth_date) IN ({_quoted(_PLACEHOLDER_DATES)}) THEN NULL
             ELSE nullif(trim(birth_date), '') END AS birth_date,
        nullif(upper(trim(birth_state)), '') AS birth_state,
        nullif(trim(postal_code), '') AS postal_code,
        nullif(regexp_replace(phone, '[^0-9]', '', 'g'), '') AS phone,
        nullif(regexp_replace(nss, '[^0-9]', '', 'g'), '') AS nss
    FROM read_csv('{path}', header = true, all_varchar = true)
    """


def settings(*, household: bool) -> Any:
    """The Splink model: comparisons with term frequencies, prediction blocking rules.

    household=False leaves out postal code, phone and NSS: members of one household share
    them, which breaks the independence Fellegi-Sunter assumes (Splink's docs: it "works best
    with input data containing multiple columns that are not highly correlated").
    """
    import splink.comparison_library as cl
    from splink import SettingsCreator

    comparisons: list[Any] = [
        cl.LevenshteinAtThresholds("curp", [1, 2]),
        cl.NameComparison("given_names").configure(term_frequency_adjustments=True),
        cl.NameComparison("first_surname").configure(term_frequency_adjustments=True),
        cl.NameComparison("second_surname").configure(term_frequency_adjustments=True),
        cl.DateOfBirthComparison("birth_date", input_is_string=True),
        cl.ExactMatch("sex"),
        cl.ExactMatch("birth_state").configure(term_frequency_adjustments=True),
    ]
    if household:
        comparisons += [
            cl.ExactMatch("postal_code").configure(term_frequency_adjustments=True),
            cl.ExactMatch("phone"),
            cl.ExactMatch("nss"),
        ]
    return SettingsCreator(
        link_type="dedupe_only",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=prediction_rules(household=household),
        retain_intermediate_calculation_columns=False,
    )


def prediction_rules(*, household: bool) -> list[Any]:
    """Union of equi-joins chosen so that one bad field does not hide a true pair."""
    from splink import block_on

    rules = [
        block_on("curp"),
        block_on("first_surname", "birth_date"),
        block_on("second_surname", "birth_date"),
        block_on("given_names", "birth_date"),
        block_on("given_names", "first_surname", "substr(birth_date, 1, 4)"),
    ]
    return [*rules, block_on("nss")] if household else rules


def train(linker: Any, seed: int) -> dict[str, Any]:
    """Prior from deterministic rules, u by random sampling, m by EM on two rules."""
    from splink import block_on

    steps: dict[str, float] = {}
    start = time.perf_counter()

    def step(name: str) -> None:
        nonlocal start
        steps[name] = round(time.perf_counter() - start, 3)
        start = time.perf_counter()

    linker.training.estimate_probability_two_random_records_match(
        [
            block_on("curp"),
            block_on("given_names", "first_surname", "second_surname", "birth_date"),
        ],
        recall=RECALL_OF_DETERMINISTIC_RULES,
    )
    step("prior")
    linker.training.estimate_u_using_random_sampling(max_pairs=U_MAX_PAIRS, seed=seed)
    step("u")
    sessions = {
        "em_names": block_on("given_names", "first_surname", "second_surname"),
        "em_birth_date": block_on("birth_date"),
    }
    for name, rule in sessions.items():
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True, max_pairs=EM_MAX_PAIRS
        )
        step(name)
    return {"train_steps": steps}


def run(
    records: Path, out_dir: Path, seed: int, *, household: bool, memory_limit: str | None
) -> None:
    clock = PhaseClock()
    from splink import DuckDBAPI, Linker

    clock.lap("import")
    db_api = DuckDBAPI()
    con = db_api.duckdb_con
    if memory_limit:
        # DuckDB's default is 80% of RAM; a limit makes it spill to disk instead.
        con.execute(f"SET memory_limit = '{memory_limit}'")
    con.execute(prepare_sql(records))
    linker = Linker(db_api.register("records_clean"), settings(household=household))
    clock.lap("load")
    clock.facts.update(train(linker, seed))
    linker.misc.save_model_to_json(str(out_dir / "model.json"), overwrite=True)
    clock.lap("train")
    predictions = linker.inference.predict(threshold_match_probability=THRESHOLD)
    clock.lap("predict")
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=THRESHOLD
    )
    clock.lap("cluster")
    clock.facts["counts"] = write_outputs(
        con, predictions.physical_name, clusters.physical_name, out_dir
    )
    clock.lap("write")
    clock.write(out_dir)


def write_outputs(con: Any, predictions: str, clusters: str, out_dir: Path) -> dict[str, int]:
    """Write pairs.csv and clusters.csv from the named DuckDB tables; return their counts."""
    pairs = str(out_dir / "pairs.csv").replace("'", "''")
    assigned = str(out_dir / "clusters.csv").replace("'", "''")
    con.execute(
        f"COPY (SELECT unique_id_l, unique_id_r, match_probability FROM {predictions}) "
        f"TO '{pairs}' (HEADER, DELIMITER ',')"
    )
    con.execute(
        f"COPY (SELECT institution, record_id, cluster_id FROM {clusters}) "
        f"TO '{assigned}' (HEADER, DELIMITER ',')"
    )

    def scalar(sql: str) -> int:
        return int(con.execute(sql).fetchone()[0])

    return {
        "records": scalar(f"SELECT count(*) FROM {clusters}"),
        "pairs_at_threshold": scalar(f"SELECT count(*) FROM {predictions}"),
        "clusters": scalar(f"SELECT count(DISTINCT cluster_id) FROM {clusters}"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("records", type=Path)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--no-household", action="store_true", help="leave out postal code, phone and NSS"
    )
    parser.add_argument("--memory-limit", help="DuckDB memory_limit, e.g. 2GB")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stdout, format="%(asctime)s %(message)s")
    args.out_dir.mkdir(parents=True, exist_ok=True)
    household = not args.no_household
    run(args.records, args.out_dir, args.seed, household=household, memory_limit=args.memory_limit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
