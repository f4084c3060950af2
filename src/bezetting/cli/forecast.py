"""``bezetting forecast``: contact records or an interval series in, a forecast out.

Parses the options, reads the file (:mod:`bezetting.ingest`), forecasts every queue
(:func:`bezetting.core.forecast.forecast_queue`) with a progress bar, writes the interval-series
file and, on request, a self-contained HTML report with charts.
"""

from __future__ import annotations

import base64
import csv
import html
import io
import os
import re
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated

import numpy as np
import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from bezetting.cli._common import console_for
from bezetting.core.calendar import (
    DEFAULT_TIMEZONE,
    DatetimeArray,
    OpeningHours,
    to_local_naive,
    zone,
)
from bezetting.core.dates import DateInputError, parse_date
from bezetting.core.errors import BezettingError, InputError
from bezetting.core.forecast import (
    BACKTEST_ORIGINS,
    BACKTEST_STEP_DAYS,
    Event,
    ForecastSettings,
    IntervalSeries,
    Override,
    QueueForecast,
    aggregate_contacts,
    default_candidates,
    forecast_queue,
)
from bezetting.ingest import (
    is_interval_series_header,
    read_contact_records,
    read_interval_series,
    write_forecast,
)
from bezetting.ingest.timestamps import parse_timestamp
from bezetting.interchange import open_atomically, write_text_atomically

__all__ = ["parse_duration", "parse_event", "parse_interval", "parse_override", "register"]

_DURATION = re.compile(r"^\s*(\d+)\s*([mhdw])\s*$")
_UNIT = {"m": timedelta(minutes=1), "h": timedelta(hours=1), "d": timedelta(days=1),
         "w": timedelta(weeks=1)}  # fmt: skip


def parse_duration(text: str) -> timedelta:
    """``28d``, ``2w``, ``12h`` or ``90m`` as a timedelta."""
    match = _DURATION.match(text.lower())
    if not match:
        raise InputError(f"duration {text!r} is not understood; write it like 28d, 2w or 12h")
    return int(match.group(1)) * _UNIT[match.group(2)]


def parse_interval(text: str) -> int:
    """``15m``, ``30m``, ``60m`` or ``1h`` as minutes."""
    return int(parse_duration(text).total_seconds() // 60)


def parse_event(text: str) -> Event:
    """``NAME:FIRST..LAST`` or ``NAME:FIRST..LAST:FACTOR`` (days as 2020-03-16 or 16-03-2020)."""
    parts = text.rsplit(":", 2) if text.count(":") >= 2 else text.rsplit(":", 1)
    try:
        name, span = parts[0], parts[1]
        first, _, last = span.partition("..")
        factor = float(parts[2]) if len(parts) == 3 else None
        return Event(
            name=name.strip(),
            first_day=parse_date(first),
            last_day=parse_date(last or first),
            volume_factor=factor,
        )
    except DateInputError as exc:
        raise InputError(f"event {text!r}: {exc}") from exc
    except (IndexError, ValueError) as exc:
        raise InputError(
            f"event {text!r} is not understood; write NAME:2020-03-16..2020-04-30 or "
            "NAME:2020-03-16..2020-04-30:1.5"
        ) from exc


_OVERRIDE = re.compile(r"^(?:(?P<queue>[^@]+)@)?(?P<start>[^.]+)\.\.(?P<end>[^=]+)=(?P<change>.+)$")


def parse_override(text: str, *, timezone: str) -> Override:
    """``[QUEUE@]START..END=+10%`` or ``[QUEUE@]START..END=+5`` (contacts per interval);
    START and END are days (local midnight) or local times, as :mod:`bezetting.core.dates`
    reads them."""
    match = _OVERRIDE.match(text.strip())
    if not match:
        raise InputError(
            f"override {text!r} is not understood; write 2020-04-01..2020-04-08=+10% "
            "or sales@2020-04-01T08:00..2020-04-01T12:00=+5"
        )
    tz = zone(timezone)
    try:
        start = parse_timestamp(match["start"], tz)
        end = parse_timestamp(match["end"], tz)
        change = match["change"].strip()
        percent = float(change[:-1]) if change.endswith("%") else None
        absolute = None if percent is not None else float(change)
    except ValueError as exc:
        raise InputError(f"override {text!r}: {exc}") from exc
    return Override(
        start_utc=np.datetime64(int(start.timestamp()), "s"),
        end_utc=np.datetime64(int(end.timestamp()), "s"),
        percent=percent,
        contacts_per_interval=absolute,
        queue=match["queue"],
    )


def _read_history(
    path: Path,
    *,
    interval_minutes: int,
    timezone: str,
    columns: Sequence[str],
    delimiter: str,
    key_file: Path | None,
) -> tuple[IntervalSeries, ...]:
    with path.open(newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle, delimiter=delimiter), [])
    with path.open(newline="", encoding="utf-8") as handle:
        if is_interval_series_header(header):
            return read_interval_series(
                handle, interval_minutes=interval_minutes, source=str(path), timezone=timezone
            )
        mapping = {}
        for item in columns:
            name, _, column = item.partition("=")
            mapping[name.strip()] = column.strip()
        # Pseudonyms only need to be stable within this run unless a key file is given.
        key = key_file.read_bytes().strip() if key_file else os.urandom(32)
        records = read_contact_records(
            handle,
            pseudonym_key=key,
            source=str(path),
            column_map=mapping,
            timezone=timezone,
            delimiter=delimiter,
        )
    return aggregate_contacts(records, interval_minutes=interval_minutes, timezone=timezone)


