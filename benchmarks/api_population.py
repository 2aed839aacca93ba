"""Load a synthetic population into a store fast, for the API load benchmark.

Registering 200k records one by one (`mpi import`) takes long on a 2-core machine; the
benchmark needs the same graph sooner, so it links the whole population in one batch
(`mpi.matching.pipeline.link_batch`, the `mpi link` engine) and writes records, block keys,
persons, links and term frequencies through the store port in large transactions. The
result is the graph an import would build (same block keys, same model state), ready for
`mpi serve`.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from mpi.domain.ids import new_id
from mpi.domain.persons import PERSON_ID_PREFIX, Link, Person, PersonStatus
from mpi.domain.records import RECORD_FIELDS, Record
from mpi.domain.stored_records import RecordWrite
from mpi.identity.record_rules import parse_record
from mpi.matching.blocking_keys import emissions
from mpi.matching.features import Features, prepare
from mpi.matching.pipeline import link_batch
from mpi.matching.term_frequency import TermFrequencies
from mpi.rules_file import default_rules
from mpi.services.model import LinkingModel
from mpi.store.model_state import TERM_FREQUENCIES, open_model_state
from mpi.store.urls import open_store
from mpi.synthetic.generate import generate

BATCH = 5_000


@dataclass(frozen=True, slots=True)
class Loaded:
    records: list[Record]
    person_ids: list[str]  # the person of each record, in record order
    seconds: float


def population_records(persons: int, seed: int) -> list[Record]:
    population = generate(persons, seed=seed)
    return [parse_record(dict(zip(RECORD_FIELDS, row, strict=True))) for row in population.rows()]


def all_block_keys(f: Features, kinds: Sequence[str]) -> list[tuple[str, ...]]:
    """`mpi.matching.blocking_keys.block_keys(f, i)` for every i, computing each kind's
    columns once (calling block_keys per record recomputes them for the whole batch)."""
    keys: list[list[str]] = [[] for _ in range(f.n)]
    for kind in kinds:
        for parts in emissions(f, kind):
            present = np.all(np.stack([part.ids >= 0 for part in parts]), axis=0)
            for i in np.flatnonzero(present):
                keys[i].append(f"{kind}:" + "|".join(part.text(int(i)) for part in parts))
    return [tuple(dict.fromkeys(k)) for k in keys]


def load_population(url: str, persons: int, seed: int = 11) -> Loaded:
    """Generate `persons` synthetic persons and store them, linked, at `url`."""
    started = time.perf_counter()
    records = population_records(persons, seed)
    rules = default_rules()
    linked = link_batch(records, rules)
    features = prepare(records)
    keys = all_block_keys(features, rules.blocking.keys)
    ids = [new_id(PERSON_ID_PREFIX) for _ in range(linked.clusters)]
    person_of = [ids[int(c)] for c in linked.cluster]
    at = datetime.now(UTC)
    store = open_store(url)
    try:
        created: set[str] = set()
        for start in range(0, len(records), BATCH):
            chunk = range(start, min(start + BATCH, len(records)))
            fresh = [person_of[i] for i in chunk if person_of[i] not in created]
            created.update(fresh)
            with store.write() as tx:
                tx.upsert_records(
                    [RecordWrite(records[i], keys[i]) for i in chunk],
                    at,
                )
                tx.create_persons(
                    [Person(p, PersonStatus.ACTIVE, at) for p in dict.fromkeys(fresh)]
                )
                tx.link_many(
                    [Link(records[i].key, person_of[i], at, "bench-loader", "batch") for i in chunk]
                )
    finally:
        store.close()
    state = open_model_state(url)
    model = LinkingModel(rules, TermFrequencies.from_features(features))
    state.save(TERM_FREQUENCIES, model.state(), at)
    state.close()
    return Loaded(records, person_of, time.perf_counter() - started)
