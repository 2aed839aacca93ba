from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from mpi.api.app import create_app
from mpi.api.context import ApiServices
from mpi.api.wiring import api_services
from mpi.bootstrap import build
from mpi.config import Settings
from mpi.domain.audit import AuditQuery
from mpi.domain.persons import Link, PersonWithRecords
from mpi.domain.records import Record
from mpi.domain.stored_records import RecordWrite
from mpi.services.queries import IdentityReads
from tests.api.api_client import T0, Api, seed

PERSON = """
query($id: ID!) { person(id: $id) {
  __typename
  ... on Person { id status records { key curp } links { recordKey rule probability }
                  golden { curp givenNames birthState provenance { field rule recordKeys } } }
  ... on NotFound { kind key }
  ... on Forbidden { operation }
} }"""
RECORD = """
query($i: String!, $r: String!) { record(institution: $i, recordId: $r) {
  __typename ... on Record { key personId version } ... on Forbidden { message }
} }"""
SEARCH = """
query($input: PersonSearchInput!, $first: Int!, $after: String) {
  searchPersons(input: $input, first: $first, after: $after) {
    __typename
    ... on PersonConnection { edges { cursor matchedRecordKeys node { id } }
                              pageInfo { hasNextPage endCursor } }
    ... on ValidationFailed { problems { field rule } }
  }
}"""


def audit_actions(api: Api) -> list[tuple[str, tuple[str, ...]]]:
    with api.store.read() as tx:
        page = tx.audit(AuditQuery(), limit=100)
    return [(e.action, e.target_ids) for e in page.items if e.action.startswith("read:")]


def test_a_person_comes_with_records_links_and_golden_view(
    api: Api, persons: dict[str, str]
) -> None:
    got: Any = api.data(PERSON, id=persons["ana"])["person"]
    assert got["__typename"] == "Person"
    assert [r["key"] for r in got["records"]] == ["IMSS:A1", "ISSSTE:77"]
    assert got["links"][0] == {"recordKey": "IMSS:A1", "rule": "fs-link", "probability": 0.99}
    assert got["golden"]["curp"] == "GOLA900101MDFMPN05"
    assert got["golden"]["birthState"] == "DF"


def test_an_unknown_person_is_a_typed_not_found(api: Api, persons: dict[str, str]) -> None:
    got = api.data(PERSON, id="P0NOBODY")["person"]
    assert got == {"__typename": "NotFound", "kind": "person", "key": "P0NOBODY"}


def test_reading_a_person_is_audited_with_the_key_and_person(
    api: Api, persons: dict[str, str]
) -> None:
    api.data(PERSON, role="steward", id=persons["ana"])
    with api.store.read() as tx:
        [entry] = tx.audit(AuditQuery(action="read:person"), limit=10).items
    assert entry.target_ids == (persons["ana"],)
    assert entry.role == "steward"
    assert entry.actor == "key:" + api.tokens["steward"].split("_")[1]
    assert entry.at is not None


def test_a_not_found_read_shows_nothing_and_audits_nothing(
    api: Api, persons: dict[str, str]
) -> None:
    api.data(PERSON, id="P0NOBODY")
    assert audit_actions(api) == []


def test_many_persons_in_one_request_are_loaded_and_audited_once(
    api: Api, persons: dict[str, str]
) -> None:
    query = """query($a: ID!, $b: ID!) {
      a: person(id: $a) { ... on Person { id } } b: person(id: $b) { ... on Person { id } } }"""
    data = api.data(query, a=persons["ana"], b=persons["luis"])
    assert data == {"a": {"id": persons["ana"]}, "b": {"id": persons["luis"]}}
    assert audit_actions(api) == [("read:person", (persons["ana"], persons["luis"]))]


def test_a_record_is_read_by_institution_and_local_id(api: Api, persons: dict[str, str]) -> None:
    got = api.data(RECORD, role="institution", i="IMSS", r="A1")["record"]
    assert got == {
        "__typename": "Record",
        "key": "IMSS:A1",
        "personId": persons["ana"],
        "version": 1,
    }
    shown = sorted(audit_actions(api))
    assert shown == sorted([("read:record", ("IMSS:A1",)), ("read:record", (persons["ana"],))])


def test_an_institution_key_cannot_read_another_institutions_record(
    api: Api, persons: dict[str, str]
) -> None:
    got: Any = api.data(RECORD, role="institution", i="ISSSTE", r="77")["record"]
    assert got["__typename"] == "Forbidden"
    assert audit_actions(api) == []


def test_search_by_curp_finds_the_person(api: Api, persons: dict[str, str]) -> None:
    got: Any = api.data(SEARCH, input={"curp": "gola900101mdfmpn05"}, first=10)["searchPersons"]
    assert [e["node"]["id"] for e in got["edges"]] == [persons["ana"]]
    assert got["edges"][0]["matchedRecordKeys"] == ["IMSS:A1"]
    assert got["pageInfo"]["hasNextPage"] is False


