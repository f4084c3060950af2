"""Reading a CSV or Excel file into a header and numbered rows of text, and mapping columns.

Everything the import use cases share before a single value is interpreted: decoding (with a
clear error for a file that is not in the expected encoding), the delimiter (comma, semicolon as
Dutch Excel writes, or tab), the first sheet of an ``.xlsx``, and matching columns to fields
(case and spaces ignored, aliases, ``--map column=field``).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from bezetting.core.errors import InputError, RowError

__all__ = ["Field", "Table", "bind_columns", "normalise_header", "read_table"]

_DELIMITERS = (",", ";", "\t")
_XLSX_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class Field:
    """A value an import understands, with the column names it is known by."""

    name: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    help: str = ""


@dataclass(frozen=True)
class Table:
    """A file's header and its non-blank rows, each with its 1-based line (header = line 1)."""

    header: tuple[str, ...]
    rows: list[tuple[int, tuple[str, ...]]]
    malformed: tuple[RowError, ...]


def normalise_header(name: str) -> str:
    """``" Arrived At "`` -> ``"arrived_at"``."""
    return "_".join(name.strip().lower().replace("-", " ").split())


def read_table(
    content: bytes, *, file_name: str, encoding: str = "utf-8", sheet: str | None = None
) -> Table:
    """Read CSV (any of , ; tab) or ``.xlsx`` bytes into a :class:`Table`.

    Raises:
        InputError: the file is empty, not in ``encoding``, or not a readable workbook.
    """
    if content.startswith(_XLSX_MAGIC) or file_name.lower().endswith(".xlsx"):
        return _read_xlsx(content, file_name=file_name, sheet=sheet)
    return _read_csv(content, file_name=file_name, encoding=encoding)


def _read_csv(content: bytes, *, file_name: str, encoding: str) -> Table:
    codec = "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
    try:
        text = content.decode(codec)
    except LookupError:
        raise InputError(f"unknown encoding {encoding!r}; try utf-8 or cp1252") from None
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        bad = content[exc.start : exc.start + 1].hex()
        raise InputError(
            f"{file_name}: line {line} is not valid {encoding} (byte 0x{bad}); save the file as "
            "UTF-8 (Excel: 'CSV UTF-8') or give its encoding, e.g. --encoding cp1252"
        ) from None
    if "\x00" in text:
        raise InputError(f"{file_name}: contains NUL characters; is it a text (CSV) file?")
    first_line = text.split("\n", 1)[0]
    if not first_line.strip():
        raise InputError(f"{file_name}: the file is empty or its first line (the header) is blank")
    delimiter = max(_DELIMITERS, key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = tuple(cell.strip() for cell in next(reader))
    rows: list[tuple[int, tuple[str, ...]]] = []
    malformed: list[RowError] = []
    line = reader.line_num
    try:
        for cells in reader:
            row_line = line + 1
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(header):
                malformed.append(
                    RowError(
                        row_line,
                        "",
                        f"has {len(cells)} cells, the header has {len(header)} "
                        f"(delimiter {delimiter!r}); check quoting",
                    )
                )
                continue
            rows.append((row_line, tuple(cells)))
    except csv.Error as exc:
        raise InputError(f"{file_name}: line {reader.line_num}: {exc}") from None
    return Table(header=header, rows=rows, malformed=tuple(malformed))


def _read_xlsx(content: bytes, *, file_name: str, sheet: str | None) -> Table:
    from openpyxl import load_workbook  # imported here: only Excel imports pay for it

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InputError(f"{file_name}: not a readable .xlsx workbook ({exc})") from None
    try:
        if sheet is not None and sheet not in workbook.sheetnames:
            raise InputError(
                f"{file_name}: no sheet {sheet!r}; the sheets are {', '.join(workbook.sheetnames)}"
            )
        worksheet = workbook[sheet] if sheet is not None else workbook.worksheets[0]
        values = worksheet.iter_rows(values_only=True)
        try:
            header_cells = next(values)
        except StopIteration:
            raise InputError(f"{file_name}: the sheet {worksheet.title!r} is empty") from None
        header = tuple(_cell_text(cell).strip() for cell in header_cells)
        while header and not header[-1]:
            header = header[:-1]
        rows: list[tuple[int, tuple[str, ...]]] = []
        for index, cells in enumerate(values, start=2):
            texts = tuple(_cell_text(cell) for cell in cells[: len(header)])
            texts += ("",) * (len(header) - len(texts))
            if any(t.strip() for t in texts):
                rows.append((index, texts))
        return Table(header=header, rows=rows, malformed=())
    finally:
        workbook.close()


def _cell_text(cell: object) -> str:
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, datetime) and cell.tzinfo is None and cell.time() == time():
        # Excel stores a date cell as midnight of that day: write the day, which a date field
        # and a date-and-time field (as midnight) both read.
        return cell.date().isoformat()
    if isinstance(cell, datetime | date | time):
        return cell.isoformat()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


def bind_columns(
    header: Sequence[str], fields: Sequence[Field], mapping: Mapping[str, str], *, file_name: str
) -> dict[str, int]:
    """Which column index holds each field the file provides.

    ``mapping`` maps a file column to a field name (``{"Beller": "customer_id"}``) and wins over
    names and aliases.

    Raises:
        InputError: a mapping names an unknown column or field, two columns claim one field, or
            a required field has no column.
    """
    known = {field.name: field for field in fields}
    normalised = [normalise_header(name) for name in header]
    bound: dict[str, int] = {}
    for column, field_name in mapping.items():
        if field_name not in known:
            raise InputError(
                f"--map {column}={field_name}: unknown field {field_name!r}; the fields are "
                f"{', '.join(known)}"
            )
        key = normalise_header(column)
        if key not in normalised:
            raise InputError(
                f"--map {column}={field_name}: {file_name} has no column {column!r}; its columns "
                f"are {', '.join(header)}"
            )
        bound[field_name] = normalised.index(key)
    mapped_columns = set(bound.values())
    for field in fields:
        if field.name in bound:
            continue
        for candidate in (field.name, *field.aliases):
            if candidate in normalised and normalised.index(candidate) not in mapped_columns:
                bound[field.name] = normalised.index(candidate)
                mapped_columns.add(bound[field.name])
                break
    missing = [field.name for field in fields if field.required and field.name not in bound]
    if missing:
        raise InputError(
            f"{file_name}: missing column(s) {', '.join(missing)}; the file has "
            f"{', '.join(header) or 'no columns'}. Rename them, or map them with "
            f"--map COLUMN=FIELD (e.g. --map {header[0] if header else 'Column'}={missing[0]})"
        )
    return bound
