"""``bezetting demo``: a planning run on the bundled demo day, as a table and a chart."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import numpy as np
import typer
from rich.console import Console
from rich.table import Table

from bezetting.cli._common import reports_errors
from bezetting.demo import DemoDay, build_demo_day
from bezetting.interchange import INTERVAL_SERIES_COLUMNS, write_csv_atomically

__all__ = ["register"]


def demo(
    out_dir: Annotated[
        Path, typer.Option("--out-dir", help="Where to write the chart and the CSV files.")
    ] = Path("out"),
) -> None:
    """Plan one surge day of a Dutch municipal customer-service centre (16 March 2020)."""
    with reports_errors():
        day = build_demo_day()
        console = Console()
        _print(console, day)
        out_dir.mkdir(parents=True, exist_ok=True)
        chart = out_dir / "demo-requirements.png"
        _plot(day, chart)
        forecast = out_dir / "demo-forecast.csv"
        _write_forecast(day, forecast)
        console.print(
            f"\nChart of agents needed per half hour: [bold]{chart}[/]\n"
            f"The voice forecast as an interval-series file: [bold]{forecast}[/]\n"
            f"Try: bezetting staff {forecast} --patience {day.patience_seconds:.0f}s "
            f"--sl 80/30 --max-abandon 5% --out {out_dir / 'demo-requirements.csv'}"
        )


def _print(console: Console, day: DemoDay) -> None:
    console.print(
        f"[bold]bezetting demo[/]: gemeente customer-service centre, "
        f"{day.day:%A %d %B %Y} (spring-2020 surge), open "
        f"{day.starts[0]:%H:%M}-{day.starts[-1].hour + 1:02d}:00 Europe/Amsterdam\n"
    )
    table = Table(title="Contacts and net agents needed per half hour", title_justify="left")
    table.add_column("time", justify="right")
    for q in day.queues:
        table.add_column(f"{q.name}\n({q.channel})", justify="right")
    table.add_column("net agents", justify="right", style="bold")
    table.add_column(f"gross\n({day.shrinkage:.0%} shrinkage)", justify="right")
    net, gross = day.total_net(), day.total_gross()
    for i, start in enumerate(day.starts):
        cells = [f"{q.volume[i]:.0f} → {q.agents[i]}" for q in day.queues]
        table.add_row(f"{start:%H:%M}", *cells, str(net[i]), f"{gross[i]:.1f}")
    console.print(table)
    summary = Table(title="Per queue", title_justify="left")
    for column in ("queue", "contacts", "agent-hours (net)", "peak agents", "lowest SL"):
        summary.add_column(column, justify="left" if column == "queue" else "right")
    for q in day.queues:
        summary.add_row(
            q.name,
            f"{q.volume.sum():.0f}",
            f"{q.agents_fractional.sum() * 0.5:.1f}",
            str(int(q.agents.max())),
            f"{float(np.min(q.service_level)):.1%}",
        )
    console.print(summary)
    console.print("How each queue's figures were computed:")
    for q in day.queues:
        console.print(f"  {q.name}: {q.model}")
    console.print(
        f"Total: {day.total_gross().sum() * 0.5:.0f} paid agent-hours (gross), "
        f"peak {int(net.max())} agents on contacts at {day.starts[int(np.argmax(net))]:%H:%M}."
    )


def _plot(day: DemoDay, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    hours = np.array([s.hour + s.minute / 60 for s in day.starts])
    fig, ax = plt.subplots(figsize=(10, 5), dpi=110)
    stacked = np.vstack([q.agents for q in day.queues]).astype(float)
    ax.stackplot(
        np.append(hours, hours[-1] + 0.5),
        np.hstack([stacked, stacked[:, -1:]]),
        labels=[f"{q.name} ({q.channel})" for q in day.queues],
        step="post",
        alpha=0.85,
    )
    ax.step(
        np.append(hours, hours[-1] + 0.5),
        np.append(day.total_gross(), day.total_gross()[-1]),
        where="post",
        color="black",
        linewidth=1.5,
        linestyle="--",
        label=f"gross (with {day.shrinkage:.0%} shrinkage)",
    )
    ax.set_xlabel("time of day (Europe/Amsterdam)")
    ax.set_ylabel("agents")
    ax.set_title(f"Agents needed per half hour, {day.day:%a %d %b %Y}")
    ax.set_xticks(np.arange(8, 21, 1))
    ax.grid(alpha=0.3)
    ax.legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def _write_forecast(day: DemoDay, path: Path) -> None:
    rows = [
        (q.name, start.isoformat(), f"{q.volume[i]:.0f}", f"{q.aht_seconds[i]:.1f}")
        for q in day.queues
        if q.channel == "voice"
        for i, start in enumerate(day.starts)
    ]
    write_csv_atomically(path, INTERVAL_SERIES_COLUMNS, rows)


def register(app: typer.Typer) -> None:
    """Add ``demo`` to the command line."""
    app.command(name="demo")(demo)
