"""Timestamps and dates as sortable text, the one encoding both store engines use.

Timestamps are fixed-width ISO-8601 UTC text and dates `YYYY-MM-DD`, so that both
compare as text in the order they compare as values.
"""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime

from mpi.domain.errors import ValidationError


def ts(value: datetime, field: str = "at") -> str:
    """A timezone-aware datetime as sortable UTC text; naive datetimes are refused."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError.single(field, "timezone-aware", "timestamps must carry a timezone")
    return _utc_text(value)


# Bulk writes stamp thousands of rows with the same instant; equal instants give equal text.
@functools.lru_cache(maxsize=1024)
def _utc_text(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def ts_or_none(value: datetime | None, field: str = "at") -> str | None:
    return None if value is None else ts(value, field)


def parse_ts(text: str) -> datetime:
    return datetime.fromisoformat(text)


def parse_ts_or_none(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def day_or_none(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def parse_day(text: str) -> date:
    return date.fromisoformat(text)


def parse_day_or_none(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)