def _opening_hours(specs: Sequence[str]) -> OpeningHours:
    if not specs:
        return OpeningHours.always()
    weekly: dict[str, str] = {}
    by_date: dict[date, str] = {}
    for spec in specs:
        key, _, value = spec.partition("=")
        if re.match(r"^\d", key.strip()):  # weekdays are names; a day starts with a digit
            by_date[parse_date(key)] = value
        else:
            weekly[key] = value
    return OpeningHours.weekly(weekly, by_date=by_date)


def forecast_command(
    history: Annotated[Path, typer.Argument(help="Contact records or interval-series CSV.")],
    horizon: Annotated[str, typer.Option(help="How far ahead: 28d, 2w, 12h.")] = "28d",
    interval: Annotated[str, typer.Option(help="Interval length: 15m, 30m or 60m.")] = "15m",
    out: Annotated[Path, typer.Option(help="Forecast interval-series CSV to write.")] = Path(
        "forecast.csv"
    ),
    report: Annotated[Path | None, typer.Option(help="HTML report to write.")] = None,
    start: Annotated[
        str | None,
        typer.Option("--from", help="First forecast interval (ISO 8601); default: after history."),
    ] = None,
    timezone: Annotated[str, typer.Option(help="Local time zone.")] = DEFAULT_TIMEZONE,
    holidays: Annotated[
        str,
        typer.Option(
            help="Country code: its public and optional holidays, and the day after each, "
            "are events. 'none': no holidays."
        ),
    ] = "NL",
    open_hours: Annotated[
        list[str] | None,
        typer.Option(
            "--open",
            help="Opening hours, e.g. 'mon-fri=08:00-20:00' or '2020-12-24=08:00-16:00' (repeat).",
        ),
    ] = None,
    event: Annotated[
        list[str] | None,
        typer.Option(help="Declared event NAME:FIRST..LAST[:FACTOR] (repeat)."),
    ] = None,
    override: Annotated[
        list[str] | None,
        typer.Option(help="Planner override [QUEUE@]START..END=+10% or =+5 (repeat)."),
    ] = None,
    column: Annotated[
        list[str] | None,
        typer.Option(help="Map a contact-record column: arrived_at=StartTime (repeat)."),
    ] = None,
    delimiter: Annotated[str, typer.Option(help="CSV field separator.")] = ",",
    backtest_origins: Annotated[
        int, typer.Option(help="Rolling backtest origins.")
    ] = BACKTEST_ORIGINS,
    backtest_step: Annotated[
        int, typer.Option(help="Days between backtest origins.")
    ] = BACKTEST_STEP_DAYS,
    interval_models: Annotated[
        bool, typer.Option(help="Also try statsforecast models directly on intervals (slower).")
    ] = True,
    aht_seconds: Annotated[
        float | None,
        typer.Option("--aht-seconds", help="AHT to use where the history has no handle times."),
    ] = None,
    pseudonym_key_file: Annotated[
        Path | None, typer.Option(help="Key for customer pseudonyms (default: random per run).")
    ] = None,
) -> None:
    """Forecast volume and handle time per queue and interval, choosing models by backtest."""
    console = console_for(stderr=True)
    try:
        interval_minutes = parse_interval(interval)
        series = _read_history(
            history,
            interval_minutes=interval_minutes,
            timezone=timezone,
            columns=column or [],
            delimiter=delimiter,
            key_file=pseudonym_key_file,
        )
        start_utc = None
        if start is not None:
            try:
                moment = parse_timestamp(start, zone(timezone))
            except ValueError as exc:
                raise InputError(f"--from {start!r}: {exc}") from exc
            start_utc = np.datetime64(int(moment.timestamp()), "s")
        settings = ForecastSettings(
            horizon=parse_duration(horizon),
            start_utc=start_utc,
            opening_hours=_opening_hours(open_hours or []),
            events=tuple(parse_event(text) for text in event or []),
            holidays_country=None if holidays.lower() == "none" else holidays.upper(),
            candidates=default_candidates(interval_models=interval_models),
            backtest_origins=backtest_origins,
            backtest_step_days=backtest_step,
            overrides=tuple(parse_override(text, timezone=timezone) for text in override or []),
            default_aht_seconds=aht_seconds,
        )
        results = []
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total} backtests"),
            TimeElapsedColumn(),
            console=console,
        ) as progress:
            for queue_series in series:
                task = progress.add_task(f"queue {queue_series.queue}", total=None)

                def update(_queue: str, done: int, total: int, task_id: TaskID = task) -> None:
                    progress.update(task_id, completed=done, total=total)

                results.append(forecast_queue(queue_series, settings=settings, on_progress=update))
        for result in results:
            if np.any(np.isnan(result.aht_seconds) & (result.volume > 0)):
                raise InputError(
                    f"queue {result.queue!r}: the history has no handle times, and "
                    "`bezetting staff` needs them; pass --aht-seconds (e.g. --aht-seconds 240)"
                )
        # The report is made before either file is written; each replaces its previous
        # version only when whole.
        page = render_report(series, results) if report is not None else ""
        with open_atomically(out) as handle:
            rows = write_forecast(results, handle)
        if report is not None:
            write_text_atomically(report, page)
    except BezettingError as exc:
        # Plain text, not markup: brackets in a bad value must print as written, and no HTML
        # escaping here (that belongs to the report page).
        console.print(Text("error: ", style="bold red") + Text(str(exc)), highlight=False)
        raise typer.Exit(code=2) from exc
    except OSError as exc:
        console.print(f"[bold red]error:[/] {exc}", highlight=False)
        raise typer.Exit(code=2) from exc
    _summary(console, results, rows, out, report)


