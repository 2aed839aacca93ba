from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from mpi.domain.errors import ValidationError
from mpi.services.api_keys import ApiKeys, Principal, Role, hash_token
from mpi.store.keys_sqlite import SqliteKeyStore


@pytest.fixture
def keys(tmp_path: Path) -> ApiKeys:
    return ApiKeys(SqliteKeyStore(tmp_path / "mpi.db"))


def test_an_issued_token_authenticates_as_its_role_and_institution(keys: ApiKeys) -> None:
    issued = keys.create("institution", "IMSS")
    assert keys.authenticate(issued.token) == Principal(issued.key.key_id, Role.INSTITUTION, "IMSS")


def test_only_the_hash_of_the_token_is_stored(keys: ApiKeys) -> None:
    issued = keys.create("steward")
    stored = keys.list()[0]
    assert stored.token_hash == hash_token(issued.token)
    assert issued.token not in repr(stored)


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # wrong secret
        lambda t: t.replace("mpi_", "xyz_"),  # wrong prefix
        lambda t: t[:20],  # truncated
        lambda t: "",
        lambda t: t + " ",
    ],
)
def test_an_altered_token_does_not_authenticate(
    keys: ApiKeys, mangle: Callable[[str], str]
) -> None:
    issued = keys.create("admin")
    assert keys.authenticate(mangle(issued.token)) is None


def test_a_token_for_an_unknown_key_id_does_not_authenticate(keys: ApiKeys, tmp_path: Path) -> None:
    elsewhere = ApiKeys(SqliteKeyStore(tmp_path / "other.db"))
    assert keys.authenticate(elsewhere.create("admin").token) is None


def test_a_revoked_key_no_longer_authenticates(keys: ApiKeys) -> None:
    issued = keys.create("issuer")
    keys.revoke(issued.key.key_id)
    assert keys.authenticate(issued.token) is None


@pytest.mark.parametrize(
    ("role", "institution", "field", "rule"),
    [
        ("doctor", None, "role", "known_role"),
        ("institution", None, "institution", "required"),
        ("steward", "IMSS", "institution", "not_allowed"),
        ("institution", "IMSS BIENESTAR", "institution", "safe_key"),
    ],
)
def test_bad_key_requests_name_the_field_and_rule(
    keys: ApiKeys, role: str, institution: str | None, field: str, rule: str
) -> None:
    with pytest.raises(ValidationError) as error:
        keys.create(role, institution)
    assert [(p.field, p.rule) for p in error.value.problems] == [(field, rule)]
