"""The linking use cases over one store and one model: register, resolve, golden view.

Each call is its own transaction. Term-frequency counts change as records
arrive and are saved with the model every `save_every` registrations and at
close, so a restart does not recount the whole graph.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime

from mpi.domain.errors import ConflictError, NotFoundError
from mpi.domain.records import Record
from mpi.services.audit import Actor, audit_entry
from mpi.services.golden import GoldenView, golden_view
from mpi.services.model import LinkingModel
from mpi.services.register import Registration, register_record
from mpi.services.resolve import (
    DEFAULT_LIMIT,
    Resolution,
    resolve_identities,
    resolve_identity,
)
from mpi.store.model_state import TERM_FREQUENCIES, ModelStateStore
from mpi.store.port import Store

SAVE_EVERY = 1000
RETRIES = 5


class LinkingService:
    """Register records, resolve identities and compute golden views.

    Args:
        store: the identity graph.
        model: blocking, scoring, thresholds and term frequencies.
        model_state: where term frequencies are saved (None = never saved).
        trusted_institutions: survivorship ranking for golden views, most trusted first.
        save_every: save term frequencies after this many changed records.
    """

    def __init__(
        self,
        store: Store,
        model: LinkingModel,
        model_state: ModelStateStore | None = None,
        trusted_institutions: Sequence[str] = (),
        save_every: int = SAVE_EVERY,
    ) -> None:
        self.store = store
        self.model = model
        self.model_state = model_state
        self.trusted_institutions = tuple(trusted_institutions)
        self.save_every = save_every
        self._saver: threading.Thread | None = None

    def register(self, record: Record, actor: Actor, at: datetime | None = None) -> Registration:
        """Register one validated record in its own transaction (see `register_record`).

        A transaction that loses a race for the same block keys (ConflictError from the
        store, e.g. two writers creating one lock node) is rolled back and retried from
        the start, so it decides again on what the winner committed.
        """
        for attempt in range(1, RETRIES + 1):
            try:
                with self.store.write() as tx:
                    result = register_record(
                        tx, self.model, record, actor, at, self.trusted_institutions
                    )
                break
            except ConflictError:
                if attempt == RETRIES:
                    raise
                time.sleep(random.uniform(0.005, 0.05) * attempt)
        if self.model.changes >= self.save_every:
            self._save_in_background()
        return result

    def resolve(self, record: Record, limit: int = DEFAULT_LIMIT) -> Resolution:
        """Candidate persons for `record`, best first; writes nothing."""
        with self.store.read() as tx:
            return resolve_identity(tx, self.model, record, limit)

    def resolve_many(self, records: Sequence[Record], limits: Sequence[int]) -> list[Resolution]:
        """`resolve` of each record (at most limits[i] persons), in one read transaction,
        scored together: the same answers, less work per record than one call each."""
        with self.store.read() as tx:
            return resolve_identities(tx, self.model, records, limits)

    def golden(self, person_id: str, actor: Actor | None = None) -> GoldenView:
        """The person's golden view, computed from its current records.

        A merged person's view is its survivor's. With an `actor`, the read is audited.

        Raises:
            NotFoundError: no such person.
        """
        if actor is not None:
            with self.store.write() as wtx:
                entry = audit_entry(actor, "person.read", "person", [person_id], _now())
                wtx.append_audit([entry])
        with self.store.read() as tx:
            found = tx.person(person_id)
            while found is not None and found.person.merged_into:
                found = tx.person(found.person.merged_into)
        if found is None:
            raise NotFoundError("person", person_id)
        return golden_view(found.person.id, found.records, self.trusted_institutions)

    def save_model(self) -> None:
        """Save the term-frequency counts with the model state (if there is a place for it)."""
        if self.model_state is None:
            return
        self.model.changes = 0
        self.model_state.save(TERM_FREQUENCIES, self.model.state(), _now())

    def _save_in_background(self) -> None:
        # Serialising a million records' counts takes a few hundred ms: not on a request.
        if self._saver is not None and self._saver.is_alive():
            return
        self.model.changes = 0
        self._saver = threading.Thread(target=self.save_model, name="mpi-model-save")
        self._saver.start()

    def close(self) -> None:
        """Save the model state; the store and model state are closed by their owner."""
        if self._saver is not None:
            self._saver.join()
        if self.model.changes:
            self.save_model()


def _now() -> datetime:
    return datetime.now(UTC)
