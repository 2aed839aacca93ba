"""Term frequencies of name values, for the Splink-style adjustment of exact name levels.

Agreeing on HERNANDEZ is weaker evidence than agreeing on a rare surname. The counts come
from the data being linked, travel with the model (`to_mapping`) and can be updated one
record at a time by the online service.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from mpi.matching.features import NAME_FIELDS, Features


@dataclass(slots=True)
class TermFrequencies:
    """Value counts per name field (normalised values, as in Features.text)."""

    counts: dict[str, Counter[str]] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        self.totals = {name: sum(counter.values()) for name, counter in self.counts.items()}

    @classmethod
    def from_features(cls, features: Features) -> TermFrequencies:
        out = cls()
        out.add_features(features)
        return out

    def add_features(self, features: Features) -> None:
        """Count every record of `features` (also the incremental path: one new record)."""
        for name in NAME_FIELDS:
            column = features.text[name]
            present = column.ids[column.ids >= 0]
            per_id = np.bincount(present, minlength=len(column.vocab))
            counter = self.counts.setdefault(name, Counter())
            for i in np.flatnonzero(per_id):
                counter[column.vocab.values[i]] += int(per_id[i])
            self.totals[name] = self.totals.get(name, 0) + len(present)

    def add_values(self, name: str, values: Iterable[str]) -> None:
        listed = list(values)
        self.counts.setdefault(name, Counter()).update(listed)
        self.totals[name] = self.totals.get(name, 0) + len(listed)

    def total(self, name: str) -> int:
        return self.totals.get(name, 0)

    def frequency(self, name: str, value: str) -> float:
        """Share of records with `value` in field `name` (an unseen value counts once)."""
        total = self.total(name)
        if total == 0:
            return 1.0
        return max(self.counts[name].get(value, 0), 1) / total

    def frequencies_for(self, features: Features, name: str) -> NDArray[np.float64]:
        """frequency() for every vocabulary id of `features.text[name]`."""
        counter = self.counts.get(name, Counter())
        total = max(self.total(name), 1)
        vocab = features.text[name].vocab.values
        found = np.fromiter((counter.get(v, 0) for v in vocab), dtype=np.float64, count=len(vocab))
        return np.maximum(found, 1.0) / total

    def to_mapping(self) -> dict[str, Any]:
        return {name: dict(counter) for name, counter in self.counts.items()}

    @classmethod
    def from_mapping(cls, data: Mapping[str, Mapping[str, int]]) -> TermFrequencies:
        return cls({name: Counter(dict(values)) for name, values in data.items()})
