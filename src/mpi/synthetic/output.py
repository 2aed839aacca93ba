"""Write a generated population as files: records, ground truth and hard-negative pairs."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from mpi.domain.records import RECORD_FIELDS
from mpi.synthetic.generate import Population, person_id

RECORDS_FILE = "records.csv"
TRUTH_FILE = "truth.csv"
HARD_NEGATIVES_FILE = "hard_negatives.csv"


@dataclass(frozen=True, slots=True)
class PopulationFiles:
    records: Path
    truth: Path
    hard_negatives: Path


def write_population(population: Population, out_dir: str | Path) -> PopulationFiles:
    """Write records.csv (canonical format), truth.csv and hard_negatives.csv into `out_dir`.

    The directory is created when missing; existing files of those names are replaced.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files = PopulationFiles(out / RECORDS_FILE, out / TRUTH_FILE, out / HARD_NEGATIVES_FILE)
    with files.records.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(RECORD_FIELDS)
        writer.writerows(population.rows())
    with files.truth.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(("institution", "record_id", "person_id"))
        writer.writerows(
            zip(
                population.columns["institution"],
                population.columns["record_id"],
                map(person_id, population.record_person.tolist()),
                strict=True,
            )
        )
    with files.hard_negatives.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(("person_a", "person_b", "kind"))
        writer.writerows(population.hard_negatives)
    return files
