"""Blocking keys: the values two records must share to be compared at all.

Each key kind is built from parts (feature columns). The batch path combines the parts'
integer ids into one int64 code per record; the service path formats the same parts as a
string the store can index ("surname_birth_date:ERNANDES|1980-01-31"). Both derive from the
same parts, so they block identically.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from mpi.matching._encode import dense_ranks
from mpi.matching.features import Features, TextColumn, format_date

# The surname key is emitted once per surname, so swapped surnames still share a block.
BLOCK_KEYS: tuple[str, ...] = (
    "curp",
    "curp_root",
    "surname_birth_date",
    "given_birth_date",
    "given_year_state",
    "full_name",
    "surnames_postal_code",
    "name_state",
    "given_surname",
    "name_pair",
    "surname_postal_code",
    "birth_date_postal_code",
    "nss",
    "phone",
)


# The record fields each key kind reads (training needs to know which comparisons a key
# makes agree by construction among the pairs it brings together).
KEY_FIELDS: dict[str, frozenset[str]] = {
    "curp": frozenset({"curp"}),
    "curp_root": frozenset({"curp"}),
    "surname_birth_date": frozenset({"first_surname", "second_surname", "birth_date"}),
    "given_birth_date": frozenset({"given_names", "birth_date"}),
    "given_year_state": frozenset({"given_names", "birth_date", "birth_state"}),
    "full_name": frozenset({"given_names", "first_surname", "second_surname"}),
    "surnames_postal_code": frozenset({"first_surname", "second_surname", "postal_code"}),
    "name_state": frozenset({"given_names", "first_surname", "birth_state"}),
    "given_surname": frozenset({"given_names", "first_surname", "second_surname"}),
    "name_pair": frozenset({"given_names", "first_surname", "second_surname"}),
    "surname_postal_code": frozenset({"first_surname", "second_surname", "postal_code"}),
    "birth_date_postal_code": frozenset({"birth_date", "postal_code"}),
    "nss": frozenset({"nss"}),
    "phone": frozenset({"phone"}),
}


@dataclass(frozen=True, slots=True)
class Part:
    ids: NDArray[np.int64]  # -1 = missing, which drops the whole key for that record
    text: Callable[[int], str]
    # text(i) depends on ids[i] alone, so a batch may format each id once. False: on the
    # ids of the adjacent parts that are not by_id either, together (an unordered pair's
    # ids are ordered by number, its texts alphabetically).
    by_id: bool = True
    # The text of each id, when text(i) is vocab[ids[i]]: a batch then looks texts up
    # instead of calling text once per value.
    vocab: Sequence[str] | None = None
    # text(i) of each of rows at once (rows where the part is present), when a batch makes
    # them faster so than one call per row.
    texts: Callable[[NDArray[np.intp]], list[str]] | None = None


def _text_part(column: TextColumn) -> Part:
    return Part(
        column.ids.astype(np.int64), lambda i: str(column.values[i]), vocab=column.vocab.values
    )


def _date_part(f: Features) -> Part:
    return Part(
        f.birth_date.astype(np.int64),
        lambda i: format_date(int(f.birth_date[i])) or "",
        texts=lambda rows: _date_texts(f.birth_date[rows]),
    )


def _date_texts(numbers: NDArray[np.integer[Any]]) -> list[str]:
    """format_date of each of `numbers` (YYYYMMDD), digit by digit on arrays."""
    if len(numbers) and not (int(numbers.min()) >= 0 and int(numbers.max()) < 10**8):
        return [format_date(int(n)) or "" for n in numbers.tolist()]
    n = numbers.astype(np.int64)
    chars = np.full((len(n), 10), ord("-"), dtype=np.uint8)
    for at, power in zip((0, 1, 2, 3, 5, 6, 8, 9), (7, 6, 5, 4, 3, 2, 1, 0), strict=True):
        chars[:, at] = n // 10**power % 10 + ord("0")
    texts: list[str] = chars.view("S10").ravel().astype(str).tolist()
    return texts


def _year_part(f: Features) -> Part:
    years = np.where(f.birth_date >= 0, f.birth_date // 10000, -1).astype(np.int64)
    return Part(years, lambda i: str(int(years[i])))


def _dated(f: Features) -> Part:
    # Only records with a birth date: a typo or a nickname in the given name and a capture
    # error in the date hide a person's records from every other key, while a dateless
    # record at a family's home under its surnames is what a sibling's scant record looks
    # like (it is still found by its names). Not in the default rules: it also brings every
    # pair of siblings at one home to scoring, and a sibling's weak record (MARIA against
    # MARIA ELENA, two years apart, rare surnames) can clear the link threshold.
    ids = np.where(f.birth_date >= 0, 0, -1).astype(np.int64)
    return Part(ids, lambda i: "dated")


def _given_part(f: Features) -> Part:
    g = f.given
    return Part(
        g.first_phonetic.astype(np.int64),
        lambda i: g.first_phonetic_vocab.values[int(g.first_phonetic[i])],
        vocab=g.first_phonetic_vocab.values,
    )


def _root_part(f: Features) -> Part:
    values = f.curp.column.values
    return Part(
        f.curp.root.astype(np.int64),
        lambda i: str(values[i])[:16],
        texts=lambda rows: list(map(_root, map(str, values[rows].tolist()))),
    )


_root = operator.itemgetter(slice(16))


def _surnames_in_order(f: Features) -> list[Part]:
    # The two phonetic surnames as an unordered pair, so swapped surnames share the key: ids
    # are ordered numerically (batch), strings alphabetically (the store's key); both forms
    # group exactly the records with the same pair.
    first, second = f.phonetic["first_surname"], f.phonetic["second_surname"]
    swap = (second.ids >= 0) & (first.ids >= 0) & (second.ids < first.ids)
    low = np.where(swap, second.ids, first.ids).astype(np.int64)
    high = np.where(swap, first.ids, second.ids).astype(np.int64)

    def pair(i: int) -> list[str]:
        return sorted([str(first.values[i]), str(second.values[i])])

    def pairs(rows: NDArray[np.intp], second_of_pair: bool) -> list[str]:
        a, b = first.values[rows], second.values[rows]
        swap = (a < b) if second_of_pair else (b < a)
        texts: list[str] = np.where(swap, b, a).tolist()
        return texts

    return [
        Part(low, lambda i: pair(i)[0], False, texts=lambda rows: pairs(rows, False)),
        Part(high, lambda i: pair(i)[1], False, texts=lambda rows: pairs(rows, True)),
    ]


def _name_pair(f: Features, field: str) -> list[Part]:
    # Given name and a surname as an unordered pair, so records whose given name and surname
    # were entered in each other's field share the key. Given-name phonetic codes are mapped
    # into the surnames' id space (shared by both surname fields), extended by the given
    # names no surname has.
    g, surname = f.given, f.phonetic[field]
    known = surname.vocab.ids
    extra = iter(range(len(surname.vocab), len(surname.vocab) + len(g.first_phonetic_vocab)))
    mapped = np.array(
        [known[v] if v in known else next(extra) for v in g.first_phonetic_vocab.values] + [-1],
        dtype=np.int64,
    )
    given = mapped[g.first_phonetic]  # id -1 picks the trailing -1
    present = (given >= 0) & (surname.ids >= 0)
    low = np.where(present, np.minimum(given, surname.ids), -1).astype(np.int64)
    high = np.where(present, np.maximum(given, surname.ids), -1).astype(np.int64)

    def pair(i: int) -> list[str]:
        first = g.first_phonetic_vocab.values[int(g.first_phonetic[i])]
        return sorted([first, str(surname.values[i])])

    return [Part(low, lambda i: pair(i)[0], False), Part(high, lambda i: pair(i)[1], False)]


def emissions(f: Features, kind: str) -> list[list[Part]]:
    """The key's parts, once per emission (surname_birth_date emits one key per surname)."""
    ph = f.phonetic
    table: dict[str, Callable[[], list[list[Part]]]] = {
        "curp": lambda: [[_text_part(f.curp.column)]],
        "curp_root": lambda: [[_root_part(f)]],
        "surname_birth_date": lambda: [
            [_text_part(ph["first_surname"]), _date_part(f)],
            [_text_part(ph["second_surname"]), _date_part(f)],
        ],
        "given_birth_date": lambda: [[_given_part(f), _date_part(f)]],
        "given_year_state": lambda: [
            [_given_part(f), _year_part(f), _text_part(f.text["birth_state"])]
        ],
        "full_name": lambda: [
            [_given_part(f), *_surnames_in_order(f)],
        ],
        "surnames_postal_code": lambda: [
            [*_surnames_in_order(f), _text_part(f.text["postal_code"]), _dated(f)]
        ],
        "name_state": lambda: [
            [_given_part(f), _text_part(ph["first_surname"]), _text_part(f.text["birth_state"])],
        ],
        "given_surname": lambda: [
            [_given_part(f), _text_part(ph["first_surname"])],
            [_given_part(f), _text_part(ph["second_surname"])],
        ],
        "name_pair": lambda: [_name_pair(f, "first_surname"), _name_pair(f, "second_surname")],
        "surname_postal_code": lambda: [
            [_text_part(ph["first_surname"]), _text_part(f.text["postal_code"])],
            [_text_part(ph["second_surname"]), _text_part(f.text["postal_code"])],
        ],
        "birth_date_postal_code": lambda: [[_date_part(f), _text_part(f.text["postal_code"])]],
        "nss": lambda: [[_text_part(f.text["nss"])]],
        "phone": lambda: [[_text_part(f.text["phone"])]],
    }
    return table[kind]()


