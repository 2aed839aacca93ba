from __future__ import annotations

from typing import Any

from mpi.domain.audit import AuditQuery
from tests.api.api_client import Api

REGISTER = """
mutation($input: RecordInput!) { registerRecord(input: $input) {
  __typename
  ... on RegisterSuccess { recordKey personId outcome change }
  ... on ValidationFailed { problems { field rule } }
} }"""
REGISTER_MANY = """
mutation($inputs: [RecordInput!]!) { registerRecords(inputs: $inputs) {
  __typename
  ... on RegisterBatch { registered failed
        results { __typename ... on ValidationFailed { problems { field rule } } } }
  ... on ValidationFailed { problems { field rule } }
} }"""
RESOLVE = """
query($input: IdentityInput!) { resolveIdentity(input: $input, limit: 3) {
  __typename
  ... on IdentityResolution {
    candidates { personId band probability bestRecordKey
                 explanation { comparison level weight queryValue candidateValue }
                 person { id records { key } } }
    wouldDo { outcome personId }
  }
  ... on ValidationFailed { problems { field rule } }
} }"""
ANA = {
    "institution": "IMSS",
    "recordId": "A1",
    "curp": "GOLA900101MDFMPN05",
    "givenNames": "ANA",
    "firstSurname": "GOMEZ",
    "secondSurname": "LOPEZ",
    "sex": "M",
    "birthDate": "1990-01-01",
    "birthState": "DF",
}


def test_a_new_record_makes_a_new_person(api: Api) -> None:
    got = api.data(REGISTER, role="institution", input=ANA)["registerRecord"]
    assert got["__typename"] == "RegisterSuccess"
    assert (got["recordKey"], got["outcome"], got["change"]) == ("IMSS:A1", "NEW", "CREATED")


def test_re_sending_a_record_changes_nothing(api: Api) -> None:
    first = api.data(REGISTER, role="institution", input=ANA)["registerRecord"]
    again = api.data(REGISTER, role="institution", input=ANA)["registerRecord"]
    assert again["personId"] == first["personId"]
    assert (again["outcome"], again["change"]) == ("UNCHANGED", "UNCHANGED")


def test_the_same_person_from_another_institution_is_linked(api: Api) -> None:
    first = api.data(REGISTER, input=ANA)["registerRecord"]
    other = {**ANA, "institution": "ISSSTE", "recordId": "77"}
    got = api.data(REGISTER, input=other)["registerRecord"]
    assert (got["outcome"], got["personId"]) == ("LINKED", first["personId"])


def test_bad_fields_are_named_with_their_rule(api: Api) -> None:
    bad = {**ANA, "birthDate": "1990-13-45", "sex": "Q"}
    got = api.data(REGISTER, input=bad)["registerRecord"]
    assert got["__typename"] == "ValidationFailed"
    fields = {p["field"] for p in got["problems"]}
    assert fields == {"input.birthDate", "input.sex"}


def test_a_batch_reports_each_item_and_goes_on_after_a_bad_one(api: Api) -> None:
    items = [ANA, {**ANA, "recordId": "A2", "sex": "Q"}, {**ANA, "recordId": "A3"}]
    got = api.data(REGISTER_MANY, inputs=items)["registerRecords"]
    assert (got["registered"], got["failed"]) == (2, 1)
    assert got["results"][1] == {
        "__typename": "ValidationFailed",
        "problems": [{"field": "inputs[1].sex", "rule": got["results"][1]["problems"][0]["rule"]}],
    }


def test_a_batch_of_ten_thousand_is_refused_whole(api: Api) -> None:
    items = [{"institution": "IMSS", "recordId": f"R{i}"} for i in range(10_000)]
    got = api.data(REGISTER_MANY, inputs=items)["registerRecords"]
    assert got == {
        "__typename": "ValidationFailed",
        "problems": [{"field": "inputs", "rule": "max_batch_size"}],
    }
    with api.store.read() as tx:
        assert tx.stats().records == 0


