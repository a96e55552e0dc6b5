"""Invoices in from files: JSON or CSV to canonical `Invoice` documents plus structural problems.

Pure parsing: nothing is stored and no domain rule runs here (the caller does both). A document
that cannot be read is reported and left out; the other documents of the file still import.
The format is documented in docs/import-format.md.

A file is read twice, one piece at a time, so its size does not decide the memory an import
needs: `open_invoice_file` reads it through once to find what concerns the whole file (not
UTF-8, not JSON, a bad CSV header, repeated numbers) before anything is imported, and
`InvoiceFile.documents` then reads the documents one by one. A file that is not a well-formed
list of documents is read whole, as it always was, to say exactly what is wrong with it.
"""

from __future__ import annotations

import csv
import dataclasses
import difflib
import functools
import io
import json
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO, get_args, get_origin

from pydantic import BaseModel, ValidationError

from tilisilta.connectors.files.mapping.fingerprints import Fingerprints
from tilisilta.connectors.files.mapping.jsonstream import InvoiceList, NotStreamable
from tilisilta.domain.documents import Invoice, InvoiceKind, InvoiceLine
from tilisilta.domain.money import vat_of
from tilisilta.domain.validation import Problem, Severity

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class ImportResult:
    """What one file gave: the readable documents and why the others were left out."""

    invoices: list[Invoice]
    problems: list[Problem]
    seen: int  # documents read, good or bad

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class ReadDocument:
    """One document of a file as read: the invoice, or the problems that kept it out."""

    order: int  # where it stands in the file (JSON: its position; CSV: its first row)
    invoice: Invoice | None
    problems: list[Problem]


class UnsupportedFileType(ValueError):
    """The file's extension names no import format we read."""


class FileChanged(OSError):
    """The file read differently the second time: something is still writing it."""

    def __init__(self, source: str) -> None:
        super().__init__(
            f"{source} changed while it was being imported; the documents read before the "
            "change are imported. Import the file again once it is complete."
        )


@dataclass(frozen=True)
class _Source:
    """Where a file's text comes from: opened afresh for each reading, decoded as UTF-8."""

    name: str
    open: Callable[[], TextIO]
    whole: Callable[[], bytes | str]  # the content at once, to word a problem with the file

    @classmethod
    def of_path(cls, path: Path) -> _Source:
        return cls(path.name, lambda: path.open(encoding="utf-8-sig", newline=""), path.read_bytes)

    @classmethod
    def of_data(cls, data: bytes | str, name: str) -> _Source:
        def opened() -> TextIO:
            if isinstance(data, str):
                return io.StringIO(data.removeprefix("\ufeff"), newline="")
            return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")

        return cls(name, opened, lambda: data)


class InvoiceFile:
    """A file read through once: ``problems`` concern the whole file (an error among them means
    no document of it is read), ``expected`` is how many documents it holds, and `documents`
    reads them, one at a time, in file order (the CSV rows of an invoice that are not together
    are kept until the end of the file). ``seen`` counts the documents read so far."""

    def __init__(self, source: _Source) -> None:
        self.source = source.name
        self._source = source
        self.problems: list[Problem] = []
        self.expected = 0
        self.seen = 0
        self._numbers = Fingerprints()  # the document numbers in the file

    def documents(self) -> Iterator[ReadDocument]:
        raise NotImplementedError

    def may_hold(self, number: str) -> bool:
        """Whether a document of this number may be in the file (never False when it is)."""
        return number.strip() in self._numbers


def open_invoice_file(path: Path) -> InvoiceFile:
    """Check a `.json` or `.csv` file, chosen by its extension, as a whole."""
    opener = _OPENERS.get(path.suffix.lower())
    if opener is None:
        raise UnsupportedFileType(
            f"Cannot import {path.name}: the file type {path.suffix or '(no extension)'!r} is not "
            "supported. Save the invoices as .json or .csv (see docs/import-format.md)."
        )
    return opener(_Source.of_path(path))


def parse_invoice_file(path: Path) -> ImportResult:
    """Parse a `.json` or `.csv` file, chosen by its extension, into memory."""
    return _collect(open_invoice_file(path))


def _collect(file: InvoiceFile) -> ImportResult:
    reads = sorted(file.documents(), key=lambda read: read.order)
    return ImportResult(
        [read.invoice for read in reads if read.invoice is not None],
        [*file.problems, *(problem for read in reads for problem in read.problems)],
        file.seen,
    )


def _problem(
    document: str,
    field: str,
    value: Any,
    message: str,
    fix: str,
    rule: str,
    severity: Severity = Severity.ERROR,
) -> Problem:
    return Problem(
        document=document,
        field=field,
        value=_show(value),
        message=message,
        fix=fix,
        severity=severity,
        rule=rule,
    )


_QUOTED = 40  # a value quoted in a problem: its first 40 characters, then "…" (as the rules do)


