from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mpi.bootstrap import Services, build
from mpi.config import Settings
from mpi.domain.audit import AuditQuery
from mpi.domain.errors import NotFoundError
from mpi.store.model_state import TERM_FREQUENCIES
from tests.services.people import CLERK, juan, rosa

T0 = datetime(2026, 3, 1, tzinfo=UTC)


def test_the_golden_view_follows_a_merge_to_the_survivor(services: Services) -> None:
    a = services.linking.register(juan("IMSS", "1", phone="5511112222"), CLERK)
    b = services.linking.register(rosa("IMSS", "2"), CLERK)
    with services.store.write() as tx:
        tx.merge_persons(a.person_id, b.person_id, "steward", "same person", T0)
    view = services.linking.golden(b.person_id)
    assert view.person_id == a.person_id
    assert view.record_keys == ("IMSS:1", "IMSS:2")


def test_reading_a_golden_view_with_an_actor_is_audited(services: Services) -> None:
    a = services.linking.register(juan("IMSS", "1"), CLERK)
    services.linking.golden(a.person_id, actor=CLERK)
    with services.store.read() as tx:
        reads = tx.audit(AuditQuery(action="person.read")).items
    assert [r.target_ids for r in reads] == [(a.person_id,)]


def test_an_unknown_person_has_no_golden_view(services: Services) -> None:
    with pytest.raises(NotFoundError):
        services.linking.golden("PNOBODY")


def test_term_frequencies_survive_a_restart(tmp_path_factory: pytest.TempPathFactory) -> None:
    settings = Settings(store_url=f"sqlite:///{tmp_path_factory.mktemp('tf') / 'mpi.db'}")
    first = build(settings)
    first.linking.register(juan("IMSS", "1"), CLERK)
    first.close()
    second = build(settings)
    try:
        assert second.model_state.load(TERM_FREQUENCIES) is not None
        counts = second.linking.model.term_frequencies.counts["first_surname"]
        assert counts["GARCIA"] == 1
    finally:
        second.close()


def test_term_frequencies_are_saved_every_so_many_registrations(
    services: Services,
) -> None:
    services.linking.save_every = 2
    services.linking.register(juan("IMSS", "1"), CLERK)
    assert services.model_state.load(TERM_FREQUENCIES) is None
    services.linking.register(rosa("IMSS", "2"), CLERK)
    services.linking.close()  # waits for the background save
    saved = services.model_state.load(TERM_FREQUENCIES)
    assert saved is not None and "QUINTERO" in saved
