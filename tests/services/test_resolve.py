from __future__ import annotations

from datetime import date

from mpi.bootstrap import Services
from mpi.services.decide import Band, Outcome
from mpi.services.resolve import query_record
from tests.services.people import CLERK, JUAN, REVIEW_CHANGES, juan, rosa


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