def _show(value: Any) -> str | None:
    """The offending value as a short string for the problem list."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value
    elif isinstance(value, bool | dict | list):
        try:
            text = json.dumps(value, default=str, ensure_ascii=False)
        except (RecursionError, ValueError):
            text = type(value).__name__
    elif isinstance(value, int):
        text = str(Decimal(value))  # str() refuses an integer of over 4,300 digits
    else:
        text = str(value)
    return _shorten(text)


def _shorten(text: str) -> str:
    return text if len(text) <= _QUOTED else text[:_QUOTED] + "…"


_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def _decode(data: bytes | str, source: str) -> str | Problem:
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    if data[:2] in _UTF16_BOMS:
        return _problem(
            f"File {source}",
            "file",
            None,
            f"{source} is UTF-16 text (as Excel's 'Unicode Text' writes), not UTF-8.",
            "save the file as UTF-8 (in Excel: 'CSV UTF-8'), then import it again.",
            "import.encoding",
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return _not_utf8(data, exc, source)


def _not_utf8(data: bytes, exc: UnicodeDecodeError, source: str) -> Problem:
    """Name the line and, where the bytes read as Windows-1252 (Latin-1), the character: the
    usual cause is a spreadsheet's plain 'CSV' export. The file is not guessed at and read:
    a wrong guess would silently change names and texts."""
    byte = data[exc.start]
    line = data.count(b"\n", 0, exc.start) + 1
    start = data.rfind(b"\n", 0, exc.start) + 1
    end = data.find(b"\n", exc.start)
    # The text around the byte, as Windows-1252 would show it.
    row = data[max(start, exc.start - 20) : min(end if end >= 0 else len(data), exc.start + 20)]
    try:
        char = bytes([byte]).decode("cp1252")
        near = row.decode("cp1252").strip()
    except UnicodeDecodeError:
        char = near = ""
    seems = f' It looks like Windows-1252 (Latin-1) text, in which it is "{char}".' if char else ""
    return _problem(
        f"File {source}",
        "file",
        near or f"0x{byte:02x}",
        f"{source} is not UTF-8 text: byte 0x{byte:02x} on line {line} is not UTF-8.{seems}",
        "save the file as UTF-8 (in Excel: 'CSV UTF-8'; in other programs: encoding UTF-8), "
        "then import it again.",
        "import.encoding",
    )


def _empty_file(source: str, nothing: bool, fix: str) -> Problem:
    what = "empty (0 bytes)" if nothing else "empty (only blank space)"
    return _problem(
        f"File {source}",
        "file",
        None,
        f"{source} is {what}.",
        fix,
        "import.empty_file",
    )


def _no_documents(source: str, what: str) -> Problem:
    """A file that is well formed but holds no documents: said plainly, not an error."""
    return _problem(
        f"File {source}",
        "file",
        None,
        f"{source} holds no invoices ({what}); nothing was imported.",
        "nothing to do if there were none to export; otherwise check the export's selection "
        "(dates, status) and export again.",
        "import.no_documents",
        Severity.WARNING,
    )


# --- Checking one document against the canonical model ---


@dataclass(frozen=True)
class _Issue:
    """One reason a document does not fit the model, before it is worded for a format."""

    loc: Loc
    kind: str  # a pydantic error type, or "date" for our strict date check
    value: Any
    detail: str = ""  # pydantic's own message or expected values, for the rare generic case


def _check(raw: dict[str, Any]) -> Invoice | list[_Issue]:
    """The invoice, or why the document is none. `_prepare` follows the model's own nesting
    only, so a document nested deeper than any invoice is caught when the model refuses it:
    the models take no field of any shape, so one they take is a few levels deep."""
    issues: list[_Issue] = []
    dates: list[_Issue] = []
    prepared = _prepare(raw, Invoice, (), issues, dates)
    issues.extend(dates)
    # Our date check is stricter than pydantic's, so it owns the fields it flagged.
    flagged = {issue.loc for issue in issues}
    try:
        invoice = Invoice.model_validate(prepared)
    except ValidationError as exc:
        if _depth(raw) > _MAX_DEPTH:
            return [_Issue((), "too_deep", None)]
        for error in exc.errors():
            loc = tuple(error["loc"])
            if loc in flagged:
                continue
            value = None if error["type"] == "missing" else error.get("input")
            ctx = error.get("ctx") or {}
            detail = str(ctx.get("expected", error["msg"]))
            issues.append(_Issue(loc, error["type"], value, detail))
        return issues
    return issues or _arithmetic_issues(invoice) or invoice


def _prepare(
    raw: dict[str, Any], model: type[BaseModel], loc: Loc, issues: list[_Issue], dates: list[_Issue]
) -> dict[str, Any]:
    """The document as the model is to read it, in one walk. An empty string means "not
    given", in both formats: the field's default applies. Numbers outside the limits become
    ``issues``; the others are written in plain notation (`1.5e2` is read as 150), so no stored
    amount carries an exponent. Dates must be written YYYY-MM-DD (``dates``): pydantic would
    also take Unix timestamps and datetimes. Returns a new dict."""
    out: dict[str, Any] = {}
    fields = _fields(model)
    for key, value in raw.items():
        spec = fields.get(key)
        if spec is None or value is None:
            out[key] = value  # an unknown field is left for pydantic to name
            continue
        if isinstance(value, str) and not value.strip():
            continue
        if not spec.plain:
            here = (*loc, key)
            if spec.decimal:
                value = _number(value, here, issues)
            elif spec.decimal_map:
                if isinstance(value, dict):
                    value = {
                        _number(k, (*here, f"[{_shorten(k)}]"), issues): _number(
                            v, (*here, f"[{_shorten(k)}]"), issues
                        )
                        for k, v in value.items()
                    }
            elif spec.date:
                if not _is_iso_date(value):
                    dates.append(_Issue(here, "date", value))
            elif (inner := spec.inner) is not None:
                if isinstance(value, dict):
                    value = _prepare(value, inner, here, issues, dates)
                elif isinstance(value, list):
                    value = [
                        _prepare(item, inner, (*here, i), issues, dates)
                        if isinstance(item, dict)
                        else item
                        for i, item in enumerate(value)
                    ]
        out[key] = value
    return out


# --- Numbers: what the hub can compute with ---

# Finvoice amounts have at most 15 digits before the decimal point; more is no invoice's amount
# (the domain rules hold anything from 10^12 up as a data issue). Decimal places beyond 20 are no
# amount either. Within these limits every number is read exactly.
_MAX_INTEGER_DIGITS = 15
_MAX_DECIMALS = 20
_MAX_DEPTH = 16  # an invoice is a few levels deep (invoice, lines, line, dimensions)
_LINE_NUMBERS = ("quantity", "unit_price", "discount_percent", "vat_rate")


def _depth(value: Any) -> int:
    """How deeply lists and objects nest (a plain value counts one level below its list or
    object), counted without recursion (a hostile file may nest thousands of levels); stops
    counting past the limit. Only lists and objects are walked, not the plain values in them."""
    if not isinstance(value, dict | list):
        return 1
    deepest = 0
    stack: list[tuple[dict[Any, Any] | list[Any], int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item
        deepest = max(deepest, depth + 1 if children else depth)
        if deepest > _MAX_DEPTH:
            break
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return deepest


# A number as most files write it ("21.90", "-3"): within the limits and in plain notation.
_PLAIN_NUMBER = re.compile(rf"-?[0-9]{{1,{_MAX_INTEGER_DIGITS}}}(?:\.[0-9]{{1,{_MAX_DECIMALS}}})?")


def _number(value: Any, loc: Loc, issues: list[_Issue]) -> Any:
    if isinstance(value, str) and _PLAIN_NUMBER.fullmatch(text := value.strip()):
        plain = Decimal(text)
        if not plain.is_zero():
            return plain  # what the general way below gives, sooner
    number = _as_decimal(value)
    if number is None:
        return value  # not a number at all: pydantic names it
    if not number.is_zero() and number.adjusted() >= _MAX_INTEGER_DIGITS:
        issues.append(_Issue(loc, "number_too_large", value))
        return value
    if _decimals(number) > _MAX_DECIMALS:
        issues.append(_Issue(loc, "too_many_decimals", value))
        return value
    if number.is_zero():
        exponent = number.as_tuple().exponent  # 0.00 stays 0.00; 0E+400 and 0E-400 are 0
        return number if isinstance(exponent, int) and -_MAX_DECIMALS <= exponent <= 0 else 0
    return Decimal(format(number, "f"))


def _as_decimal(value: Any) -> Decimal | None:
    """The finite number a value stands for, or None when it is none (left to pydantic)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int | float):
        number = Decimal(value) if isinstance(value, int) else Decimal(repr(value))
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except ArithmeticError:
            return None
    else:
        return None
    return number if number.is_finite() else None


