"""The linking model as the use cases see it: block keys, scores with explanations, thresholds,
and term frequencies kept current as records arrive.

Term frequencies make agreement on HERNANDEZ weaker evidence than agreement on
a rare surname. Counted over very few records they say nothing useful (after
ten records every surname looks common), so below `MIN_TF_RECORDS` counted
values the adjustment is off and the rules' average u is used instead.
"""

from __future__ import annotations

import functools
import json
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field

import numpy as np
from numpy.typing import NDArray

from mpi.domain.records import Record
from mpi.domain.stored_records import StoredRecord
from mpi.matching._cluster_rules import cluster_rules_may_object, namesake_of_key, records_side
from mpi.matching.blocking_keys import block_keys_of_rows
from mpi.matching.clustering import cluster_links
from mpi.matching.engine import MatchEngine, ScoredPairs
from mpi.matching.explain import Explanation, explain
from mpi.matching.features import NAME_FIELDS, Features, prepare
from mpi.matching.rules import MatchingRules
from mpi.matching.term_frequency import TermFrequencies
from mpi.matching.weights import prob_to_match_weight
from mpi.services.decide import Band, ScoredCandidate, Thresholds

MIN_TF_RECORDS = 1000
# A person's own records are joined before any link of the incoming record is tried.
_INNER_WEIGHT = 1e9
# Explanations cost a second scoring pass; stewards read the best few persons only.
EXPLAIN_TOP = 5


@dataclass(frozen=True, slots=True)
class CandidateScore:
    """One candidate record's score against the incoming record.

    The best record of each of the best EXPLAIN_TOP persons can explain itself; the
    explanation is computed when first read (a review task, an API answer), not for
    every registration.
    """

    scored: ScoredCandidate
    band: Band
    explainer: Callable[[], Explanation] | None = field(default=None, repr=False, compare=False)
    # A rule of batch clustering that reads whole clusters may object (joinable decides).
    cluster_rule_may_object: bool = field(default=False, compare=False)

    @property
    def explanation(self) -> Explanation | None:
        return self.explainer() if self.explainer is not None else None

    def to_mapping(self) -> dict[str, object]:
        out: dict[str, object] = {
            "record": self.scored.record_key,
            "person": self.scored.person_id,
            "probability": round(self.scored.probability, 6),
            "match_weight": round(self.scored.match_weight, 4),
            "band": self.band.value,
            "cannot_link": self.scored.cannot_link,
        }
        if self.explanation is not None:
            out["comparisons"] = [asdict(c) for c in self.explanation.comparisons]
        return out


