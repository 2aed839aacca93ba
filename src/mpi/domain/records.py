"""The institution-local patient record, as received in the canonical record format."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

# Column order of the canonical record file (DESIGN.md §4); outside tools rely on it.
RECORD_FIELDS: tuple[str, ...] = (
    "institution",
    "record_id",
    "curp",
    "given_names",
    "first_surname",
    "second_surname",
    "sex",
    "birth_date",
    "birth_state",
    "postal_code",
    "phone",
    "nss",
)


@dataclass(frozen=True, slots=True)
class Record:
    """One institution's record of a patient; empty fields are None, never ''."""

    institution: str
    record_id: str
    curp: str | None = None
    given_names: str | None = None
    first_surname: str | None = None
    second_surname: str | None = None
    sex: str | None = None
    birth_date: date | None = None
    birth_state: str | None = None
    postal_code: str | None = None
    phone: str | None = None
    nss: str | None = None

    @property
    def key(self) -> str:
        """The record's identity across the system: `institution:record_id`."""
        return f"{self.institution}:{self.record_id}"