def _decimals(number: Decimal) -> int:
    """Decimal places, trailing zeros not counted: 1.500 has 1, 1E-7 has 7, 1E+3 has 0."""
    _, digits, exponent = number.as_tuple()
    if number.is_zero() or not isinstance(exponent, int):
        return 0
    trailing = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    return max(0, -(exponent + trailing))


def _is_decimal(annotation: Any) -> bool:
    return annotation is Decimal or Decimal in get_args(annotation)


def _is_decimal_map(annotation: Any) -> bool:
    return any(
        get_origin(arg) is dict and get_args(arg) == (Decimal, Decimal)
        for arg in (annotation, *get_args(annotation))
    )


def _arithmetic_issues(invoice: Invoice) -> list[_Issue]:
    """The hub computes every line's net and VAT and the totals to the cent; numbers within the
    limits can still multiply beyond what that arithmetic holds (10^13 × 10^13)."""
    if len(invoice.lines) < _FEW_LINES and all(map(_small_line, invoice.lines)):
        return []  # every sum stays below 10^24: far within the 28 digits of the arithmetic
    issues: list[_Issue] = []
    for position, line in enumerate(invoice.lines):
        try:
            vat_of(line.computed_net, line.vat_rate)
        except ArithmeticError:
            name = max(_LINE_NUMBERS, key=lambda n: abs(getattr(line, n)))
            value = getattr(line, name)
            issues.append(_Issue(("lines", position, name), "amount_too_large", value))
    if not issues:
        try:
            invoice.vat_breakdown()  # where the total can fail: the sums per rate, rounded
        except ArithmeticError:
            issues.append(_Issue(("lines",), "amount_too_large", None))
    return issues


_FEW_LINES = 1000


def _small_line(line: InvoiceLine) -> bool:
    """Quantity, price, discount and rate all below a million: the line's net is below 10^17
    and its VAT below 10^21, so no rounding to the cent can fail. (The `_LINE_NUMBERS`, named
    one by one: this runs for every line of every file.)"""
    return (
        line.quantity.adjusted() < 6
        and line.unit_price.adjusted() < 6
        and line.discount_percent.adjusted() < 6
        and line.vat_rate.adjusted() < 6
    )


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _is_iso_date(value: Any) -> bool:
    if not (isinstance(value, str) and _ISO_DATE.fullmatch(value.strip())):
        return False
    try:
        date.fromisoformat(value.strip())
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class _Field:
    """What a model's field holds, as the reading needs to know."""

    decimal: bool
    decimal_map: bool
    date: bool
    inner: type[BaseModel] | None  # the model inside it (a party, its address, the lines)
    plain: bool  # taken as written (text, a choice): nothing to do before the model


@functools.cache
def _fields(model: type[BaseModel]) -> dict[str, _Field]:
    """The fields of a model, worked out from their annotations once, not for every document."""
    return {name: _field(spec.annotation) for name, spec in model.model_fields.items()}


def _field(annotation: Any) -> _Field:
    decimal, decimal_map = _is_decimal(annotation), _is_decimal_map(annotation)
    is_date, inner = _is_date(annotation), _model_in(annotation)
    plain = not (decimal or decimal_map or is_date or inner)
    return _Field(decimal, decimal_map, is_date, inner, plain)


def _is_date(annotation: Any) -> bool:
    return annotation is date or date in get_args(annotation)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The model inside an annotation like `Party`, `Address | None` or `list[InvoiceLine]`."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _model_at(loc: Loc) -> type[BaseModel] | None:
    model: type[BaseModel] | None = Invoice
    for part in loc:
        if isinstance(part, int) or model is None:
            continue
        spec = model.model_fields.get(part)
        model = _model_in(spec.annotation) if spec is not None else None
    return model


# --- Wording: the same plain sentences for both formats ---


@dataclass(frozen=True)
class _Style:
    """What differs between formats when a problem is worded."""

    number_fix: str
    date_fix: str
    missing_fix: Callable[[str, str], str]  # (field label, where) -> fix


_JSON_STYLE = _Style(
    number_fix='write a number with a dot for decimals, e.g. 12.50 or "12.50".',
    date_fix="write the date as YYYY-MM-DD, e.g. 2026-03-31.",
    missing_fix=lambda label, where: f'add "{label.rsplit(".", 1)[-1]}" to {where}.',
)
_CSV_STYLE = _Style(
    number_fix="write a number such as 12.50 or 12,50, without thousands separators.",
    date_fix="write the date as YYYY-MM-DD (e.g. 2026-03-31) or D.M.YYYY (e.g. 31.3.2026).",
    missing_fix=lambda label, where: f"fill in the {label} column.",
)


