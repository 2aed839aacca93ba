"""The twins rule between two clusters about to merge, as clustering applies it.

Different given names born (nearly) the same day are twins, unless a record of the merged
cluster shows both names to be one person's (mpi.matching._name_bridges). The test of two
given names is cached by their ids: a million links repeat a few thousand name pairs.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from mpi.matching._name_bridges import (
    curp_letters_fit,
    curp_name_letters,
    held_by,
    name_key_letters,
    short_name_key,
)
from mpi.matching.features import Features
from mpi.matching.hard_negatives import dates_close, names_say_two_people, unnamed_of_other_sex


class TwinsTest:
    """The twins rule over the records of `f`, with its name test cached."""

    def __init__(self, f: Features) -> None:
        self.f = f
        self._names: dict[tuple[int, int, bool], bool] = {}
        self._given: list[int] = f.text["given_names"].ids.tolist()
        self._sex: list[int] = f.text["sex"].ids.tolist()
        # What short_name_key reads of every record (cannot_link takes it too).
        self.letters = name_key_letters(f)

    def seed(self, left: NDArray[np.intp], right: NDArray[np.intp]) -> None:
        """Test the given names of many pairs at once (the links), vectorised."""
        differ = names_say_two_people(self.f, left, right)
        for a, b, d in zip(left.tolist(), right.tolist(), differ.tolist(), strict=True):
            self._names[self._key(a, b)] = d

    def between(self, left: NDArray[np.intp], right: NDArray[np.intp], members: list[int]) -> bool:
        """Whether a pair (left[k], right[k]) are twins that the `members` (every record of
        the merged cluster) do not show to be one person."""
        # Different given names with (nearly) the same birth date are twins, unless a record
        # of the merged cluster shows a compound name holding both (JUAN / CARLOS, bridged by
        # JUAN CARLOS). Names are tested first: that test is cached by the two name ids.
        given = self._given
        suspects = [
            (a, b)
            for a, b in zip(left.tolist(), right.tolist(), strict=True)
            if given[a] != given[b] and given[a] >= 0 and given[b] >= 0 and self._names_differ(a, b)
        ]
        if self._unnamed_twin(left, right):
            return True
        # A plain MARIA's own CURP next to a MARIA ELENA: no record bridges that.
        if short_name_key(self.f, left, right, self.letters).any():
            return True
        if not suspects:
            return False
        a_idx = np.array([a for a, _ in suspects], dtype=np.intp)
        b_idx = np.array([b for _, b in suspects], dtype=np.intp)
        close = dates_close(self.f, a_idx, b_idx)
        curp = self.f.curp.column.ids
        close &= (curp[a_idx] != curp[b_idx]) | (curp[a_idx] < 0)
        return any(
            not self._bridged(int(a), int(b), members)
            for a, b in zip(a_idx[close], b_idx[close], strict=True)
        )

    def _unnamed_twin(self, left: NDArray[np.intp], right: NDArray[np.intp]) -> bool:
        # RECIEN NACIDO of one sex next to a named record of the other, born the same day.
        other = unnamed_of_other_sex(self.f, left, right)
        if not other.any():
            return False
        return bool(dates_close(self.f, left[other], right[other]).any())

    def _key(self, a: int, b: int) -> tuple[int, int, bool]:
        # The test reads the two given names and whether the recorded sexes disagree.
        ga, gb, sa, sb = self._given[a], self._given[b], self._sex[a], self._sex[b]
        return min(ga, gb), max(ga, gb), sa >= 0 and sb >= 0 and sa != sb

    def _names_differ(self, a: int, b: int) -> bool:
        key = self._key(a, b)
        found = self._names.get(key)
        if found is None:
            found = bool(names_say_two_people(self.f, np.array([a]), np.array([b]))[0])
            self._names[key] = found
        return found

    def _bridged(self, a: int, b: int, members: list[int]) -> bool:
        # A record of the merged cluster holding both names (JUAN and CARLOS inside JUAN
        # CARLOS; PEPE and LUIS inside JOSE LUIS), both names under one valid CURP, or a
        # MARIA whose CURP was made from MARIA <the other name>. ALEJANDRA and ALEJANDRO
        # are not both "inside" ALEJANDRA, however alike they look.
        g = self.f.given
        outer = g.tokens[np.array(members, dtype=np.intp)]
        if (held_by(g, g.significant[a], outer) & held_by(g, g.significant[b], outer)).any():
            return True
        if self._letters_fit(a, b) or self._letters_fit(b, a):
            return True
        return self._one_curp(a, b, members)

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
