"""The whole role x operation matrix, over HTTP, stated here independently of the code."""

from __future__ import annotations

import pytest

from mpi.api.permissions import Operation
from tests.api.api_client import ROLES, Api

OPERATIONS: dict[str, str] = {
    "person": '{ r: person(id: "P0ANA") { __typename } }',
    "record": '{ r: record(institution: "IMSS", recordId: "A1") { __typename } }',
    "resolveIdentity": '{ r: resolveIdentity(input: {firstSurname: "GOMEZ"}) { __typename } }',
    "searchPersons": '{ r: searchPersons(input: {curp: "X"}) { __typename } }',
    "registerRecord": (
        'mutation { r: registerRecord(input: {institution: "IMSS", recordId: "N1",'
        ' firstSurname: "RUIZ"}) { __typename } }'
    ),
    "registerRecords": (
        'mutation { r: registerRecords(inputs: [{institution: "IMSS", recordId: "N2"}])'
        " { __typename } }"
    ),
}
ALLOWED: dict[str, set[str]] = {
    "person": {"institution", "steward", "issuer", "admin"},
    "record": {"institution", "steward", "issuer", "admin"},
    "resolveIdentity": {"institution", "steward", "issuer", "admin"},
    "searchPersons": {"institution", "steward", "admin"},
    "registerRecord": {"institution", "admin"},
    "registerRecords": {"institution", "admin"},
}


def test_the_matrix_covers_every_operation() -> None:
    assert set(OPERATIONS) == {op.value for op in Operation} == set(ALLOWED)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_each_role_may_use_exactly_its_operations(
    api: Api, persons: dict[str, str], role: str, operation: str
) -> None:
    result = api.data(OPERATIONS[operation], role=role)["r"]
    if role in ALLOWED[operation]:
        assert result["__typename"] != "Forbidden"
    else:
        assert result["__typename"] == "Forbidden"


REGISTER_OTHER = (
    'mutation { registerRecord(input: {institution: "ISSSTE", recordId: "Z9"})'
    " { __typename ... on Forbidden { operation message } } }"
)


def test_an_institution_key_registers_only_its_own_institutions_records(api: Api) -> None:
    got = api.data(REGISTER_OTHER, role="institution")["registerRecord"]
    assert got == {
        "__typename": "Forbidden",
        "operation": "registerRecord",
        "message": "this key registers records of IMSS only",
    }


def test_an_admin_key_registers_records_of_any_institution(api: Api) -> None:
    got = api.data(REGISTER_OTHER, role="admin")["registerRecord"]
    assert got == {"__typename": "RegisterSuccess"}


def test_in_a_batch_only_the_other_institutions_items_are_forbidden(api: Api) -> None:
    query = """mutation { registerRecords(inputs: [
        {institution: "IMSS", recordId: "OK1"}, {institution: "PEMEX", recordId: "NO1"}]) {
      ... on RegisterBatch { registered failed results { __typename } } } }"""
    got = api.data(query, role="institution")["registerRecords"]
    assert got == {
        "registered": 1,
        "failed": 1,
        "results": [{"__typename": "RegisterSuccess"}, {"__typename": "Forbidden"}],
    }