class LinkingModel:
    """Rules + term frequencies, compiled for scoring one record at a time. Thread-safe.

    Args:
        rules: the matching rules.
        term_frequencies: counts kept with the model (None = start empty).
        candidate_cap: the largest block searched (default: the rules' max_block_size,
            the cap batch linking uses, so both make the same decisions).
    """

    def __init__(
        self,
        rules: MatchingRules,
        term_frequencies: TermFrequencies | None = None,
        candidate_cap: int | None = None,
    ) -> None:
        self.rules = rules
        self.term_frequencies = term_frequencies or TermFrequencies()
        t = rules.thresholds
        self.thresholds = Thresholds(t.link, t.review, t.ambiguity_margin)
        self.candidate_cap = candidate_cap or rules.blocking.max_block_size
        self._lock = threading.Lock()
        self._plain = MatchEngine(rules, None)
        self._adjusted = MatchEngine(rules, self.term_frequencies)
        self.changes = 0  # records observed since the counts were last saved
        self.counting = True  # False while an import holds its file's counts fixed

    @property
    def engine(self) -> MatchEngine:
        """The engine in use: with term frequencies once enough values are counted."""
        return self._adjusted if uses_term_frequencies(self.term_frequencies) else self._plain

    def block_keys(self, record: Record) -> tuple[str, ...]:
        """The record's block keys as the store indexes them."""
        return block_keys_of_rows(_single(record), self.rules.blocking.keys)[0]

    def block_keys_of_many(self, records: Sequence[Record]) -> list[tuple[str, ...]]:
        """`block_keys` of each record, from one feature table for them all."""
        return block_keys_of_rows(prepare(records), self.rules.blocking.keys)

    def score(self, record: Record, candidates: Sequence[StoredRecord]) -> list[CandidateScore]:
        """Score `record` against linked candidate records, best first, the best explained."""
        return self.score_many([(record, candidates)])[0]

    def score_many(
        self, groups: Sequence[tuple[Record, Sequence[StoredRecord]]]
    ) -> list[list[CandidateScore]]:
        """`score` of each (record, candidates) group, scored together in one table.

        Every comparison and hard-negative rule reads only the two rows of its pair, so a
        pair scores the same whichever other rows share its table; one table for several
        requests pays numpy's per-call set-up once instead of once per request.
        """
        rows: list[Record] = []
        left: list[int] = []
        right: list[int] = []
        for record, candidates in groups:
            left.extend([len(rows)] * len(candidates))
            right.extend(range(len(rows) + 1, len(rows) + 1 + len(candidates)))
            rows.append(record)
            rows.extend(c.record for c in candidates)
        if not left:
            return [[] for _ in groups]
        f = prepare(rows)
        lefts = np.array(left, dtype=np.intp)
        rights = np.array(right, dtype=np.intp)
        engine = self.engine
        scored = engine.score_pairs(f, lefts, rights)
        barred = engine.cannot_link(f, lefts, rights)
        unsure = cluster_rules_may_object(f, lefts, rights, self.rules.hard_negatives)
        out: list[list[CandidateScore]] = []
        start = 0
        for _, candidates in groups:
            pairs = range(start, start + len(candidates))
            out.append(self._ranked(engine, f, scored, (barred, unsure), pairs, candidates))
            start += len(candidates)
        return out

    def _ranked(
        self,
        engine: MatchEngine,
        f: Features,
        scored: ScoredPairs,
        flags: tuple[NDArray[np.bool_], NDArray[np.bool_]],
        pairs: range,
        candidates: Sequence[StoredRecord],
    ) -> list[CandidateScore]:
        barred, unsure = flags

        # Pair k scores candidates[k - pairs.start] (row scored.right[k] of `f`). Persons are
        # explained in the order decide ranks them (ties by person id, then record key), so
        # the best persons an answer shows are the ones that can explain themselves.
        def rank(k: int) -> tuple[float, str | None, str]:
            person = candidates[k - pairs.start].person_id
            return (-float(scored.probability[k]), person, f.keys[scored.right[k]])

        order = sorted(pairs, key=rank)
        out = []
        explained: set[str] = set()
        for k in order:
            stored = candidates[k - pairs.start]
            assert stored.person_id is not None
            probability = float(scored.probability[k])
            candidate = ScoredCandidate(
                stored.key,
                stored.person_id,
                probability,
                float(scored.match_weight[k]),
                bool(barred[k]),
            )
            why = None
            if stored.person_id not in explained and len(explained) < EXPLAIN_TOP:
                explained.add(stored.person_id)
                i, j = int(scored.left[k]), int(scored.right[k])
                why = functools.cache(functools.partial(explain, engine, f, i, j))
            band = self.thresholds.band(probability)
            out.append(CandidateScore(candidate, band, why, bool(unsure[k])))
        return out

    def joinable(self, record: Record, person: Sequence[StoredRecord], best_key: str) -> bool:
        """Whether batch clustering would join `record` to a person holding `person` records.

        Runs the engine's own clustering on [record, *person]: the person's records are
        linked first (strongest), then the record's links to them, so every hard rule the
        batch applies between clusters (different CURPs, twins, a generation apart, …)
        decides here too. True when the record ends with its best-scoring record.
        """
        others = [s.record for s in person if s.key != record.key]
        if not others:
            return True
        f = prepare([record, *others])
        n = len(others)
        inner = np.arange(1, n, dtype=np.intp)
        outer = np.arange(1, n + 1, dtype=np.intp)
        weights = self.engine.score_pairs(f, np.zeros(n, dtype=np.intp), outer).match_weight
        links = weights >= prob_to_match_weight(self.thresholds.link)
        left = np.concatenate([inner, np.zeros(int(links.sum()), dtype=np.intp)])
        right = np.concatenate([inner + 1, outer[links]])
        strength = np.concatenate([np.full(n - 1, _INNER_WEIGHT), weights[links]])
        labels = cluster_links(f, left, right, strength, rules=self.rules.hard_negatives).labels
        best = 1 + next(i for i, s in enumerate(others) if _key(s) == best_key)
        return bool(labels[0] == labels[best])

    def namesake_rival(
        self, record: Record, rival: Sequence[StoredRecord], best: Sequence[StoredRecord]
    ) -> bool:
        """Whether a person holding `rival` records, barred for `record`, still rivals the
        person holding `best` records, as batch clustering's ambiguity test decides
        (mpi.matching.ambiguity): the "homoclave" rule may have kept the record out of it
        (the record may be that key holder's namesake), and the record shares no NSS, phone
        or postal code with `best`'s records.
        """
        if "homoclave" not in self.rules.hard_negatives:
            return False
        theirs = [s.record for s in rival if s.key != record.key]
        mine = [s.record for s in best if s.key != record.key]
        f = prepare([record, *theirs, *mine])
        n, m = len(theirs), len(mine)
        alone = records_side(f, [0])
        if not theirs or not namesake_of_key(f, alone, records_side(f, range(1, n + 1))):
            return False
        return not alone.households & records_side(f, range(n + 1, n + m + 1)).households

    def observe(self, old: Record | None, new: Record) -> None:
        """Count `new`'s name values (and uncount `old`'s, the version it replaces)."""
        if not self.counting:
            return
        with self._lock:
            if old is not None:
                _uncount(self.term_frequencies, _single(old))
            self.term_frequencies.add_features(_single(new))
            self.changes += 1

    def add_counts(self, counts: TermFrequencies) -> None:
        """Add counts from a batch (e.g. a whole import file counted up front)."""
        with self._lock:
            tf = self.term_frequencies
            for name, counter in counts.counts.items():
                tf.counts.setdefault(name, Counter()).update(counter)
                tf.totals[name] = tf.totals.get(name, 0) + counts.total(name)

    def state(self) -> str:
        """The term-frequency counts as JSON text, to keep with the model."""
        with self._lock:
            return term_frequencies_state(self.term_frequencies)


