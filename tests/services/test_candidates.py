from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from mpi.bootstrap import build
from mpi.domain.records import Record
from mpi.services.batch_link import link_records
from mpi.services.candidates import evaluate, evaluate_many
from mpi.services.decide import Bar
from tests.services.conftest import sqlite_settings
from tests.services.people import CLERK, population_file, read_valid

T0 = datetime(2026, 3, 1, tzinfo=UTC)


def test_evaluating_many_records_at_once_decides_as_evaluating_each(tmp_path: Path) -> None:
    sample = read_valid(population_file(tmp_path / "population", 150, seed=9))
    services = build(sqlite_settings(tmp_path))
    link_records(services.store, sample, services.rules, CLERK)
    model = services.linking.model
    # Stored records evaluated again (their own key is skipped), some declared NOT_SAME as
    # their neighbour, some with extra records to score whatever their keys.
    chosen: list[Record] = sample[::2]
    with services.store.write() as tx:
        for a, b in zip(sample[:40:4], sample[1:40:4], strict=True):
            tx.add_not_same(a.key, b.key, "steward", "two people", T0)
    with services.store.read() as tx:
        stored = tx.get_records([r.key for r in sample])
        extras = [[stored[sample[k + 1].key]] if k % 5 == 0 else [] for k in range(len(chosen))]
        keys = [model.block_keys(r) for r in chosen]
        together = evaluate_many(tx, model, chosen, keys, None, extras)
        alone = [evaluate(tx, model, r, k, e) for r, k, e in zip(chosen, keys, extras, strict=True)]
    services.close()
    assert together == alone
    bars = {p.bar for e in alone for p in e.decision.persons}
    assert bars == {None, Bar.NOT_SAME, Bar.CANNOT_LINK}
