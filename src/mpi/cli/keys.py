"""`mpi keys create | list | revoke`: API keys for the GraphQL API, kept hashed in the store."""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from mpi.services.api_keys import ApiKeys, Role
from mpi.store.keys import open_key_store
from mpi.store.urls import DEFAULT_STORE_URL


def register(sub: argparse._SubParsersAction[Any]) -> None:
    parser = sub.add_parser(
        "keys",
        help="create, list or revoke API keys",
        description="API keys for `mpi serve`. Only a hash is stored; a token is shown once.",
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    create = actions.add_parser("create", help="create a key and print its token once")
    create.add_argument("--role", required=True, choices=[r.value for r in Role])
    create.add_argument("--institution", metavar="CODE", help="required for --role institution")
    create.add_argument("--label", default="", help="a note on who holds the key")
    create.set_defaults(handler=_create)
    listing = actions.add_parser("list", help="list keys (never tokens)")
    listing.set_defaults(handler=_list)
    revoke = actions.add_parser("revoke", help="revoke a key by id")
    revoke.add_argument("key_id", metavar="KEY_ID")
    revoke.set_defaults(handler=_revoke)
    for action in (create, listing, revoke):
        action.add_argument("--store", metavar="URL", help="store URL (default: $MPI_STORE_URL)")


def store_url(args: argparse.Namespace) -> str:
    return str(args.store or os.environ.get("MPI_STORE_URL") or DEFAULT_STORE_URL)


@contextmanager
def _keys(args: argparse.Namespace) -> Iterator[ApiKeys]:
    store = open_key_store(store_url(args))
    try:
        yield ApiKeys(store)
    finally:
        store.close()


def _create(args: argparse.Namespace) -> int:
    with _keys(args) as keys:
        issued = keys.create(args.role, args.institution, args.label)
    key = issued.key
    scope = f" for {key.institution}" if key.institution else ""
    print(f"created key {key.key_id} ({key.role}{scope}); the token is shown only now:")
    print(issued.token)
    return 0


def _list(args: argparse.Namespace) -> int:
    with _keys(args) as keys:
        listed = keys.list()
    for key in listed:
        state = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "active"
        print(
            f"{key.key_id}  {key.role:<11} {key.institution or '-':<16} {state:<18} "
            f"{key.created_at:%Y-%m-%d %H:%M}  {key.label}"
        )
    return 0


def _revoke(args: argparse.Namespace) -> int:
    with _keys(args) as keys:
        key = keys.revoke(args.key_id)
    print(f"revoked {key.key_id} at {key.revoked_at:%Y-%m-%d %H:%M:%S} UTC")
    return 0
