"""`mpi curp CURP [CURP2]`: check one CURP, or compare two, from the command line."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from mpi.identity.codes import STATE_CODES
from mpi.identity.curp import CurpCheck, classify_pair, compare, validate


def register(sub: argparse._SubParsersAction[Any]) -> None:
    parser = sub.add_parser(
        "curp",
        help="validate a CURP, or compare two position by position",
        description="Validate one CURP (exit 0 if valid, 1 if not) or compare two CURPs "
        "(or a CURP and a 16-character root) and show which fields disagree.",
    )
    parser.add_argument("curp", help="the CURP to check")
    parser.add_argument("other", nargs="?", help="a second CURP or 16-character root")
    parser.add_argument(
        "--today",
        type=date.fromisoformat,
        default=None,
        help="reference date for the future-date rule (YYYY-MM-DD; default today)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.other is None:
        check = validate(args.curp, today=args.today)
        print(_describe(check, args.curp))
        return 0 if check.valid else 1
    print(_pair(args.curp, args.other, args.today))
    return 0


def _describe(check: CurpCheck, raw: str) -> str:
    rows = [
        ("curp", check.curp or raw),
        ("valid", "yes" if check.valid else "no"),
        ("reason", str(check.reason)),
        ("placeholder", "yes" if check.is_placeholder else "no"),
        ("birth_date", check.birth_date.isoformat() if check.birth_date else "-"),
        ("sex", check.sex or "-"),
        ("state", f"{check.state} ({STATE_CODES[check.state]})" if check.state else "-"),
    ]
    return _table(rows)


def _pair(a: str, b: str, today: date | None) -> str:
    result = compare(a, b)
    rows = [
        ("a", _verdict(a, today)),
        ("b", _verdict(b, today)),
        ("kind", classify_pair(a, b)),
        ("same_root", "yes" if result.same_root else "no"),
        ("disagreements", ", ".join(sorted(result.disagreements)) or "-"),
        ("positions", ", ".join(str(p) for p in result.positions) or "-"),
    ]
    return _table(rows)


def _verdict(text: str, today: date | None) -> str:
    if len(text.strip()) == 16:
        return f"{text.strip().upper()} (root)"
    check = validate(text, today=today)
    return f"{check.curp or text} ({'valid' if check.valid else 'invalid'}: {check.reason.code})"


def _table(rows: list[tuple[str, str]]) -> str:
    width = max(len(label) for label, _ in rows) + 1
    return "\n".join(f"{label + ':':<{width}} {value}" for label, value in rows)
