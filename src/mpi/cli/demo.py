"""`mpi demo DIR`: a synthetic population in DIR/mpi.db, one API key per role, then serve.

What `make run` calls. Each step is skipped when its result is already there, so re-running
neither duplicates data nor mints new keys: the population is generated once (fixed seed),
imported once (a marker file records completion; an interrupted import is simply re-run,
which is safe), and the keys in DIR/keys.txt are reused while they still authenticate.
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path
from typing import Any

from mpi.cli.serve import add_server_options, serve
from mpi.domain.errors import MpiError
from mpi.services.api_keys import ApiKeys, Role
from mpi.store.keys import open_key_store

DEMO_INSTITUTION = "IMSS"
KEYS_FILE = "keys.txt"
MARKER = "demo.json"


def register(sub: argparse._SubParsersAction[Any]) -> None:
    parser = sub.add_parser(
        "demo",
        help="load a synthetic demo population and serve the API (what `make run` does)",
        description="Generate, import, create demo keys (printed) and serve GraphiQL.",
    )
    parser.add_argument("dir", type=Path, metavar="DIR")
    parser.add_argument("--persons", type=int, default=2000, metavar="N")
    parser.add_argument("--seed", type=int, default=7, metavar="S")
    parser.add_argument("--no-serve", action="store_true", help="prepare only")
    add_server_options(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    directory: Path = args.dir
    directory.mkdir(parents=True, exist_ok=True)
    url = args.store or f"sqlite:///{directory / 'mpi.db'}"
    prepare_population(directory, url, args.persons, args.seed)
    tokens = demo_keys(directory, url)
    print_banner(args.host, args.port, tokens, _sample_query(directory / "records.csv"))
    if not args.no_serve:
        serve(url, args.host, args.port, args.workers, args.access_log)
    return 0


def prepare_population(directory: Path, url: str, persons: int, seed: int) -> None:
    marker = directory / MARKER
    done = json.loads(marker.read_text()) if marker.exists() else {}
    if done.get("imported") and done.get("store") == url:
        print(f"demo population already loaded ({done['persons']} persons in {url})")
        return
    records = directory / "records.csv"
    if not records.exists() or done.get("persons") != persons:
        _generate(directory, persons, seed)
        marker.write_text(json.dumps({"persons": persons, "seed": seed}))
    _import(records, url)
    marker.write_text(
        json.dumps({"persons": persons, "seed": seed, "store": url, "imported": True})
    )


def _generate(directory: Path, persons: int, seed: int) -> None:
    from mpi.synthetic.generate import generate
    from mpi.synthetic.output import write_population

    print(f"generating a synthetic population of {persons} persons …")
    write_population(generate(persons, seed=seed), directory)


def _import(records: Path, url: str) -> None:
    from mpi.cli import main

    print(f"importing {records} into {url} …")
    if main(["import", str(records), "--store", url, "--quiet"]) != 0:
        raise MpiError(f"importing {records} failed")


def demo_keys(directory: Path, url: str) -> dict[str, str]:
    """One token per role: those in DIR/keys.txt that still work, new ones for the rest."""
    path = directory / KEYS_FILE
    saved = _read_keys(path)
    store = open_key_store(url)
    try:
        keys = ApiKeys(store)
        tokens = {}
        for role in Role:
            token = saved.get(role.value)
            if token is None or keys.authenticate(token) is None:
                institution = DEMO_INSTITUTION if role is Role.INSTITUTION else None
                token = keys.create(role.value, institution, label="demo").token
            tokens[role.value] = token
    finally:
        store.close()
    path.touch(mode=0o600)
    path.write_text("".join(f"{role} {token}\n" for role, token in tokens.items()))
    return tokens


def _read_keys(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    pairs = (line.split() for line in path.read_text().splitlines())
    return {p[0]: p[1] for p in pairs if len(p) == 2}


def _sample_query(records: Path) -> str:
    """A resolveIdentity example built from a demo record (synthetic data)."""
    with records.open(encoding="utf-8", newline="") as f:
        row = next((r for r in csv.DictReader(f) if r.get("curp") and r.get("birth_date")), {})
    fields = {
        "curp": row.get("curp"),
        "givenNames": row.get("given_names"),
        "firstSurname": row.get("first_surname"),
        "birthDate": row.get("birth_date"),
    }
    args = ", ".join(f'{k}: "{v}"' for k, v in fields.items() if v)
    return (
        f"{{ resolveIdentity(input: {{{args}}}) {{ ... on IdentityResolution {{ candidates {{"
        " personId probability band person { golden { givenNames firstSurname birthDate }"
        " records { key } } } } } }"
    )


def print_banner(host: str, port: int, tokens: dict[str, str], example: str) -> None:
    base = f"http://{host}:{port}/graphql"
    print(f"\nGraphiQL: {base}  (put a key in the Headers pane:")
    print('  {"Authorization": "Bearer <token>"})\n\nDemo API keys (also in keys.txt):')
    for role, token in tokens.items():
        scope = f" ({DEMO_INSTITUTION})" if role == Role.INSTITUTION.value else ""
        print(f"  {role + scope:<20} {token}")
    print(f"\nTry:  {example}\n")
