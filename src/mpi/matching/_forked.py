"""The two-process map of the batch pipeline, mpi._fork's (shared with io's bulk reader)."""

from __future__ import annotations

from mpi._fork import forked_map, workers

__all__ = ["forked_map", "workers"]
