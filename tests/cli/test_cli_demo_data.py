from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mpi.cli import main
from mpi.io.assignments import read_assignments
from mpi.io.records_file import RowError, read_records


def test_demo_data_writes_records_truth_and_hard_negatives(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo-data", "--persons", "400", "--out", str(tmp_path), "--seed", "4"]) == 0
    out = capsys.readouterr().out
    assert "persons:  400" in out and "twin" in out and "seconds:" in out
    records = list(read_records(tmp_path / "records.csv"))
    assert not [r for r in records if isinstance(r, RowError)]
    truth = read_assignments(tmp_path / "truth.csv")
    assert {r.key for r in records if not isinstance(r, RowError)} == set(truth)
    with (tmp_path / "hard_negatives.csv").open(encoding="utf-8") as handle:
        pairs = list(csv.DictReader(handle))
    assert pairs and {p["person_a"] for p in pairs} <= set(truth.values())


def test_the_same_seed_writes_the_same_files_in_processes_with_other_hash_seeds(
    tmp_path: Path,
) -> None:
    for name, hash_seed in (("a", "1"), ("b", "2")):
        out = tmp_path / name
        command = [sys.executable, "-m", "mpi", "demo-data", "--persons", "150", "--seed", "9"]
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        done = subprocess.run(
            [*command, "--out", str(out)], env=env, capture_output=True, check=False
        )
        assert done.returncode == 0, done.stderr
    for file in ("records.csv", "truth.csv", "hard_negatives.csv"):
        assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes()


def test_demo_data_refuses_a_non_positive_person_count(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["demo-data", "--persons", "0", "--out", str(tmp_path)])
    assert exit_info.value.code == 2
    assert "must be at least 1" in capsys.readouterr().err
