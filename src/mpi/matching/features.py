"""Columnar comparison features, computed once per record: normalised names, phonetic keys,
CURP validity and root, birth-date parts, all encoded as integer ids for vectorised scoring."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import compress
from typing import Any

import numpy as np
from numpy.typing import NDArray

from mpi._fork import forked_map
from mpi.domain.batch_columns import RecordColumns
from mpi.domain.records import Record
from mpi.identity import curp as curp_rules
from mpi.identity.curp_batch import check_many
from mpi.identity.dates import PLACEHOLDER_DATES, check_birth_date
from mpi.identity.names import given_name_tokens, split_married_surname, surname_key
from mpi.identity.phonetic import phonetic_key
from mpi.matching._encode import MISSING, Vocabulary, encode_mapped, object_array, values_of
from mpi.matching._given import GivenTokens, given_tokens_encoded

# The service path prepares a handful of records per request, mostly the same stored
# candidates again and again: remembering the pure per-string work pays there, and the batch
# path (which already maps each distinct value once per call) loses next to nothing.
_NAME_CACHE = 1 << 16

# Fields compared as plain (already normalised by parse_record) codes and numbers.
PLAIN_FIELDS = ("sex", "birth_state", "postal_code", "phone", "nss")
_CODE_FIELDS = PLAIN_FIELDS[1:]  # sex may come from the CURP: made once the CURPs are checked
NAME_FIELDS = ("given_names", "first_surname", "second_surname")
# From this many records prepare runs on two processes (a fork costs ~0.05 s per GB).
PARALLEL_RECORDS = 50_000
_FEW = 64  # up to this many records, names are mapped record by record


@dataclass(frozen=True, slots=True)
class TextColumn:
    """One field: the compared string per record (None = missing) and its integer ids."""

    values: NDArray[np.object_]
    ids: NDArray[np.int32]
    vocab: Vocabulary

    def value(self, i: int) -> str | None:
        value = self.values[i]
        return None if value is None else str(value)

    def __reduce__(self) -> tuple[object, tuple[NDArray[np.int32], Vocabulary]]:
        # Between processes only ids and vocabulary travel: the values are rebuilt from them
        # (pickling a million strings one by one costs more than indexing the vocabulary).
        return _text, (self.ids, self.vocab)


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


def prepare(records: Sequence[Record] | RecordColumns) -> Features:
    """Compute the comparison features of `records` (row i describes records[i])."""
    if not isinstance(records, RecordColumns):
        # A batch reads column by column: a column per field, not an attribute per record.
        records = RecordColumns.of(records)
    parallel = len(records) >= PARALLEL_RECORDS
    # Two halves of about equal work for two processes: the child checks every distinct
    # CURP, builds what depends on them (sex, birth dates) and three code columns; the
    # parent prepares the names, keys and phones. Small batches (and the service path) run
    # both here, one after the other.
    own, curps = forked_map(
        lambda which: _record_half(records) if which == 0 else _curp_half(records),
        [0, 1],
        parallel=parallel,
    )
    assert isinstance(own, _RecordHalf) and isinstance(curps, _CurpHalf)
    codes = {name: own.text.get(name) or _text(*curps.text[name]) for name in _CODE_FIELDS}
    return Features(
        keys=own.keys,
        text={"sex": _text(*curps.sex), **codes, **own.names},
        phonetic=own.phonetic,
        curp=curps.features.assembled(),
        birth_date=curps.birth_date,
        given=own.given,
    )


# The code columns the CURP half prepares (balanced at 1M records: ~1.1 CPU s each half,
# the child also pickles its ~0.09 s of results).
_CHILD_CODES = ("postal_code", "nss")
# Per distinct CURP: valid, placeholder, and the sex and birth date a valid CURP encodes.
_Checks = tuple[NDArray[np.bool_], NDArray[np.bool_], list[str | None], list[date | None]]
# A TextColumn's ids and vocabulary: the child's columns cross as these, and the parent makes
# their values (the child's own object arrays would be made only to be thrown away).
_Encoded = tuple[NDArray[np.int32], Vocabulary]


@dataclass(frozen=True, slots=True)
class _RecordHalf:
    """The parent's half; only ids and vocabularies travel between processes."""

    keys: tuple[str, ...]
    text: dict[str, TextColumn]  # the code columns the child does not take
    names: dict[str, TextColumn]
    phonetic: dict[str, TextColumn]
    given: GivenTokens


@dataclass(frozen=True, slots=True)
class _CurpHalf:
    """The child's half: the CURP features, the sex and birth date columns (a valid CURP
    fills their gaps) and the _CHILD_CODES columns."""

    features: _CurpParts
    sex: _Encoded
    birth_date: NDArray[np.int32]
    text: dict[str, _Encoded]  # _CHILD_CODES


def _record_half(records: RecordColumns) -> _RecordHalf:
    names = _name_columns(records)
    return _RecordHalf(
        keys=tuple(records.keys),
        text={
            name: _column(_values(records, name))
            for name in _CODE_FIELDS
            if name not in _CHILD_CODES
        },
        names=names,
        phonetic=_phonetic_columns(names),
        given=given_tokens_encoded(names["given_names"].ids, names["given_names"].vocab.values),
    )


