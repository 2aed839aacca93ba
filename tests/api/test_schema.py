from __future__ import annotations

from pathlib import Path

from mpi.api.schema import sdl

SDL_FILE = Path(__file__).resolve().parents[2] / "schema" / "mpi.graphql"


def test_the_committed_sdl_matches_the_code() -> None:
    # If this fails, run `mpi schema --out schema/mpi.graphql` and review the diff.
    assert SDL_FILE.read_text(encoding="utf-8") == sdl()


def test_every_operation_returns_a_union_of_typed_results() -> None:
    text = sdl()
    for union in (
        "union PersonResult = Person | NotFound | Forbidden",
        "union RecordResult = Record | NotFound | Forbidden",
        "union SearchPersonsResult = PersonConnection | ValidationFailed | Forbidden",
        "union ResolveIdentityResult = IdentityResolution | ValidationFailed | Forbidden",
        "union RegisterRecordsResult = RegisterBatch | ValidationFailed | Forbidden",
    ):
        assert union in text
