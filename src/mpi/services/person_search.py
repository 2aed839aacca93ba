"""Person search with keyset pagination: by exact CURP, or by first surname + birth date.

The store pages through matching *records* by record key; a person is listed once, at its
first matching record, so a person whose matching records straddle two pages is not listed
twice. A cursor names a store page (its `after` and size) and a position in that page, so
resuming re-reads exactly that page and skips what was already returned.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from mpi.domain.errors import Problem, ValidationError
from mpi.domain.pages import Page
from mpi.domain.persons import PersonWithRecords
from mpi.domain.stored_records import StoredRecord
from mpi.store.port import ReadTx

MAX_PAGE_SIZE = 100
_Position = tuple[str | None, int, int]


@dataclass(frozen=True, slots=True)
class PersonSearch:
    """Find persons by exact CURP, or by first surname + birth date (+ given names).

    Names are compared as stored (exactly), CURPs in upper case.
    """

    curp: str | None = None
    first_surname: str | None = None
    given_names: str | None = None
    birth_date: date | None = None

    def problems(self) -> list[Problem]:
        if self.curp or (self.first_surname and self.birth_date):
            return []
        message = "give a curp, or a firstSurname together with a birthDate"
        return [Problem("input", "search_criteria", message)]

    def matches(self, stored: StoredRecord) -> bool:
        r = stored.record
        if self.curp:
            return r.curp == self.curp.strip().upper()
        return (
            r.first_surname == (self.first_surname or "").strip()
            and r.birth_date == self.birth_date
            and (not self.given_names or r.given_names == self.given_names.strip())
        )


@dataclass(frozen=True, slots=True)
class PersonHit:
    """A person found, the keys of its records that matched, and the cursor just after it."""

    person: PersonWithRecords
    matched_record_keys: tuple[str, ...]
    cursor: str


@dataclass(frozen=True, slots=True)
class SearchPage:
    hits: tuple[PersonHit, ...]
    has_next: bool


def search_persons(tx: ReadTx, criteria: PersonSearch, first: int, after: str | None) -> SearchPage:
    """One page of at most `first` persons matching `criteria`.

    Raises:
        ValidationError: criteria incomplete, `first` outside 1..MAX_PAGE_SIZE, or a cursor
            that is not one of ours.
    """
    problems = criteria.problems()
    if not 1 <= first <= MAX_PAGE_SIZE:
        problems.append(Problem("first", "page_size", f"must be between 1 and {MAX_PAGE_SIZE}"))
    position = _decode_cursor(after, problems)
    if problems:
        raise ValidationError(problems)
    store_after, size, skip = position or (None, first, -1)
    hits: list[PersonHit] = []
    while True:
        page = _fetch(tx, criteria, store_after, size)
        for index, (person, keys) in enumerate(_first_seen(tx, criteria, page.items)):
            if index <= skip:
                continue
            if len(hits) == first:
                return SearchPage(tuple(hits), has_next=True)
            hits.append(PersonHit(person, keys, _encode_cursor((store_after, size, index))))
        if page.next_cursor is None or len(hits) == first:
            return SearchPage(tuple(hits), has_next=page.next_cursor is not None)
        store_after, size, skip = page.next_cursor, first, -1


def _fetch(tx: ReadTx, criteria: PersonSearch, after: str | None, limit: int) -> Page[StoredRecord]:
    if criteria.curp:
        return Page(tx.search_by_curp(criteria.curp.strip().upper()), None)
    assert criteria.first_surname is not None and criteria.birth_date is not None
    given = criteria.given_names.strip() if criteria.given_names else None
    surname = criteria.first_surname.strip()
    return tx.search_by_name_dob(surname, criteria.birth_date, given, limit=limit, after=after)


def _first_seen(
    tx: ReadTx, criteria: PersonSearch, records: Sequence[StoredRecord]
) -> list[tuple[PersonWithRecords, tuple[str, ...]]]:
    """Persons of `records`, in order, each only on the page of its first matching record."""
    keys: dict[str, list[str]] = {}
    for stored in records:
        if stored.person_id is not None:
            keys.setdefault(stored.person_id, []).append(stored.key)
    persons = tx.persons(keys)
    found = []
    for person_id, matched in keys.items():
        person = persons.get(person_id)
        if person is None:
            continue
        first_match = min(r.key for r in person.records if criteria.matches(r))
        if first_match == matched[0]:
            found.append((person, tuple(matched)))
    return found


def _encode_cursor(position: _Position) -> str:
    return base64.urlsafe_b64encode(json.dumps(position).encode()).decode()


def _decode_cursor(cursor: str | None, problems: list[Problem]) -> _Position | None:
    if cursor is None:
        return None
    try:
        after, size, skip = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, TypeError, binascii.Error):
        after, size, skip = None, None, None
    valid = (
        (after is None or isinstance(after, str))
        and isinstance(size, int)
        and isinstance(skip, int)
        and 1 <= size <= MAX_PAGE_SIZE
    )
    if not valid:
        problems.append(Problem("after", "cursor", "is not a cursor this API returned"))
        return None
    return after, size, skip
