from __future__ import annotations

from pathlib import Path

import pytest

from mpi.cli import main
from mpi.services.api_keys import ApiKeys, Role
from mpi.store.keys import open_key_store


def test_a_created_key_prints_a_token_that_authenticates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'mpi.db'}"
    assert (
        main(["keys", "create", "--role", "institution", "--institution", "IMSS", "--store", url])
        == 0
    )
    token = capsys.readouterr().out.splitlines()[-1]
    keys = ApiKeys(open_key_store(url))
    principal = keys.authenticate(token)
    assert principal is not None
    assert (principal.role, principal.institution) == (Role.INSTITUTION, "IMSS")


def test_listing_shows_keys_but_never_tokens(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'mpi.db'}"
    main(["keys", "create", "--role", "steward", "--store", url])
    token = capsys.readouterr().out.splitlines()[-1]
    assert main(["keys", "list", "--store", url]) == 0
    listing = capsys.readouterr().out
    assert "steward" in listing and token not in listing and token.split("_", 2)[2] not in listing


def test_revoking_by_id_stops_the_token(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'mpi.db'}"
    main(["keys", "create", "--role", "admin", "--store", url])
    token = capsys.readouterr().out.splitlines()[-1]
    assert main(["keys", "revoke", token.split("_")[1], "--store", url]) == 0
    assert ApiKeys(open_key_store(url)).authenticate(token) is None


def test_an_institution_key_without_an_institution_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'mpi.db'}"
    assert main(["keys", "create", "--role", "institution", "--store", url]) == 2
    assert "institution" in capsys.readouterr().err


def test_schema_prints_the_sdl(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    assert "type Query {" in capsys.readouterr().out
