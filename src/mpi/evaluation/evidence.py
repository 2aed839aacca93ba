"""Which false merges of look-alikes went against evidence the batch itself holds.

A merged look-alike pair (persons a and b with records in one predicted cluster) is
*against evidence* when that cluster holds a record of a and a record of b that carry two
different valid CURPs, or recorded birth dates (not a placeholder such as 1900-01-01)
`GENERATION_YEARS` or more years apart: records the linker was given say two people, and it
merged them anyway (a rule that did not apply, or an excuse such as a reissued key that was
wrong). Every other false merge was made *on absent evidence*: nothing inside the merged
cluster says two people, e.g. a namesake's records without CURP, or a newborn's record next
to the named twin. Records outside the cluster are not read: they may hold evidence, but not
against the merge itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from mpi.domain.records import Record
from mpi.identity.curp import validate
from mpi.identity.dates import PLACEHOLDER_DATES

# Birth years this far apart are two generations (as the linker's generation rule reads them).
GENERATION_YEARS = 12

# Per record key: its valid CURP (None when absent or invalid) and its recorded birth year.
Evidence = dict[str, tuple[str | None, int | None]]


def record_evidence(records: Iterable[Record]) -> Evidence:
    """What each record shows that can say two people: a valid CURP and a birth year."""
    out: Evidence = {}
    for r in records:
        curp = r.curp if r.curp and validate(r.curp).valid else None
        born = r.birth_date  # a placeholder such as 1900-01-01 is no year
        year = born.year if born and born not in PLACEHOLDER_DATES else None
        out[r.key] = (curp.strip().upper() if curp else None, year)
    return out


def against_evidence(
    truth: Mapping[str, str],
    predicted: Mapping[str, str],
    merged: Iterable[tuple[str, str]],
    evidence: Evidence,
) -> int:
    """How many of the `merged` person pairs share a predicted cluster holding evidence that
    they are two (see the module docstring)."""
    merged = list(merged)
    involved = {p for pair in merged for p in pair}
    keys: dict[str, list[str]] = {}
    for key, person in truth.items():
        if person in involved and key in predicted:
            keys.setdefault(person, []).append(key)
    return sum(
        1 for a, b in merged if _against(keys.get(a, []), keys.get(b, []), predicted, evidence)
    )


def _against(
    a_keys: list[str], b_keys: list[str], predicted: Mapping[str, str], evidence: Evidence
) -> bool:
    for cluster in {predicted[k] for k in a_keys} & {predicted[k] for k in b_keys}:
        mine = [evidence.get(k, (None, None)) for k in a_keys if predicted[k] == cluster]
        theirs = [evidence.get(k, (None, None)) for k in b_keys if predicted[k] == cluster]
        for curp_a, year_a in mine:
            for curp_b, year_b in theirs:
                if curp_a and curp_b and curp_a != curp_b:
                    return True
                if year_a and year_b and abs(year_a - year_b) >= GENERATION_YEARS:
                    return True
    return False