def test_every_registered_record_can_be_read_back(api: Api) -> None:
    items = [{**ANA, "recordId": f"B{i}", "givenNames": f"ANA{i}"} for i in range(20)]
    api.data(REGISTER_MANY, inputs=items)
    with api.store.read() as tx:
        assert set(tx.get_records([f"IMSS:B{i}" for i in range(20)])) == {
            f"IMSS:B{i}" for i in range(20)
        }


def test_asking_for_the_golden_view_after_registering_is_an_audited_read(api: Api) -> None:
    query = """mutation($input: RecordInput!) { registerRecord(input: $input) {
      ... on RegisterSuccess { personId golden { curp } } } }"""
    got: Any = api.data(query, input=ANA)["registerRecord"]
    assert got["golden"] == {"curp": "GOLA900101MDFMPN05"}
    with api.store.read() as tx:
        [entry] = tx.audit(AuditQuery(action="read:registerRecord"), limit=5).items
    assert entry.target_ids == (got["personId"],)


def test_resolve_ranks_the_registered_person_with_an_explanation(api: Api) -> None:
    registered = api.data(REGISTER, input=ANA)["registerRecord"]
    query = {
        "curp": ANA["curp"],
        "givenNames": "ANA",
        "firstSurname": "GOMEZ",
        "birthDate": "1990-01-01",
    }
    got: Any = api.data(RESOLVE, role="issuer", input=query)["resolveIdentity"]
    [best] = got["candidates"]
    assert best["personId"] == registered["personId"]
    assert best["band"] == "LINK"
    assert best["person"]["records"] == [{"key": "IMSS:A1"}]
    assert {e["comparison"] for e in best["explanation"]} >= {"curp", "birth_date"}
    assert got["wouldDo"] == {"outcome": "LINKED", "personId": registered["personId"]}
    with api.store.read() as tx:
        [entry] = tx.audit(AuditQuery(action="read:resolveIdentity"), limit=5).items
    assert entry.target_ids == (registered["personId"],)


def test_resolve_with_nothing_to_go_on_is_a_validation_failure(api: Api) -> None:
    got = api.data(RESOLVE, input={})["resolveIdentity"]
    assert got == {
        "__typename": "ValidationFailed",
        "problems": [{"field": "input", "rule": "required"}],
    }


def test_resolve_limit_is_bounded(api: Api) -> None:
    query = '{ resolveIdentity(input: {curp: "X"}, limit: 1000) { __typename } }'
    assert api.data(query)["resolveIdentity"] == {"__typename": "ValidationFailed"}


def test_a_persons_links_explain_why_each_record_belongs(api: Api) -> None:
    first = api.data(REGISTER, input=ANA)["registerRecord"]
    api.data(REGISTER, input={**ANA, "institution": "ISSSTE", "recordId": "77"})
    query = """query($id: ID!) { person(id: $id) { ... on Person { links { recordKey
      evidence { comparedWith band probability comparisons { comparison level weight } } } } } }"""
    links: Any = api.data(query, id=first["personId"])["person"]["links"]
    evidence = {link["recordKey"]: link["evidence"] for link in links}
    assert evidence["IMSS:A1"]["comparedWith"] == "ISSSTE:77"
    assert evidence["ISSSTE:77"]["comparedWith"] == "IMSS:A1"
    assert evidence["IMSS:A1"]["band"] == "LINK"
    curp = next(c for c in evidence["IMSS:A1"]["comparisons"] if c["comparison"] == "curp")
    assert curp["weight"] > 0


def test_a_persons_only_record_has_no_evidence_to_show(api: Api) -> None:
    first = api.data(REGISTER, input=ANA)["registerRecord"]
    query = """query($id: ID!) { person(id: $id) { ... on Person { links { evidence {
      comparedWith } } } } }"""
    links = api.data(query, id=first["personId"])["person"]["links"]
    assert links == [{"evidence": None}]
