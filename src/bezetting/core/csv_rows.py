"""CSV records with the line each starts on, for errors that name the line an editor shows."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from bezetting.core.errors import InputError

__all__ = ["numbered_rows"]


def numbered_rows(
    lines: Iterable[str], *, source: str, delimiter: str = ","
) -> Iterator[tuple[int, list[str]]]:
    """The non-blank records of CSV text, each with the line it starts on (1-based), header
    first: the line an editor shows, for error messages.

    The CSV reader counts the lines itself (``line_num``); counting records instead would shift
    every later line by each blank line and each quoted field that spans lines.

    Args:
        lines: the text line by line, e.g. a file opened with ``newline=""``.
        source: the file's name, for the error below.
        delimiter: the field separator.

    Raises:
        InputError: the ``csv`` module gives up on a line (a NUL byte, say).
    """
    reader = csv.reader(lines, delimiter=delimiter)
    last = 0
    try:
        for cells in reader:
            first, last = last + 1, reader.line_num
            if any(cell.strip() for cell in cells):
                yield first, cells
    except csv.Error as exc:
        raise InputError(f"{source}: line {reader.line_num}: {exc}") from None
