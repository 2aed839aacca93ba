from __future__ import annotations

from pathlib import Path

import pytest

from mpi.config import DEFAULT_TRUSTED_INSTITUTIONS, Settings
from mpi.domain.errors import ValidationError


def test_an_empty_environment_gives_the_documented_defaults() -> None:
    settings = Settings.from_env({"MPI_ACTOR": "tester"})
    assert settings.store_url == "sqlite:///mpi.db"
    assert settings.rules_path is None
    assert settings.trusted_institutions == DEFAULT_TRUSTED_INSTITUTIONS
    assert settings.candidate_cap is None
    assert settings.actor == "tester"


def test_every_variable_is_read() -> None:
    settings = Settings.from_env(
        {
            "MPI_STORE_URL": "bolt://127.0.0.1:7687",
            "MPI_RULES": "rules/mine.toml",
            "MPI_TRUSTED_INSTITUTIONS": " issste, imss ,",
            "MPI_CANDIDATE_CAP": "50",
        }
    )
    assert settings.store_url == "bolt://127.0.0.1:7687"
    assert settings.rules_path == Path("rules/mine.toml")
    assert settings.trusted_institutions == ("ISSSTE", "IMSS")
    assert settings.candidate_cap == 50
    assert settings.actor.startswith("cli")


@pytest.mark.parametrize("value", ["0", "-3", "many"])
def test_a_bad_candidate_cap_names_its_variable(value: str) -> None:
    with pytest.raises(ValidationError) as error:
        Settings.from_env({"MPI_CANDIDATE_CAP": value})
    assert [p.field for p in error.value.problems] == ["MPI_CANDIDATE_CAP"]
