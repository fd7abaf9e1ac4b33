"""CSV that spreadsheets open safely: cells that would run as formulas are escaped; and CSV
that spreadsheets wrote, read back (the people and the applications imports: `decode`,
`sniff_delimiter`, `header_columns`)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from flask_babel import lazy_gettext as _l

# Excel, LibreOffice and Google Sheets treat a cell starting with these as a formula (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def escape_cell(value: Any) -> str:
    """Prefix a single quote to anything a spreadsheet would evaluate; numbers stay numbers."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """Every CSV export in the product goes through here."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([escape_cell(h) for h in header])
    for row in rows:
        writer.writerow([escape_cell(cell) for cell in row])
    return buffer.getvalue()


# --- reading a spreadsheet's CSV ----------------------------------------------------------


class ImportFileError(ValueError):
    """The file as a whole cannot be read; nothing is imported."""


def decode(data: bytes) -> tuple[str, str]:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252, else a clear error."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "UTF-8"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "UTF-16"
    wrong = ImportFileError(_l(
        "The file is not in a text encoding we can read. In Excel, choose "
        "“Save as” → “CSV UTF-8 (comma delimited)” and upload that file."
    ))
    if b"\x00" in data:  # UTF-16/32 without a byte-order mark, or not text at all
        raise wrong
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError as exc:
        raise wrong from exc


def sniff_delimiter(first_line: str) -> str:
    """Excel writes semicolons where the decimal mark is a comma (Norway, Denmark)."""
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def header_columns(header: Sequence[str], aliases: Mapping[str, Iterable[str]]) -> dict[str, int]:
    """Column index of each known field, from a header row: a heading matches a field when,
    lower-cased with its spaces collapsed, it is one of the field's aliases; the first
    matching column wins."""
    found: dict[str, int] = {}
    for index, heading in enumerate(header):
        label = " ".join(heading.strip().lower().split())
        for name, names in aliases.items():
            if label in names and name not in found:
                found[name] = index
    return found
