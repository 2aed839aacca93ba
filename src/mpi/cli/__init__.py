"""The `mpi` command line: one module per sub-command, each adding itself to the parser."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from mpi import __version__
from mpi.cli import _commands
from mpi.domain.errors import MpiError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mpi", description="Master patient index for Mexico's public health system."
    )
    parser.add_argument("--version", action="version", version=f"mpi {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in _commands.COMMANDS:
        command.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.handler(args)
    except MpiError as exc:
        print(f"mpi {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"mpi {args.command}: interrupted", file=sys.stderr)
        return 130
    if argv is None and getattr(args, "exit_at_once", False):
        _exit_at_once(code)
    return code


def _exit_at_once(code: int) -> None:
    """End this process now, without tearing down what the command left in memory.

    For a command that set `args.exit_at_once` once all it wrote is durable and closed
    (`mpi link`: freeing a million-record batch object by object takes seconds); only
    when this process runs the command line, never for a caller of main(argv).
    """
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # what the interpreter's own exit reports for an unflushable stream
        code = code or 120
    os._exit(code)
