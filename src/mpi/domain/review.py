"""Review tasks: uncertain decisions queued for a data steward."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

REVIEW_ID_PREFIX = "R"


class ReviewStatus(StrEnum):
    OPEN = "open"
    DECIDED = "decided"


@dataclass(frozen=True, slots=True)
class ReviewTask:
    """A question for a steward about a record and the persons it might belong to.

    `kind` names the question ("possible-match", "ambiguous-link" …); `payload`
    is a JSON text with the explanation (per-field levels and weights) the
    steward needs. The decision fields are None while the task is open.
    """

    id: str
    kind: str
    record_key: str | None
    person_ids: tuple[str, ...]
    created_at: datetime
    payload: str = "{}"
    status: ReviewStatus = ReviewStatus.OPEN
    decision: str | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None
    reason: str | None = None
