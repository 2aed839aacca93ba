"""Decoded lines of a UTF-8 text file with exact line numbers and a cap on line length.

Decoding line by line (instead of through a text wrapper) lets an encoding error name the line
it is on, and the cap keeps one hostile multi-megabyte line from being held in memory.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from mpi.domain.errors import ValidationError

MAX_LINE_BYTES = 1 << 20
_BOM = b"\xef\xbb\xbf"
_SNIFF_BYTES = 8192


def file_error(path: Path, line: int | None, rule: str, message: str) -> ValidationError:
    """A whole-file error naming the file (and the line, when there is one)."""
    where = f"{path}" + (f" line {line}" if line else "")
    return ValidationError.single("file", rule, f"{where}: {message}")


@dataclass(frozen=True, slots=True)
class Part:
    """The lines from byte `start` (a line start) to byte `stop`, after `lines_before` lines."""

    start: int
    stop: int
    lines_before: int


class FileLines:
    """Iterates the decoded lines of a file; `line_number` is the last line handed out.

    Lines longer than MAX_LINE_BYTES are replaced by an empty line and reported through
    `drain_skipped()`, so that a reader can turn them into row errors and go on.
    """

    def __init__(self, path: Path, part: Part | None = None) -> None:
        self.path = path
        self.line_number = part.lines_before if part is not None else 0
        self._part = part
        self._skipped: list[int] = []

    def __iter__(self) -> Iterator[str]:
        try:
            handle = self.path.open("rb")
        except OSError as exc:
            message = f"cannot be opened ({exc.strerror})"
            raise file_error(self.path, None, "unreadable", message) from exc
        with handle:
            self._refuse_binary(handle)
            if self._part is None:
                yield from self._decoded(handle)
                return
            handle.seek(self._part.start)
            data = handle.read(self._part.stop - self._part.start)
        yield from self._decoded(io.BytesIO(data))

    def drain_skipped(self) -> list[int]:
        """The numbers of the over-long lines skipped since the last call."""
        skipped, self._skipped = self._skipped, []
        return skipped

    def _refuse_binary(self, handle: BinaryIO) -> None:
        head = handle.read(_SNIFF_BYTES)
        handle.seek(0)
        if b"\x00" in head:
            line = head[: head.index(b"\x00")].count(b"\n") + 1
            raise file_error(self.path, line, "binary", "is not a text file (contains NUL bytes)")

    def _decoded(self, handle: BinaryIO) -> Iterator[str]:
        while True:
            raw = handle.readline(MAX_LINE_BYTES)
            if not raw:
                return
            self.line_number += 1
            if self.line_number == 1 and raw.startswith(_BOM):
                raw = raw[len(_BOM) :]
            if len(raw) == MAX_LINE_BYTES and not raw.endswith(b"\n"):
                self._skip_rest(handle)
                self._skipped.append(self.line_number)
                yield "\n"
                continue
            yield self._decode(raw)

    def _skip_rest(self, handle: BinaryIO) -> None:
        while True:
            chunk = handle.readline(MAX_LINE_BYTES)
            if not chunk or chunk.endswith(b"\n"):
                return

    def _decode(self, raw: bytes) -> str:
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            message = (
                f"is not UTF-8 (byte 0x{raw[exc.start]:02x} at column {exc.start + 1});"
                " save the file as UTF-8"
            )
            raise file_error(self.path, self.line_number, "encoding", message) from None
