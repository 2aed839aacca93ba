from __future__ import annotations

import contextlib
import csv
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mpi.cli import main
from mpi.store import open_store
from mpi.synthetic.generate import generate
from mpi.synthetic.output import write_population
from tests.cli.graph_snapshot import file_keys, snapshot, stored_records

BAD_ROWS = [
    "IMSS,BAD-1,,ANA,LOPEZ,,M,1990-02-30,DF,,,",  # no such date
    ",BAD-2,,ANA,LOPEZ,,M,1990-02-03,DF,,,",  # no institution
    "IMSS,BAD-3,too,few,columns",
]


@pytest.fixture(scope="module")
def population(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """About 320 records of 150 synthetic persons, with three bad rows appended."""
    path = write_population(generate(150, seed=21), tmp_path_factory.mktemp("pop")).records
    with path.open("a", encoding="utf-8") as handle:
        handle.write("\n".join(BAD_ROWS) + "\n")
    return path


def _counts(summary: str) -> dict[str, int]:
    """The outcome counts of the import summary ("  linked   123  (…)" lines)."""
    return {line.split()[0]: int(line.split()[1]) for line in summary.splitlines()[1:7]}


def _lines(path: Path) -> int:
    with path.open(encoding="utf-8") as handle:
        return sum(1 for _ in handle)


def test_import_registers_every_good_row_and_rejects_bad_ones_with_reasons(
    population: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'mpi.db'}"
    rejected = tmp_path / "rejected.csv"
    assert (
        main(["import", str(population), "--store", url, "--rejected", str(rejected), "--quiet"])
        == 0
    )
    out = capsys.readouterr().out
    good = _lines(population) - 1 - len(BAD_ROWS)
    counts = _counts(out)
    assert counts["linked"] + counts["new"] + counts["review"] == good
    assert counts["rejected"] == len(BAD_ROWS)
    assert counts["linked"] > 0 and counts["new"] > 0
    with rejected.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    last = _lines(population)
    assert {(r["line"], r["field"], r["rule"]) for r in rows} >= {
        (str(last - 2), "birth_date", "date"),
        (str(last - 1), "institution", "required"),
        (str(last), "row", "column_count"),
    }
    store = open_store(url)
    try:
        with store.read() as tx:
            assert tx.stats().records == good
    finally:
        store.close()


def test_re_importing_the_same_file_changes_nothing(
    population: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'mpi.db'}"
    args = ["import", str(population), "--store", url, "--rejected", str(tmp_path / "r.csv")]
    main([*args, "--quiet"])
    before = snapshot(url, file_keys(population))
    capsys.readouterr()
    main([*args, "--quiet"])
    assert _counts(capsys.readouterr().out)["unchanged"] == len(before[0])
    assert snapshot(url, file_keys(population)) == before


def test_an_unreadable_file_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'mpi.db'}"
    assert main(["import", str(tmp_path / "missing.csv"), "--store", url]) == 2
    assert "missing.csv" in capsys.readouterr().err


def _committed_records(path: Path) -> int:
    # Read-only and without waiting: the importer may be frozen while holding a lock.
    try:
        with contextlib.closing(
            sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=0.05)
        ) as conn:
            return int(conn.execute("SELECT count(*) FROM records").fetchone()[0])
    except sqlite3.Error:
        return 0


def _stop_part_way(process: subprocess.Popen[bytes], db: Path, stop: signal.Signals) -> None:
    """Deliver `stop` once some records are committed, with the importer frozen meanwhile.

    Each look happens while the child is SIGSTOPped, so it cannot finish between the look
    and the signal: however fast or slow the machine, the stop lands part-way through.
    """
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert process.poll() is None, "the import finished before it could be stopped"
        process.send_signal(signal.SIGSTOP)
        if db.exists() and _committed_records(db) >= 40:
            process.send_signal(stop)
            process.send_signal(signal.SIGCONT)
            return
        process.send_signal(signal.SIGCONT)
        time.sleep(0.02)
    pytest.fail("the import committed nothing within 120 s")


@pytest.mark.parametrize("stop", [signal.SIGKILL, signal.SIGINT], ids=["sigkill", "ctrl-c"])
def test_an_import_stopped_mid_way_then_re_run_ends_with_the_same_graph(
    population: Path, tmp_path: Path, stop: signal.Signals
) -> None:
    keys = file_keys(population)
    whole = f"sqlite:///{tmp_path / 'whole.db'}"
    main(
        [
            "import",
            str(population),
            "--store",
            whole,
            "--rejected",
            str(tmp_path / "a.csv"),
            "--quiet",
        ]
    )
    killed = f"sqlite:///{tmp_path / 'killed.db'}"
    command = [
        sys.executable,
        "-m",
        "mpi",
        "import",
        str(population),
        "--store",
        killed,
        "--rejected",
        str(tmp_path / "b.csv"),
        "--quiet",
    ]
    env = {**os.environ, "MPI_ACTOR": "test"}
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _stop_part_way(process, tmp_path / "killed.db", stop)
    assert process.wait(timeout=60) != 0
    assert 0 < stored_records(killed) < len(keys), "the import must be stopped part-way through"
    main(
        [
            "import",
            str(population),
            "--store",
            killed,
            "--rejected",
            str(tmp_path / "c.csv"),
            "--quiet",
        ]
    )
    assert snapshot(killed, keys) == snapshot(whole, keys)
