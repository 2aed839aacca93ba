"""Rules that read whole clusters, for look-alikes no single pair gives away.

A namesake without a CURP born in another state, or a same-name junior without a birth
date, agrees with the other person on everything one record pair shows; what the
clusters hold together (every state, home, birth year and CURP their records show) says two
people. Pairwise, `cluster_rules_may_object` only marks the pairs that could start such an
objection, so that clustering looks at their clusters at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from mpi.matching._level_tests import Index, as_mask
from mpi.matching.features import Features


class Side(Protocol):
    """What a cluster being formed shows (clustering's summary of its records)."""

    members: list[int]
    curps: set[int]
    first_year: int
    last_year: int
    states: set[str]
    households: set[tuple[str, int]]
    stated_households: set[tuple[str, int]]  # the homes of its records showing a birth state


def clusters_object(f: Features, a: Side, b: Side, rules: Sequence[str]) -> bool:
    """Whether a cluster rule the rules file names says `a` and `b` are two people."""
    if "elsewhere" in rules and (_elsewhere(a, b) or _elsewhere(b, a)):
        return True
    if "dateless" in rules and (_dateless(a, b) or _dateless(b, a)):
        return True
    return "homoclave" in rules and (namesake_of_key(f, a, b) or namesake_of_key(f, b, a))


def cluster_rules_may_object(
    f: Features, left: Index, right: Index, rules: Sequence[str]
) -> NDArray[np.bool_]:
    """Pairs whose clusters a cluster rule may object to (over-marking costs only time)."""
    out = np.zeros(len(left), dtype=np.bool_)
    codes = _state_codes(f) if "elsewhere" in rules or "dateless" in rules else None
    if "elsewhere" in rules:
        out |= born_elsewhere(f, left, right, codes)
    if "homoclave" in rules:
        out |= namesake_key(f, left, right)
    if codes is not None and "dateless" in rules:
        phone, dated = f.text["phone"].ids, f.birth_date >= 0
        both = (phone[left] >= 0) & (phone[right] >= 0)
        other = both & (phone[left] != phone[right])
        undated = np.where(dated[left], right, left)
        holder = np.where(dated[left], left, right)
        state = codes[0][undated]
        other |= (state >= 0) & (state != _shown_state(f, codes, holder))
        out |= (dated[left] != dated[right]) & other
    return out


def _dateless(without: Side, holder: Side) -> bool:
    # No birth date anywhere (nor a CURP to read one from): the record shows a name and a
    # home, which a same-name junior shares with his father. Another birth state, or
    # other phones, say it is the other one.
    if without.first_year <= without.last_year or holder.first_year > holder.last_year:
        return False
    if without.states and holder.states and not without.states & holder.states:
        return True
    phones = {k for k in without.households if k[0] == "phone"}
    theirs = {k for k in holder.households if k[0] == "phone"}
    return bool(phones) and bool(theirs) and not phones & theirs


def _elsewhere(without: Side, holder: Side) -> bool:
    # A cluster without any valid CURP, born (as recorded) only where the other cluster's
    # records and CURPs never say, sharing no household key with it: a namesake from
    # another state (the other may lack a CURP too). A wrong state on one
    # record of the person is met by a shared address or phone, or by their other records.
    # Where either shows no home at all, the state is the only evidence.
    # A home counts only where a record of the holder showing a birth state shows it: a record
    # with neither state nor CURP joined the holder on name and date alone and may be the
    # namesake's own (its home would vouch for the namesake's other records one by one).
    if without.curps or not without.states or not holder.states:
        return False
    homes = holder.stated_households
    return not (without.states & holder.states or without.households & homes)


@dataclass(slots=True)
class Records:
    """What a few records show together, as a Side (for the online path's checks)."""

    members: list[int]
    curps: set[int]
    first_year: int
    last_year: int
    states: set[str]
    households: set[tuple[str, int]]
    stated_households: set[tuple[str, int]]


def records_side(f: Features, members: Sequence[int]) -> Records:
    """The Side of records `members` of `f` taken as one cluster."""
    years = [int(f.birth_date[i]) // 10000 for i in members if f.birth_date[i] >= 0]
    column = f.curp.column.ids
    states = [birth_states(f, i) for i in members]
    homes = [household_keys(f, i) for i in members]
    return Records(
        list(members),
        {int(column[i]) for i in members if f.curp.valid[i]},
        min(years, default=1 << 30),
        max(years, default=-(1 << 30)),
        set().union(*states),
        set().union(*homes),
        set().union(*(home for home, state in zip(homes, states, strict=True) if state)),
    )


def namesake_of_key(f: Features, without: Side, holder: Side) -> bool:
    """Whether `without` may be the namesake that `holder`'s keys say exists ("homoclave").

    Every valid CURP of the holder carries a later homoclave (position 17): RENAPO gave
    its root (name letters, birth date, sex and state) to someone else first. A cluster
    without any valid CURP that shares no NSS, phone or postal code with the holder may
    be that someone; so may any of its records showing a home the holder's records do not.
    """
    if without.curps or not holder.curps:
        return False
    if not all(_later_homoclave(f, curp) for curp in holder.curps):
        return False
    # Each record showing a home must share it: one that shares none may be the namesake
    # even when another CURP-less record of its cluster is the holder's own (they joined
    # on name and date alone before the holder's records came).
    homes = holder.households
    return not without.households & homes or any(
        (mine := household_keys(f, i)) and not mine & homes for i in without.members
    )


def _later_homoclave(f: Features, curp: int) -> bool:
    return str(f.curp.column.vocab.values[curp])[16:17] not in FIRST_HOMOCLAVES


# RENAPO's first key of a root: '0' for births up to 1999, 'A' from 2000 (DOMAIN-MX.md §1).
FIRST_HOMOCLAVES = ("0", "A")
HOUSEHOLD_FIELDS = ("nss", "phone", "postal_code")


def namesake_key(f: Features, left: Index, right: Index) -> NDArray[np.bool_]:
    """Pairs the "homoclave" rule may object to (clustering judges whole clusters).

    One record has a valid CURP with a later homoclave (not RENAPO's first key of its
    root), the other no valid CURP, and they share no NSS, phone or postal code.
    """
    valid = f.curp.valid
    holder = np.where(valid[left], left, right)
    other = np.where(valid[left], right, left)
    out = as_mask(valid[holder] & ~valid[other])
    homoclave = f.curp.chars[holder, 16]
    out &= ~np.isin(homoclave, [ord(c) for c in FIRST_HOMOCLAVES])
    for field in HOUSEHOLD_FIELDS:
        key = f.text[field].ids
        out &= ~((key[left] == key[right]) & (key[left] >= 0))
    return out


def birth_states(f: Features, i: int) -> set[str]:
    """Birth state record i shows: encoded in a valid CURP (positions 12-13), else recorded.

    A recorded state that contradicts the record's own valid CURP is the state where the
    birth was registered or where the person lives (DOMAIN-MX.md §1, frequent error).
    """
    if f.curp.valid[i]:
        return {str(f.curp.column.values[i])[11:13]}
    recorded = f.text["birth_state"].values[i]
    return {str(recorded)} if recorded is not None else set()


def household_keys(f: Features, i: int) -> set[tuple[str, int]]:
    """(field, value id) of record i's NSS, phone and postal code."""
    out: set[tuple[str, int]] = set()
    for field in HOUSEHOLD_FIELDS:
        value = int(f.text[field].ids[i])
        if value >= 0:
            out.add((field, value))
    return out


def born_elsewhere(
    f: Features, left: Index, right: Index, codes: _Codes | None = None
) -> NDArray[np.bool_]:
    """Pairs the "elsewhere" rule may object to (clustering judges whole clusters).

    Not both records have a valid CURP; one without records a birth state that the other
    does not show (in its valid CURP, else as recorded); they share no home (NSS, phone or
    postal code).
    """
    valid = f.curp.valid
    out = as_mask(~(valid[left] & valid[right]))
    holder = np.where(valid[left], left, right)
    other = np.where(valid[left], right, left)
    codes = codes if codes is not None else _state_codes(f)
    recorded = codes[0]
    out &= (recorded[other] >= 0) & (recorded[other] != _shown_state(f, codes, holder))
    for field in HOUSEHOLD_FIELDS:
        key = f.text[field].ids
        out &= ~((key[left] == key[right]) & (key[left] >= 0))
    return out


_Codes = tuple[NDArray[np.int64], NDArray[np.int64]]


def _shown_state(f: Features, codes: _Codes, rows: Index) -> NDArray[np.int64]:
    # The birth state `birth_states` reads: a valid CURP's, else the recorded one.
    recorded, in_curp = codes
    return np.where(f.curp.valid[rows], in_curp[rows], recorded[rows])


def _state_codes(f: Features) -> _Codes:
    # Two-letter state codes as numbers: as recorded, and in the CURP (positions 12-13).
    chars = f.curp.chars  # only the two state columns are widened
    state = chars[:, 11].astype(np.int64) * 256 + chars[:, 12]
    in_curp = np.where(f.curp.valid, state, -2)
    column = f.text["birth_state"]
    codes = np.array(
        [_code(str(v)) for v in column.vocab.values] + [-1], dtype=np.int64
    )  # id -1 picks the trailing entry
    return codes[column.ids], in_curp


def _code(state: str) -> int:
    return ord(state[0]) * 256 + ord(state[1]) if len(state) == 2 else -3