def combine(parts: Sequence[Part]) -> NDArray[np.int64]:
    """One dense int64 code per record for the parts together; -1 if any part is missing."""
    code = parts[0].ids.copy()
    for part in parts[1:]:
        joined = code * (int(part.ids.max(initial=0)) + 1) + part.ids
        joined[(code < 0) | (part.ids < 0)] = -1
        code = _dense(joined)
    return code


def _dense(code: NDArray[np.int64]) -> NDArray[np.int64]:
    # Renumber 0..k-1 so products of later parts cannot overflow int64.
    present = code >= 0
    out = np.full(len(code), -1, dtype=np.int64)
    out[present] = dense_ranks(code[present])
    return out


def key_codes(f: Features, kind: str) -> NDArray[np.int64]:
    """(emissions, records) int64 codes of `kind`, -1 = no key.

    All emissions are numbered together, so the same key value gets the same code whichever
    emission produced it (a first surname meets the same second surname).
    """
    rows = emissions(f, kind)
    stacked = [
        Part(np.concatenate([row[p].ids for row in rows]), rows[0][p].text)
        for p in range(len(rows[0]))
    ]
    return combine(stacked).reshape(len(rows), f.n)


def key_text(f: Features, kind: str, emission: int, i: int) -> str:
    """The string form of one emission of `kind` for record i."""
    return _text(kind, emissions(f, kind)[emission], i)


def block_keys(f: Features, i: int, kinds: Sequence[str] = BLOCK_KEYS) -> tuple[str, ...]:
    """The block keys of record i as prefixed strings, e.g. ("curp:…", "curp_root:…")."""
    keys: list[str] = []
    for kind in kinds:
        for parts in emissions(f, kind):
            if all(part.ids[i] >= 0 for part in parts):
                keys.append(_text(kind, parts, i))
    return tuple(dict.fromkeys(keys))


def block_keys_of_rows(f: Features, kinds: Sequence[str] = BLOCK_KEYS) -> list[tuple[str, ...]]:
    """`block_keys(f, i, kinds)` of every row i, building each kind's parts once."""
    keys: list[list[str]] = [[] for _ in range(f.n)]
    for kind in kinds:
        for parts in emissions(f, kind):
            present = np.logical_and.reduce([part.ids >= 0 for part in parts])
            for i in np.flatnonzero(present).tolist():
                keys[i].append(_text(kind, parts, i))
    return [tuple(dict.fromkeys(k)) for k in keys]


def _text(kind: str, parts: Sequence[Part], i: int) -> str:
    return f"{kind}:" + "|".join(part.text(i) for part in parts)