def uses_term_frequencies(counts: TermFrequencies) -> bool:
    """Whether enough values are counted for the adjustment to mean anything."""
    return counts.total("first_surname") >= MIN_TF_RECORDS


def term_frequencies_state(counts: TermFrequencies) -> str:
    """Term-frequency counts as JSON text (what `term_frequencies_from_state` reads)."""
    return json.dumps(counts.to_mapping(), ensure_ascii=False)


def term_frequencies_from_state(text: str | None) -> TermFrequencies:
    """Counts saved by `LinkingModel.state` (empty counts for None)."""
    if not text:
        return TermFrequencies()
    data = json.loads(text)
    return TermFrequencies.from_mapping({name: Counter(v) for name, v in data.items()})


def _uncount(tf: TermFrequencies, f: Features) -> None:
    for name in NAME_FIELDS:
        value = f.text[name].value(0)
        counter = tf.counts.get(name)
        if value is None or counter is None or counter[value] <= 0:
            continue
        counter[value] -= 1
        if counter[value] == 0:
            del counter[value]
        tf.totals[name] -= 1


@functools.lru_cache(maxsize=64)
def _single(record: Record) -> Features:
    # One record's features serve its block keys and its term-frequency count.
    return prepare([record])


def _key(record: Record) -> str:
    return record.key