def _words(issue: _Issue, label: str, where: str, style: _Style) -> tuple[str, str, str]:
    """(message, fix, rule) for one issue; `label` names the field as the user wrote it."""
    shown = f'"{_show(issue.value)}"'
    kind = issue.kind
    if kind == "missing":
        return f"{label} is missing.", style.missing_fix(label, where), "import.missing"
    if kind == "date" or kind.startswith("date"):
        return f"{label} {shown} is not a date.", style.date_fix, "import.not_a_date"
    if kind.startswith("decimal") or kind in {"finite_number", "float_parsing", "float_type"}:
        return f"{label} {shown} is not a number.", style.number_fix, "import.not_a_number"
    if kind == "number_too_large":
        return (
            f"{label} {shown} is too large: a number has at most {_MAX_INTEGER_DIGITS} digits "
            "before the decimal point.",
            "correct the number: no invoice has one this large, so it is a typing, unit or "
            "export error (such as a spreadsheet writing 1E+30).",
            "import.number_too_large",
        )
    if kind == "too_many_decimals":
        return (
            f"{label} {shown} has more than {_MAX_DECIMALS} decimals.",
            "round the number (amounts have 2 decimals, unit prices at most 5).",
            "import.too_many_decimals",
        )
    if kind == "amount_too_large" and issue.loc == ("lines",):
        return (
            "The invoice's total is too large to compute.",
            "correct the quantities and prices; they are likely typing or unit errors.",
            "import.amount_too_large",
        )
    if kind == "amount_too_large":
        return (
            f"{label} {shown} makes the line's total too large to compute.",
            "correct the quantity, unit price and discount of the line; a total this large is a "
            "typing or unit error.",
            "import.amount_too_large",
        )
    if kind == "unreadable":
        return (
            f"The document could not be read ({issue.detail}).",
            "check its numbers and dates against docs/import-format.md.",
            "import.unreadable",
        )
    if kind == "too_deep":
        return (
            f"The document is nested more than {_MAX_DEPTH} levels deep.",
            "write the invoice as docs/import-format.md shows: fields, a customer object and a "
            "list of line objects.",
            "import.too_deep",
        )
    if kind == "enum":
        return (
            f"{label} {shown} is not one of the allowed values.",
            f"use {issue.detail}.",
            "import.not_allowed",
        )
    if kind == "string_type":
        return (
            f"{label} must be text, not {shown}.",
            f'put the value in quotes: "{_show(issue.value)}".',
            "import.not_text",
        )
    if kind == "too_short" and issue.loc == ("lines",):
        return "The invoice has no lines.", "add at least one line.", "import.no_lines"
    if kind in {"string_too_short", "too_short"}:
        return f"{label} is empty.", f"fill in {label}.", "import.empty"
    if kind == "list_type":
        return f"{label} must be a list.", f"write {label} as a list: [ ... ].", "import.not_a_list"
    if kind in {"model_type", "model_attributes_type", "dict_type"}:
        return (
            f"{label} must be an object with fields.",
            f"write {label} as an object: {{ ... }}.",
            "import.not_an_object",
        )
    return f"{label} {shown}: {issue.detail}.", f"correct {label}.", f"import.{kind}"


# --- JSON ---


def parse_invoices_json(data: bytes | str, source: str) -> ImportResult:
    """Read a JSON list of invoices or `{"invoices": [...]}`; numbers become Decimal, not float."""
    return _collect(_JsonFile(_Source.of_data(data, source)))


def _json_int(text: str) -> int | Decimal:
    """A JSON integer; a very long one as a Decimal, since int() refuses over 4,300 digits (and
    may be set to refuse from 640). Either way a number this long is then reported as too large."""
    return int(text) if len(text) < 600 else Decimal(text)


# parse_constant: NaN/Infinity stay text, so they are reported as "not a number".
_JSON = json.JSONDecoder(parse_float=Decimal, parse_int=_json_int, parse_constant=str)
# The first reading looks at the documents' numbers only: their amounts need no Decimal yet.
_JSON_FIRST = json.JSONDecoder(parse_int=_json_int, parse_constant=str)


class _JsonFile(InvoiceFile):
    def __init__(self, source: _Source) -> None:
        super().__init__(source)
        self._whole: list[Any] | None = None  # the documents, when the file was read whole
        self._duplicates: dict[str, list[int]] = {}
        try:
            self._first_reading()
        except NotStreamable:
            self._read_whole()

    def _first_reading(self) -> None:
        """Through the file once: is it a well-formed list, how long, which numbers repeat."""
        repeated: set[int] = set()
        with self._source.open() as stream:
            listing = InvoiceList(stream, _JSON_FIRST, _JSON)
            for raw in listing:
                number = _plain_number(raw)
                if number is not None and not self._numbers.add(number):
                    repeated.add(hash(number))
        if not listing.count:
            raise NotStreamable("no documents")  # read whole, it is said as it always was
        self.problems.extend(_top_level_warnings(listing.others, self.source))
        self.expected = listing.count
        if repeated:  # hashes say where to look; the numbers themselves decide
            self._duplicates = _duplicate_numbers(self._listing(), among=repeated)

    def _read_whole(self) -> None:
        """The file at once, as before streaming: every problem with it is worded from this."""
        self.problems.clear()
        self._numbers = Fingerprints()
        documents = _json_in_memory(self._source.whole(), self.source, self.problems)
        self._whole = documents or []
        if documents is not None and not documents:
            self.problems.append(_no_documents(self.source, "an empty list"))
        self.expected = len(self._whole)
        self._duplicates = _duplicate_numbers(self._whole)
        for raw in self._whole:
            if (number := _plain_number(raw)) is not None:
                self._numbers.add(number)

    def _listing(self, decoder: json.JSONDecoder = _JSON_FIRST) -> Iterator[Any]:
        with self._source.open() as stream:
            try:
                yield from InvoiceList(stream, decoder, _JSON)
            except NotStreamable as exc:
                raise FileChanged(self.source) from exc

    def documents(self) -> Iterator[ReadDocument]:
        raws = self._whole if self._whole is not None else self._listing(_JSON)
        for position, raw in enumerate(raws, start=1):
            self.seen = position
            yield _json_document(raw, position, self.source, self._duplicates)


