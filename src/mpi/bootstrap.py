"""The composition root: the one place that opens concrete adapters and wires the use cases.

Nothing here runs at import time; `build` takes overrides so tests (and the
API) can hand in a store, rules or model state of their own.
"""

from __future__ import annotations

from dataclasses import dataclass

from mpi.config import Settings
from mpi.matching.rules import MatchingRules
from mpi.rules_file import load_rules_or_default
from mpi.services.linking import LinkingService
from mpi.services.model import LinkingModel, term_frequencies_from_state
from mpi.store import open_store
from mpi.store.model_state import TERM_FREQUENCIES, ModelStateStore, open_model_state
from mpi.store.port import Store


@dataclass(slots=True)
class Services:
    """Everything the CLI and the API call, over one opened store. Close it when done."""

    settings: Settings
    store: Store
    model_state: ModelStateStore
    rules: MatchingRules
    linking: LinkingService

    def close(self) -> None:
        """Save the model state, then release the store."""
        try:
            self.linking.close()
        finally:
            self.model_state.close()
            self.store.close()


def load_settings_rules(settings: Settings) -> MatchingRules:
    """The rules file named by the settings, or the packaged default rules."""
    return load_rules_or_default(settings.rules_path)


def build(
    settings: Settings | None = None,
    *,
    store: Store | None = None,
    model_state: ModelStateStore | None = None,
    rules: MatchingRules | None = None,
) -> Services:
    """Open the store named by the settings and wire the use cases over it.

    Args:
        settings: defaults to `Settings.from_env()`.
        store: an already opened store to use instead of opening `settings.store_url`.
        model_state: where model state lives; defaults to the store URL's.
        rules: matching rules to use instead of the settings' rules file.

    Raises:
        StoreError: the store cannot be opened or reached.
        RulesError: the rules file is unreadable or wrong.
    """
    settings = settings or Settings.from_env()
    rules = rules or load_settings_rules(settings)
    store = store or open_store(settings.store_url)
    try:
        state = model_state or open_model_state(settings.store_url)
    except Exception:
        store.close()
        raise
    counts = term_frequencies_from_state(state.load(TERM_FREQUENCIES))
    model = LinkingModel(rules, counts, settings.candidate_cap)
    linking = LinkingService(store, model, state, settings.trusted_institutions)
    return Services(settings, store, state, rules, linking)
