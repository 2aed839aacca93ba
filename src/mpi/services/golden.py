"""The golden view: a person's demographics computed from its records (survivorship).

Nothing is typed in by hand and nothing is stored: the view is computed from
the records the person holds at the moment it is asked for, so linking,
moving, merging or unmerging a record changes it at once and it can never go
stale (the HAPI MDM failure mode, ANCHORS.md §4).

Rules, field by field:
- CURP: a *valid* CURP (placeholders and broken keys never survive) from the
  most trusted institution; among equally trusted ones the most frequent, then
  the most recent. With no valid CURP the golden CURP is empty.
- Every other field: the most frequent value among the records, ties broken
  by the most recently received record, then by record key (so the view is
  deterministic).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from mpi.domain.records import RECORD_FIELDS, Record
from mpi.domain.stored_records import StoredRecord
from mpi.identity import curp as curp_rules

# Every demographic of the record format; institution and record_id identify the record.
GOLDEN_FIELDS: tuple[str, ...] = tuple(
    name for name in RECORD_FIELDS if name not in ("institution", "record_id")
)

FieldValue = str | date


@dataclass(frozen=True, slots=True)
class GoldenField:
    """One surviving value, the records that carry it, and the rule that chose it."""

    name: str
    value: FieldValue | None
    sources: tuple[str, ...]  # record keys holding this value, sorted
    rule: str  # "trusted-valid-curp", "most-frequent", "most-recent", "none"


@dataclass(frozen=True, slots=True)
class GoldenView:
    """A person's golden demographics, each field with its provenance."""

    person_id: str
    fields: tuple[GoldenField, ...]
    record_keys: tuple[str, ...]

    def value(self, name: str) -> FieldValue | None:
        """The surviving value of field `name` (None when no record carries one)."""
        for field in self.fields:
            if field.name == name:
                return field.value
        raise KeyError(name)

    def as_record(self) -> Record:
        """The golden demographics shaped as a Record (institution "MPI", id = person id)."""
        values = {f.name: f.value for f in self.fields}
        return Record(institution="MPI", record_id=self.person_id, **values)  # type: ignore[arg-type]


def golden_view(
    person_id: str,
    records: Sequence[StoredRecord],
    trusted_institutions: Sequence[str] = (),
) -> GoldenView:
    """Compute the golden view of a person from its records.

    Args:
        person_id: the person the records belong to.
        records: the person's records (any order).
        trusted_institutions: institution codes, most trusted first; CURPs from
            unlisted institutions rank after every listed one.
    """
    trust = {code.upper(): rank for rank, code in enumerate(trusted_institutions)}
    fields = [_curp_field(records, trust)]
    fields += [_frequent_field(name, records) for name in GOLDEN_FIELDS[1:]]
    keys = tuple(sorted(r.key for r in records))
    return GoldenView(person_id, tuple(fields), keys)


def _curp_field(records: Sequence[StoredRecord], trust: dict[str, int]) -> GoldenField:
    checks: dict[str, bool] = {}  # a person's records mostly carry one CURP: check it once
    for r in records:
        if r.record.curp and r.record.curp not in checks:
            checks[r.record.curp] = curp_rules.validate(r.record.curp).valid
    valid = [r for r in records if r.record.curp and checks[r.record.curp]]
    if not valid:
        return GoldenField("curp", None, (), "none")
    best_rank = min(_rank(r, trust) for r in valid)
    trusted = [r for r in valid if _rank(r, trust) == best_rank]
    field = _frequent_field("curp", trusted)
    return GoldenField("curp", field.value, field.sources, "trusted-valid-curp")


def _rank(record: StoredRecord, trust: dict[str, int]) -> int:
    return trust.get(record.record.institution.upper(), len(trust))


def _frequent_field(name: str, records: Iterable[StoredRecord]) -> GoldenField:
    holders: dict[FieldValue, list[StoredRecord]] = {}
    for stored in records:
        value = getattr(stored.record, name)
        if value is not None:
            holders.setdefault(value, []).append(stored)
    if not holders:
        return GoldenField(name, None, (), "none")
    if len(holders) == 1:  # the usual case: every record agrees, nothing to rank
        ((value, chosen),) = holders.items()
        return GoldenField(name, value, tuple(sorted(r.key for r in chosen)), "most-frequent")
    # Smallest record key first, then a stable sort by (count, newest) descending: equal
    # counts go to the newest value, equal timestamps to the smallest key.
    ranked = sorted(holders.items(), key=lambda item: min(r.key for r in item[1]))
    ranked.sort(key=_popularity, reverse=True)
    value, chosen = ranked[0]
    tied = len(ranked) > 1 and len(ranked[1][1]) == len(chosen)
    rule = "most-recent" if tied else "most-frequent"
    return GoldenField(name, value, tuple(sorted(r.key for r in chosen)), rule)


def _popularity(item: tuple[FieldValue, list[StoredRecord]]) -> tuple[int, datetime]:
    _, holders = item
    return len(holders), max(r.received_at for r in holders)
