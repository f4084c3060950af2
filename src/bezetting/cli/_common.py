"""Shared bits of the command line: parsing durations and percentages, reporting errors,
drawing charts for files."""

from __future__ import annotations

import io
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.text import Text

from bezetting.core.errors import BezettingError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "console_for",
    "err_console",
    "figure_bytes",
    "parse_duration_seconds",
    "parse_service_level",
    "parse_share",
    "progress_enabled",
    "reports_errors",
]

PIPED_WIDTH = 160
"""Columns of output that goes to a file, a pipe or a log rather than a terminal: wide enough
for the CLI's tables, which rich would otherwise cut or wrap at its fallback of 80."""


def console_for(*, stderr: bool = False) -> Console:
    """A console on stdout (or stderr) that keeps a terminal's own width and, when the output
    is piped or logged, uses :data:`PIPED_WIDTH` unless ``COLUMNS`` says otherwise."""
    console = Console(stderr=stderr)
    if console.is_terminal or "COLUMNS" in os.environ:
        return console
    return Console(stderr=stderr, width=PIPED_WIDTH)


err_console = console_for(stderr=True)

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|d)?\s*$", re.IGNORECASE)
_UNIT_SECONDS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86400}


def parse_duration_seconds(text: str, *, option: str, bare_unit: str = "s") -> float:
    """``"240s"``, ``"4m"``, ``"1.5h"``, ``"2d"`` -> seconds; a bare number is in ``bare_unit``."""
    match = _DURATION.match(text)
    if not match:
        raise typer.BadParameter(
            f"{text!r} is not a duration; write e.g. 240s, 4m, 1h or 2d", param_hint=option
        )
    unit = (match.group(2) or bare_unit).lower()
    return float(match.group(1)) * _UNIT_SECONDS[unit]


def parse_share(text: str, *, option: str) -> float:
    """``"30%"`` or ``"0.3"`` -> 0.3."""
    raw = text.strip()
    try:
        value = float(raw[:-1]) / 100.0 if raw.endswith("%") else float(raw)
    except ValueError:
        raise typer.BadParameter(
            f"{text!r} is not a share; write e.g. 30% or 0.3", param_hint=option
        ) from None
    if not 0.0 <= value <= 1.0:
        raise typer.BadParameter(f"{text!r} must be from 0% to 100%", param_hint=option)
    return value


def parse_service_level(text: str) -> tuple[float, float]:
    """``"80/20"`` -> (0.8, 20.0): 80% answered within 20 seconds (``"80%/20s"`` also works)."""
    parts = text.split("/")
    if len(parts) != 2:
        raise typer.BadParameter(
            f"{text!r} is not a service level; write PERCENT/SECONDS, e.g. 80/20", param_hint="--sl"
        )
    share_text = parts[0].strip().rstrip("%")
    try:
        share = float(share_text) / 100.0
    except ValueError:
        raise typer.BadParameter(f"{parts[0]!r} is not a percentage", param_hint="--sl") from None
    seconds = parse_duration_seconds(parts[1], option="--sl")
    return share, seconds


@contextmanager
def reports_errors() -> Iterator[None]:
    """Turn bezetting's own errors, and files that cannot be read or written, into a clear
    message on stderr and exit code 2."""
    try:
        yield
    except BezettingError as exc:
        message = Text("error: ", style="bold red")
        message.append(str(exc))  # plain text: brackets in values must not read as markup
        err_console.print(message, highlight=False, soft_wrap=True)
        raise typer.Exit(code=2) from None
    except OSError as exc:
        # A file that cannot be read or written (no such folder, no permission, disk full):
        # say which and why, not a traceback.
        message = Text("error: ", style="bold red")
        where = f"{exc.filename}: " if exc.filename else ""
        message.append(f"{where}{exc.strerror or exc}")
        err_console.print(message, highlight=False, soft_wrap=True)
        raise typer.Exit(code=2) from None


def progress_enabled() -> bool:
    """Animate progress only for a person at a terminal."""
    return sys.stderr.isatty()


def figure_bytes(figure: Figure, path: Path, *, dpi: float | None = None) -> bytes:
    """A chart drawn in memory in the format ``path``'s suffix names (``.png``, ``.svg``,
    ``.pdf``; PNG without one), so that it can be written whole or not at all."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format=path.suffix.lstrip(".").lower() or None, dpi=dpi)
    return buffer.getvalue()
