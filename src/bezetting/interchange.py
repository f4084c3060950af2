"""Read and write the interchange files of DESIGN.md: interval series and requirements.

Interval series (history or forecast)::

    queue,interval_start,volume,aht_seconds[,volume_lo,volume_hi][,model]
    income-support,2020-03-16T08:00:00+01:00,41,312.5

Requirements::

    queue,interval_start,agents,agents_fractional,service_level,asa_seconds,abandon_rate,occupancy

Every row of an input file is validated; all bad rows are collected and reported together
(line, column, reason) and nothing is returned or written when any row is bad. A line is
the one an editor shows (the reader's own count, so blank lines and quoted fields that span
lines do not shift it). Every output file is written to a temporary file beside it that
replaces the target only when complete, so an error or Ctrl-C mid-way leaves the previous
file as it was and no half file behind.
"""

from __future__ import annotations

import csv
import math
import os
import secrets
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, TextIO

import numpy as np
from numpy.typing import NDArray

from bezetting.core.csv_rows import numbered_rows
from bezetting.core.dates import parse_wall_clock
from bezetting.core.errors import BadRowsError, InputError, RowError

__all__ = [
    "INTERVAL_SERIES_COLUMNS",
    "REQUIREMENTS_COLUMNS",
    "IntervalSeries",
    "numbered_rows",
    "open_atomically",
    "read_interval_rows",
    "read_interval_series",
    "write_bytes_atomically",
    "write_csv_atomically",
    "write_text_atomically",
]

INTERVAL_SERIES_COLUMNS = ("queue", "interval_start", "volume", "aht_seconds")
REQUIREMENTS_COLUMNS = (
    "queue",
    "interval_start",
    "agents",
    "agents_fractional",
    "service_level",
    "asa_seconds",
    "abandon_rate",
    "occupancy",
)


@dataclass(frozen=True)
class IntervalSeries:
    """Rows of an interval-series file, in file order.

    Attributes:
        queue: queue name per row.
        interval_start: the timestamp text as written (kept to echo it back unchanged).
        start_utc: interval start as UTC ``datetime64[s]``.
        volume: contacts per interval.
        aht_seconds: mean handle time per row (NaN where none was given).
    """

    queue: NDArray[np.str_]
    interval_start: NDArray[np.str_]
    start_utc: NDArray[np.datetime64]
    volume: NDArray[np.float64]
    aht_seconds: NDArray[np.float64]

    def __len__(self) -> int:
        return int(self.volume.size)

    def interval_seconds(self) -> float:
        """The interval length, from the most common step between a queue's rows.

        Raises:
            InputError: when no queue has two rows, or steps other than 15, 30 or 60 minutes.
        """
        steps: list[int] = []
        for name in np.unique(self.queue):
            starts = np.sort(self.start_utc[self.queue == name].astype(np.int64))
            steps.extend(int(s) for s in np.diff(starts) if s > 0)
        if not steps:
            raise InputError(
                "cannot tell the interval length from a file with one row per queue; "
                "give it (--interval 15m, 30m or 60m)"
            )
        values, counts = np.unique(np.asarray(steps), return_counts=True)
        step = int(values[np.argmax(counts)])
        if step not in (900, 1800, 3600):
            raise InputError(
                f"intervals must be 15, 30 or 60 minutes; the rows are {step / 60:g} minutes "
                "apart (give --interval if the file has gaps)"
            )
        return float(step)


def _number(text: str, *, line: int, column: str, errors: list[RowError]) -> float:
    """A finite number, or NaN with the reason added to ``errors``."""
    try:
        value = float(text)
    except ValueError:
        errors.append(RowError(line, column, f"{text!r} is not a number"))
        return math.nan
    if not math.isfinite(value):
        errors.append(RowError(line, column, f"{text!r} is not a finite number"))
        return math.nan
    return value


