"""The invoice list of a JSON file, read one element at a time.

An import file is `[ {...}, {...} ]` or `{"invoices": [ ... ], ...}`. This reads the brackets,
commas and top-level keys itself and leaves every element and value to the standard library's
decoder (`JSONDecoder.raw_decode`, the C scanner `json.loads` uses), so each element is decoded
exactly as `json.loads` would decode it, with the same hooks (Decimal amounts, NaN as text), while
only the element at hand and one piece of the file are in memory.

Anything else (a syntax error, a file that is no such list, `"invoices"` twice, text after the
end, nesting beyond the decoder's reach, bytes that are not UTF-8) raises `NotStreamable`: the
caller then reads the file whole, as before, to word the problem exactly.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any, TextIO

_PIECE = 1 << 16  # characters read at a time; a longer element doubles it
_WHITESPACE = re.compile(r"[ \t\n\r]*")  # JSON's own four, not str.isspace's


class NotStreamable(Exception):
    """The file is not a well-formed invoice list; read it whole to say why."""


class InvoiceList:
    """Iterate over the elements of the file's invoice list; afterwards ``others`` holds the
    other top-level keys of a `{"invoices": [...]}` file with their values, and ``count`` the
    number of elements."""

    def __init__(
        self, stream: TextIO, element: json.JSONDecoder, value: json.JSONDecoder | None = None
    ) -> None:
        self._stream = stream
        self._element = element
        self._value = value or element
        self._buffer = ""
        self._at = 0
        self._ended = False
        self.others: dict[str, Any] = {}
        self.count = 0

    def __iter__(self) -> Iterator[Any]:
        try:
            yield from self._document()
        except (json.JSONDecodeError, UnicodeDecodeError, RecursionError, ValueError) as exc:
            raise NotStreamable(str(exc)) from exc

    # --- the file's layout ---

    def _document(self) -> Iterator[Any]:
        first = self._next_char()
        if first == "[":
            yield from self._elements()
        elif first == "{":
            yield from self._wrapped()
        else:
            raise NotStreamable("not a list or an object")
        if self._next_char():
            raise NotStreamable("text after the end")

    def _wrapped(self) -> Iterator[Any]:
        self._at += 1  # {
        found = False
        while True:
            if self._next_char() != '"':
                raise NotStreamable("an object without an invoice list")
            key = self._decode(self._value)
            if self._next_char() != ":":
                raise NotStreamable("a key without a value")
            self._at += 1
            if key == "invoices":
                if found or self._next_char() != "[":
                    raise NotStreamable('"invoices" twice or not a list')
                found = True
                yield from self._elements()
            else:
                self.others[key] = self._decode(self._value)
            if self._closed("}"):
                break
        if not found:
            raise NotStreamable('no "invoices"')

    def _elements(self) -> Iterator[Any]:
        self._at += 1  # [
        if self._next_char() == "]":
            self._at += 1
            return
        while True:
            self._next_char()
            yield self._decode(self._element)
            self.count += 1
            if self._closed("]"):
                return

    def _closed(self, bracket: str) -> bool:
        """Past the comma after a value (False) or the closing bracket (True)."""
        separator = self._next_char()
        self._at += 1
        if separator not in {",", bracket}:
            raise NotStreamable("a missing comma")
        return separator == bracket

    # --- reading in pieces ---

    def _next_char(self) -> str:
        """The next character that is not whitespace ("" at the end), not consumed."""
        while True:
            found = _WHITESPACE.match(self._buffer, self._at)
            self._at = found.end() if found else self._at
            if self._at < len(self._buffer):
                return self._buffer[self._at]
            if not self._read_more():
                return ""

    def _decode(self, decoder: json.JSONDecoder) -> Any:
        """One JSON value from here on, read further while it runs past the piece in memory."""
        while True:
            try:
                value, end = decoder.raw_decode(self._buffer, self._at)
            except json.JSONDecodeError:
                if self._read_more():
                    continue
                raise
            # A number or a literal may go on in the next piece ("12" of "12.50").
            cut = end + 2 >= len(self._buffer) and not isinstance(value, dict | list | str)
            if cut and self._read_more():
                continue
            self._at = end
            return value

    def _read_more(self) -> bool:
        if self._ended:
            return False
        kept = self._buffer[self._at :]
        piece = self._stream.read(max(_PIECE, len(kept)))
        if not piece:
            self._ended = True
            return False
        self._buffer, self._at = kept + piece, 0
        return True
