from __future__ import annotations

import json
from datetime import UTC, datetime

from mpi.bootstrap import Services
from mpi.domain.audit import AuditQuery
from mpi.domain.persons import Link
from mpi.domain.review import ReviewStatus
from mpi.domain.stored_records import UpsertChange
from mpi.services.decide import REVIEW_AMBIGUOUS, REVIEW_POSSIBLE_MATCH, Outcome
from tests.services.people import CLERK, REVIEW_CHANGES, juan, rosa

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_a_first_record_creates_a_person_with_its_golden_view(any_services: Services) -> None:
    result = any_services.linking.register(juan("IMSS", "1"), CLERK)
    assert result.outcome is Outcome.NEW
    assert result.change is UpsertChange.CREATED
    assert result.golden.value("first_surname") == "GARCIA"
    assert result.golden.record_keys == ("IMSS:1",)


def test_the_same_person_from_another_institution_is_linked(any_services: Services) -> None:
    first = any_services.linking.register(juan("IMSS", "1"), CLERK)
    second = any_services.linking.register(juan("ISSSTE", "77", curp=None), CLERK)
    assert second.outcome is Outcome.LINKED
    assert second.person_id == first.person_id
    assert second.golden.record_keys == ("IMSS:1", "ISSSTE:77")
    assert second.decision is not None and "link threshold" in second.decision.reason


def test_a_different_person_gets_a_different_person(any_services: Services) -> None:
    first = any_services.linking.register(juan("IMSS", "1"), CLERK)
    other = any_services.linking.register(rosa("IMSS", "2"), CLERK)
    assert other.outcome is Outcome.NEW
    assert other.person_id != first.person_id


def test_re_registering_the_same_record_changes_nothing(any_services: Services) -> None:
    first = any_services.linking.register(juan("IMSS", "1"), CLERK)
    again = any_services.linking.register(juan("IMSS", "1"), CLERK)
    assert again.outcome is Outcome.UNCHANGED
    assert again.person_id == first.person_id
    with any_services.store.read() as tx:
        stats = tx.stats()
    assert (stats.records, stats.active_persons, stats.linked_records) == (1, 1, 1)


def test_an_updated_record_keeps_its_person_when_it_still_belongs(any_services: Services) -> None:
    first = any_services.linking.register(juan("IMSS", "1"), CLERK)
    any_services.linking.register(juan("ISSSTE", "2"), CLERK)
    updated = any_services.linking.register(juan("IMSS", "1", phone="5512345678"), CLERK)
    assert updated.change is UpsertChange.UPDATED
    assert updated.person_id == first.person_id
    assert updated.moved_from is None


def test_an_updated_record_that_no_longer_belongs_is_moved_and_audited(
    any_services: Services,
) -> None:
    first = any_services.linking.register(juan("IMSS", "1"), CLERK)
    any_services.linking.register(juan("ISSSTE", "2"), CLERK)
    corrected = any_services.linking.register(rosa("ISSSTE", "2"), CLERK)
    assert corrected.moved_from == first.person_id
    assert corrected.person_id != first.person_id
    assert corrected.golden.value("first_surname") == "QUINTERO"
    with any_services.store.read() as tx:
        moves = tx.audit(AuditQuery(action="record.move")).items
        left_behind = tx.person(first.person_id)
    assert [m.target_ids for m in moves] == [("ISSSTE:2",)]
    assert json.loads(moves[0].detail)["from"] == first.person_id
    assert left_behind is not None and [r.key for r in left_behind.records] == ["IMSS:1"]