def _start(text: str, *, line: int, errors: list[RowError]) -> np.datetime64 | None:
    """The interval start as UTC, or None with the reason added to ``errors``: a date and time
    as :mod:`bezetting.core.dates` reads them, with its UTC offset (DESIGN.md), because a
    local time alone is an hour off around a DST change or in another zone's file."""
    try:
        moment = parse_wall_clock(text)
    except ValueError as exc:
        errors.append(RowError(line, "interval_start", str(exc)))
        return None
    if moment.tzinfo is None:
        errors.append(
            RowError(
                line,
                "interval_start",
                f"{text!r} has no UTC offset; write it as e.g. 2020-03-16T08:15:00+01:00 "
                "(+01:00 in winter and +02:00 in summer for Amsterdam, or Z for UTC)",
            )
        )
        return None
    return np.datetime64(int(moment.timestamp()), "s")


def read_interval_rows(lines: Iterable[str], *, source: str, aht_required: bool) -> IntervalSeries:
    """Read and validate the rows of an interval-series file: the one reading rule that
    ``bezetting staff`` and ``bezetting forecast`` share, so both name the same bad cells.

    Per column: ``queue`` not empty; ``interval_start`` a date and time with its UTC offset;
    ``volume`` a finite number >= 0; ``aht_seconds`` empty (unknown) or a finite number >= 0
    (0: no handle time measured, as when every contact was abandoned); a queue and instant
    at most once; a row as many fields as the header. Every bad cell of every row is
    reported. Other columns (a forecast's ``volume_lo``, ``model``, ...) are not read.

    Args:
        lines: the file's text lines (an open file).
        source: the file's name in messages.
        aht_required: the command needs handle times (``staff``): the ``aht_seconds`` column
            must exist, and a row with contacts must give one above 0. ``forecast`` can do
            without (it learns AHT from the rows that have one, or takes ``--aht-seconds``).

    Raises:
        InputError: the file is empty, lacks a required column or has no rows.
        BadRowsError: any row is bad; every bad cell is listed.
    """
    rows = numbered_rows(lines, source=source)
    header_line, header_cells = next(rows, (1, []))
    header = [name.strip() for name in header_cells]
    required = INTERVAL_SERIES_COLUMNS if aht_required else INTERVAL_SERIES_COLUMNS[:3]
    missing = [name for name in required if name not in header]
    if missing:
        raise InputError(
            f"{source}, line {header_line}: missing column(s) {', '.join(missing)}; the header "
            f"must contain {','.join(required)} (it is {','.join(header) or 'empty'})"
        )
    at = {name: header.index(name) for name in INTERVAL_SERIES_COLUMNS if name in header}
    queues: list[str] = []
    starts_text: list[str] = []
    starts: list[np.datetime64] = []
    volumes: list[float] = []
    ahts: list[float] = []
    errors: list[RowError] = []
    seen: dict[tuple[str, np.datetime64], int] = {}
    for line, row in rows:
        found = len(errors)
        if len(row) != len(header):
            errors.append(
                RowError(
                    line,
                    header[min(len(row), len(header) - 1)],
                    f"row has {len(row)} fields, header has {len(header)}",
                )
            )
        cells = {name: row[i].strip() if i < len(row) else "" for name, i in at.items()}
        queue = cells["queue"]
        if not queue:
            errors.append(RowError(line, "queue", "empty; need a queue name"))
        start = _start(cells["interval_start"], line=line, errors=errors)
        volume = _number(cells["volume"], line=line, column="volume", errors=errors)
        if volume < 0:
            errors.append(RowError(line, "volume", f"{volume:g} is negative; volume must be >= 0"))
        aht_text = cells.get("aht_seconds", "")
        aht = math.nan
        before_aht = len(errors)
        if aht_text:
            aht = _number(aht_text, line=line, column="aht_seconds", errors=errors)
            if aht < 0:
                errors.append(
                    RowError(line, "aht_seconds", f"{aht:g} is negative; seconds must be >= 0")
                )
        # A row cut short is reported once (above), not again for each cell it lacks.
        cut_short = at.get("aht_seconds", 0) >= len(row)
        aht_read = len(errors) == before_aht  # a bad cell is reported once
        if aht_required and volume > 0 and not aht > 0 and aht_read and not cut_short:
            errors.append(
                RowError(
                    line,
                    "aht_seconds",
                    f"{aht_text or 'empty'}: a row with contacts needs a handle time > 0 "
                    "seconds to be staffed",
                )
            )
        if start is not None and queue:
            earlier = seen.setdefault((queue, start), line)
            if earlier != line:
                errors.append(
                    RowError(
                        line, "interval_start", f"duplicate of line {earlier} for queue {queue!r}"
                    )
                )
        if start is None or len(errors) > found:
            continue
        queues.append(queue)
        starts_text.append(cells["interval_start"])
        starts.append(start)
        volumes.append(volume)
        ahts.append(aht)
    if errors:
        raise BadRowsError(source, errors)
    if not queues:
        raise InputError(f"{source}: no data rows below the header")
    return IntervalSeries(
        queue=np.asarray(queues, dtype=np.str_),
        interval_start=np.asarray(starts_text, dtype=np.str_),
        start_utc=np.asarray(starts, dtype="datetime64[s]"),
        volume=np.asarray(volumes, dtype=np.float64),
        aht_seconds=np.asarray(ahts, dtype=np.float64),
    )


