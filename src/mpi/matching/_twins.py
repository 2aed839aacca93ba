"""The twins rule between two clusters about to merge, as clustering applies it.

Different given names born (nearly) the same day are twins, unless a record of the merged
cluster shows both names to be one person's (mpi.matching._name_bridges). What a pair of
records shows by itself (`twin_evidence`) is worked out once for many pairs, vectorised;
only the bridge reads the cluster.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from numpy.typing import NDArray

from mpi.matching._level_tests import Index, as_mask
from mpi.matching._name_bridges import (
    Letters,
    curp_letters_fit,
    curp_name_letters,
    name_key_letters,
    short_name_key,
)
from mpi.matching.features import Features
from mpi.matching.hard_negatives import dates_close, names_say_two_people, unnamed_of_other_sex


def twin_evidence(
    f: Features, left: Index, right: Index, letters: Letters | None = None
) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """Per pair: twins whatever their cluster holds, and twins unless a record of their
    cluster shows both names to be one person's (`TwinsTest.unbridged`).

    The first: RECIEN NACIDO of one sex next to a named record of the other, born the same
    day, or a plain MARIA's own CURP next to a MARIA ELENA (no record bridges that). The
    second: given names that cannot be one person's, born (nearly) the same day, not under
    one CURP. `letters` is `name_key_letters(f)` when the caller has it.
    """
    sure = unnamed_of_other_sex(f, left, right)
    idx = np.flatnonzero(sure)
    if len(idx):
        sure[idx] = dates_close(f, left[idx], right[idx])
    sure |= short_name_key(f, left, right, letters)
    given = f.text["given_names"].ids
    suspect = as_mask((given[left] != given[right]) & (given[left] >= 0) & (given[right] >= 0))
    idx = np.flatnonzero(suspect)
    if len(idx):
        a, b = left[idx], right[idx]
        curp = f.curp.column.ids
        other_curps = (curp[a] != curp[b]) | (curp[a] < 0)
        suspect[idx] = names_say_two_people(f, a, b) & dates_close(f, a, b) & other_curps
    return sure, suspect


class TwinsTest:
    """The twins rule over the records of `f`: the part that reads the merged cluster."""

    def __init__(self, f: Features) -> None:
        self.f = f
        self._given: list[int] = f.text["given_names"].ids.tolist()
        self._held: dict[tuple[int, int], bool] = {}
        self._token_sets: dict[tuple[int, bool], tuple[dict[int, set[int]], set[int]]] = {}
        # What short_name_key reads of every record (cannot_link and pair flags take it too).
        self.letters = name_key_letters(f)

    def between(self, left: NDArray[np.intp], right: NDArray[np.intp], members: list[int]) -> bool:
        """Whether a pair (left[k], right[k]) are twins that the `members` (every record of
        the merged cluster) do not show to be one person."""
        sure, suspect = twin_evidence(self.f, left, right, self.letters)
        if sure.any():
            return True
        suspects = zip(left[suspect].tolist(), right[suspect].tolist(), strict=True)
        return self.unbridged(suspects, members)

    def unbridged(self, suspects: Iterable[tuple[int, int]], members: list[int]) -> bool:
        """Whether some pair of `suspects` (twins unless bridged, by `twin_evidence`) is
        bridged by no record of the merged cluster's `members`."""
        # A record holding a compound name with both (JUAN / CARLOS, bridged by JUAN CARLOS).
        return any(not self._bridged(a, b, members) for a, b in suspects)

    def _bridged(self, a: int, b: int, members: list[int]) -> bool:
        # A record of the merged cluster holding both names (JUAN and CARLOS inside JUAN
        # CARLOS; PEPE and LUIS inside JOSE LUIS), both names under one valid CURP, or a
        # MARIA whose CURP was made from MARIA <the other name>. ALEJANDRA and ALEJANDRO
        # are not both "inside" ALEJANDRA, however alike they look.
        given = self._given
        named = {given[m]: m for m in members}.values()  # a record of each name
        if any(self._holds(a, m) and self._holds(b, m) for m in named):
            return True
        if self._letters_fit(a, b) or self._letters_fit(b, a):
            return True
        return self._one_curp(a, b, members)

    def _holds(self, inner: int, outer: int) -> bool:
        # held_by(g, significant[inner], tokens[[outer]]) for two records: it reads only
        # their given names, and the same few thousand names are asked over and over, so it
        # is cached by their ids and worked out in Python.
        key = (self._given[inner], self._given[outer])
        found = self._held.get(key)
        if found is None:
            wanted, _ = self._tokens(inner, significant=True)
            tokens, equivalents = self._tokens(outer, significant=False)
            found = self._held[key] = bool(wanted) and all(
                w in tokens or not eq.isdisjoint(equivalents) for w, eq in wanted.items()
            )
        return found

    def _tokens(self, record: int, *, significant: bool) -> tuple[dict[int, set[int]], set[int]]:
        # The record's given-name tokens (all, or the significant ones), each with the full
        # names it stands for, and those names together.
        key = (self._given[record], significant)
        found = self._token_sets.get(key)
        if found is None:
            g = self.f.given
            words = (g.significant if significant else g.tokens)[record].tolist()
            by_token = {
                t: {e for e in g.equivalents[t].tolist() if e >= 0} for t in words if t >= 0
            }
            found = self._token_sets[key] = (by_token, set().union(*by_token.values()))
        return found

    def _letters_fit(self, short: int, other: int) -> bool:
        # A plain JOSE whose key carries J, S is JOSE's own key (a single MARIA or JOSE keeps
        # its letters): that JESUS also makes J, S says nothing of a longer name JOSE JESUS.
        if not curp_letters_fit(self.f, short, other):
            return False
        g = self.f.given
        own = [str(g.words[w]) for w in g.significant[short].tolist() if w >= 0]
        chars = self.f.curp.chars[short]
        return len(own) != 1 or curp_name_letters(own[0]) != chr(chars[3]) + chr(chars[15])

    def _one_curp(self, a: int, b: int, members: list[int]) -> bool:
        # Both names were recorded under one valid CURP (MARIA and ANGELES for MARIA DE LOS
        # ANGELES): one person's names, whatever the words.
        f, given = self.f, self._given
        curps: dict[int, set[int]] = {given[a]: set(), given[b]: set()}
        for m in members:
            if f.curp.valid[m] and given[m] in curps:
                curps[given[m]].add(int(f.curp.column.ids[m]))
        return bool(curps[given[a]] & curps[given[b]])
