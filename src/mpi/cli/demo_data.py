"""`mpi demo-data`: write a synthetic population with ground truth and hard negatives."""

from __future__ import annotations

import argparse
import time
from collections import Counter
from typing import Any


def register(sub: argparse._SubParsersAction[Any]) -> None:
    parser = sub.add_parser(
        "demo-data",
        help="generate a synthetic population with ground truth",
        description=(
            "Write records.csv (canonical record file), truth.csv (institution,record_id,"
            "person_id) and hard_negatives.csv (person_a,person_b,kind) into DIR. "
            "All data is synthetic; the same seed gives the same files."
        ),
    )
    parser.add_argument("--persons", type=_positive, required=True, metavar="N")
    parser.add_argument("--out", required=True, metavar="DIR")
    parser.add_argument("--seed", type=int, default=0, metavar="S")
    parser.set_defaults(handler=run)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def run(args: argparse.Namespace) -> int:
    # Imported here: the generator (and Faker) take ~0.05 s to import, which every other
    # command would pay when the parser is built.
    from mpi.synthetic.generate import generate
    from mpi.synthetic.hard_negatives import HARD_NEGATIVE_KINDS
    from mpi.synthetic.output import write_population

    started = time.perf_counter()
    population = generate(args.persons, seed=args.seed)
    files = write_population(population, args.out)
    seconds = time.perf_counter() - started
    kinds = Counter(kind for _, _, kind in population.hard_negatives)
    print(f"persons:  {len(population.persons)}")
    print(f"records:  {len(population)}  -> {files.records}")
    print(f"truth:    {files.truth}")
    print(f"hard negative pairs: {len(population.hard_negatives)}  -> {files.hard_negatives}")
    for kind in HARD_NEGATIVE_KINDS:
        print(f"  {kind:<18} {kinds.get(kind, 0)}")
    print(f"seconds:  {seconds:.1f}")
    return 0