def _summary(
    console: Console, results: Sequence[QueueForecast], rows: int, out: Path, report: Path | None
) -> None:
    table = Table(title="Forecast per queue (backtest over rolling origins)")
    for name in ("queue", "model", "why", "WAPE", "MASE", "bias", "volume", "AHT s"):
        table.add_column(name)
    for result in results:
        bt = result.choice.backtest
        aht = result.aht_seconds[np.isfinite(result.aht_seconds)]
        table.add_row(
            result.queue,
            result.choice.model.name,
            result.choice.reason,
            f"{100 * bt.wape:.1f}%",
            f"{bt.mase:.2f}",
            f"{100 * bt.bias:+.1f}%",
            f"{result.volume.sum():.0f}",
            f"{float(np.average(aht)):.0f}" if aht.size else "-",
        )
    console.print(table)
    console.print(
        f"wrote {rows} rows to {out}" + (f" and the report to {report}" if report else "")
    )


def _png(figure: object) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90, bbox_inches="tight")  # type: ignore[attr-defined]
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _charts(history: IntervalSeries, result: QueueForecast) -> tuple[str, str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    def local(instants: DatetimeArray) -> DatetimeArray:
        return to_local_naive(instants, timezone=result.timezone)

    shown = history.starts_utc >= history.starts_utc[-1] - np.timedelta64(21, "D")
    figure, axes = plt.subplots(figsize=(11, 3.6))
    axes.plot(local(history.starts_utc[shown]), history.volume[shown], color="#444", lw=0.8,
              label="actual history")  # fmt: skip
    times = local(result.starts_utc)
    axes.fill_between(times, result.volume_lo, result.volume_hi, color="#9ecae1", alpha=0.6,
                      label=f"{result.day_forecast.level:.0f}% prediction interval")  # fmt: skip
    axes.plot(times, result.volume_model, color="#08519c", lw=0.9, label="model forecast")
    if np.any(result.volume_override != 0):
        axes.plot(times, result.volume, color="#d94801", lw=0.9, ls="--", label="with overrides")
    axes.set_ylabel(f"contacts per {result.interval_minutes} min")
    axes.set_title(f"{result.queue}: {result.choice.model.name}")
    axes.legend(loc="upper left", fontsize=8)
    figure.autofmt_xdate()
    forecast_png = _png(figure)
    plt.close(figure)

    figure, axes = plt.subplots(figsize=(11, 3.2))
    for bt in result.choice.ranking:
        horizon = np.arange(1, bt.horizon_days + 1)
        chosen = bt.model_name == result.choice.model.name
        axes.plot(horizon, 100 * bt.wape_by_horizon, marker="o", lw=2.5 if chosen else 1,
                  label=f"{bt.model_name} ({100 * bt.wape:.1f}%)")  # fmt: skip
    axes.set_xlabel("horizon (days ahead)")
    axes.set_ylabel("backtest WAPE %")
    axes.set_title("Rolling-origin backtest error by horizon")
    axes.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.0, 0.5))
    backtest_png = _png(figure)
    plt.close(figure)
    return forecast_png, backtest_png


