from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from graphql import get_introspection_query

from mpi.api.limits import Limits
from tests.api.api_client import Api


def errors(body: dict[str, Any]) -> list[str]:
    return [e["message"] for e in body.get("errors", [])]


def test_a_query_deeper_than_the_limit_is_refused(api: Api) -> None:
    depth = Limits().max_depth + 5
    query = "{ " + " ".join(f"f{i} {{" for i in range(depth)) + " x " + "}" * depth + " }"
    body = api.post(query)
    assert body["data"] is None
    assert any("exceeds maximum operation depth" in m for m in errors(body))


def test_a_thousand_aliases_are_refused(api: Api) -> None:
    query = "{ " + " ".join(f"a{i}: __typename" for i in range(1000)) + " }"
    body = api.post(query)
    assert body["data"] is None
    assert any("aliases found" in m for m in errors(body))


def test_a_document_with_too_many_tokens_is_refused_before_parsing_ends(api: Api) -> None:
    query = "{ " + "__typename " * (Limits().max_tokens + 1) + "}"
    body = api.post(query)
    assert body["data"] is None
    assert any(f"more than {Limits().max_tokens} tokens" in m for m in errors(body))


def test_a_ten_megabyte_body_is_refused_with_413(api: Api) -> None:
    padding = "x" * (10 * 1024 * 1024)
    response = api.request(
        "POST",
        json={"query": "{ __typename }", "variables": {"p": padding}},
        headers=api.auth("admin"),
    )
    assert response.status_code == 413


def test_a_chunked_body_over_the_limit_is_refused_with_413(api: Api) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(20):
            yield b"x" * 100_000

    response = api.request(
        "POST", content=chunks(), headers={**api.auth("admin"), "content-type": "application/json"}
    )
    assert response.status_code == 413


def test_malformed_json_is_a_client_error(api: Api) -> None:
    response = api.request(
        "POST",
        content=b'{"query": ',
        headers={**api.auth("admin"), "content-type": "application/json"},
    )
    assert response.status_code == 400


@pytest.mark.parametrize("content_type", ["text/plain", "application/xml"])
def test_an_unsupported_content_type_is_a_client_error(api: Api, content_type: str) -> None:
    response = api.request(
        "POST",
        content=b"{ __typename }",
        headers={**api.auth("admin"), "content-type": content_type},
    )
    assert 400 <= response.status_code < 500


def test_the_graphiql_introspection_query_is_answered(api: Api) -> None:
    body = api.post(get_introspection_query(descriptions=True))
    assert "errors" not in body
    assert body["data"]["__schema"]["queryType"]["name"] == "Query"


def test_nested_introspection_that_explodes_is_refused(api: Api) -> None:
    nested = "{ __schema { types { fields { type { fields { type { fields { type { name }"
    nested += " } } } } } } } }"
    body = api.post(nested)
    assert body["data"] is None
    assert any("introspection" in m.lower() for m in errors(body))


def test_an_unexpected_failure_inside_a_resolver_is_masked(api: Api) -> None:
    api.store.close()  # every store call now fails
    body = api.post("query($id: ID!) { person(id: $id) { __typename } }", id="P0ANA")
    assert errors(body) == ["Unexpected error."]
    assert "sqlite" not in str(body).lower()
