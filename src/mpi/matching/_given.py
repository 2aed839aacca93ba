"""Given names as token-id matrices, so containment and nickname tests run vectorised."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from mpi.identity.names import name_equivalents, significant_given_tokens
from mpi.identity.phonetic import phonetic_key
from mpi.matching._encode import MISSING, Vocabulary, object_array

MAX_TOKENS = 4
# Pure per-string work, remembered across calls: the service path prepares the same stored
# candidates' names on request after request.
_CACHE = 1 << 16


@dataclass(frozen=True, slots=True)
class GivenTokens:
    """Per record: token ids (all, and significant), the phonetic id of the first significant
    token (for blocking); per token: the ids of the full names it may stand for."""

    tokens: NDArray[np.int32]  # (n, MAX_TOKENS), -1 padded
    significant: NDArray[np.int32]  # (n, MAX_TOKENS), -1 padded
    first_phonetic: NDArray[np.int32]  # (n,)
    equivalents: NDArray[np.int32]  # (vocabulary size, q), -1 padded
    # (n,): the whole given name's id among the full names in `equivalents`, -1 if none is
    # (MARIA EUGENIA, which MARU stands for, is no single token's equivalent).
    whole: NDArray[np.int32]
    has_nickname: NDArray[np.bool_]  # (n,): some token may stand for another name
    uninformative: NDArray[np.bool_]  # (vocabulary size + 1,): MARIA, JOSE, initials; [-1] = True
    words: NDArray[np.object_]  # (vocabulary size + 1,): token text, [-1] = ""
    initial: NDArray[np.int32]  # (vocabulary size + 1,): first letter code, [-1] = -1
    short: NDArray[np.bool_]  # (vocabulary size + 1,): a one-letter token (an initial)
    vocab: Vocabulary
    first_phonetic_vocab: Vocabulary


def given_tokens(joined: Sequence[str | None] | NDArray[np.object_]) -> GivenTokens:
    values = joined.tolist() if isinstance(joined, np.ndarray) else list(joined)
    column = Vocabulary()
    return given_tokens_encoded(column.encode(values), column.values)


def given_tokens_encoded(ids: NDArray[np.int32], distinct: list[str]) -> GivenTokens:
    """given_tokens of the column whose record i holds distinct[ids[i]] (-1: None), where
    `distinct` lists each value once, in order of first appearance in the column (as a
    fresh Vocabulary's encode gives them): a prepared column needs no new pass over its
    records."""
    vocab, phon_vocab = Vocabulary(), Vocabulary()
    # One row per distinct value, in order of first appearance (so token ids are too), and
    # an all-missing last row for None; each record then takes its value's row.
    rows = np.where(ids < 0, len(distinct), ids).astype(np.intp)
    tokens = np.full((len(distinct) + 1, MAX_TOKENS), MISSING, dtype=np.int32)
    significant = np.full((len(distinct) + 1, MAX_TOKENS), MISSING, dtype=np.int32)
    first_phon = np.full(len(distinct) + 1, MISSING, dtype=np.int32)
    for i, value in enumerate(distinct):
        all_ids, sig_ids, phon = _row(value, vocab, phon_vocab)
        tokens[i, : len(all_ids)] = all_ids
        significant[i, : len(sig_ids)] = sig_ids
        first_phon[i] = phon
    tokens, significant, first_phon = tokens[rows], significant[rows], first_phon[rows]
    equivalents, names = _equivalents(vocab)
    whole = np.array([names.ids.get(v, MISSING) for v in distinct] + [MISSING], dtype=np.int32)
    # A token equivalent only to itself can meet only an equal token (containment's job).
    is_nickname = np.r_[(equivalents >= 0).sum(axis=1) > 1, False]
    has_nickname = is_nickname[tokens].any(axis=1)
    return GivenTokens(
        tokens,
        significant,
        first_phon,
        equivalents,
        whole[rows],
        has_nickname,
        _uninformative(vocab),
        object_array([*vocab.values, ""]),
        np.array([*(ord(w[0]) for w in vocab.values), -1], dtype=np.int32),
        np.array([*(len(w) == 1 for w in vocab.values), False], dtype=np.bool_),
        vocab,
        phon_vocab,
    )


def _uninformative(vocab: Vocabulary) -> NDArray[np.bool_]:
    return np.array([*(_weak(t) for t in vocab.values), True], dtype=np.bool_)


@functools.lru_cache(maxsize=_CACHE)
def _weak(token: str) -> bool:
    # A token the names module drops next to any other name (MARIA, JOSE), or an initial.
    return len(token) == 1 or token not in significant_given_tokens(f"{token} ANA")


@functools.lru_cache(maxsize=_CACHE)
def _significant(value: str) -> tuple[str, ...]:
    return significant_given_tokens(value)[:MAX_TOKENS]


@functools.lru_cache(maxsize=_CACHE)
def _equivalent_names(token: str) -> tuple[str, ...]:
    return tuple(sorted(name_equivalents(token)))


def _row(value: str, vocab: Vocabulary, phon_vocab: Vocabulary) -> tuple[list[int], list[int], int]:
    words = tuple(value.split(" "))[:MAX_TOKENS]
    sig = _significant(value)
    all_ids = [vocab.id_of(word) for word in words]
    sig_ids = [vocab.id_of(word) for word in sig]
    key = phonetic_key(sig[0])
    phon = phon_vocab.id_of(key) if key else MISSING
    return all_ids, sig_ids, phon


def _equivalents(vocab: Vocabulary) -> tuple[NDArray[np.int32], Vocabulary]:
    names = Vocabulary()
    rows = [_equivalent_names(token) for token in vocab.values]
    width = max((len(r) for r in rows), default=1)
    out = np.full((len(rows), max(width, 1)), MISSING, dtype=np.int32)
    for i, row in enumerate(rows):
        out[i, : len(row)] = [names.id_of(name) for name in row]
    return out, names