def test_search_by_surname_and_birth_date_lists_each_person_once(
    api: Api, persons: dict[str, str]
) -> None:
    criteria = {"firstSurname": "GOMEZ", "birthDate": "1990-01-01"}
    got: Any = api.data(SEARCH, input=criteria, first=10)["searchPersons"]
    assert [e["node"]["id"] for e in got["edges"]] == [persons["ana"]]
    assert got["edges"][0]["matchedRecordKeys"] == ["IMSS:A1", "ISSSTE:77"]


def test_search_pages_follow_their_cursors_to_the_end(api: Api) -> None:
    born = date(1970, 3, 3)
    twins = [Record("IMSS", f"T{i}", None, f"N{i}", "SOSA", None, "H", born) for i in range(5)]
    # T1 and T2 belong to one person: that person is listed once on its page.
    owners = ["P0T0", "P0T1", "P0T1", "P0T3", "P0T4"]
    with api.store.write() as tx:
        tx.upsert_records([RecordWrite(r, ()) for r in twins], T0)
        for person_id in dict.fromkeys(owners):
            tx.create_person(person_id, T0)
        for r, person_id in zip(twins, owners, strict=True):
            tx.link(Link(r.key, person_id, T0, "linker", "new-person"))
    criteria = {"firstSurname": "SOSA", "birthDate": "1970-03-03"}
    seen: list[str] = []
    after = None
    for _ in range(10):
        got: Any = api.data(SEARCH, input=criteria, first=2, after=after)["searchPersons"]
        seen += [e["node"]["id"] for e in got["edges"]]
        after = got["pageInfo"]["endCursor"]
        if not got["pageInfo"]["hasNextPage"]:
            break
    assert seen == ["P0T0", "P0T1", "P0T3", "P0T4"]


def test_search_without_enough_criteria_names_the_rule(api: Api) -> None:
    got = api.data(SEARCH, input={"firstSurname": "GOMEZ"}, first=10)["searchPersons"]
    assert got == {
        "__typename": "ValidationFailed",
        "problems": [{"field": "input", "rule": "search_criteria"}],
    }


def test_search_page_size_is_bounded(api: Api) -> None:
    got = api.data(SEARCH, input={"curp": "X"}, first=101)["searchPersons"]
    assert got == {
        "__typename": "ValidationFailed",
        "problems": [{"field": "first", "rule": "page_size"}],
    }


def test_a_forged_cursor_is_a_validation_failure(api: Api) -> None:
    got: Any = api.data(SEARCH, input={"curp": "X"}, first=5, after="not-ours")["searchPersons"]
    assert got["problems"] == [{"field": "after", "rule": "cursor"}]


class CountingReads(IdentityReads):
    """The real read service, counting its bulk person loads."""

    calls: list[tuple[str, ...]]

    def persons(self, person_ids: Sequence[str]) -> dict[str, PersonWithRecords]:
        self.calls.append(tuple(person_ids))
        return super().persons(person_ids)


def counted_api(tmp_path: Path) -> tuple[ApiServices, CountingReads, Api]:
    """An admin's API over a fresh database whose person reads are counted."""
    services = api_services(build(Settings(store_url=f"sqlite:///{tmp_path / 'mpi.db'}")))
    counting = CountingReads(services.linking.store)
    counting.calls = []
    app = create_app(replace(services, reads=counting))
    api = Api(
        app, services.linking.store, {"admin": services.keys.create("admin").token}, services.keys
    )
    return services, counting, api


def test_many_persons_in_one_query_cost_one_store_call(tmp_path: Path) -> None:
    services, counting, api = counted_api(tmp_path)
    ids = seed(api.store)
    query = """query($a: ID!, $b: ID!) { a: person(id: $a) { ... on Person { records { key } } }
                                       b: person(id: $b) { ... on Person { records { key } } }
                                       c: person(id: "P0NONE") { __typename } }"""
    data = api.data(query, a=ids["ana"], b=ids["luis"])
    services.close()
    assert data["c"] == {"__typename": "NotFound"}
    assert counting.calls == [(ids["ana"], ids["luis"], "P0NONE")]


def test_a_person_asked_for_inside_a_fragment_is_read_too(tmp_path: Path) -> None:
    services, counting, api = counted_api(tmp_path)
    ids = seed(api.store)
    query = """query($a: ID!, $b: ID!) { a: person(id: $a) { ... on Person { id } } ...Other }
               fragment Other on Query { b: person(id: $b) { ... on Person { id } } }"""
    data = api.data(query, a=ids["ana"], b=ids["luis"])
    services.close()
    assert data == {"a": {"id": ids["ana"]}, "b": {"id": ids["luis"]}}
    # The fragment's person is not seen ahead of time: it costs its own store call.
    assert counting.calls == [(ids["ana"],), (ids["luis"],)]
