"""Time the synthetic population generator at about 100k and 1M records.

Usage: .venv/bin/python benchmarks/generate_speed.py [--records 100000 1000000] [--write]
    [--evaluate]
Prints persons, records, seconds, records per second and peak RSS for each size. Peak RSS is
the process maximum so far (resource.getrusage), so sizes are run smallest first. --write
also times writing the three CSV files and reading records.csv back with `read_records`
(every row validated into a Record); --evaluate times `mpi.evaluation.evaluate` of the
truth against a copy with 5% of the records moved to wrong clusters.
"""

from __future__ import annotations

import argparse
import platform
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

from mpi.evaluation import evaluate
from mpi.io.records_file import read_records
from mpi.synthetic.generate import Population, generate
from mpi.synthetic.output import write_population

RECORDS_PER_PERSON = 2.15  # the mean of the 1-4 records-per-person distribution


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--write", action="store_true", help="also time writing the CSV files")
    parser.add_argument("--evaluate", action="store_true", help="also time the evaluation")
    args = parser.parse_args()
    print(f"python {platform.python_version()} on {platform.machine()}")
    for records in sorted(args.records):
        persons = round(records / RECORDS_PER_PERSON)
        started = time.perf_counter()
        population = generate(persons, seed=args.seed)
        generated = time.perf_counter() - started
        line = (
            f"persons={persons} records={len(population)} generate_s={generated:.1f} "
            f"records_per_s={len(population) / generated:,.0f}"
        )
        if args.write:
            with tempfile.TemporaryDirectory() as out:
                started = time.perf_counter()
                files = write_population(population, Path(out))
                line += f" write_s={time.perf_counter() - started:.1f}"
                started = time.perf_counter()
                rows = sum(1 for _ in read_records(files.records))
                line += f" read_s={time.perf_counter() - started:.1f} (rows={rows})"
        if args.evaluate:
            line += f" evaluate_s={_time_evaluation(population):.1f}"
        peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{line} peak_rss_mib={peak_mib:,.0f}", flush=True)
        del population
    sys.exit(0)


def _time_evaluation(population: Population) -> float:
    truth = population.truth()
    rng = random.Random(0)
    predicted = {
        k: (v if rng.random() < 0.95 else f"X{rng.randrange(1000)}") for k, v in truth.items()
    }
    started = time.perf_counter()
    evaluate(truth, predicted, population.hard_negatives)
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
