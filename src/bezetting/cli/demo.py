"""``bezetting demo``: seed the demo organisation and plan it; ``--day`` for one day on paper.

``bezetting demo`` stores Gemeente Stadsbrug's customer-service centre (about 80 agents, five
queues, eight weeks of contact history) in the configured database, once: a second run finds it
and only reports. Then it plans the organisation (the planning stage, :func:`_plan_demo`) and
prints the demo logins. ``make run`` runs it and then ``bezetting serve``.

``bezetting demo --day`` prints one surge day's staffing table and chart without a database.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from time import perf_counter
from typing import Annotated

import numpy as np
import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from bezetting.cli._common import console_for, figure_bytes, reports_errors
from bezetting.config import Environment, Settings, load_settings
from bezetting.core.errors import InputError
from bezetting.demo import DemoDay, build_demo_day
from bezetting.interchange import (
    INTERVAL_SERIES_COLUMNS,
    write_bytes_atomically,
    write_csv_atomically,
)
from bezetting.services.demo_organisation import DemoOrganisation, seed_demo_organisation
from bezetting.services.planning import build_schedule, compute_requirements, run_forecast
from bezetting.services.schedules import list_schedules, publish_schedule
from bezetting.store import (
    SessionFactory,
    create_engine_for,
    display_url,
    ensure_schema,
    make_session_factory,
)

__all__ = ["print_demo_logins", "register"]


def demo(
    day: Annotated[
        bool,
        typer.Option(
            "--day", help="Only plan one surge day on paper (a table and a chart; no database)."
        ),
    ] = False,
    out_dir: Annotated[
        Path, typer.Option("--out-dir", help="With --day: where to write the chart and CSV files.")
    ] = Path("out"),
    agents: Annotated[int, typer.Option(min=10, help="Agents in the demo organisation.")] = 80,
    weeks: Annotated[
        int, typer.Option(min=1, max=52, help="Weeks of contact history before 16 March 2020.")
    ] = 8,
    seed: Annotated[int, typer.Option(help="Seed of every drawn value.")] = 2020,
    plan: Annotated[
        bool, typer.Option(help="Forecast, staff and schedule after seeding (skip: --no-plan).")
    ] = True,
    plan_weeks: Annotated[
        int, typer.Option(min=1, max=6, help="Weeks to forecast, staff and schedule.")
    ] = 2,
    time_limit: Annotated[
        float, typer.Option(min=1.0, help="Seconds the schedule optimiser may search.")
    ] = 30.0,
    logins: Annotated[
        bool,
        typer.Option(
            help="Print the demo logins at the end (`make run` leaves them to `serve`: "
            "--no-logins)."
        ),
    ] = True,
) -> None:
    """Build the demo organisation in the database (once) and plan it; see --day for one day."""
    with reports_errors():
        console = console_for()
        if day:
            _day_view(console, out_dir)
            return
        settings = load_settings()
        _refuse_outside_dev(settings)
        engine = create_engine_for(settings)
        try:
            ensure_schema(engine)  # SQLite: migrate; PostgreSQL: refuse an old schema
            sessions = make_session_factory(engine)
            started = perf_counter()
            organisation = seed_demo_organisation(
                sessions,
                now=datetime.now(UTC),
                pseudonym_key=settings.pseudonym_key_bytes,
                seed=seed,
                agents=agents,
                weeks_of_history=weeks,
            )
            seconds = perf_counter() - started
            _print_organisation(console, organisation, seconds, settings)
            if plan:
                _plan_demo(
                    console,
                    sessions,
                    organisation,
                    weeks=plan_weeks,
                    time_limit_seconds=time_limit,
                )
        finally:
            engine.dispose()
        if logins:
            print_demo_logins(console, organisation)


def _refuse_outside_dev(settings: Settings) -> None:
    if settings.env is not Environment.DEV:
        raise InputError(
            "the demo users share a published password, so `bezetting demo` seeds only in "
            f"development mode; BEZETTING_ENV is {settings.env.value!r} (unset it or set dev)"
        )


def _print_organisation(
    console: Console, organisation: DemoOrganisation, seconds: float, settings: Settings
) -> None:
    verb = "created" if organisation.created else "found (nothing added)"
    console.print(
        f"[bold]{organisation.name}[/] {verb} in {seconds:.1f} s "
        f"({display_url(settings.resolved_database_url)})\n"
        f"  {organisation.agents} agents, queues {', '.join(organisation.queues)}, "
        f"{organisation.contacts:,} contacts from {organisation.history_first_day} to "
        f"{organisation.history_last_day}; plan period from {organisation.plan_first_day}",
        highlight=False,
    )


def _plan_demo(
    console: Console,
    sessions: SessionFactory,
    organisation: DemoOrganisation,
    *,
    weeks: int,
    time_limit_seconds: float,
) -> None:
    """Forecast, staff and schedule the demo organisation, then publish the schedule.

    Runs the same services a planner's jobs run. A second ``make run`` finds the schedule and
    skips the stage, so it starts in seconds.
    """
    existing = list_schedules(sessions, organisation_id=organisation.organisation_id)
    if existing:
        newest = existing[0]
        console.print(
            f"Planned already: schedule {newest.id} ({newest.status.value}, version "
            f"{newest.version}); nothing recomputed."
        )
        return
    now = organisation.planned_at  # the demo's spring-2020 plan time, not the real one
    first_day = organisation.plan_first_day
    table = Table(
        title=f"Forecast and agents needed, {weeks} week(s) from {first_day:%a %d %b %Y} "
        "(WAPE: the chosen model's backtest error)",
        title_justify="left",
    )
    for column in ("queue", "WAPE", "contacts", "peak agents", "agent-hours", "model"):
        table.add_column(
            column,
            justify="left" if column in ("queue", "model") else "right",
            overflow="ellipsis" if column == "model" else "fold",
            no_wrap=True,
            max_width=40 if column == "model" else None,
            # "100.0%" for WAPE: a narrow terminal must not crop the per cent sign
            min_width={"model": None, "queue": 12, "WAPE": 6}.get(column, len(column)),
        )
    with _progress(console) as progress:
        task = progress.add_task("forecast and staffing", total=len(organisation.queue_ids))
        for queue_id in organisation.queue_ids:
            forecast = run_forecast(
                sessions,
                queue_id=queue_id,
                first_day=first_day,
                days=7 * weeks,
                now=now,
                organisation_id=organisation.organisation_id,
            )
            requirement = compute_requirements(sessions, forecast_id=forecast.id, now=now)
            table.add_row(
                forecast.queue,
                f"{forecast.backtest_wape:.1%}",
                f"{forecast.total_volume:,.0f}",
                str(requirement.peak_agents),
                f"{requirement.agent_hours:,.0f}",
                forecast.model,
            )
            progress.advance(task)
        solving = progress.add_task(f"schedule (limit {time_limit_seconds:.0f} s)", total=1.0)

        def report(fraction: float, message: str) -> None:
            progress.update(solving, completed=fraction, description=f"schedule: {message}")

        built = build_schedule(
            sessions,
            organisation_id=organisation.organisation_id,
            first_day=first_day,
            weeks=weeks,
            time_limit_seconds=time_limit_seconds,
            now=now,
            name=f"Demo rooster vanaf {first_day:%d-%m-%Y}",
            progress=report,
        )
    console.print(table)
    published = publish_schedule(
        sessions, built.schedule_id, expected_version=built.version, now=now
    )
    console.print(
        f"Schedule {built.schedule_id} published (version {published.version}): {built.shifts} "
        f"shifts for {built.agents} agents, solver {built.solver_status} in "
        f"{built.wall_seconds:.0f} s, {built.shortfall_hours:.1f} agent-hours short of demand, "
        f"{built.wishes_met} of {built.wishes_total} wishes kept, {built.violations} "
        "labour-rule violations.",
        highlight=False,
    )


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=console
    )


def print_demo_logins(console: Console, organisation: DemoOrganisation) -> None:
    """The demo users, their e-mail and the shared password."""
    table = Table(
        title=f"Demo logins (password for all: {organisation.password})", title_justify="left"
    )
    table.add_column("role", no_wrap=True)
    table.add_column("e-mail", no_wrap=True)
    table.add_column("who", overflow="fold")
    for login in organisation.logins:
        table.add_row(login.role.value, login.email, login.who)
    console.print(table)


def _day_view(console: Console, out_dir: Path) -> None:
    day = build_demo_day()
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
    write_bytes_atomically(path, figure_bytes(fig, path))
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
