"""HTTP range requests (RFC 9110, section 14): the one byte range a media player asks for."""

from __future__ import annotations

import re
from dataclasses import dataclass

_SINGLE_RANGE = re.compile(r"bytes=(\d*)-(\d*)")


@dataclass(frozen=True)
class ByteRange:
    first: int
    #: Inclusive, as in the headers.
    last: int

    @property
    def length(self) -> int:
        return self.last - self.first + 1

    def content_range(self, size: int) -> str:
        return f"bytes {self.first}-{self.last}/{size}"


class Unsatisfiable(Exception):
    """A range that starts past the end of the file (416)."""


def requested_range(header: str | None, size: int) -> ByteRange | None:
    """The part of a ``size``-byte file a ``Range`` header asks for: ``bytes=a-b``, ``a-`` or
    the last n bytes (``-n``); None for the whole file, when there is no header or it is not
    one well-formed byte range (a server may ignore what it does not serve: several ranges,
    other units). Raises Unsatisfiable for a range wholly past the file's end."""
    found = _SINGLE_RANGE.fullmatch((header or "").strip())
    if found is None or found.groups() == ("", ""):
        return None
    first, last = found.groups()
    if first == "":
        suffix = int(last)
        if suffix == 0 or size == 0:
            raise Unsatisfiable
        return ByteRange(max(size - suffix, 0), size - 1)
    start = int(first)
    if last and int(last) < start:
        return None
    if start >= size:
        raise Unsatisfiable
    return ByteRange(start, min(int(last), size - 1) if last else size - 1)