def _curp_half(records: RecordColumns) -> _CurpHalf:
    index, values = _distinct(_values(records, "curp"))
    curps = _CurpTable.of(index, values, [_check_curps(values, date.today())])
    return _CurpHalf(
        features=curps.parts(),
        sex=_sex_column(records, curps),
        birth_date=_with_curp_dates(
            _date_numbers(_values(records, "birth_date")), index, _date_numbers(curps.birth_date)
        ),
        text={name: _encoded(_values(records, name)) for name in _CHILD_CODES},
    )


def _values(records: RecordColumns, name: str) -> list[Any]:
    column = records.column(name)
    return column if isinstance(column, list) else list(column)


def _with_curp_dates(
    own: NDArray[np.int32], index: NDArray[np.int32], dates: NDArray[np.int32]
) -> NDArray[np.int32]:
    # Missing or a placeholder such as 1900-01-01: a valid CURP may still carry the date.
    need = np.flatnonzero(own == MISSING)
    if not len(need):
        return own
    out = own.copy()
    out[need] = dates[index[need]]
    return out


def _text(ids: NDArray[np.int32], vocab: Vocabulary) -> TextColumn:
    return TextColumn(values_of(ids, vocab), ids, vocab)


def _distinct(values: list[str | None]) -> tuple[NDArray[np.int32], list[str]]:
    vocab = Vocabulary()
    return vocab.encode(values), vocab.values


def _encoded(values: list[str | None]) -> _Encoded:
    vocab = Vocabulary()
    return vocab.encode(values), vocab


def _column(values: list[str | None], vocab: Vocabulary | None = None) -> TextColumn:
    vocab = vocab if vocab is not None else Vocabulary()
    return TextColumn(object_array(values), vocab.encode(values), vocab)


def _mapped(func: Callable[[str], str | None], column: TextColumn, vocab: Vocabulary) -> TextColumn:
    """func of every value of `column`, encoded in `vocab`."""
    if len(column.ids) <= _FEW:
        # The service path: calling the (cached) function per record is cheapest.
        return _column([None if v is None else func(v) for v in column.values.tolist()], vocab)
    # func runs once per distinct value; ids are what encoding func(value) per record gives.
    return _text(encode_mapped(func, column.ids, column.vocab, vocab), vocab)


def _raw(records: RecordColumns, name: str) -> TextColumn:
    values = _values(records, name)
    if len(values) <= _FEW:  # only the values are read (_mapped)
        return TextColumn(object_array(values), np.zeros(len(values), np.int32), Vocabulary())
    # Only the ids and the vocabulary are read (_mapped): no array of the values.
    vocab = Vocabulary()
    return TextColumn(object_array([]), vocab.encode(values), vocab)


def _sex_column(records: RecordColumns, curps: _CurpTable) -> _Encoded:
    # A record without a sex but with a valid CURP still says who it is: the CURP encodes
    # sex and birth date, and leaving them out lets a son without a recorded birth date
    # look like his namesake father.
    recorded = _values(records, "sex")
    # Only the rows without one (a few percent) are looked at one by one.
    gaps = np.flatnonzero(np.logical_not(object_array(recorded))).tolist()
    if gaps:
        sexes, index = curps.sex, curps.index
        recorded = list(recorded)
        for i, j in zip(gaps, index[gaps].tolist(), strict=True):
            recorded[i] = sexes[j]
    return _encoded(recorded)


@functools.lru_cache(maxsize=_NAME_CACHE)
def _joined_given(raw: str) -> str | None:
    return " ".join(given_name_tokens(raw)) or None


