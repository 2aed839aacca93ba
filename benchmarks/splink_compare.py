"""mpi vs Splink 5 (DuckDB), side by side in one run on the same generated files.

    .venv/bin/python benchmarks/splink_compare.py --persons N --seed S \
        [--skip-splink] [--skip-mpi] [--skip-link-cli] [--mpi-train] [--out-dir benchmarks/out/]

Generates (or reuses) `mpi demo-data --persons N --seed S` in OUT_DIR/pN-sS/, then runs each
system in its own fresh child process: Splink's documented recipe (_splink_recipe.py), mpi's
batch pipeline `link_batch` (_mpi_runner.py) and, when available, `mpi link FILE --out FILE
--store sqlite:///...` (link + persist). Wall time and peak RSS are measured from outside the
child (os.wait4); phases come from the child. Accuracy is computed afterwards, the same way for
every system, against truth.csv and hard_negatives.csv. Prints a markdown table and ratios and
writes them to OUT_DIR/pN-sS/summary.md.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import _febrl
from _measure import ChildRun, run_child
from _outputs import read_clusters, read_hard_negatives, read_pairs
from _scores import Accuracy, prf, score

HERE = Path(__file__).resolve().parent
PY = sys.executable
RUNS_FILE = "runs.json"
FACTS_FILE = "facts.json"


@dataclass(frozen=True, slots=True)
class Outcome:
    run: ChildRun
    accuracy: Accuracy | None


def machine_facts() -> dict[str, str]:
    import os

    def version(package: str) -> str:
        try:
            return metadata.version(package)
        except metadata.PackageNotFoundError:
            return "not installed"

    load = os.getloadavg()
    return {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "nproc": str(os.cpu_count()),
        "python": platform.python_version(),
        "splink": version("splink"),
        "duckdb": version("duckdb"),
        "numpy": version("numpy"),
        "rapidfuzz": version("rapidfuzz"),
        "load_at_start": f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}",
        "mpi_commit": _git_commit(),
    }


def _git_commit() -> str:
    # "-dirty" when the working tree differs: helpers share one tree, so it usually is.
    argv = ["git", "-C", str(HERE), "describe", "--always", "--dirty"]
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    return done.stdout.strip() or "unknown"


def ensure_data(persons: int, seed: int, out_dir: Path) -> Path:
    data = out_dir / f"p{persons}-s{seed}"
    if not (data / "records.csv").exists():
        argv = [PY, "-m", "mpi", "demo-data", "--persons", str(persons)]
        subprocess.run([*argv, "--out", str(data), "--seed", str(seed)], check=True)
    return data


def link_cli_available() -> bool:
    probe = subprocess.run([PY, "-m", "mpi", "link", "--help"], capture_output=True, check=False)
    return probe.returncode == 0


Command = tuple[str, Path, list[str]]  # name, its output directory, argv


def commands(args: argparse.Namespace, data: Path) -> list[Command]:
    records = str(data / "records.csv")
    seed = ["--seed", str(args.seed)]
    chosen: list[Command] = []
    if not args.skip_splink:
        out = data / "splink"
        chosen.append(
            ("splink", out, [PY, str(HERE / "_splink_recipe.py"), records, str(out), *seed])
        )
    if not args.skip_splink and args.splink_no_household:
        out = data / "splink-no-household"
        recipe = [PY, str(HERE / "_splink_recipe.py"), records, str(out), "--no-household"]
        chosen.append(("splink, no household fields", out, [*recipe, *seed]))
    if not args.skip_splink and args.splink_memory_limit:
        out = data / "splink-memory-limit"
        recipe = [PY, str(HERE / "_splink_recipe.py"), records, str(out), *seed]
        limit = args.splink_memory_limit
        chosen.append(
            (f"splink, DuckDB memory_limit {limit}", out, [*recipe, "--memory-limit", limit])
        )
    if not args.skip_mpi:
        out = data / "mpi"
        chosen.append(("mpi", out, [PY, str(HERE / "_mpi_runner.py"), records, str(out), *seed]))
    if not args.skip_mpi and args.mpi_train:
        out = data / "mpi-train"
        runner = [PY, str(HERE / "_mpi_runner.py"), records, str(out), "--train", *seed]
        chosen.append(("mpi + train", out, runner))
    if not args.skip_link_cli and link_cli_available():
        chosen.append(_link_cli(records, data / "mpi-link"))
    return chosen


def febrl_commands(name: str, data: Path, args: argparse.Namespace) -> list[Command]:
    """Splink's own FEBRL recipe, and mpi with matching_rules/generic.toml (the shipped rules
    for data without CURP) as they are and trained (`mpi train`'s function) on the file."""
    records = str(data / "records.csv")
    chosen: list[Command] = []
    if not args.skip_splink:
        out = data / "splink"
        recipe = [PY, str(HERE / "_splink_febrl.py"), name, str(data), str(out)]
        chosen.append(("splink", out, recipe))
    if not args.skip_mpi:
        generic = str(HERE.parent / "matching_rules" / "generic.toml")
        runner = [PY, str(HERE / "_mpi_runner.py"), records]
        chosen.append(("mpi", data / "mpi", [*runner, str(data / "mpi"), "--rules", generic]))
        out = data / "mpi-train"
        chosen.append(("mpi + train", out, [*runner, str(out), "--train", "--rules", generic]))
    return chosen


def _link_cli(records: str, out: Path) -> Command:
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob("mpi.db*"):
        stale.unlink()
    store = f"sqlite:///{out / 'mpi.db'}"
    cli = [PY, "-m", "mpi", "link", records, "--out", str(out / "clusters.csv"), "--quiet"]
    return ("mpi link (sqlite)", out, [*cli, "--store", store, "--rejected", str(out / "rej.csv")])


def evaluate(run: ChildRun, data: Path) -> Accuracy | None:
    clusters = run.out_dir / "clusters.csv"
    if not run.ok or not clusters.exists():
        return None
    truth = read_clusters(data / "truth.csv")
    pairs_file = run.out_dir / "pairs.csv"
    pairs = read_pairs(pairs_file) if pairs_file.exists() else None
    negatives = read_hard_negatives(data / "hard_negatives.csv")
    return score(truth, read_clusters(clusters), pairs, negatives)


def table(outcomes: list[Outcome], records: int) -> list[str]:
    lines = [
        "| system | records | wall s | CPU s | peak MB | load | pairwise P / R / F1 "
        "| clustered P / R / F1 | B³ F1 | clusters | hard-negative false merges (merged/pairs) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for o in outcomes:
        r, acc = o.run, o.accuracy
        pairwise = prf(acc.pairwise) if acc and acc.pairwise else "—"
        clustered = prf(acc.clustered) if acc else f"failed (exit {r.returncode})"
        bcubed = f"{acc.evaluation.clusters.bcubed_f1:.4f}" if acc else "—"
        clusters = f"{acc.evaluation.clusters.clusters:,}" if acc else "—"
        lines.append(
            f"| {r.name} | {records:,} | {r.wall_s:.1f} | {r.cpu_s:.1f} | {r.peak_mb:,.0f} "
            f"| {r.load:.1f} "
            f"| {pairwise} | {clustered} | {bcubed} | {clusters} "
            f"| {acc.false_merges() if acc else '—'} |"
        )
    return lines


def phase_lines(outcomes: list[Outcome]) -> list[str]:
    lines = []
    for o in outcomes:
        phases = ", ".join(f"{k} {v:.1f}" for k, v in o.run.phases.items())
        lines.append(f"- {o.run.name}: {phases or 'no phase report'}")
    return lines


def example_lines(outcomes: list[Outcome]) -> list[str]:
    """A few merged look-alike person pairs per system and kind, to look up in truth.csv."""
    lines = []
    for o in outcomes:
        if o.accuracy is None or o.run.name.startswith("splink"):
            continue
        for r in o.accuracy.evaluation.hard_negatives:
            if r.examples:
                shown = "; ".join(f"{a}+{b}" for a, b in r.examples[:3])
                lines.append(f"- {o.run.name}, {r.kind}: {shown}")
    return lines


def ratio_lines(outcomes: list[Outcome]) -> list[str]:
    by_name = {o.run.name: o.run for o in outcomes if o.run.ok}
    base = by_name.get("splink")
    if base is None:
        return []
    lines = []
    for name, r in by_name.items():
        if name != "splink":
            lines.append(
                f"- {name} / splink: wall {r.wall_s / base.wall_s:.2f}, "
                f"CPU {r.cpu_s / base.cpu_s:.2f}, peak memory {r.peak_mb / base.peak_mb:.2f}"
            )
    return lines


def report(outcomes: list[Outcome], records: int, facts: dict[str, str], argv: list[str]) -> str:
    command = " ".join([".venv/bin/python", "benchmarks/splink_compare.py", *argv])
    machine = ", ".join(f"{k} {v}" for k, v in facts.items())
    parts = [
        f"Command: `{command}`",
        f"Machine: {machine}",
        "",
        *table(outcomes, records),
        "",
        "Phases (seconds, measured inside each child):",
        *phase_lines(outcomes),
        "",
        "Ratios:",
        *ratio_lines(outcomes),
        "",
        "Merged look-alikes (examples):",
        *example_lines(outcomes),
    ]
    return "\n".join(parts) + "\n"


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--persons", type=int, help="synthetic population size")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out-dir", type=Path, default=HERE / "out")
    parser.add_argument("--skip-splink", action="store_true")
    parser.add_argument("--skip-mpi", action="store_true")
    parser.add_argument("--skip-link-cli", action="store_true")
    parser.add_argument("--mpi-train", action="store_true", help="also run mpi with EM training")
    parser.add_argument(
        "--rescore", action="store_true", help="only re-score the runs recorded in runs.json"
    )
    parser.add_argument(
        "--splink-memory-limit", metavar="LIMIT", help="also run Splink with DuckDB's memory_limit"
    )
    parser.add_argument(
        "--febrl", action="store_true", help="FEBRL3 and FEBRL4 instead of synthetic data"
    )
    parser.add_argument(
        "--splink-no-household",
        action="store_true",
        help="also run Splink without postal code, phone and NSS comparisons",
    )
    args = parser.parse_args(argv)
    if args.persons is None and not args.febrl:
        parser.error("give --persons N (synthetic data) or --febrl")
    return args


def measure_all(chosen: list[Command], data: Path) -> list[ChildRun]:
    """Run each command; runs.json keeps, per system name, the latest run of that system."""
    runs = {r.name: r for r in recorded_runs(data)}
    for name, out, command in chosen:
        print(f"running {name} on {data.name} ...", flush=True)
        run = run_child(name, command, out)
        print(f"  {name}: exit {run.returncode}, {run.wall_s:.1f} s, {run.peak_mb:,.0f} MB")
        runs[name] = run
        # Saved after each system so that a long run that dies later can still be re-scored.
        saved = json.dumps([r.to_mapping() for r in runs.values()], indent=2)
        (data / RUNS_FILE).write_text(saved, encoding="utf-8")
    return list(runs.values())


def recorded_runs(data: Path) -> list[ChildRun]:
    if not (data / RUNS_FILE).exists():
        return []
    saved = json.loads((data / RUNS_FILE).read_text(encoding="utf-8"))
    return [ChildRun.from_mapping(r) for r in saved]


def targets(args: argparse.Namespace) -> list[tuple[Path, list[Command]]]:
    if args.febrl:
        out = [(_febrl.write(name, args.out_dir), name) for name in _febrl.DATASETS]
        return [(data, febrl_commands(name, data, args)) for data, name in out]
    data = ensure_data(args.persons, args.seed, args.out_dir)
    return [(data, commands(args, data))]


def run_target(
    data: Path, chosen: list[Command], args: argparse.Namespace, argv: list[str]
) -> bool:
    records = sum(1 for _ in (data / "records.csv").open(encoding="utf-8")) - 1
    if args.rescore:
        facts = json.loads((data / FACTS_FILE).read_text(encoding="utf-8"))
        runs = recorded_runs(data)
    else:
        facts = machine_facts()
        (data / FACTS_FILE).write_text(json.dumps(facts, indent=2), encoding="utf-8")
        runs = measure_all(chosen, data)
    outcomes = [Outcome(run, evaluate(run, data)) for run in runs]
    text = f"Data: {data.name}\n" + report(outcomes, records, facts, argv)
    print(text)
    (data / "summary.md").write_text(text, encoding="utf-8")
    return all(o.run.ok for o in outcomes)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    ok = [run_target(data, chosen, args, argv) for data, chosen in targets(args)]
    return 0 if all(ok) else 1


if __name__ == "__main__":
    sys.exit(main())
