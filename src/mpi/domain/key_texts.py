"""Distinct key texts of which some are still UTF-8 bytes, decoded only when read as text.

A batch's key table is made on two cores: the texts of the forked half cross as one UTF-8
blob per kind, and a bulk load that stages its block keys in another process hands them
on as UTF-8 again. Splitting the blobs into strings (~0.08 µs a text, ~0.15 s at a
million records) is then left to a reader that wants the strings.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import overload

# Texts joined into one bytes object at a time, for a part held as strings.
_SLICE = 1 << 18


class KeyTexts(Sequence[str]):
    """A sequence of texts held in parts: lists of strings, or UTF-8 blobs of texts
    joined by a separator no text holds."""

    def __init__(self) -> None:
        self._parts: list[list[str] | tuple[bytes, str]] = []
        self._count = 0
        self._decoded: list[str] | None = None

    def add(self, texts: list[str] | KeyTexts) -> None:
        """Append `texts` (a KeyTexts' parts are appended as they are held)."""
        if isinstance(texts, KeyTexts):
            self._parts += texts._parts
            self._count += texts._count
        elif texts:
            self._parts.append(texts)
            self._count += len(texts)
        self._decoded = None

    def add_encoded(self, blob: bytes, separator: str, count: int) -> None:
        """Append the `count` texts of `blob` (UTF-8, texts joined by `separator`)."""
        if count:
            self._parts.append((blob, separator))
            self._count += count
        self._decoded = None

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        return self.decoded()[index]

    def __iter__(self) -> Iterator[str]:
        return iter(self.decoded())  # at C speed, not a __getitem__ call per text

    def first_bad(self, *separators: str) -> str | None:
        """An empty text or one holding one of `separators`, if any (else None), read
        from the blobs without decoding them."""

        def bad(text: str) -> bool:
            return not text or any(s in text for s in separators)

        for part in self._parts:
            if isinstance(part, list):
                joined = "".join(part)
                if not all(part) or any(s in joined for s in separators):
                    return next(filter(bad, part))
            elif _holds_bad(*part, separators):
                return next(filter(bad, part[0].decode().split(part[1])))
        return None

    def decoded(self) -> list[str]:
        """Every text as a string, in order (decoded once)."""
        if self._decoded is None:
            texts: list[str] = []
            for part in self._parts:
                texts += part if isinstance(part, list) else part[0].decode().split(part[1])
            if len(texts) != self._count:
                raise ValueError(f"{self._count} texts expected, {len(texts)} decoded")
            self._decoded = texts
        return self._decoded

    def encoded(self, separator: str) -> Iterator[bytes]:
        """The texts in UTF-8, joined by `separator`, in one or more pieces (a piece
        holds one text or more; pieces joined by `separator` are all the texts)."""
        for part in self._parts:
            if isinstance(part, list):
                for start in range(0, len(part), _SLICE):
                    yield separator.join(part[start : start + _SLICE]).encode()
            elif part[1] == separator:
                yield part[0]
            else:
                yield part[0].replace(part[1].encode(), separator.encode())


def encoded(texts: Sequence[str], separator: str) -> Iterator[bytes]:
    """`KeyTexts.encoded` of any sequence of texts."""
    if isinstance(texts, KeyTexts):
        yield from texts.encoded(separator)
        return
    for start in range(0, len(texts), _SLICE):
        yield separator.join(texts[start : start + _SLICE]).encode()


def _holds_bad(blob: bytes, own: str, separators: tuple[str, ...]) -> bool:
    """Whether the texts joined by `own` in `blob` hold an empty one or a separator
    (`own` itself no text holds: it splits them)."""
    mark = own.encode()
    return (
        not blob
        or any(s.encode() in blob for s in separators if s != own)
        or blob.startswith(mark)
        or blob.endswith(mark)
        or mark + mark in blob
    )
