"""Block keys of many records at once, as the strings the store indexes.

`mpi.matching.blocking_keys.block_keys(f, i)` formats one record's keys key by
key, which is right for one record and far too slow for a million. This
combines each emission's parts into one code per record (grouped and ordered as
`blocking_keys.combine` groups them), formats each distinct part value and code once
for the whole batch (or looks it up in the part's vocabulary), numbers the distinct
keys so that each record's ascend in text order (kinds in the order of their
prefixes; a kind of several emissions is sorted on its parts' ranks), joins each
kind's keys into one UTF-8 blob from their parts' texts (no string is made per key),
and keeps one key number per record and emission. Any range of records
then gets its keys (`keys`), any selection its runs of key numbers (`runs`), without
another string being made. The strings are identical to `block_keys`' (a test
compares them).
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import cast

import numpy as np
from numpy.typing import NDArray

from mpi.domain.key_texts import KeyTexts
from mpi.domain.stored_records import BlockKeyRuns
from mpi.matching._encode import object_array
from mpi.matching.blocking_keys import Part, emissions
from mpi.matching.features import Features

# Key numbers per record and emission; -1 = the record has no key of that emission.
_NONE = -1
# Codes stay below this (mixed-radix products of ids must not overflow an int64).
_LIMIT = 1 << 62
# Joins a kind's texts into one UTF-8 blob, a third of their size as strings (a million
# records have ~4M distinct keys). The unit separator: no key holds it (a store refuses
# keys that do), and a store that joins keys by it hands the blob on as it is.
_PACK = "\x1f"
# A kind's distinct key texts, and per emission each record's number among them.
KindKeys = tuple[KeyTexts | list[str], list[NDArray[np.int32]]]
# One part's text of each key: texts[picks[k]] (each distinct value's text made once).
_Column = tuple[NDArray[np.object_], NDArray[np.intp]]


class BlockKeyTable:
    """Block key strings of the records of `f`, for any range or selection of rows."""

    def __init__(self, f: Features, kinds: Sequence[str]) -> None:
        # Every distinct key, each record's in text order.
        self.texts = KeyTexts()
        numbers: dict[str, list[NDArray[np.int32]]] = {}
        # Kinds in the order of their prefixes, so that numbering each kind's keys after
        # the previous kinds' puts each record's keys of different kinds in text order.
        for kind in sorted(dict.fromkeys(kinds), key=lambda k: f"{k}:"):
            texts, per_emission = _kind_keys(f, kind)
            offset = len(self.texts)
            numbers[kind] = [np.where(ids >= 0, ids + offset, _NONE) for ids in per_emission]
            self.texts.add(texts)
        # In `block_keys` order: kinds as given, then emissions.
        self._numbers = [ids for kind in kinds for ids in numbers[kind]]

    def keys(self, start: int, stop: int) -> list[tuple[str, ...]]:
        """The block keys of rows start..stop-1, in `block_keys` order, without duplicates."""
        texts = self.texts.decoded()
        columns = [ids[start:stop].tolist() for ids in self._numbers]
        rows: list[tuple[str, ...]] = []
        for numbers in zip(*columns, strict=True):
            held = [texts[k] for k in numbers if k >= 0]
            rows.append(tuple(dict.fromkeys(held)) if len(held) > 1 else tuple(held))
        return rows if columns else [() for _ in range(stop - start)]

    def runs(self, rows: NDArray[np.intp]) -> BlockKeyRuns:
        """The block keys of `rows` (in that order) in columns, for a bulk load.

        Every run shares this table's one list of keys: no string is made here.
        """
        if not self._numbers:
            return BlockKeyRuns(self.texts, [0] * (len(rows) + 1), [])
        held = np.stack([ids[rows] for ids in self._numbers], axis=1)
        held.sort(axis=1)
        keep = held >= 0
        # A record whose two emissions give the same key holds it once.
        keep[:, 1:] &= held[:, 1:] != held[:, :-1]
        starts = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum(keep.sum(axis=1), out=starts[1:])
        # Arrays serve as the sequences: a bulk load reads them with numpy again.
        ids = held[keep].astype(np.int64)
        return BlockKeyRuns(self.texts, cast(Sequence[int], starts), cast(Sequence[int], ids))


def all_runs(f: Features, kinds: Sequence[str]) -> BlockKeyRuns:
    """The block keys of every record of `f`, in order, in columns (for a bulk load)."""
    return BlockKeyTable(f, kinds).runs(np.arange(f.n, dtype=np.intp))


def _kind_keys(f: Features, kind: str) -> KindKeys:
    """The distinct keys of `kind`, and per emission each row's index among them.

    A kind of several emissions gives a record several keys, so its keys are sorted
    (each record's ascend in text order); a record holds at most one key of a kind of
    one emission, so those need no order (sorting them was a third of this work).
    """
    found: list[tuple[NDArray[np.intp], NDArray[np.int64]]] = []
    columns: list[list[_Column]] = []
    count = 0
    every = emissions(f, kind)
    for parts in every:
        codes = _codes([part.ids for part in parts])
        present = np.flatnonzero(codes >= 0)
        inverse = _ranks(codes[present])
        firsts = _representatives(inverse, present)
        columns.append([c for group in _groups(parts) for c in _group_columns(group, firsts)])
        found.append((present, inverse + count))
        count += len(firsts)
    merged = [_merged(same) for same in zip(*columns, strict=True)]
    if len(every) > 1:
        ranks = _ranks(_text_codes(merged))
        kept = _representatives(ranks, np.arange(len(ranks), dtype=np.intp))
        merged = [(texts, picks[kept]) for texts, picks in merged]
    else:
        ranks = np.arange(count, dtype=np.int64)
    numbers = []
    for present, inverse in found:
        ids = np.full(f.n, _NONE, dtype=np.int32)
        ids[present] = ranks[inverse]
        numbers.append(ids)
    return _packed(f"{kind}:", merged), numbers


def _merged(columns: Sequence[_Column]) -> _Column:
    """One part's columns of several emissions as one (their keys one after another)."""
    if len(columns) == 1:
        return columns[0]
    offsets = np.cumsum([0, *(len(texts) for texts, _ in columns[:-1])])
    texts = np.concatenate([texts for texts, _ in columns])
    return texts, np.concatenate(
        [picks + at for (_, picks), at in zip(columns, offsets, strict=True)]
    )


def _text_codes(columns: list[_Column]) -> NDArray[np.int64]:
    """Codes of the keys in `columns`, equal and ordered as their texts.

    "a|b" sorts as the pair (a + "|", b) when no part but the last holds "|": the parts'
    ranks then order the keys without a string per key.
    """
    ranks = []
    for p, (texts, picks) in enumerate(columns):
        last = p == len(columns) - 1
        distinct = sorted(set(texts.tolist()), key=None if last else _barred)
        if not last and "|" in "".join(distinct):
            return _ranked(_tails(columns))
        rank = dict(zip(distinct, range(len(distinct)), strict=True))
        each = np.fromiter(map(rank.__getitem__, texts.tolist()), np.int64, len(texts))
        ranks.append(each[picks])
    return _codes(ranks)


def _barred(text: str) -> str:
    return text + "|"


def _tails(columns: list[_Column]) -> list[str]:
    """Each key's text after its kind's prefix."""
    return list(
        map("|".join, zip(*(texts[picks].tolist() for texts, picks in columns), strict=True))
    )


def _ranked(texts: list[str]) -> NDArray[np.int64]:
    """Each text's rank among the distinct texts."""
    n = len(texts)
    order = sorted(range(n), key=texts.__getitem__)
    ordered = list(map(texts.__getitem__, order))
    new = np.ones(n, dtype=bool)
    new[1:] = np.fromiter(map(operator.ne, ordered[1:], ordered), dtype=bool, count=n - 1)
    ranks = np.empty(n, dtype=np.int64)
    ranks[np.asarray(order, dtype=np.intp)] = np.cumsum(new) - 1
    return ranks


def _packed(prefix: str, columns: list[_Column]) -> KeyTexts | list[str]:
    """The keys' texts as one UTF-8 blob (joined at C speed: no string per key), or as
    strings if one holds the separator (or a lone surrogate, which UTF-8 cannot hold)."""
    count = len(columns[0][1]) if columns else 0
    if not count:
        return []
    start = _PACK + prefix  # between two keys
    if len(columns) == 1:
        texts, picks = columns[0]
        joined = prefix + start.join(texts[picks].tolist())
    else:
        # Each distinct value's text made once with what goes before it in a key: a join
        # of one piece per key and part then makes every key and what lies between keys.
        grid = np.empty((count, len(columns)), dtype=object)
        for p, (texts, picks) in enumerate(columns):
            grid[:, p] = _marked(start if p == 0 else "|", texts)[picks]
        pieces = grid.ravel().tolist()
        pieces[0] = pieces[0][len(_PACK) :]
        joined = "".join(pieces)
    if joined.count(_PACK) == count - 1:
        try:
            blob = joined.encode()
        except UnicodeEncodeError:
            pass
        else:
            packed = KeyTexts()
            packed.add_encoded(blob, _PACK, count)
            return packed
    return [prefix + tail for tail in _tails(columns)]


def _marked(mark: str, texts: NDArray[np.object_]) -> NDArray[np.object_]:
    return object_array([mark + text for text in texts.tolist()])


def _groups(parts: list[Part]) -> list[list[Part]]:
    """Each by_id part alone; adjacent parts that are not by_id together."""
    groups: list[list[Part]] = []
    for part in parts:
        if not part.by_id and groups and not groups[-1][-1].by_id:
            groups[-1].append(part)
        else:
            groups.append([part])
    return groups


def _group_columns(group: list[Part], rows: NDArray[np.intp]) -> list[_Column]:
    """Each part's text at each of `rows`, formatted once per distinct value of the group."""
    if len(group) == 1 and group[0].vocab is not None:  # looked up, nothing to format
        return [(object_array(group[0].vocab), group[0].ids[rows])]
    inverse = _ranks(_codes([part.ids[rows] for part in group]))
    firsts = _representatives(inverse, rows)
    return [(object_array(_texts(part, firsts)), inverse) for part in group]


def _texts(part: Part, rows: NDArray[np.intp]) -> list[str]:
    return list(map(part.text, rows.tolist())) if part.texts is None else part.texts(rows)


def _codes(columns: Sequence[NDArray[np.int64]]) -> NDArray[np.int64]:
    """Codes equal and ordered as `combine`'s of parts of these ids, -1 if any id is
    missing: the ids in mixed radix, renumbered only when the next would overflow
    (`combine` sorts after every part; `_ranks` sorts once at the end)."""
    code = columns[0].astype(np.int64)
    for ids in columns[1:]:
        radix = int(ids.max(initial=0)) + 1
        if (int(code.max(initial=0)) + 1) * radix >= _LIMIT:
            present = code >= 0
            code[present] = _ranks(code[present])
        missing = (code < 0) | (ids < 0)
        code = code * radix + ids
        code[missing] = _NONE
    return code


def _ranks(values: NDArray[np.int64]) -> NDArray[np.int64]:
    """Each value's rank among the distinct values."""
    n = len(values)
    low, top = int(values.min(initial=0)), int(values.max(initial=0))
    # Ids and codes are mostly small and dense: a table beats a sort.
    if top < 4 * n + 1024 and low >= 0:
        seen = np.zeros(top + 1, dtype=bool)
        seen[values] = True
        return (np.cumsum(seen, dtype=np.int64) - 1)[values]
    bits = max(n - 1, 1).bit_length()
    if (top - low) >> (63 - bits):
        return np.unique(values, return_inverse=True)[1].astype(np.int64)
    # Each value with its index in its low bits: a sort of the values alone (several times
    # faster than an argsort) then tells where each one goes.
    ordered = np.sort(((values - low) << bits) | np.arange(n))
    new = np.ones(n, dtype=bool)
    np.not_equal(ordered[1:] >> bits, ordered[:-1] >> bits, out=new[1:])
    ranks = np.empty(n, dtype=np.int64)
    ranks[ordered & ((1 << bits) - 1)] = np.cumsum(new) - 1
    return ranks


def _representatives(inverse: NDArray[np.int64], rows: NDArray[np.intp]) -> NDArray[np.intp]:
    """One of `rows` for each rank in `inverse` (any row of a value formats its text)."""
    firsts = np.empty(int(inverse.max(initial=-1)) + 1, dtype=np.intp)
    firsts[inverse] = rows
    return firsts
