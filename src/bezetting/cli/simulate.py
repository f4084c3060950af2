"""``bezetting simulate``: play a scenario file out, with replications and confidence intervals."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated

import numpy as np
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from bezetting.cli._common import (
    console_for,
    err_console,
    figure_bytes,
    progress_enabled,
    reports_errors,
)
from bezetting.core.csv_rows import numbered_rows
from bezetting.core.dates import parse_wall_clock
from bezetting.core.errors import InputError
from bezetting.core.simulate import (
    ReplicationResult,
    Scenario,
    ScenarioError,
    replicate,
    scenario_from_yaml,
)
from bezetting.core.simulate.scenario_file import ReplayReader
from bezetting.interchange import write_bytes_atomically, write_csv_atomically

__all__ = ["RESULT_COLUMNS", "read_replay_file", "register"]

RESULT_COLUMNS = (
    "queue",
    "interval_start",
    "offered",
    "answered",
    "abandoned",
    "redials",
    "service_level",
    "service_level_lo",
    "service_level_hi",
    "asa_seconds",
    "asa_seconds_lo",
    "asa_seconds_hi",
    "abandon_rate",
    "abandon_rate_lo",
    "abandon_rate_hi",
)
OCCUPANCY_COLUMNS = ("agent_group", "interval_start", "occupancy", "occupancy_lo", "occupancy_hi")


def read_replay_file(folder: Path) -> ReplayReader:
    """A reader for ``arrivals: {replay: FILE}``: a CSV whose ``arrived`` column (or only
    column) holds ISO 8601 timestamps with a UTC offset; ``FILE`` is relative to ``folder``."""

    def read(name: str) -> list[datetime]:
        path = folder / name
        try:
            with path.open(newline="", encoding="utf-8") as handle:
                rows = list(numbered_rows(handle, source=path.name))
        except OSError as exc:
            raise InputError(f"cannot read the replay file {str(path)!r}: {exc.strerror}") from None
        if not rows:
            raise InputError(f"the replay file {str(path)!r} is empty")
        header = [h.strip() for h in rows[0][1]]
        if "arrived" in header:
            column = header.index("arrived")
        elif len(header) == 1:
            column = 0
        else:
            raise InputError(f"the replay file {str(path)!r} needs a column named 'arrived'")
        moments = []
        for line, row in rows[1:]:  # the line an editor shows, blank lines counted
            try:
                moment = parse_wall_clock(row[column])
            except IndexError:
                raise InputError(f"{path.name}, line {line}: no 'arrived' cell") from None
            except ValueError as exc:
                raise InputError(f"{path.name}, line {line}: {exc}") from None
            if moment.tzinfo is None:
                raise InputError(f"{path.name}, line {line}: the timestamp needs a UTC offset")
            moments.append(moment)
        return moments

    return read


def _label(scenario: Scenario, seconds: float) -> str:
    if scenario.start is None:
        return f"{seconds:g}"
    return (scenario.start + timedelta(seconds=float(seconds))).isoformat()


def _rows(result: ReplicationResult) -> list[list[object]]:
    scenario = result.scenario
    k = result.per_interval
    starts = scenario.interval_starts_seconds()
    rows: list[list[object]] = []

    def fmt(value: float, digits: int) -> str:
        return "" if not np.isfinite(value) else f"{value:.{digits}f}"

    for q, queue in enumerate(scenario.queues):
        for i, start in enumerate(starts):
            row: list[object] = [queue.name, _label(scenario, start)]
            row += [fmt(getattr(k, f).mean[q, i], 2) for f in ("offered", "answered", "abandoned")]
            row.append(fmt(k.redials.mean[q, i], 2))
            for name, digits in (("service_level", 4), ("asa_seconds", 1), ("abandon_rate", 4)):
                e = getattr(k, name)
                row += [
                    fmt(e.mean[q, i], digits),
                    fmt(e.low[q, i], digits),
                    fmt(e.high[q, i], digits),
                ]
            rows.append(row)
    return rows


def _occupancy_rows(result: ReplicationResult) -> list[list[object]]:
    scenario = result.scenario
    e = result.occupancy_per_interval
    rows: list[list[object]] = []
    for g, group in enumerate(scenario.agent_groups):
        for i, start in enumerate(scenario.interval_starts_seconds()):
            values = (e.mean[g, i], e.low[g, i], e.high[g, i])
            row: list[object] = [group.name, _label(scenario, start)]
            row += ["" if not np.isfinite(v) else f"{v:.4f}" for v in values]
            rows.append(row)
    return rows


def _plot(result: ReplicationResult, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    scenario = result.scenario
    hours = scenario.interval_starts_seconds() / 3600.0
    fig, axes = plt.subplots(3, 1, figsize=(11, 8), sharex=True)
    for q, queue in enumerate(scenario.queues):
        axes[0].step(hours, result.per_interval.offered.mean[q], where="post", label=queue.name)
        sl = result.per_interval.service_level
        axes[1].plot(hours, sl.mean[q], label=queue.name)
        axes[1].fill_between(hours, sl.low[q], sl.high[q], alpha=0.25)
    for g, group in enumerate(scenario.agent_groups):
        axes[2].plot(hours, result.occupancy_per_interval.mean[g], label=group.name)
    axes[0].set_ylabel("offered per interval")
    axes[1].set_ylabel(f"service level ({result.confidence:.0%} CI)")
    axes[1].set_ylim(0, 1.05)
    axes[2].set_ylabel("occupancy")
    axes[2].set_ylim(0, 1.05)
    start = f" from {scenario.start.isoformat()}" if scenario.start else ""
    axes[2].set_xlabel(f"hours{start}")
    for ax in axes:
        ax.legend(loc="upper right", fontsize="small")
        ax.grid(alpha=0.3)
    fig.tight_layout()
    write_bytes_atomically(path, figure_bytes(fig, path, dpi=110))
    plt.close(fig)


def _pm(mean: float, half: float, pattern: str) -> str:
    if not np.isfinite(mean):
        return "-"
    shown = pattern.format(mean)
    return shown if not np.isfinite(half) else f"{shown} ± {pattern.format(half)}"


def _table(result: ReplicationResult, replications: int) -> Table:
    t = result.total
    table = Table(
        title=f"{replications} replications, mean ± half-width of the {result.confidence:.0%} CI"
    )
    for column in ("queue", "offered", "redials", "service level", "ASA (s)", "abandoned"):
        table.add_column(
            column, justify="left" if column == "queue" else "right", no_wrap=column == "queue"
        )

    for q, queue in enumerate(result.scenario.queues):
        table.add_row(
            queue.name,
            f"{t.offered.mean[q]:.0f}",
            f"{t.redials.mean[q]:.0f}",
            _pm(t.service_level.mean[q] * 100, t.service_level.half_width[q] * 100, "{:.1f}%"),
            _pm(t.asa_seconds.mean[q], t.asa_seconds.half_width[q], "{:.1f}"),
            _pm(t.abandon_rate.mean[q] * 100, t.abandon_rate.half_width[q] * 100, "{:.1f}%"),
        )
    return table


def simulate(
    scenario_file: Annotated[
        Path, typer.Argument(help="Scenario file (YAML); the format is in docs/simulate.md.")
    ],
    replications: Annotated[
        int, typer.Option("--replications", "-r", min=1, help="Independent runs.")
    ] = 20,
    seed: Annotated[int, typer.Option(help="Seed: the same seed gives the same numbers.")] = 2020,
    out: Annotated[
        Path | None,
        typer.Option(
            help="Write per queue and interval results (CSV); occupancy per agent "
            "group goes next to it as NAME.occupancy.csv."
        ),
    ] = None,
    plot: Annotated[Path | None, typer.Option(help="Draw offered, SL and occupancy (PNG).")] = None,
    warmup_minutes: Annotated[
        float, typer.Option(min=0.0, help="Leave contacts arriving earlier out of the totals.")
    ] = 0.0,
) -> None:
    """Simulate a scenario: what a staffing plan or schedule really delivers."""
    with reports_errors():
        try:
            text = scenario_file.read_text(encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot read {str(scenario_file)!r}: {exc.strerror}") from None
        try:
            scenario = scenario_from_yaml(text, read_replay=read_replay_file(scenario_file.parent))
        except ScenarioError as exc:
            raise ScenarioError(exc.path, f"{exc.reason} (in {scenario_file.name})") from None
        with Progress(
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err_console,
            transient=True,
            disable=not progress_enabled(),
        ) as progress:
            task = progress.add_task("replications", total=replications)
            result = replicate(
                scenario,
                replications=replications,
                rng=np.random.default_rng(seed),
                warmup_seconds=warmup_minutes * 60.0,
                on_progress=lambda done, _total: progress.update(task, completed=done),
            )
        console = console_for()
        console.print(_table(result, replications))
        for g, group in enumerate(scenario.agent_groups):
            occ = result.occupancy_total
            shown = _pm(occ.mean[g] * 100, occ.half_width[g] * 100, "{:.1f}%")
            console.print(f"occupancy of {group.name}: {shown}")
        if out is not None:
            write_csv_atomically(out, RESULT_COLUMNS, _rows(result))
            occupancy = out.with_name(f"{out.stem}.occupancy.csv")
            write_csv_atomically(occupancy, OCCUPANCY_COLUMNS, _occupancy_rows(result))
            err_console.print(f"wrote {out} and {occupancy}")
        if plot is not None:
            _plot(result, plot)
            err_console.print(f"wrote {plot}")


def register(app: typer.Typer) -> None:
    """Add ``simulate`` to the command line."""
    app.command(name="simulate")(simulate)
