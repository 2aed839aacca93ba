from __future__ import annotations

import pytest

from tests.api.api_client import Api

QUERY = {"query": "{ __typename }"}


def test_a_valid_key_gets_an_answer(api: Api) -> None:
    assert api.data("{ __typename }") == {"__typename": "Query"}


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Bearer",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "Bearer mpi_K00000000000000000000000000_" + "x" * 43,
        "Bearer not-a-token",
    ],
)
def test_no_key_or_a_bad_key_is_http_401(api: Api, header: str | None) -> None:
    headers = {"Authorization": header} if header is not None else {}
    response = api.request("POST", json=QUERY, headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_a_revoked_key_is_refused_once_its_cache_entry_expires(api: Api) -> None:
    token = api.tokens["steward"]
    key_id = token.split("_")[1]
    api.keys.revoke(key_id)
    # The app under test caches accepted keys for a few seconds; this key was never used,
    # so its first use already sees the revocation.
    response = api.request("POST", json=QUERY, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_the_graphiql_page_needs_no_key(api: Api) -> None:
    response = api.request("GET", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert "graphiql" in response.text.lower()


def test_queries_over_get_are_refused_even_with_a_key(api: Api) -> None:
    response = api.request("GET", params={"query": "{ __typename }"}, headers=api.auth("admin"))
    assert response.status_code in (400, 405)
