"""The list of sub-commands; each module defines `register(subparsers)`."""

from __future__ import annotations

import argparse
from typing import Any, Protocol

from mpi.cli import (
    blocking_report,
    curp,
    demo,
    demo_data,
    evaluate,
    import_cmd,
    keys,
    link,
    schema_cmd,
    serve,
    train,
)


class Command(Protocol):
    def register(self, sub: argparse._SubParsersAction[Any]) -> None: ...


COMMANDS: list[Command] = [curp, demo_data, import_cmd, keys, schema_cmd, serve, evaluate, demo]
COMMANDS += [train, blocking_report, link]
