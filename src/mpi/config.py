"""Settings from `MPI_*` environment variables (DESIGN.md §4).

- `MPI_STORE_URL`: where the identity graph lives (`sqlite:///…`, `neo4j://…`,
  `bolt://…`); default `sqlite:///mpi.db`.
- `MPI_RULES`: the matching rules file (TOML); unset = the packaged default rules.
- `MPI_TRUSTED_INSTITUTIONS`: institutions whose CURP the golden view prefers, most
  trusted first, comma-separated; default `RENAPO,IMSS,ISSSTE,IMSS-BIENESTAR,PEMEX,SEDENA,SEMAR`.
- `MPI_CANDIDATE_CAP`: the largest block searched when registering one record; default:
  the rules' `blocking.max_block_size`, the cap batch linking uses (same cap, same decisions).
- `MPI_ACTOR`: who the audit log names for writes made from the command line;
  default `cli:<login name>`.
- `MPI_NEO4J_USER` / `MPI_NEO4J_PASSWORD` / `MPI_NEO4J_DATABASE`: read by the store
  when the URL is a Neo4j one.

Every problem in the environment is reported at once, each naming its variable.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from mpi.domain.errors import Problem, ValidationError
from mpi.store.urls import DEFAULT_STORE_URL

DEFAULT_TRUSTED_INSTITUTIONS: tuple[str, ...] = (
    "RENAPO",
    "IMSS",
    "ISSSTE",
    "IMSS-BIENESTAR",
    "PEMEX",
    "SEDENA",
    "SEMAR",
)


@dataclass(frozen=True, slots=True)
class Settings:
    """What the composition root needs to build the services."""

    store_url: str = DEFAULT_STORE_URL
    rules_path: Path | None = None
    trusted_institutions: tuple[str, ...] = DEFAULT_TRUSTED_INSTITUTIONS
    candidate_cap: int | None = None
    actor: str = "cli"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read settings from `MPI_*` variables (default: `os.environ`).

        Raises:
            ValidationError: one Problem per bad variable, `field` naming it.
        """
        env = os.environ if environ is None else environ
        problems: list[Problem] = []
        settings = cls(
            store_url=env.get("MPI_STORE_URL", "").strip() or DEFAULT_STORE_URL,
            rules_path=_path(env.get("MPI_RULES", "")),
            trusted_institutions=_codes(env.get("MPI_TRUSTED_INSTITUTIONS")),
            candidate_cap=_positive_int("MPI_CANDIDATE_CAP", env, problems),
            actor=env.get("MPI_ACTOR", "").strip() or _default_actor(),
        )
        if problems:
            raise ValidationError(problems)
        return settings


def _path(text: str) -> Path | None:
    return Path(text.strip()) if text.strip() else None


def _codes(text: str | None) -> tuple[str, ...]:
    if text is None:
        return DEFAULT_TRUSTED_INSTITUTIONS
    return tuple(code.strip().upper() for code in text.split(",") if code.strip())


def _positive_int(name: str, env: Mapping[str, str], problems: list[Problem]) -> int | None:
    text = env.get(name, "").strip()
    if not text:
        return None
    if not text.isdigit() or int(text) < 1:
        problems.append(Problem(name, "positive_int", f"must be a positive integer, got {text!r}"))
        return None
    return int(text)


def _default_actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no login name in some containers
        return "cli"