def _json_in_memory(data: bytes | str, source: str, problems: list[Problem]) -> list[Any] | None:
    """The documents of a file decoded whole, or None with the problem that stops the file."""
    text = _decode(data, source)
    if isinstance(text, Problem):
        problems.append(text)
        return None
    if not text.strip():
        fix = 'export the invoices again. A file with no invoices to import holds "[]".'
        problems.append(_empty_file(source, not text, fix))
        return None
    try:
        parsed = json.loads(text, parse_float=Decimal, parse_int=_json_int, parse_constant=str)
    except json.JSONDecodeError as exc:
        problems.append(_not_json(exc, source))
        return None
    except RecursionError:
        problems.append(_too_deep_file(source))
        return None
    return _json_documents(parsed, source, problems)


def _json_document(
    raw: Any, position: int, source: str, duplicates: Mapping[str, list[int]]
) -> ReadDocument:
    name = _json_name(raw, position, source)
    if not isinstance(raw, dict):
        problem = _problem(
            name,
            "document",
            raw,
            f"Document #{position} is not an invoice object.",
            "each item of the invoice list must be an object { ... } with invoice fields.",
            "import.not_an_object",
        )
        return ReadDocument(position, None, [problem])
    checked = _check_isolated(raw)
    if not isinstance(checked, Invoice):
        return ReadDocument(position, None, [_json_problem(name, i, raw) for i in checked])
    if checked.number in duplicates:
        return ReadDocument(
            position, None, [_duplicate_problem(name, checked.number, duplicates, source)]
        )
    return ReadDocument(position, checked, [])


def _check_isolated(raw: dict[str, Any]) -> Invoice | list[_Issue]:
    """`_check`, with the failure of arithmetic kept to its document: should a number pass the
    limits and still break a computation, that document is refused and the others still read."""
    try:
        return _check(raw)
    except (ArithmeticError, RecursionError) as exc:
        return [_Issue((), "unreadable", None, type(exc).__name__)]


def _too_deep_file(source: str) -> Problem:
    return _problem(
        f"File {source}",
        "file",
        None,
        f"{source} nests lists or objects thousands of levels deep; no invoice file does.",
        'export the invoices again. The file must hold a list of invoices or {"invoices": [...]}.',
        "import.too_deep",
    )


def _not_json(exc: json.JSONDecodeError, source: str) -> Problem:
    lines = exc.doc.splitlines()
    near = lines[exc.lineno - 1].strip() if 0 < exc.lineno <= len(lines) else None
    return _problem(
        f"File {source}",
        "file",
        near,
        f"{source} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}.",
        "look for a missing comma, quote or bracket at that place. The file must hold a list "
        'of invoices or {"invoices": [...]}.',
        "import.not_json",
    )


def _json_documents(parsed: Any, source: str, problems: list[Problem]) -> list[Any] | None:
    """The list of documents in the file, or None (with a problem) when there is none."""
    if isinstance(parsed, dict) and "invoices" in parsed:
        others = {k: v for k, v in parsed.items() if k != "invoices"}
        problems.extend(_top_level_warnings(others, source))
        parsed = parsed["invoices"]
    if isinstance(parsed, list):
        return parsed
    problems.append(
        _problem(
            f"File {source}",
            "invoices",
            type(parsed).__name__,
            f"{source} holds no list of invoices.",
            'write the invoices as a JSON list [ {...}, ... ] or as {"invoices": [ ... ]}.',
            "import.no_invoices",
        )
    )
    return None


def _top_level_warnings(others: Mapping[str, Any], source: str) -> list[Problem]:
    """Keys next to "invoices" are ignored, and said to be."""
    return [
        _problem(
            f"File {source}",
            key,
            others[key],
            f'Unknown top-level field "{key}" was ignored.',
            'only "invoices" is read at the top level; move the field into an invoice '
            "or remove it.",
            "import.unknown_field",
            Severity.WARNING,
        )
        for key in sorted(others)
    ]


def _label(number: str, kind: Any) -> str:
    """The document's name, as the domain rules name it ("Invoice 10001", "Credit note 10002")."""
    noun = "Credit note" if kind == InvoiceKind.CREDIT_NOTE.value else "Invoice"
    return f"{noun} {_shorten(number)}"


def _json_name(raw: Any, position: int, source: str) -> str:
    if isinstance(raw, dict):
        number = raw.get("number")
        if isinstance(number, str | int) and not isinstance(number, bool) and str(number).strip():
            return _label(str(number).strip(), raw.get("kind"))
    return f"Document #{position} in {source}"


def _plain_number(raw: Any) -> str | None:
    """A document's number when it is written as text, stripped; the key of duplicates."""
    if isinstance(raw, dict) and isinstance(raw.get("number"), str) and raw["number"].strip():
        return str(raw["number"].strip())
    return None


def _duplicate_numbers(
    documents: Iterable[Any], among: set[int] | None = None
) -> dict[str, list[int]]:
    """Numbers used by more than one document, with their positions: none of them is imported,
    because we cannot tell which one is meant. ``among``: the hashes of the only numbers that
    may repeat (found by a first reading)."""
    seen: dict[str, list[int]] = {}
    for position, raw in enumerate(documents, start=1):
        number = _plain_number(raw)
        if number is not None and (among is None or hash(number) in among):
            seen.setdefault(number, []).append(position)
    return {number: places for number, places in seen.items() if len(places) > 1}


def _duplicate_problem(
    name: str, number: str, duplicates: Mapping[str, list[int]], source: str
) -> Problem:
    places = ", ".join(f"#{p}" for p in duplicates[number])
    return _problem(
        name,
        "number",
        number,
        f"Invoice number {_shorten(number)} is used by more than one document in {source} "
        f"({places}).",
        "give every document its own number, or remove the extra copies.",
        "import.duplicate_number",
    )


