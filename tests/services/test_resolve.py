from __future__ import annotations

from collections.abc import Iterator
from dataclasses import astuple
from datetime import date

import pytest

from mpi.bootstrap import Services, build
from mpi.domain.records import RECORD_FIELDS, Record
from mpi.services.batch_link import link_records
from mpi.services.decide import Band, Bar, Outcome
from mpi.services.resolve import Resolution, query_record
from tests.services.conftest import sqlite_settings
from tests.services.people import (
    CLERK,
    JUAN,
    REVIEW_CHANGES,
    juan,
    population_file,
    read_valid,
    rosa,
)


def test_resolving_demographics_without_curp_ranks_the_person_first(any_services: Services) -> None:
    registered = any_services.linking.register(juan("IMSS", "1"), CLERK)
    any_services.linking.register(rosa("IMSS", "2"), CLERK)
    query = query_record(**{**JUAN, "given_names": "JUAN"})
    resolution = any_services.linking.resolve(query)
    best = resolution.candidates[0]
    assert best.person_id == registered.person_id
    assert best.band is Band.LINK
    assert resolution.decision.outcome is Outcome.LINKED
    assert best.explanation is not None
    levels = {c.name: c.level for c in best.explanation.comparisons}
    assert "birth_date" in levels and "first_surname" in levels


def test_resolving_writes_nothing(any_services: Services) -> None:
    any_services.linking.register(juan("IMSS", "1"), CLERK)
    any_services.linking.resolve(juan("ISSSTE", "9"))
    with any_services.store.read() as tx:
        stats = tx.stats()
    assert (stats.records, stats.active_persons, stats.audit_entries) == (1, 1, 2)


def test_resolving_a_doubtful_record_shows_the_review_band(any_services: Services) -> None:
    registered = any_services.linking.register(juan("IMSS", "1"), CLERK)
    resolution = any_services.linking.resolve(juan("X", "1", **REVIEW_CHANGES))
    assert [(c.person_id, c.band) for c in resolution.candidates] == [
        (registered.person_id, Band.REVIEW)
    ]
    assert resolution.decision.outcome is Outcome.REVIEW


def test_resolving_someone_unknown_returns_no_candidates(any_services: Services) -> None:
    any_services.linking.register(juan("IMSS", "1"), CLERK)
    stranger = query_record(
        given_names="ELVIRA", first_surname="ZAPATA", birth_date=date(2001, 1, 1)
    )
    resolution = any_services.linking.resolve(stranger)
    assert resolution.candidates == ()
    assert resolution.decision.outcome is Outcome.NEW


@pytest.fixture(scope="module")
def linked(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Services, list[Record]]]:
    """About 650 records of 300 synthetic persons, batch-linked into a SQLite store."""
    directory = tmp_path_factory.mktemp("resolve-many")
    sample = read_valid(population_file(directory, 300, seed=11))
    built = build(sqlite_settings(directory))
    link_records(built.store, sample, built.rules, CLERK)
    yield built, sample
    built.close()


def _as_query(record: Record, k: int) -> Record:
    # Some queries lose the CURP or the birth date, some are strangers: every outcome occurs.
    changes: dict[str, object] = {"curp": None} if k % 3 == 1 else {}
    if k % 5 == 2:
        changes["birth_date"] = None
    if k % 11 == 4:
        changes |= {"curp": None, "first_surname": "XOCHIPILTECATL", "phone": None}
    if k % 13 == 6:  # a twin: same surnames and birth date, another given name
        changes |= {"curp": None, "given_names": "BALTAZAR"}
    fields = {name: getattr(record, name) for name in RECORD_FIELDS[2:]}
    return query_record(**{**fields, **changes})


def _answer(resolution: Resolution) -> tuple[object, ...]:
    people = [
        (
            *astuple(p)[:6],
            p.score.scored.cannot_link if p.score else None,
            p.explanation.comparisons if p.explanation else None,
        )
        for p in resolution.candidates
    ]
    return (people, resolution.decision, resolution.oversized_keys)


def test_resolving_many_at_once_answers_as_resolving_each(
    linked: tuple[Services, list[Record]],
) -> None:
    services, sample = linked
    queries = [_as_query(r, k) for k, r in enumerate(sample[::3])]
    limits = [1 + k % 7 for k in range(len(queries))]
    one_by_one = [services.linking.resolve(q, n) for q, n in zip(queries, limits, strict=True)]
    together = []
    for start in range(0, len(queries), 9):
        part = slice(start, start + 9)
        together += services.linking.resolve_many(queries[part], limits[part])
    assert [_answer(r) for r in together] == [_answer(r) for r in one_by_one]
    outcomes = {r.decision.outcome for r in one_by_one}
    bars = {c.bar for r in one_by_one for c in r.candidates}
    assert outcomes == {Outcome.LINKED, Outcome.NEW, Outcome.REVIEW}
    assert bars == {None, Bar.CANNOT_LINK}


def test_resolving_many_keeps_each_records_limit_and_allows_no_candidates(
    linked: tuple[Services, list[Record]],
) -> None:
    services, sample = linked
    stranger = query_record(given_names="ELVIRA", first_surname="ZAPATA", birth_date=None)
    known = _as_query(sample[0], 0)
    first, second, third = services.linking.resolve_many([known, stranger, known], [1, 5, 10])
    assert len(first.candidates) == 1
    assert second.candidates == () and second.decision.outcome is Outcome.NEW
    assert third.candidates[: len(first.candidates)] == first.candidates
    assert services.linking.resolve_many([], []) == []
