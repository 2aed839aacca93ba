"""Options shared by the commands that load a record file into the store (import, link)."""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

from mpi.config import Settings


def add_batch_options(parser: argparse.ArgumentParser) -> None:
    """--store, --rules, --rejected and --quiet."""
    parser.add_argument("--store", metavar="URL", help="store URL (default: $MPI_STORE_URL)")
    parser.add_argument("--rules", metavar="FILE", type=Path, help="matching rules (TOML)")
    parser.add_argument(
        "--rejected",
        metavar="FILE",
        type=Path,
        help="where to write rejected rows (default: FILE with suffix .rejected.csv)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def settings_from(args: argparse.Namespace) -> Settings:
    """MPI_* settings with the command line's --store and --rules on top."""
    settings = Settings.from_env()
    if args.store:
        settings = replace(settings, store_url=args.store)
    if args.rules:
        settings = replace(settings, rules_path=args.rules)
    return settings


def rejected_path(args: argparse.Namespace) -> Path:
    """--rejected, or FILE with suffix .rejected.csv."""
    path: Path = args.rejected or args.file.with_suffix(".rejected.csv")
    return path