def _json_path(loc: Loc) -> str:
    """A dotted path; line positions count from 1, as on the printed invoice: lines[1] is the
    first line."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        elif part.startswith("[") or not out:
            out += _shorten(part)  # a key of a map: stated_vat[25.5]
        else:
            out += f".{_shorten(part)}"
    return out


def _json_problem(name: str, issue: _Issue, raw: dict[str, Any]) -> Problem:
    loc = issue.loc
    prefix = ""
    if len(loc) >= 2 and loc[0] == "lines" and isinstance(loc[1], int):
        prefix = f"Line {loc[1] + 1}: "
        label, parent = _json_path(loc[2:]), loc[:2]
    else:
        label, parent = _json_path(loc), loc[:-1]
    where = _json_path(parent) or "the invoice"
    if parent[:1] == ("lines",) and len(parent) == 2 and isinstance(parent[1], int):
        where = f"line {parent[1] + 1}"
    if issue.kind == "extra_forbidden":
        # No "Line n:" prefix: the message already says where the field is.
        message, fix = _unknown_field(_shorten(str(loc[-1])), parent, where)
        return _problem(name, _json_path(loc), issue.value, message, fix, "import.unknown_field")
    message, fix, rule = _words(issue, label or "the document", where, _JSON_STYLE)
    return _problem(name, _json_path(loc), issue.value, prefix + message, fix, rule)


def _unknown_field(key: str, parent: Loc, where: str) -> tuple[str, str]:
    model = _model_at(parent)
    known = sorted(model.model_fields) if model is not None else []
    close = difflib.get_close_matches(key, known, n=1)
    message = f'Unknown field "{key}" in {where}; it would be lost.'
    if close:
        return message, f'did you mean "{close[0]}"? Correct the name, or remove the field.'
    return message, f"remove it. Fields of {where}: {', '.join(known)}."


# --- CSV ---

# Invoice-level columns and where they go in the canonical invoice.
_INVOICE_COLUMNS: dict[str, Loc] = {
    "invoice_number": ("number",),
    "kind": ("kind",),
    "invoice_date": ("invoice_date",),
    "due_date": ("due_date",),
    "supply_date": ("supply_date",),
    "currency": ("currency",),
    "customer_ref": ("customer", "ref"),
    "customer_name": ("customer", "name"),
    "customer_business_id": ("customer", "business_id"),
    "customer_vat_number": ("customer", "vat_number"),
    "customer_street": ("customer", "address", "street"),
    "customer_postal_code": ("customer", "address", "postal_code"),
    "customer_city": ("customer", "address", "city"),
    "customer_country": ("customer", "address", "country"),
    "customer_email": ("customer", "email"),
    "payment_reference": ("payment_reference",),
    "credited_invoice_number": ("credited_invoice_number",),
}
# Line-level columns, one row per line, and their field in InvoiceLine.
_LINE_COLUMNS: dict[str, str] = {
    "line_description": "description",
    "product_code": "product_code",
    "quantity": "quantity",
    "unit": "unit",
    "unit_price": "unit_price",
    "discount_percent": "discount_percent",
    "vat_rate": "vat_rate",
    "vat_treatment": "vat_treatment",
    "vat_exemption_reason": "vat_exemption_reason",
}
_REQUIRED_COLUMNS = (
    "invoice_number",
    "invoice_date",
    "due_date",
    "customer_ref",
    "customer_name",
    "line_description",
    "quantity",
    "unit_price",
    "vat_rate",
)
_NUMBER_COLUMNS = frozenset({"quantity", "unit_price", "discount_percent", "vat_rate"})
_DATE_COLUMNS = frozenset({"invoice_date", "due_date", "supply_date"})
_SPELLED_COLUMNS = _NUMBER_COLUMNS | _DATE_COLUMNS
_KNOWN_COLUMNS = (*_INVOICE_COLUMNS, *_LINE_COLUMNS)
_COLUMN_AT: dict[Loc, str] = {loc: column for column, loc in _INVOICE_COLUMNS.items()}
_LINE_COLUMN_OF: dict[str, str] = {name: column for column, name in _LINE_COLUMNS.items()}
_FINNISH_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")


@dataclass
class _Group:
    """The rows of one invoice, in file order."""

    number: str
    first_row: int
    name: str  # "Invoice 10001" or "Credit note 10002"
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # (line number, cells)
    problems: list[Problem] = field(default_factory=list)


def parse_invoices_csv(data: bytes | str, source: str) -> ImportResult:
    """Read a CSV file with one row per invoice line, grouped into invoices by invoice_number."""
    return _collect(_CsvFile(_Source.of_data(data, source)))


class _CsvFile(InvoiceFile):
    def __init__(self, source: _Source) -> None:
        super().__init__(source)
        self._header: list[str] = []
        self._delimiter = ";"
        self._scattered: set[str] = set()  # numbers whose rows are not all together
        try:
            found = self._first_reading()
        except UnicodeDecodeError:
            found = [self._not_utf8()]
        self.problems.extend(found)

    def _first_reading(self) -> list[Problem]:
        """Through the file once: its encoding, its quoting, its header, and its numbers."""
        source = self.source
        with self._source.open() as stream:
            lines = _Lines(stream)
            header_line = lines.header_line()
            if header_line is None:
                fix = (
                    "export the invoices again. A file with no invoices to import holds the "
                    "header row."
                )
                return [_empty_file(source, lines.empty, fix)]
            # The most frequent of the three in the header. Semicolons win a tie: Finnish
            # spreadsheets write them, because the comma is the decimal mark.
            delimiter = max(_DELIMITERS, key=header_line.count)
            reader = csv.reader(lines, delimiter=delimiter)
            header: list[str] | None = None
            numbers = _RowNumbers()
            at = _ABSENT
            try:
                for _line, cells in _numbered_rows(reader):
                    if header is None:
                        header = [cell.strip().lower() for cell in cells]
                        at = _column(header, "invoice_number")
                    else:
                        numbers.add(_cell(cells, at))
            except csv.Error as exc:
                for _rest in stream:  # text further on that is not UTF-8 is said first
                    pass
                return [_not_csv(source, reader.line_num, exc)]
        file_name = f"File {source}"
        if header is None:
            return [_empty_csv(source)]
        if not set(header) & set(_KNOWN_COLUMNS):
            return [_no_known_columns(header_line, delimiter, file_name)]
        header_problems = _header_problems(header, file_name)
        if header_problems:
            return header_problems
        if not numbers.rows:
            return [_no_documents(source, "only a header row")]
        self._header, self._delimiter = header, delimiter
        self._numbers, self._scattered = numbers.numbers, numbers.scattered
        self.expected = len(numbers.numbers) + numbers.numberless
        return []

    def _not_utf8(self) -> Problem:
        text = _decode(self._source.whole(), self.source)
        if isinstance(text, Problem):
            return text
        raise FileChanged(self.source)

    def documents(self) -> Iterator[ReadDocument]:
        if self.problems:
            return
        try:
            yield from self._documents()
        except (UnicodeDecodeError, csv.Error) as exc:
            raise FileChanged(self.source) from exc

    def _documents(self) -> Iterator[ReadDocument]:
        """The rows grouped into invoices, each handed on at the first row of another number,
        or at the end of the file when its rows are not all together."""
        header = self._header
        at_number, at_kind = _column(header, "invoice_number"), _column(header, "kind")
        groups: dict[str, _Group] = {}
        last = ""
        for line_number, cells in self._rows():
            number = _cell(cells, at_number)
            if not number:
                self.seen += 1
                yield ReadDocument(line_number, None, [_numberless_row(line_number, self.source)])
                continue
            if number != last:
                if last in groups and last not in self._scattered:
                    yield _csv_document(groups.pop(last))
                last = number
            group = groups.get(number)
            if group is None:
                self.seen += 1
                kind = _cell(cells, at_kind)
                group = groups[number] = _Group(number, line_number, _label(number, kind))
            if len(cells) != len(header):
                group.problems.append(
                    _row_length_problem(group.name, line_number, len(cells), len(header))
                )
                continue
            group.rows.append((line_number, dict(zip(header, map(str.strip, cells), strict=True))))
        for group in groups.values():
            yield _csv_document(group)

    def _rows(self) -> Iterator[tuple[int, list[str]]]:
        """The data rows, numbered by their line in the file."""
        with self._source.open() as stream:
            lines = _Lines(stream)
            lines.header_line()
            rows = _numbered_rows(csv.reader(lines, delimiter=self._delimiter))
            next(rows, None)  # the header
            yield from rows


class _Lines:
    """A CSV file's lines, with its header line found first: the first line that is not blank,
    split as `str.splitlines` splits (the delimiter is the one most used there)."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._read: list[str] = []
        self.empty = True  # no character at all (a byte order mark is none)

    def header_line(self) -> str | None:
        for line in self._stream:
            self._read.append(line)
            self.empty = False
            for part in line.splitlines():
                if part.strip():
                    return part
        return None

    def __iter__(self) -> Iterator[str]:
        yield from self._read
        self._read = []
        yield from self._stream