def render_report(histories: Sequence[IntervalSeries], results: Sequence[QueueForecast]) -> str:
    """A self-contained HTML page: per queue, the forecast against recent history, the
    backtest errors of every candidate, and what events, shifts and overrides did."""
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'><title>bezetting forecast</title>",
        "<style>body{font-family:sans-serif;margin:2em;max-width:70em}img{max-width:100%;"
        "height:auto}table{border-collapse:"
        "collapse}td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}"
        "td:first-child,th:first-child{text-align:left}</style></head><body>",
        "<h1>Forecast</h1>",
    ]
    by_queue = {series.queue: series for series in histories}
    for result in results:
        e = html.escape
        forecast_png, backtest_png = _charts(by_queue[result.queue], result)
        bt = result.choice.backtest
        parts.append(f"<h2>Queue {e(result.queue)}</h2>")
        parts.append(
            f"<p>Chosen model: <b>{e(result.choice.model.name)}</b>, backtest WAPE "
            f"{100 * bt.wape:.1f}%, MASE {bt.mase:.2f}, bias {100 * bt.bias:+.1f}% over "
            f"{bt.origins.size} origins of {bt.horizon_days} days. "
            f"Why this model: {e(result.choice.reason)}.</p>"
        )
        parts.append(f"<img alt='forecast' src='data:image/png;base64,{forecast_png}'>")
        parts.append(f"<img alt='backtest' src='data:image/png;base64,{backtest_png}'>")
        parts.append("<table><tr><th>model</th><th>WAPE</th><th>MASE</th><th>bias</th>")
        parts.extend(f"<th>day {h + 1}</th>" for h in range(bt.horizon_days))
        parts.append("</tr>")
        for row in result.choice.ranking:
            cells = "".join(f"<td>{100 * w:.1f}%</td>" for w in row.wape_by_horizon)
            parts.append(
                f"<tr><td>{e(row.model_name)}</td><td>{100 * row.wape:.1f}%</td>"
                f"<td>{row.mase:.2f}</td><td>{100 * row.bias:+.1f}%</td>{cells}</tr>"
            )
        parts.append("</table><ul>")
        shift = result.day_forecast.level_shift
        if shift is not None:
            parts.append(
                f"<li>Level shift found: from history day {shift.day_index} on, volume is "
                f"{shift.ratio:.2f} times before; earlier days were rescaled.</li>"
            )
        for applied in result.day_forecast.event_factors:
            ev = applied.event
            parts.append(
                f"<li>Event: {e(ev.name)}{f' ({e(ev.note)})' if ev.note else ''}, "
                f"{ev.first_day}..{ev.last_day}: volume x "
                f"{applied.factor:.2f} ({e(applied.source)})</li>"
            )
        for item, added in zip(result.overrides, result.override_changes, strict=True):
            change = float(np.sum(added))
            parts.append(f"<li>Planner {e(item.describe())}: {change:+.0f} contacts in all</li>")
        parts.append("</ul>")
    parts.append("</body></html>")
    return "\n".join(parts)


def register(app: typer.Typer) -> None:
    """Add ``bezetting forecast`` to the application."""
    app.command(name="forecast")(forecast_command)
