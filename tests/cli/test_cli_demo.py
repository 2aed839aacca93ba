from __future__ import annotations

from pathlib import Path

import pytest

from mpi.cli import main
from mpi.services.api_keys import ApiKeys
from mpi.store.keys import open_key_store
from mpi.store.urls import open_store


def counts(directory: Path) -> tuple[int, int]:
    url = f"sqlite:///{directory / 'mpi.db'}"
    store = open_store(url)
    with store.read() as tx:
        records = tx.stats().records
    store.close()
    keys = open_key_store(url)
    n_keys = len(ApiKeys(keys).list())
    keys.close()
    return records, n_keys


def test_demo_loads_a_population_prints_working_keys_and_reruns_without_duplicates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    demo = tmp_path / "demo"
    assert main(["demo", str(demo), "--persons", "25", "--no-serve"]) == 0
    first = capsys.readouterr().out
    records, n_keys = counts(demo)
    assert records > 25 and n_keys == 4
    assert "http://127.0.0.1:8000/graphql" in first
    assert main(["demo", str(demo), "--persons", "25", "--no-serve"]) == 0
    second = capsys.readouterr().out
    assert "already loaded" in second
    assert counts(demo) == (records, 4)
    tokens = [line.split()[1] for line in (demo / "keys.txt").read_text().splitlines()]
    assert all(token in first and token in second for token in tokens)