def read_interval_series(path: str | os.PathLike[str]) -> IntervalSeries:
    """Read and validate an interval-series CSV whose rows need handle times (``staff``); see
    :func:`read_interval_rows`.

    Raises:
        InputError: the file is missing, empty, not UTF-8 or lacks a required column.
        BadRowsError: any row is bad; every bad cell is listed.
    """
    name = os.fspath(path)
    try:
        with open(name, newline="", encoding="utf-8-sig") as handle:
            return read_interval_rows(handle, source=name, aht_required=True)
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None


@contextmanager
def open_atomically(path: str | os.PathLike[str]) -> Iterator[TextIO]:
    """A text file (UTF-8, newlines as written) that replaces ``path`` only when the block
    ends without an error; until then ``path`` keeps its previous content.

    Example::

        with open_atomically("forecast.csv") as handle:
            write_forecast(forecasts, handle)
    """
    with _replacing(path) as fd, os.fdopen(fd, "w", newline="", encoding="utf-8") as handle:
        yield handle
        _to_disk(handle)


def write_text_atomically(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` all at once or not at all; see :func:`open_atomically`."""
    with open_atomically(path) as handle:
        handle.write(text)


def write_bytes_atomically(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` all at once or not at all (see :func:`open_atomically`)."""
    with _replacing(path) as fd, os.fdopen(fd, "wb") as handle:
        handle.write(data)
        _to_disk(handle)


def write_csv_atomically(
    path: str | os.PathLike[str], header: Sequence[str], rows: Iterable[Sequence[object]]
) -> None:
    """Write a CSV (header, then ``rows``) to ``path`` all at once or not at all: an error while
    ``rows`` is consumed keeps the previous file (see :func:`open_atomically`)."""
    with open_atomically(path) as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


_NEW_FILE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)


@contextmanager
def _replacing(path: str | os.PathLike[str]) -> Iterator[int]:
    """A descriptor of a new temporary file beside ``path`` (same folder, so the final rename
    is atomic) that replaces ``path`` when the block ends, or is removed when it raises.

    The caller closes the descriptor inside the block. A new file gets the mode ``open`` would
    give it (0o666 less the umask); a replaced file keeps its own mode.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    while True:
        temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
        try:
            fd = os.open(temporary, _NEW_FILE_FLAGS, 0o666)
            break
        except FileExistsError:
            continue
    try:
        yield fd
        with suppress(FileNotFoundError):  # a new file keeps the mode it was created with
            os.chmod(temporary, os.stat(target).st_mode)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _to_disk(handle: TextIO | BinaryIO) -> None:
    """Flush to the disk before the rename, so a crash cannot leave the new name empty."""
    handle.flush()
    os.fsync(handle.fileno())
