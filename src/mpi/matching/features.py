"""Columnar comparison features, computed once per record: normalised names, phonetic keys,
CURP validity and root, birth-date parts, all encoded as integer ids for vectorised scoring."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from numpy.typing import NDArray

from mpi.domain.records import Record
from mpi.identity import curp as curp_rules
from mpi.identity.dates import check_birth_date
from mpi.identity.names import given_name_tokens, split_married_surname, surname_key
from mpi.identity.phonetic import phonetic_key
from mpi.matching._encode import MISSING, Vocabulary, cached_map, object_array
from mpi.matching._given import GivenTokens, given_tokens

# The service path prepares a handful of records per request, mostly the same stored
# candidates again and again: remembering the pure per-string work pays there, and the batch
# path (which already maps each distinct value once per call) loses next to nothing.
_NAME_CACHE = 1 << 16

# Fields compared as plain (already normalised by parse_record) codes and numbers.
PLAIN_FIELDS = ("sex", "birth_state", "postal_code", "phone", "nss")
NAME_FIELDS = ("given_names", "first_surname", "second_surname")


@dataclass(frozen=True, slots=True)
class TextColumn:
    """One field: the compared string per record (None = missing) and its integer ids."""

    values: NDArray[np.object_]
    ids: NDArray[np.int32]
    vocab: Vocabulary

    def value(self, i: int) -> str | None:
        value = self.values[i]
        return None if value is None else str(value)


@dataclass(frozen=True, slots=True)
class CurpFeatures:
    column: TextColumn  # placeholders count as missing
    valid: NDArray[np.bool_]
    root: NDArray[np.int32]  # id of the 16-character root, -1 when there is none
    date_digits: NDArray[np.int32]  # positions 5-10 (YYMMDD) as a number, -1 if not digits
    chars: NDArray[np.uint8]  # (n, 18) character codes, 0-padded, for positional comparison


@dataclass(frozen=True, slots=True)
class Features:
    """Comparison features of many records, column by column (record i is row i)."""

    keys: tuple[str, ...]
    text: Mapping[str, TextColumn]
    phonetic: Mapping[str, TextColumn]
    curp: CurpFeatures
    birth_date: NDArray[np.int32]  # YYYYMMDD, -1 when missing or a placeholder date
    given: GivenTokens

    @property
    def n(self) -> int:
        return len(self.keys)


def prepare(records: Sequence[Record]) -> Features:
    """Compute the comparison features of `records` (row i describes records[i])."""
    text = {name: _plain(records, name) for name in PLAIN_FIELDS}
    names = _name_columns(records)
    text |= names
    return Features(
        keys=tuple(r.key for r in records),
        text=text,
        phonetic=_phonetic_columns(names),
        curp=_curp_features(records),
        birth_date=_birth_dates(records),
        given=given_tokens(names["given_names"].values),
    )


def _column(values: list[str | None], vocab: Vocabulary | None = None) -> TextColumn:
    vocab = vocab if vocab is not None else Vocabulary()
    return TextColumn(object_array(values), vocab.encode(values), vocab)


def _plain(records: Sequence[Record], name: str) -> TextColumn:
    if name == "sex":
        return _column([r.sex or _valid_curp_sex(r.curp) for r in records])
    return _column([getattr(r, name) for r in records])


def _valid_curp(value: str | None) -> curp_rules.CurpCheck | None:
    if value is None:
        return None
    check = _curp_check(value, date.today())
    return check if check.valid else None


def _valid_curp_sex(value: str | None) -> str | None:
    # A record without a sex but with a valid CURP still says who it is: the CURP encodes
    # sex and birth date, and leaving them out lets a son without a recorded birth date
    # look like his namesake father.
    check = _valid_curp(value)
    return check.sex if check is not None else None


@functools.lru_cache(maxsize=_NAME_CACHE)
def _joined_given(raw: str) -> str | None:
    return " ".join(given_name_tokens(raw)) or None


def _name_columns(records: Sequence[Record]) -> dict[str, TextColumn]:
    # One vocabulary for both surnames so a swapped pair compares ids across columns.
    surnames = Vocabulary()
    given = cached_map(_joined_given, [r.given_names for r in records])
    first = cached_map(_maiden_key, [r.first_surname for r in records])
    second = cached_map(_maiden_key, [r.second_surname for r in records])
    return {
        "given_names": _column(given),
        "first_surname": _column(first, surnames),
        "second_surname": _column(second, surnames),
    }


@functools.lru_cache(maxsize=_NAME_CACHE)
def _maiden_key(raw: str) -> str | None:
    # Married forms (LOPEZ DE GARCIA, VDA. DE GARCIA) compare by the maiden surname, which is
    # what the CURP and the other institutions record; a bare "VDA. DE X" hides it (missing).
    maiden = split_married_surname(raw)[0]
    return surname_key(maiden) if maiden is not None else None


@functools.lru_cache(maxsize=_NAME_CACHE)
def _phonetic(value: str) -> str | None:
    return phonetic_key(value) or None


def _phonetic_columns(names: Mapping[str, TextColumn]) -> dict[str, TextColumn]:
    surnames = Vocabulary()
    out = {"given_names": _column(cached_map(_phonetic, names["given_names"].values))}
    for field in ("first_surname", "second_surname"):
        out[field] = _column(cached_map(_phonetic, names[field].values), surnames)
    return out


def _curp_features(records: Sequence[Record]) -> CurpFeatures:
    checks: dict[str, curp_rules.CurpCheck] = {}
    keys: list[str | None] = []
    today = date.today()
    for record in records:
        value = record.curp
        if value is not None and value not in checks:
            checks[value] = _curp_check(value, today)
        keys.append(None if value is None or checks[value].is_placeholder else value)
    column = _column(keys)
    valid = np.fromiter((k is not None and checks[k].valid for k in keys), dtype=np.bool_)
    roots = Vocabulary().encode(k[:16] if k is not None and len(k) >= 16 else None for k in keys)
    digits = np.fromiter((_date_digits(k) for k in keys), dtype=np.int32, count=len(keys))
    return CurpFeatures(
        column=column, valid=valid, root=roots, date_digits=digits, chars=_char_matrix(keys)
    )


@functools.lru_cache(maxsize=_NAME_CACHE)
def _curp_check(value: str, today: date) -> curp_rules.CurpCheck:
    # Keyed by the day too: validity depends on it (no birth date in the future).
    return curp_rules.validate(value, today=today)


def _char_matrix(keys: list[str | None]) -> NDArray[np.uint8]:
    # CURPs are ASCII once Ñ is folded; one byte per position makes Hamming tests vectorised.
    out = np.zeros((len(keys), 18), dtype=np.uint8)
    for i, key in enumerate(keys):
        if key is not None:
            raw = key[:18].encode("ascii", "replace")
            out[i, : len(raw)] = np.frombuffer(raw, dtype=np.uint8)
    return out


def _date_digits(curp: str | None) -> int:
    part = curp[4:10] if curp is not None else ""
    return int(part) if len(part) == 6 and part.isascii() and part.isdigit() else MISSING


def _date_number(value: date) -> int:
    check = check_birth_date(value)
    if not check.valid or check.value is None:
        return MISSING
    return check.value.year * 10000 + check.value.month * 100 + check.value.day


def _birth_dates(records: Sequence[Record]) -> NDArray[np.int32]:
    cache: dict[date, int] = {}
    out = np.full(len(records), MISSING, dtype=np.int32)
    for i, record in enumerate(records):
        out[i] = _cached_date(record.birth_date, cache)
        if out[i] == MISSING:
            # Missing or a placeholder such as 1900-01-01: a valid CURP still carries the date.
            check = _valid_curp(record.curp)
            out[i] = _cached_date(check.birth_date if check is not None else None, cache)
    return out


def _cached_date(value: date | None, cache: dict[date, int]) -> int:
    if value is None:
        return MISSING
    if value not in cache:
        cache[value] = _date_number(value)
    return cache[value]


def format_date(number: int) -> str | None:
    """YYYY-MM-DD for a YYYYMMDD feature value, None for missing."""
    if number < 0:
        return None
    return f"{number // 10000:04d}-{number // 100 % 100:02d}-{number % 100:02d}"
