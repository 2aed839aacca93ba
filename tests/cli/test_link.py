from __future__ import annotations

from pathlib import Path

import pytest

from mpi.cli import main
from mpi.evaluation.evaluate import evaluate
from mpi.io.assignments import read_assignments
from mpi.synthetic.generate import generate
from mpi.synthetic.output import write_population
from tests.cli.graph_snapshot import file_keys, snapshot


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