def test_a_candidate_in_the_review_band_gives_a_new_person_and_a_task(
    any_services: Services,
) -> None:
    first = any_services.linking.register(juan("IMSS", "1"), CLERK)
    doubtful = any_services.linking.register(juan("IMSS", "2", **REVIEW_CHANGES), CLERK)
    assert doubtful.outcome is Outcome.REVIEW
    assert doubtful.person_id != first.person_id
    with any_services.store.read() as tx:
        [task] = tx.review_tasks(ReviewStatus.OPEN).items
    assert task.kind == REVIEW_POSSIBLE_MATCH
    assert task.id == doubtful.review_task_id
    assert task.person_ids == (doubtful.person_id, first.person_id)
    payload = json.loads(task.payload)
    assert payload["candidates"][0]["record"] == "IMSS:1"
    assert payload["candidates"][0]["comparisons"]


def _split_into_two_persons(any_services: Services) -> tuple[str, str]:
    """Two records of JUAN that a steward said are different persons."""
    a = any_services.linking.register(juan("IMSS", "1"), CLERK)
    any_services.linking.register(juan("ISSSTE", "2"), CLERK)
    with any_services.store.write() as tx:
        tx.create_person("PSPLIT", T0)
        tx.move(Link("ISSSTE:2", "PSPLIT", T0, "steward", "steward", None))
        tx.add_not_same("IMSS:1", "ISSSTE:2", "steward", "different persons", T0)
    return a.person_id, "PSPLIT"


def test_a_record_matching_two_persons_goes_to_review_and_never_merges_them(
    any_services: Services,
) -> None:
    p1, p2 = _split_into_two_persons(any_services)
    third = any_services.linking.register(juan("PEMEX", "3"), CLERK)
    assert third.outcome is Outcome.REVIEW
    assert third.person_id not in (p1, p2)
    with any_services.store.read() as tx:
        [task] = tx.review_tasks(ReviewStatus.OPEN).items
        persons = tx.persons([p1, p2])
    assert task.kind == REVIEW_AMBIGUOUS
    assert set(task.person_ids) == {third.person_id, p1, p2}
    assert all(p.person.status == "active" for p in persons.values())


def test_not_same_is_respected_when_a_record_is_re_evaluated(any_services: Services) -> None:
    p1, p2 = _split_into_two_persons(any_services)
    updated = any_services.linking.register(juan("ISSSTE", "2", phone="5511112222"), CLERK)
    assert updated.person_id == p2
    again = any_services.linking.register(juan("IMSS", "1", phone="5533334444"), CLERK)
    assert again.person_id == p1


def test_every_write_is_audited_with_who_and_why(any_services: Services) -> None:
    any_services.linking.register(juan("IMSS", "1"), CLERK)
    with any_services.store.read() as tx:
        entries = tx.audit(AuditQuery(actor=CLERK.name)).items
    assert {e.action for e in entries} == {"person.create", "record.register"}
    assert all(e.purpose == CLERK.purpose and e.institution == "IMSS" for e in entries)


def test_a_changed_record_is_counted_once_in_term_frequencies(any_services: Services) -> None:
    any_services.linking.register(juan("IMSS", "1"), CLERK)
    any_services.linking.register(juan("IMSS", "1", first_surname="GARZA"), CLERK)
    counts = any_services.linking.model.term_frequencies.counts["first_surname"]
    assert (counts.get("GARCIA", 0), counts["GARZA"]) == (0, 1)


def test_a_person_emptied_by_a_move_is_merged_into_where_its_record_went(
    any_services: Services,
) -> None:
    rosa_person = any_services.linking.register(rosa("IMSS", "1"), CLERK)
    lone = any_services.linking.register(juan("ISSSTE", "2", curp=None, birth_state="JC"), CLERK)
    assert lone.person_id != rosa_person.person_id
    corrected = any_services.linking.register(rosa("ISSSTE", "2"), CLERK)
    assert (corrected.person_id, corrected.moved_from) == (rosa_person.person_id, lone.person_id)
    with any_services.store.read() as tx:
        old = tx.person(lone.person_id)
        merges = tx.audit(AuditQuery(action="person.merge")).items
    assert old is not None and old.person.merged_into == rosa_person.person_id
    assert len(merges) == 1
    assert any_services.linking.golden(lone.person_id).person_id == rosa_person.person_id
