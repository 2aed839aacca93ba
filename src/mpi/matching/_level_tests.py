"""The test behind each level kind, evaluated on arrays of pairs (i[k], j[k]).

Every test returns a boolean mask; comparisons.py applies them in level order to the pairs
no earlier level has claimed, so a test may assume the earlier levels failed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
from numpy.typing import NDArray

from mpi.matching import similarity
from mpi.matching._given import GivenTokens
from mpi.matching.features import Features
from mpi.matching.rules import LevelSpec

Index = NDArray[np.intp]
Mask = NDArray[np.bool_]


def as_mask(values: object) -> Mask:
    return np.asarray(values, dtype=np.bool_)


LevelTest = Callable[[Features, str, Index, Index, LevelSpec], Mask]
# For rules that call a level test outside any level (no thresholds of their own).
ANY_SPEC = LevelSpec(kind="any", label="")


def _ids(f: Features, field: str) -> NDArray[np.int32]:
    return f.text[field].ids


def exact(f: Features, field: str, i: Index, j: Index, level: LevelSpec) -> Mask:
    ids = _ids(f, field)
    return as_mask(ids[i] == ids[j])


def jaro_winkler_scores(f: Features, field: str, i: Index, j: Index) -> NDArray[np.float64]:
    values = f.text[field].values
    return similarity.jaro_winkler_batch(values[i], values[j])


def jaro_winkler(f: Features, field: str, i: Index, j: Index, level: LevelSpec) -> Mask:
    return as_mask(jaro_winkler_scores(f, field, i, j) >= (level.threshold or 1.0))


def levenshtein(f: Features, field: str, i: Index, j: Index, level: LevelSpec) -> Mask:
    values = f.text[field].values
    edits = int(level.threshold or 0)
    return as_mask(similarity.levenshtein_batch(values[i], values[j], edits) <= edits)


def phonetic(f: Features, field: str, i: Index, j: Index, level: LevelSpec) -> Mask:
    ids = f.phonetic[field].ids
    return as_mask((ids[i] == ids[j]) & (ids[i] >= 0))


# CURP ----------------------------------------------------------------------------------


def same_root(f: Features, field: str, i: Index, j: Index, level: LevelSpec) -> Mask:
    root = f.curp.root
    return as_mask((root[i] == root[j]) & (root[i] >= 0))


def _curp_differences(f: Features, i: Index, j: Index) -> NDArray[np.bool_]:
    chars = f.curp.chars
    return as_mask(chars[i] != chars[j])  # (pairs, 18)


def curp_one_edit(f: Features, field: str, i: Index, j: Index, level: LevelSpec) -> Mask:
    # CURPs have a fixed length, so a capture error is a substitution: one position differs.
    return as_mask(_curp_differences(f, i, j).sum(axis=1) == 1)


def curp_transposition(f: Features, field: str, i: Index, j: Index, level: LevelSpec) -> Mask:
    diff = _curp_differences(f, i, j)
    two = np.flatnonzero(diff.sum(axis=1) == 2)
    out = np.zeros(len(i), dtype=np.bool_)
    if len(two):
        first = diff[two].argmax(axis=1)
        second = first + 1
        adjacent = second < 18
        rows = two[adjacent]
        a, b = f.curp.chars[i[rows]], f.curp.chars[j[rows]]
        at, nxt = first[adjacent], second[adjacent]
        k = np.arange(len(rows))
        out[rows] = (a[k, at] == b[k, nxt]) & (a[k, nxt] == b[k, at]) & diff[rows, nxt]
    return out


def both_valid_different(f: Features, field: str, i: Index, j: Index, level: LevelSpec) -> Mask:
    valid, root = f.curp.valid, f.curp.root
    return as_mask(valid[i] & valid[j] & (root[i] != root[j]))


# Surnames ------------------------------------------------------------------------------

_OTHER = {"first_surname": "second_surname", "second_surname": "first_surname"}


def swapped(f: Features, field: str, i: Index, j: Index, level: LevelSpec) -> Mask:
    # Both surnames crossed (PEREZ SOLIS / SOLIS PEREZ); one shared surname in the other
    # position is common among strangers (HERNANDEZ) and is left to the other levels.
    own, other = _ids(f, field), _ids(f, _OTHER[field])
    crossed = (own[i] == other[j]) & (other[i] == own[j])
    return as_mask(crossed & (own[i] >= 0) & (own[j] >= 0) & (own[i] != other[i]))


def one_missing(f: Features, field: str, i: Index, j: Index, level: LevelSpec) -> Mask:
    ids = _ids(f, field)
    return as_mask((ids[i] < 0) != (ids[j] < 0))


# Given names ---------------------------------------------------------------------------


def _contained(inner: NDArray[np.int32], outer: NDArray[np.int32]) -> Mask:
    # inner (p, k) ⊆ outer (p, k) as sets of non-negative ids, inner non-empty.
    present = inner >= 0
    found = (inner[:, :, None] == outer[:, None, :]).any(axis=2)
    return as_mask((found | ~present).all(axis=1) & present.any(axis=1))


def _first_shared(sig: NDArray[np.int32], tokens: NDArray[np.int32]) -> Mask:
    # Containment needs the first significant token on the other side: a cheap pre-filter.
    return as_mask((sig[:, :1] == tokens).any(axis=1) & (sig[:, 0] >= 0))


def containment(f: Features, field: str, i: Index, j: Index, level: LevelSpec) -> Mask:
    g = f.given
    out = _first_shared(g.significant[i], g.tokens[j]) | _first_shared(
        g.significant[j], g.tokens[i]
    )
    rows = np.flatnonzero(out)
    a, b = i[rows], j[rows]
    inside = _contained(g.significant[a], g.tokens[b]) | _contained(g.significant[b], g.tokens[a])
    out[rows] = inside
    # An initial stands for a word of that letter (M. ANGEL in MIGUEL ANGEL): a record with
    # an initial is contained up to it, provided a whole word of it is found as it is.
    initialled = np.flatnonzero(
        ~out & (g.short[g.tokens[i]].any(axis=1) | g.short[g.tokens[j]].any(axis=1))
    )
    if len(initialled):
        a, b = i[initialled], j[initialled]
        out[initialled] = _initials_contained(g, a, b) | _initials_contained(g, b, a)
    return out


def _initials_contained(g: GivenTokens, inner: Index, outer: Index) -> Mask:
    # Every significant token of `inner` equals a token of `outer` or is its initial (or has
    # it as its initial), and at least one whole word is equal.
    sig, tok = g.significant[inner], g.tokens[outer]
    both = (sig[:, :, None] >= 0) & (tok[:, None, :] >= 0)
    equal = (sig[:, :, None] == tok[:, None, :]) & both
    same_letter = g.initial[sig][:, :, None] == g.initial[tok][:, None, :]
    by_initial = same_letter & (g.short[sig][:, :, None] | g.short[tok][:, None, :]) & both
    found = (equal | by_initial).any(axis=2)
    whole_word = (equal.any(axis=2) & ~g.short[sig]).any(axis=1)
    return as_mask(((found | (sig < 0)).all(axis=1)) & whole_word)


def _equivalent_contained(f: Features, inner: Index, outer: Index) -> Mask:
    # Every significant token of `inner` shares a full name with some token of `outer`.
    g = f.given
    sig, tok = g.significant[inner], g.tokens[outer]
    eq_in = np.where(sig[:, :, None] >= 0, g.equivalents[sig], -1)  # (p, k, q)
    eq_out = np.where(tok[:, :, None] >= 0, g.equivalents[tok], -1)
    hit = eq_in[:, :, None, :, None] == eq_out[:, None, :, None, :]  # (p, k, k, q, q)
    hit &= eq_in[:, :, None, :, None] >= 0
    found = hit.any(axis=(2, 3, 4))
    present = sig >= 0
    return as_mask((found | ~present).all(axis=1) & present.any(axis=1))


def nickname(f: Features, field: str, i: Index, j: Index, level: LevelSpec) -> Mask:
    out = np.zeros(len(i), dtype=np.bool_)
    maybe = np.flatnonzero(f.given.has_nickname[i] | f.given.has_nickname[j])
    step = 100_000  # the (p, k, k, q, q) intermediate grows fast; bound its memory
    for start in range(0, len(maybe), step):
        rows = maybe[start : start + step]
        a, b = i[rows], j[rows]
        out[rows] = _equivalent_contained(f, a, b) | _equivalent_contained(f, b, a)
        out[rows] |= _stands_for_whole(f, a, b) | _stands_for_whole(f, b, a)
    return out


def _stands_for_whole(f: Features, inner: Index, outer: Index) -> Mask:
    # A one-word name that is a nickname of the other's whole compound name (MARU for MARIA
    # EUGENIA, CHEMA for JOSE MARIA), which no single word of it stands for.
    g = f.given
    first = g.significant[inner, 0]
    single = (first >= 0) & (g.significant[inner, 1:] < 0).all(axis=1)
    whole = g.whole[outer]
    stands = (g.equivalents[first] == whole[:, None]).any(axis=1)
    return as_mask(stands & single & (whole >= 0))


# Given name and first surname written in each other's field (a form filled in the wrong
# order); both crossings must hold, each up to a typo, so strangers almost never qualify.
CROSSED_SIMILARITY = 0.9


def _squeezed(values: NDArray[np.object_]) -> list[str]:
    # Given names are kept as space-separated tokens, surname keys without spaces.
    return [str(v).replace(" ", "") for v in values]


def given_surname_swapped(f: Features, field: str, i: Index, j: Index, level: LevelSpec) -> Mask:
    given, surname = f.text["given_names"], f.text["first_surname"]
    out = np.zeros(len(i), dtype=np.bool_)
    rows = np.flatnonzero(
        (given.ids[i] >= 0) & (given.ids[j] >= 0) & (surname.ids[i] >= 0) & (surname.ids[j] >= 0)
    )
    if not len(rows):
        return out
    a, b = i[rows], j[rows]
    g_a, g_b = _squeezed(given.values[a]), _squeezed(given.values[b])
    s_a, s_b = _squeezed(surname.values[a]), _squeezed(surname.values[b])
    crossed = similarity.jaro_winkler_batch(g_a, s_b) >= CROSSED_SIMILARITY
    crossed &= similarity.jaro_winkler_batch(s_a, g_b) >= CROSSED_SIMILARITY
    # A record whose given name equals its surname would "swap" with itself.
    crossed &= np.fromiter((x != y for x, y in zip(g_a, s_a, strict=True)), np.bool_, len(a))
    out[rows] = crossed
    return out


# Birth date ----------------------------------------------------------------------------


def _parts(d: NDArray[np.int32]) -> tuple[NDArray[np.int32], ...]:
    return d // 10000, d // 100 % 100, d % 100


def day_month_swapped(f: Features, field: str, i: Index, j: Index, level: LevelSpec) -> Mask:
    (yl, ml, dl), (yr, mr, dr) = _parts(f.birth_date[i]), _parts(f.birth_date[j])
    return as_mask((yl == yr) & (ml == dr) & (dl == mr))


def one_digit(f: Features, field: str, i: Index, j: Index, level: LevelSpec) -> Mask:
    a, b = f.birth_date[i], f.birth_date[j]
    differing = np.zeros(len(i), dtype=np.int8)
    for power in range(8):
        scale = 10**power
        differing += (a // scale % 10 != b // scale % 10).astype(np.int8)
    return as_mask(differing == 1)


def year_off_by_one(f: Features, field: str, i: Index, j: Index, level: LevelSpec) -> Mask:
    a, b = f.birth_date[i], f.birth_date[j]
    return as_mask((a % 10000 == b % 10000) & (np.abs(a // 10000 - b // 10000) == 1))


def date_exact(f: Features, field: str, i: Index, j: Index, level: LevelSpec) -> Mask:
    return as_mask(f.birth_date[i] == f.birth_date[j])


def curp_exact(f: Features, field: str, i: Index, j: Index, level: LevelSpec) -> Mask:
    ids = f.curp.column.ids
    return as_mask(ids[i] == ids[j])


TESTS: Mapping[str, Mapping[str, LevelTest]] = {
    "curp": {
        "exact": curp_exact,
        "same_root": same_root,
        "one_edit": curp_one_edit,
        "transposition": curp_transposition,
        "both_valid_different": both_valid_different,
    },
    "given_names": {
        "exact": exact,
        "containment": containment,
        "nickname": nickname,
        "jaro_winkler": jaro_winkler,
        "phonetic": phonetic,
        "surname_swapped": given_surname_swapped,
    },
    "surname": {
        "exact": exact,
        "swapped": swapped,
        "jaro_winkler": jaro_winkler,
        "phonetic": phonetic,
        "one_missing": one_missing,
    },
    "date": {
        "exact": date_exact,
        "day_month_swapped": day_month_swapped,
        "one_digit": one_digit,
        "year_off_by_one": year_off_by_one,
    },
    "text": {"exact": exact, "levenshtein": levenshtein, "jaro_winkler": jaro_winkler},
}