class _RowNumbers:
    """The invoice numbers of a file's rows: those there are, and those whose rows come back
    after another number's (that invoice is complete only at the end of the file)."""

    def __init__(self) -> None:
        self.numbers = Fingerprints()
        self.scattered: set[str] = set()
        self.rows = 0
        self.numberless = 0
        self._last = ""

    def add(self, number: str) -> None:
        self.rows += 1
        if not number:
            self.numberless += 1
        elif number != self._last:
            self._last = number
            if not self.numbers.add(number):
                self.scattered.add(number)


def _csv_document(group: _Group) -> ReadDocument:
    invoice = _csv_invoice_isolated(group)
    return ReadDocument(group.first_row, None if group.problems else invoice, group.problems)


def _not_csv(source: str, line: int, exc: csv.Error) -> Problem:
    return _problem(
        f"File {source}",
        "file",
        None,
        f"{source} is not readable as CSV at line {line}: {exc}.",
        "check the quotes on that line: a quoted cell must end with a quote.",
        "import.not_csv",
    )


def _numbered_rows(reader: Any) -> Iterator[tuple[int, list[str]]]:
    """Non-blank rows with the file line they start on (a quoted cell may span lines)."""
    consumed = 0
    for cells in reader:
        start, consumed = consumed + 1, reader.line_num
        if any(cell.strip() for cell in cells):
            yield start, cells


_ABSENT = sys.maxsize  # the place of a column the header does not have: past any row's cells


def _column(header: list[str], column: str) -> int:
    """Where a column stands, found once for all the rows of a file."""
    return header.index(column) if column in header else _ABSENT


def _cell(cells: list[str], index: int) -> str:
    """One cell by its column's place; "" when the column or the cell is absent."""
    return cells[index].strip() if index < len(cells) else ""


_DELIMITERS = (";", ",", "\t")
_DELIMITER_NAMES = {";": "semicolons", ",": "commas", "\t": "tabs"}
_OTHER_SEPARATORS = "|:~^#/\\"


def _no_known_columns(header_line: str, delimiter: str, file_name: str) -> Problem:
    """A header in which no column is known: most likely cells split by something else than
    semicolons, commas or tabs, or no header row at all. One problem instead of one per column."""
    shown = _shorten(header_line.strip())
    others = Counter(c for c in header_line if c in _OTHER_SEPARATORS)
    if others:
        found = others.most_common(1)[0][0]
        fix = (
            f'the cells seem to be separated by "{found}". Save the file with semicolons, commas '
            "or tabs between cells (in Excel: 'CSV UTF-8'), then import it again."
        )
    else:
        fix = (
            "the first row must be the header, with column names such as invoice_number, "
            "separated by semicolons, commas or tabs (see docs/import-format.md)."
        )
    return _problem(
        file_name,
        "header",
        shown,
        f"The first row names none of the known columns (read with "
        f"{_DELIMITER_NAMES[delimiter]} between cells).",
        fix,
        "import.no_known_columns",
    )


def _empty_csv(source: str) -> Problem:
    return _problem(
        f"File {source}",
        "file",
        None,
        f"{source} holds no rows with data, only empty cells.",
        "export the invoices with a header row and one row per invoice line.",
        "import.empty_file",
    )


