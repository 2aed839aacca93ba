"""`mpi link` (link and persist into SQLite) side by side with Splink 5 on the same file.

    .venv/bin/python benchmarks/link_bench.py --persons N [--seed S] [--skip-splink]
        [--out-dir benchmarks/out/]

Generates (or reuses) `mpi demo-data --persons N --seed S` in OUT_DIR/pN-sS/ (the same files
splink_compare.py uses), then runs, each in a fresh child process measured from outside
(wall time, CPU time, peak RSS via os.wait4): Splink's documented recipe
(_splink_recipe.py) and `mpi link FILE --out FILE --store sqlite:///…` on an empty store.
Accuracy is scored the same way for both against truth.csv and hard_negatives.csv. Prints a
markdown table, ratios, and mpi link's own phase timings (read, prepare, block+score, cluster,
write: the whole graph into the store).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _measure import run_child  # noqa: E402
from splink_compare import (  # noqa: E402
    PY,
    Outcome,
    ensure_data,
    evaluate,
    machine_facts,
    ratio_lines,
    table,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--persons", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip-splink", action="store_true")
    parser.add_argument("--out-dir", type=Path, default=HERE / "out")
    args = parser.parse_args()
    data = ensure_data(args.persons, args.seed, args.out_dir)
    records = data / "records.csv"
    outcomes = []
    for name, out, argv in _commands(records, data, args.skip_splink):
        print(f"running {name} …", flush=True)
        run = run_child(name, argv, out)
        outcomes.append(Outcome(run, evaluate(run, data)))
    count = sum(1 for _ in records.open(encoding="utf-8")) - 1
    facts = machine_facts()
    print(
        f"\nCommand: `.venv/bin/python benchmarks/link_bench.py --persons {args.persons} "
        f"--seed {args.seed}`"
    )
    print("Machine: " + ", ".join(f"{k} {v}" for k, v in facts.items()) + "\n")
    print("\n".join(table(outcomes, count)))
    print("\n" + "\n".join(ratio_lines(outcomes)))
    for o in outcomes:
        log = o.run.out_dir / "run.log"
        if o.run.name.startswith("mpi") and log.exists():
            timing = [line.strip() for line in log.read_text().splitlines() if "seconds" in line]
            print(f"- {o.run.name} phases: {timing[-1] if timing else 'no timings'}")


def _commands(records: Path, data: Path, skip_splink: bool) -> list[tuple[str, Path, list[str]]]:
    chosen = []
    if not skip_splink:
        out = data / "splink"
        recipe = [PY, str(HERE / "_splink_recipe.py"), str(records), str(out)]
        chosen.append(("splink", out, recipe))
    out = data / "mpi-link"
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob("mpi.db*"):
        stale.unlink()
    link = [PY, "-m", "mpi", "link", str(records), "--out", str(out / "clusters.csv")]
    chosen.append(
        ("mpi link (sqlite)", out, [*link, "--store", f"sqlite:///{out / 'mpi.db'}", "--quiet"])
    )
    return chosen


if __name__ == "__main__":
    main()
