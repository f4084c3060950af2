"""``bezetting plan forecast|requirements|schedule|check|settings``: planning on the configured
database.

The same use cases as the ``forecast`` and ``schedule`` jobs (:mod:`bezetting.services.planning`),
run in the foreground with a progress bar; ``settings`` (:mod:`bezetting.cli.plan_settings`)
holds the organisation's rule overrides, break policy and weights::

    bezetting plan forecast --queue general --from 2020-03-16 --days 14
    bezetting plan requirements --forecast 3
    bezetting plan schedule --from 2020-03-16 --weeks 2 --time-limit 60
    bezetting plan check --schedule 7
    bezetting plan settings set --file cao.yaml
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from bezetting.cli._common import (
    console_for,
    err_console,
    parse_share,
    progress_enabled,
    reports_errors,
)
from bezetting.cli.plan_settings import settings_app
from bezetting.core.dates import parse_date
from bezetting.core.errors import InputError
from bezetting.services.planning import (
    BuiltSchedule,
    ForecastRef,
    RequirementRef,
    build_schedule,
    check_schedule,
    compute_requirements,
    planning_target,
    run_forecast,
    schedule_settings,
)
from bezetting.store import configured_sessions

__all__ = ["register"]

plan_app = typer.Typer(
    name="plan",
    help="Forecast, staff and schedule from the history and agents in the database.",
    no_args_is_help=True,
)

OrgOption = Annotated[
    str | None, typer.Option("--org", help="Organisation code (default: the only one).")
]
FromOption = Annotated[
    str,
    typer.Option("--from", help="First local day: 2020-03-16 or 16-03-2020.", show_default=False),
]


def _day(text: str) -> date:
    try:
        return parse_date(text)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--from") from None


@contextmanager
def _progress(title: str) -> Iterator[Callable[[float, str], None]]:
    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[status]}", markup=False),
        TimeElapsedColumn(),
        console=err_console,
        disable=not progress_enabled(),
    ) as bar:
        task = bar.add_task(title, total=1.0, status="")

        def update(fraction: float, message: str) -> None:
            bar.update(task, completed=fraction, status=message)

        yield update


def _show_forecast(console: Console, ref: ForecastRef, need: RequirementRef | None) -> None:
    table = Table(title=f"Forecast {ref.id}: queue {ref.queue}, version {ref.version}")
    table.add_column("figure")
    table.add_column("value", justify="right")
    table.add_row("model", ref.model)
    table.add_row("backtest WAPE", f"{100 * ref.backtest_wape:.1f}%")
    table.add_row("backtest bias", f"{100 * ref.backtest_bias:+.1f}%")
    table.add_row("history", f"{ref.history_days} days")
    table.add_row("period", f"{ref.first_day} + {ref.days} days, {ref.interval_minutes} min")
    table.add_row("contacts forecast", f"{ref.total_volume:.0f}")
    if need is not None:
        _requirement_rows(table, need)
    console.print(table)


def _requirement_rows(table: Table, need: RequirementRef) -> None:
    table.add_row("requirement", f"{need.id} ({need.method})")
    table.add_row("peak agents", str(need.peak_agents))
    table.add_row("agent hours", f"{need.agent_hours:.1f}")
    if need.peak_gross_agents is not None:
        table.add_row("peak gross agents", f"{need.peak_gross_agents:.1f}")


@plan_app.command("forecast")
def forecast_command(
    queue: Annotated[str, typer.Option("--queue", help="Queue code.", show_default=False)],
    start: FromOption,
    days: Annotated[int, typer.Option("--days", help="Local days to forecast.")] = 28,
    interval: Annotated[int, typer.Option("--interval", help="Minutes: 15, 30 or 60.")] = 15,
    requirements: Annotated[
        bool, typer.Option(help="Also compute the staffing requirement from it.")
    ] = True,
    organisation: OrgOption = None,
) -> None:
    """Forecast a queue from its stored contact history (models chosen by backtest)."""
    console = console_for()
    with reports_errors(), configured_sessions() as sessions:
        target = planning_target(sessions, organisation=organisation, queue=queue)
        assert target.queue_id is not None
        with _progress(f"forecasting {queue}") as update:
            ref = run_forecast(
                sessions,
                queue_id=target.queue_id,
                first_day=_day(start),
                days=days,
                interval_minutes=interval,
                now=datetime.now(UTC),
                progress=update,
                organisation_id=target.organisation_id,
            )
        need = (
            compute_requirements(sessions, forecast_id=ref.id, now=datetime.now(UTC))
            if requirements
            else None
        )
        _show_forecast(console, ref, need)


@plan_app.command("requirements")
def requirements_command(
    forecast: Annotated[int, typer.Option("--forecast", help="Forecast id.", show_default=False)],
    shrinkage: Annotated[
        str | None, typer.Option(help="Share not on contacts, e.g. 30%: adds gross agents.")
    ] = None,
) -> None:
    """Compute agents needed per interval from a stored forecast and the queue's targets."""
    console = console_for()
    share = None if shrinkage is None else parse_share(shrinkage, option="--shrinkage")
    if share is not None and share >= 1.0:
        raise typer.BadParameter("shrinkage must be below 100%", param_hint="--shrinkage")
    with reports_errors(), configured_sessions() as sessions:
        need = compute_requirements(
            sessions, forecast_id=forecast, now=datetime.now(UTC), shrinkage=share
        )
        table = Table(title=f"Requirement for queue {need.queue} from forecast {forecast}")
        table.add_column("figure")
        table.add_column("value", justify="right")
        table.add_row("intervals", str(need.intervals))
        _requirement_rows(table, need)
        console.print(table)