def _header_problems(header: list[str], file_name: str) -> list[Problem]:
    """Header mistakes stop the whole file: an unknown column is a typo whose data would be lost
    from every invoice."""
    problems: list[Problem] = []
    for column in dict.fromkeys(header):
        if column not in _KNOWN_COLUMNS:
            close = difflib.get_close_matches(column, _KNOWN_COLUMNS, n=1)
            fix = (
                f'did you mean "{close[0]}"? Correct the header.'
                if close
                else f"remove the column. Known columns: {', '.join(_KNOWN_COLUMNS)}."
            )
            name = _shorten(column)
            message = f'Unknown column "{name}" in the header; its data would be lost.'
            problems.append(
                _problem(file_name, name, column, message, fix, "import.unknown_column")
            )
        elif header.count(column) > 1:
            problems.append(
                _problem(
                    file_name,
                    column,
                    column,
                    f'Column "{column}" appears {header.count(column)} times in the header.',
                    "keep one column of each name.",
                    "import.duplicate_column",
                )
            )
    for column in _REQUIRED_COLUMNS:
        if column not in header:
            problems.append(
                _problem(
                    file_name,
                    column,
                    None,
                    f'The header has no "{column}" column, which every invoice needs.',
                    f'add the column "{column}".',
                    "import.missing_column",
                )
            )
    return problems


def _numberless_row(line_number: int, source: str) -> Problem:
    return _problem(
        f"Row {line_number} in {source}",
        "invoice_number",
        None,
        f"Row {line_number}: invoice_number is empty, so the row belongs to no invoice.",
        "fill in invoice_number on every row; rows are grouped into invoices by it.",
        "import.missing",
    )


def _row_length_problem(name: str, line_number: int, cells: int, expected: int) -> Problem:
    return _problem(
        name,
        "row",
        str(cells),
        f"Row {line_number} has {cells} cells but the header has {expected}.",
        "quote cells that contain the delimiter (e.g. a decimal comma in a comma-separated file), "
        "or use semicolons between cells.",
        "import.row_length",
    )


def _csv_invoice_isolated(group: _Group) -> Invoice | None:
    """`_csv_invoice`, with a failure of arithmetic kept to its invoice (see `_check_isolated`)."""
    try:
        return _csv_invoice(group)
    except (ArithmeticError, RecursionError) as exc:
        group.problems.append(
            _problem(
                group.name,
                "document",
                None,
                f"Row {group.first_row}: the invoice could not be read ({type(exc).__name__}).",
                "check its numbers and dates against docs/import-format.md.",
                "import.unreadable",
            )
        )
        return None


def _csv_invoice(group: _Group) -> Invoice | None:
    """Build and check one invoice from its rows; problems go to the group."""
    if not group.rows:
        return None
    name = group.name
    values, origin = _invoice_values(group, name)
    raw: dict[str, Any] = {"customer": {"address": {}}, "lines": []}
    for column, loc in _INVOICE_COLUMNS.items():
        if column in values:
            _put(raw, loc, _normalize(column, values[column]))
    line_rows: list[int] = []
    for line_number, cells in group.rows:
        line = {
            field_name: _normalize(column, cells[column])
            for column, field_name in _LINE_COLUMNS.items()
            if cells.get(column)
        }
        raw["lines"].append(line)
        line_rows.append(line_number)

    checked = _check(raw)
    if isinstance(checked, Invoice):
        return checked
    for issue in checked:
        group.problems.append(_csv_problem(name, issue, group, origin, line_rows))
    return None


def _invoice_values(group: _Group, name: str) -> tuple[dict[str, str], dict[str, int]]:
    """Invoice-level cells of the group. A blank cell means "same as the other rows"; two
    different values are a problem, named by the row that disagrees."""
    values: dict[str, str] = {}
    origin: dict[str, int] = {}
    for line_number, cells in group.rows:
        for column in _INVOICE_COLUMNS:
            cell = cells.get(column, "")
            if not cell:
                continue
            if column not in values:
                values[column], origin[column] = cell, line_number
            elif cell != values[column] and _normalize(column, cell) != _normalize(
                column, values[column]
            ):
                group.problems.append(
                    _problem(
                        name,
                        column,
                        cell,
                        f'Row {line_number}: {column} "{cell}" differs from "{values[column]}" on '
                        f"row {origin[column]} of the same invoice.",
                        f"use the same {column} on every row of invoice {group.number}, or leave "
                        "it empty on all but one.",
                        "import.rows_disagree",
                    )
                )
    return values, origin


_SPACES = re.compile(r"[\s\u00a0\u202f]")  # thousands separators, as spreadsheets write them


def _normalize(column: str, cell: str) -> str:
    """Spreadsheet spellings to canonical ones: decimal commas, "25,5 %", D.M.YYYY dates."""
    if column not in _SPELLED_COLUMNS:
        return cell
    if column in _NUMBER_COLUMNS:
        text = _SPACES.sub("", cell).replace("\u2212", "-").removesuffix("%")
        return text.replace(",", ".") if "," in text and "." not in text else text
    if column in _DATE_COLUMNS and (match := _FINNISH_DATE.fullmatch(cell)):
        day, month, year = match.groups()
        return f"{year}-{int(month):02d}-{int(day):02d}"
    return cell


def _put(target: dict[str, Any], loc: Loc, value: str) -> None:
    for part in loc[:-1]:
        target = target.setdefault(str(part), {})
    target[str(loc[-1])] = value


def _csv_problem(
    name: str, issue: _Issue, group: _Group, origin: Mapping[str, int], line_rows: list[int]
) -> Problem:
    loc = issue.loc
    if len(loc) >= 2 and loc[0] == "lines" and isinstance(loc[1], int):
        row = line_rows[loc[1]]
        column = _LINE_COLUMN_OF.get(str(loc[2]), _json_path(loc)) if len(loc) > 2 else "lines"
    else:
        column = _COLUMN_AT.get(loc, _json_path(loc))
        row = origin.get(column, group.rows[0][0])
    cells = dict(group.rows)[row]
    # Show the cell as written ("12,5x"), not as normalized for parsing ("12.5x").
    value = cells.get(column) if issue.kind != "missing" else None
    issue = dataclasses.replace(issue, value=value)
    message, fix, rule = _words(issue, column, f"row {row}", _CSV_STYLE)
    return _problem(name, column, value, f"Row {row}: {message}", fix, rule)


_OPENERS: dict[str, Callable[[_Source], InvoiceFile]] = {".json": _JsonFile, ".csv": _CsvFile}
