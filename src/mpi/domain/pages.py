"""One page of a keyset-paginated listing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """Items in a stable order; pass `next_cursor` as `after` to get the following page.

    `next_cursor` is None on the last page. Cursors are opaque strings.
    """

    items: tuple[T, ...]
    next_cursor: str | None