def _settings_file(path: Path | None) -> dict[str, Any]:
    if path is None:
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise InputError(f"{path} is not valid YAML: {exc}") from None
    if not isinstance(data, dict) or set(data) - {"shifts", "rules", "weights", "breaks"}:
        raise InputError(f"{path} must hold a mapping with shifts, rules, weights and/or breaks")
    return data


def _show_schedule(console: Console, built: BuiltSchedule) -> None:
    console.print(
        f"schedule {built.schedule_id} saved as a {built.status.value} at version "
        f"{built.version}; solver {built.solver_status}, cost {built.objective:.1f}, lower "
        f"bound {built.bound:.1f}; {built.shifts} shifts for {built.agents} agents on "
        f"{', '.join(built.queues)}; short {built.shortfall_hours:.2f} agent-hours; wishes met "
        f"{built.wishes_met} of {built.wishes_total}; violations {built.violations}; "
        f"{built.wall_seconds:.1f} s",
        highlight=False,
        soft_wrap=True,
    )
    if built.skipped_agents:
        console.print(
            "not scheduled (no skill for these queues): " + ", ".join(built.skipped_agents),
            highlight=False,
            soft_wrap=True,
        )


@plan_app.command("schedule")
def schedule_command(
    start: FromOption,
    weeks: Annotated[int, typer.Option("--weeks", help="Weeks to schedule (1 to 6).")] = 2,
    time_limit: Annotated[
        float, typer.Option("--time-limit", help="Seconds for the solver.")
    ] = 60.0,
    name: Annotated[str | None, typer.Option("--name", help="Name of the draft.")] = None,
    settings_file: Annotated[
        Path | None,
        typer.Option(
            "--settings",
            help="YAML with shifts, rules, weights and breaks as in a problem file "
            "(docs/schedule.md); a rule or weight here wins over the stored one "
            "('plan settings'), breaks here replace the stored break policy.",
        ),
    ] = None,
    organisation: OrgOption = None,
) -> None:
    """Build a draft schedule from the newest requirements, agents and their availability."""
    console = console_for()
    with reports_errors(), configured_sessions() as sessions:
        extra = _settings_file(settings_file)
        target = planning_target(sessions, organisation=organisation)
        with _progress("scheduling") as update:
            built = build_schedule(
                sessions,
                organisation_id=target.organisation_id,
                first_day=_day(start),
                weeks=weeks,
                time_limit_seconds=time_limit,
                now=datetime.now(UTC),
                name=name,
                progress=update,
                shifts=extra.get("shifts"),
                rules=extra.get("rules"),
                weights=extra.get("weights"),
                breaks=extra.get("breaks"),
            )
        _show_schedule(console, built)


@plan_app.command("check")
def check_command(
    schedule: Annotated[int, typer.Option("--schedule", help="Schedule id.", show_default=False)],
) -> None:
    """Check a stored schedule against the labour rules, availability, skills and hours."""
    console = console_for()
    with reports_errors(), configured_sessions() as sessions:
        checked = check_schedule(sessions, schedule_id=schedule)
        settings = schedule_settings(sessions, schedule_id=schedule)
    violations = checked.violations
    if settings.changed_since:
        built = settings.built_with.rules.get("name") if settings.built_with else None
        console.print(
            f"Schedule {schedule} was built by other planning settings"
            + (f" ({built})" if built else "")
            + " than those stored now; it is checked by those stored now "
            "(bezetting plan settings show).",
            highlight=False,
            soft_wrap=True,
        )
    if checked.counted_with:
        others = ", ".join(str(i) for i in checked.counted_with)
        console.print(
            f"Schedule {schedule} is checked with the agents' {checked.other_shifts} shift(s) "
            f"of published schedule(s) {others} in the same period, as they work them; "
            "violations that lie in those shifts alone are left to their own schedule.",
            highlight=False,
            soft_wrap=True,
        )
    for v in violations:
        console.print(
            f"{v.agent}\t{v.rule.value}\t{v.at.isoformat()}\t{v.message}",
            highlight=False,
            soft_wrap=True,
        )
    console.print(f"{len(violations)} violation(s)")
    raise typer.Exit(code=1 if violations else 0)


plan_app.add_typer(settings_app)


def register(app: typer.Typer) -> None:
    """Add ``plan`` (with ``plan settings``) to the command line."""
    app.add_typer(plan_app)
