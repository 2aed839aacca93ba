"""The list of sub-commands; each module defines `register(subparsers)`."""

from __future__ import annotations

import argparse
from typing import Any, Protocol

from mpi.cli import curp, demo, demo_data, evaluate, keys, schema_cmd, serve


class Command(Protocol):
    def register(self, sub: argparse._SubParsersAction[Any]) -> None: ...


COMMANDS: list[Command] = [curp, demo_data, keys, schema_cmd, serve, evaluate, demo]
