"""`mpi schema`: print the GraphQL SDL (what schema/mpi.graphql holds)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def register(sub: argparse._SubParsersAction[Any]) -> None:
    parser = sub.add_parser("schema", help="print the GraphQL schema (SDL)")
    parser.add_argument("--out", type=Path, metavar="FILE", help="write to FILE instead")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    # Imported here: the GraphQL stack takes ~0.1 s to import, which every other command
    # (`mpi link` among them) would pay when the parser is built.
    from mpi.api.schema import sdl

    if args.out:
        args.out.write_text(sdl(), encoding="utf-8")
    else:
        print(sdl(), end="")
    return 0
