from __future__ import annotations

import gc
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from mpi.cli import build_parser, link, main
from mpi.domain.errors import StoreError
from mpi.evaluation.evaluate import evaluate
from mpi.io.assignments import read_assignments
from mpi.services import batch_link
from mpi.store import sqlite_bulk
from mpi.synthetic.generate import generate
from mpi.synthetic.output import write_population
from tests.cli.graph_snapshot import file_keys, snapshot, stored_records

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def population(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """About 430 records of 200 synthetic persons, plus one row with an impossible date."""
    path = write_population(generate(200, seed=33), tmp_path_factory.mktemp("pop")).records
    with path.open("a", encoding="utf-8") as handle:
        handle.write("IMSS,BAD-1,,ANA,LOPEZ,,M,1990-02-30,DF,,,\n")
    return path


def test_link_writes_a_person_for_every_record_and_persists_the_graph(
    population: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'mpi.db'}"
    out = tmp_path / "links.csv"
    rejected = tmp_path / "rejected.csv"
    args = ["link", str(population), "--out", str(out), "--store", url, "--rejected", str(rejected)]
    assert main([*args, "--quiet"]) == 0
    assigned = read_assignments(out)
    keys = file_keys(population)
    assert sorted(assigned) == sorted(keys)
    stored, _ = snapshot(url, keys)
    for key in keys:
        same_person = {k for k, p in assigned.items() if p == assigned[key]}
        assert stored[key][0] == same_person
    assert "rejected rows             1" in capsys.readouterr().out
    assert "birth_date,date" in rejected.read_text(encoding="utf-8")


def test_link_is_accurate_on_synthetic_data(population: Path, tmp_path: Path) -> None:
    out = tmp_path / "links.csv"
    url = f"sqlite:///{tmp_path / 'mpi.db'}"
    main(["link", str(population), "--out", str(out), "--store", url, "--quiet"])
    truth = read_assignments(population.with_name("truth.csv"))
    result = evaluate(truth, read_assignments(out))
    assert result.clusters.bcubed_f1 >= 0.97


def test_link_refuses_a_store_that_already_holds_a_graph(
    population: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'mpi.db'}"
    args = ["link", str(population), "--out", str(tmp_path / "l.csv"), "--store", url, "--quiet"]
    assert main(args) == 0
    capsys.readouterr()
    assert main(args) == 2
    assert "already holds" in capsys.readouterr().err


# Runs `mpi link` in a child process that SIGKILLs itself once the first chunk of the
# graph is written, before the graph is published: a crash in the middle of writing.
KILLED_LINK = """
import os, signal, sys
import mpi.cli.link as link
from mpi.cli import main

real = link.link_records

def crashing(*args, **kwargs):
    kwargs["on_chunk"] = lambda n: os.kill(os.getpid(), signal.SIGKILL)
    return real(*args, **kwargs)

link.link_records = crashing
main(sys.argv[1:])
"""


def test_link_killed_mid_write_leaves_an_empty_store_and_a_rerun_starts_over(
    population: Path, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'mpi.db'}"
    args = ["link", str(population), "--out", str(tmp_path / "l.csv"), "--store", url, "--quiet"]
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_LINK, *args], cwd=ROOT, capture_output=True, check=False
    )
    assert killed.returncode == -signal.SIGKILL
    assert stored_records(url) == 0
    assert main(args) == 0
    again = f"sqlite:///{tmp_path / 'again.db'}"
    out = str(tmp_path / "again.csv")
    assert main(["link", str(population), "--out", out, "--store", again, "--quiet"]) == 0
    keys = file_keys(population)
    assert snapshot(url, keys) == snapshot(again, keys)
    conn = sqlite3.connect(tmp_path / "mpi.db")
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        conn.close()


# `mpi link` run as the process's own command line (main() without argv), with an atexit
# hook that marks whether the interpreter was torn down as usual.
OWN_COMMAND_LINE = """
import atexit, sys
from pathlib import Path
from mpi.cli import main

marker = Path(sys.argv[1])
atexit.register(lambda: marker.write_text("torn down"))
sys.argv = ["mpi", *sys.argv[2:]]
raise SystemExit(main())
"""


def test_link_ends_its_process_at_once_after_everything_is_written(
    population: Path, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'mpi.db'}"
    out, marker = tmp_path / "l.csv", tmp_path / "torn-down"
    args = ["link", str(population), "--out", str(out), "--store", url, "--quiet"]
    done = subprocess.run(
        [sys.executable, "-c", OWN_COMMAND_LINE, str(marker), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert not marker.exists()  # no teardown ...
    assert done.stdout.splitlines()[-1].startswith("  seconds          read")  # ... yet flushed
    keys = file_keys(population)
    assert sorted(read_assignments(out)) == sorted(keys)
    stored, _ = snapshot(url, keys)
    assert sorted(stored) == sorted(keys)
    conn = sqlite3.connect(tmp_path / "mpi.db")
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        conn.close()
    again = subprocess.run(
        [sys.executable, "-c", OWN_COMMAND_LINE, str(marker), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert again.returncode == 2  # refused: the store holds a graph
    assert marker.read_text() == "torn down"  # a failed command exits as usual


def test_the_collector_is_off_while_linking_and_back_on_afterwards(
    population: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[bool] = []
    real = batch_link.link_records

    def watched(*args: Any, **kwargs: Any) -> Any:
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(link, "link_records", watched)
    url = f"sqlite:///{tmp_path / 'mpi.db'}"
    args = ["link", str(population), "--out", str(tmp_path / "l.csv"), "--store", url, "--quiet"]
    assert gc.isenabled()
    assert main(args) == 0
    assert seen == [False]
    assert gc.isenabled()


def test_the_assignment_file_appears_only_once_the_graph_is_published(
    population: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "l.csv"
    seen: list[list[str]] = []
    real = sqlite_bulk.publish

    def publish(path: Path) -> None:
        seen.append(sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".csv")))
        real(path)

    monkeypatch.setattr("mpi.store.sqlite.publish", publish)
    url = f"sqlite:///{tmp_path / 'mpi.db'}"
    assert main(["link", str(population), "--out", str(out), "--store", url, "--quiet"]) == 0
    assert seen == [[]]
    assert sorted(read_assignments(out)) == sorted(file_keys(population))
    assert sorted(p.name for p in tmp_path.iterdir() if "csv" in p.name) == ["l.csv"]


def test_a_graph_that_fails_to_land_leaves_no_assignment_file(
    population: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def publish(path: Path) -> None:
        raise StoreError("disk on fire")

    monkeypatch.setattr("mpi.store.sqlite.publish", publish)
    url = f"sqlite:///{tmp_path / 'mpi.db'}"
    out = tmp_path / "l.csv"
    assert main(["link", str(population), "--out", str(out), "--store", url, "--quiet"]) == 2
    assert "disk on fire" in capsys.readouterr().err
    assert not [p.name for p in tmp_path.iterdir() if "l.csv" in p.name]
    assert stored_records(url) == 0


def test_the_writes_intermediates_are_left_for_the_exit_instead_of_freed(
    population: Path, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'mpi.db'}"
    argv = ["link", str(population), "--out", str(tmp_path / "l.csv"), "--store", url, "--quiet"]
    args = build_parser().parse_args(argv)
    assert link.run(args) == 0
    assert args.exit_at_once
    kept, result, held = args.left_in_memory
    assert kept is not None and result.person_ids
    assert len(held) == 4  # key table, links, review tasks, extra writes
