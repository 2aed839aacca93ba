"""parse_record's field rules applied to a whole column of a record file at once.

A million rows hold few distinct names, dates and codes: each distinct value is parsed once
(parse_field) and every row gets that one parsed object, which also keeps one copy of each
name in memory instead of one per row. Columns of identifiers (record ids, CURPs, phones,
NSS) are nearly all distinct, but almost always plain: one check over the whole column (C
string methods, one pattern) proves that every value passes its rule unchanged; only a
column that fails it is parsed value by value. Either way the result is exactly what
parse_record gives row by row.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date
from typing import cast

from mpi.domain.errors import Problem
from mpi.identity.dates import check_birth_date
from mpi.identity.record_rules import MAX_KEY_LENGTH, parse_field

# Values a rule returns as they are (no blank around them, nothing to normalise).


class ColumnMemo:
    """What parse_column learnt of a column's values, for its next part (same field, day)."""

    def __init__(self) -> None:
        self.parsed: dict[str | None, object] = {}
        self.broken: dict[str | None, list[Problem]] = {}


class _Parsed(dict[str | None, object]):
    """Raw value -> parse_field of it, parsed when first looked up (and its problems kept)."""

    def __init__(self, field: str, today: date, memo: ColumnMemo) -> None:
        super().__init__(memo.parsed)
        self.field, self.today, self.broken = field, today, memo.broken
        self.plain = _PLAIN_VALUE.get(field)

    def __missing__(self, value: str | None) -> object:
        if self.plain is not None and value:
            found = self.plain(value, self.today)
            if found is not None:
                self[value] = found
                return found
        problems: list[Problem] = []
        parsed = self[value] = parse_field(self.field, value, self.today, problems)
        if problems:
            self.broken[value] = problems
        return parsed


def parse_column(
    field: str, values: Sequence[str | None], today: date, memo: ColumnMemo | None = None
) -> tuple[list[object], dict[int, list[Problem]]]:
    """parse_field of every value of one column.

    Args:
        field: the column's name (one of RECORD_FIELDS).
        values: the raw text per row; None or '' is missing.
        today: as parse_record's.
        memo: the values already parsed in earlier parts of the same column (updated).

    Returns:
        The parsed value per row (None when missing or refused) and, for the rows whose
        value breaks a rule, the problems parse_field reports for it.
    """
    memo = memo if memo is not None else ColumnMemo()
    plain = _PLAIN.get(field)
    if plain is None:
        return _each(field, values, today, memo)
    return _plain_or_each(field, values, today, memo, plain)


_LEAF = 64  # a column with an odd value is parsed value by value in parts this small


def _plain_or_each(
    field: str,
    values: Sequence[str | None],
    today: date,
    memo: ColumnMemo,
    plain: Callable[[str], bool],
) -> tuple[list[object], dict[int, list[Problem]]]:
    text = _joined(values)
    if text is not None and plain(text):
        # As the rule returns them, missing ('') aside. Split again rather than kept: the
        # given cells lie among the other columns' cells, the new strings one after the
        # other, and every later pass over the column (encoding a million phones) reads
        # them in far fewer cache lines.
        cells = text.split(_SEP)
        empty = text.startswith(_SEP) or text.endswith(_SEP) or _SEP * 2 in text or not text
        return ([v or None for v in cells] if empty else cast(list[object], cells)), {}
    if text is None or len(values) <= _LEAF:
        return _each(field, values, today, memo)
    # An odd value somewhere: each half is checked again, so that one odd value costs a few
    # checks and _LEAF values parsed one by one, not every value of the column.
    half = len(values) // 2
    column, broken = _plain_or_each(field, values[:half], today, memo, plain)
    more, more_broken = _plain_or_each(field, values[half:], today, memo, plain)
    column.extend(more)
    broken.update((half + i, problems) for i, problems in more_broken.items())
    return column, broken


def _each(
    field: str, values: Sequence[str | None], today: date, memo: ColumnMemo
) -> tuple[list[object], dict[int, list[Problem]]]:
    parsed = memo.parsed
    if not isinstance(parsed, _Parsed):
        parsed = memo.parsed = _Parsed(field, today, memo)
    # One pass: a value seen before is looked up, a new one parsed on the spot (__missing__).
    column = list(map(parsed.__getitem__, values))
    broken = memo.broken
    if not broken or broken.keys().isdisjoint(values):
        return column, {}
    return column, {i: broken[v] for i, v in enumerate(values) if v in broken}


# Each check joins the column once (the separator in no value) and tests the joined text
# with C string methods and one pattern: a pass per value in Python costs more than the rules.
_SEP = ","


def _joined(values: Sequence[str | None]) -> str | None:
    """The values joined by _SEP when none is missing and none holds it, else None."""
    try:
        text = _SEP.join(values)  # type: ignore[arg-type]
    except TypeError:  # a None
        return None
    return text if text.count(_SEP) == len(values) - 1 else None


def _matching(pattern: str) -> Callable[[str], bool]:
    whole = re.compile(f"(?:{pattern})(?:{_SEP}(?:{pattern}))*")
    return lambda text: whole.fullmatch(text) is not None


_KEY = f"[A-Za-z0-9._-]{{1,{MAX_KEY_LENGTH}}}"  # present, a safe key
_PLAIN: dict[str, Callable[[str], bool]] = {
    "record_id": _matching(_KEY),
    # Missing ('') or as the rule returns it: an uppercase CURP, digits of the right length.
    "curp": _matching("[0-9A-ZÑ]{0,18}"),
    "phone": _matching("(?:[0-9]{10})?"),
    "nss": _matching("(?:[0-9]{11})?"),
}


_ISO_DAY = re.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _plain_birth_date(value: str, today: date) -> date | None:
    # The rule's own check on the day, without its string parsing (several times the cost):
    # for exactly YYYY-MM-DD, fromisoformat gives the day the rule parses (or fails as it
    # does). None: let the rule handle the value (and report its problems).
    if _ISO_DAY.fullmatch(value) is None:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None
    check = check_birth_date(day, today=today)
    return day if check.valid else None


# Per field, the parsed value of a common form, computed cheaper than the rule does, or None.
_PLAIN_VALUE: dict[str, Callable[[str, date], object]] = {"birth_date": _plain_birth_date}