def _name_columns(records: RecordColumns) -> dict[str, TextColumn]:
    # One vocabulary for both surnames so a swapped pair compares ids across columns.
    surnames = Vocabulary()
    return {
        "given_names": _mapped(_joined_given, _raw(records, "given_names"), Vocabulary()),
        "first_surname": _mapped(_maiden_key, _raw(records, "first_surname"), surnames),
        "second_surname": _mapped(_maiden_key, _raw(records, "second_surname"), surnames),
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
    out = {"given_names": _mapped(_phonetic, names["given_names"], Vocabulary())}
    for field in ("first_surname", "second_surname"):
        out[field] = _mapped(_phonetic, names[field], surnames)
    return out


@dataclass(frozen=True, slots=True)
class _CurpTable:
    """The CURP of every record as an index into its distinct values, each checked once."""

    index: NDArray[np.int32]  # per record, into `values`; -1 = no CURP
    values: list[str]  # distinct, in order of first appearance
    valid: NDArray[np.bool_]
    placeholder: NDArray[np.bool_]
    sex: list[str | None]  # per value, from a valid CURP only; [-1] = None
    birth_date: list[date | None]  # per value, from a valid CURP only; [-1] = None

    @classmethod
    def of(cls, index: NDArray[np.int32], values: list[str], parts: list[_Checks]) -> _CurpTable:
        """The table from the checks of consecutive slices of `values`."""
        valid = np.concatenate([p[0] for p in parts])
        placeholder = np.concatenate([p[1] for p in parts])
        sexes = [s for p in parts for s in p[2]]
        dates = [d for p in parts for d in p[3]]
        return cls(index, values, valid, placeholder, [*sexes, None], [*dates, None])

    def parts(self) -> _CurpParts:
        # Placeholders count as missing; the kept values get ids in order of appearance.
        kept_mask = ~self.placeholder
        kept = list(compress(self.values, kept_mask.tolist()))
        vocab = Vocabulary.of_distinct(kept)  # distinct values: ids in their order
        key_of_value = np.full(len(self.values) + 1, MISSING, dtype=np.int32)
        key_of_value[: len(self.values)][kept_mask] = np.arange(len(kept), dtype=np.int32)
        ids = key_of_value[self.index]
        roots = Vocabulary().encode([k[:16] if len(k) >= 16 else None for k in kept])
        chars = _char_matrix([*kept, None])
        return _CurpParts(
            column=(ids, vocab),
            valid=np.append(self.valid[kept_mask], False)[ids],
            root=np.append(roots, np.int32(MISSING))[ids],
            date_digits=_date_digits_of(chars)[ids],
            chars=chars[ids],
        )


@dataclass(frozen=True, slots=True)
class _CurpParts:
    """CurpFeatures with the column as ids and vocabulary (see _Encoded)."""

    column: _Encoded
    valid: NDArray[np.bool_]
    root: NDArray[np.int32]
    date_digits: NDArray[np.int32]
    chars: NDArray[np.uint8]

    def assembled(self) -> CurpFeatures:
        return CurpFeatures(
            _text(*self.column), self.valid, self.root, self.date_digits, self.chars
        )


def _check_curps(values: list[str], today: date) -> _Checks:
    if len(values) > _FEW:  # a batch's distinct CURPs, checked on arrays
        return check_many(values, today)
    # The service path: the same stored candidates again and again.
    checks = [_curp_check(v, today) for v in values]
    return (
        np.array([c.valid for c in checks], dtype=np.bool_),
        np.array([c.is_placeholder for c in checks], dtype=np.bool_),
        [c.sex if c.valid else None for c in checks],
        [c.birth_date if c.valid else None for c in checks],
    )


@functools.lru_cache(maxsize=_NAME_CACHE)
def _curp_check(value: str, today: date) -> curp_rules.CurpCheck:
    # Keyed by the day too: validity depends on it (no birth date in the future).
    return curp_rules.validate(value, today=today)


def _char_matrix(keys: list[str | None]) -> NDArray[np.uint8]:
    # CURPs are ASCII once Ñ is folded; one byte per position makes Hamming tests vectorised.
    # Each key is cut or NUL-padded to 18 characters, one byte each once encoded.
    present = np.array([k is not None for k in keys], dtype=np.bool_)
    given = [k for k in keys if k is not None]
    if set(map(len, given)) <= {18}:  # nearly always: joined as they are
        fixed = "".join(given)
    else:
        fixed = "".join(k[:18].ljust(18, "\0") for k in given)
    out = np.zeros((len(keys), 18), dtype=np.uint8)
    out[present] = np.frombuffer(fixed.encode("ascii", "replace"), dtype=np.uint8).reshape(-1, 18)
    return out


def _date_digits_of(chars: NDArray[np.uint8]) -> NDArray[np.int32]:
    # Positions 5-10 as a number when all six are ASCII digits (a non-ASCII character is
    # b'?' and a short key NUL-padded in `chars`), else MISSING.
    part = chars[:, 4:10].astype(np.int32) - ord("0")
    digits = ((part >= 0) & (part <= 9)).all(axis=1)
    number = part @ (10 ** np.arange(5, -1, -1, dtype=np.int32))
    return np.where(digits, number, MISSING).astype(np.int32)


def _date_number(value: date, today: date) -> int:
    if type(value) is date:  # the rule's checks, without building its verdict
        if value in PLACEHOLDER_DATES or not _EARLIEST <= value <= today:
            return MISSING
        return value.year * 10000 + value.month * 100 + value.day
    check = check_birth_date(value, today=today)
    if not check.valid or check.value is None:
        return MISSING
    return check.value.year * 10000 + check.value.month * 100 + check.value.day


_EARLIEST = date(1900, 1, 1)  # identity.dates: not before 1900 (also a CURP's first year)


def _date_numbers(dates: list[date | None]) -> NDArray[np.int32]:
    # Each distinct date checked once (a million records hold some tens of thousands), found
    # in one C-level pass: each row gets the position where its date first appears.
    n = len(dates)
    first: dict[date | None, int] = {}
    at = np.fromiter(map(first.setdefault, dates, range(n)), dtype=np.int64, count=n)
    number = np.empty(n, dtype=np.int32)
    today = date.today()
    number[list(first.values())] = [MISSING if d is None else _date_number(d, today) for d in first]
    return number[at]


def format_date(number: int) -> str | None:
    """YYYY-MM-DD for a YYYYMMDD feature value, None for missing."""
    if number < 0:
        return None
    return f"{number // 10000:04d}-{number // 100 % 100:02d}-{number % 100:02d}"
