"""Counts of what a store holds."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class StoreStats:
    institutions: int
    records: int
    linked_records: int
    active_persons: int
    merged_persons: int
    block_keys: int  # distinct keys
    not_same: int
    open_review_tasks: int
    coverage: int
    encounters: int
    active_credentials: int
    audit_entries: int
