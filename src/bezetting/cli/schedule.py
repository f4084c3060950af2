"""``bezetting schedule``: build a schedule from a problem file, or check a (hand-edited) one."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
import yaml
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from bezetting.cli._common import console_for, err_console, progress_enabled, reports_errors
from bezetting.core.errors import InputError
from bezetting.core.schedule import Problem, SolveParameters, solve, validate
from bezetting.core.schedule import Progress as SolveProgress
from bezetting.core.schedule.files import (
    problem_from_mapping,
    result_html,
    schedule_from_csv,
    schedule_ics,
    schedule_to_csv,
)
from bezetting.interchange import write_bytes_atomically

__all__ = ["register"]


def _load(problem_file: Path) -> Problem:
    try:
        data = yaml.safe_load(problem_file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read {problem_file}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise InputError(f"{problem_file} is not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise InputError(f"{problem_file} must hold a mapping (horizon, skill_groups, agents, ...)")
    return problem_from_mapping(data, source=str(problem_file))


def _read_text(path: Path) -> str:
    """A CSV as text; ``utf-8-sig`` because a spreadsheet saves "CSV UTF-8" with a BOM."""
    try:
        return path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start}); save it as CSV UTF-8"
        ) from None


def schedule(
    problem_file: Annotated[
        Path, typer.Argument(help="Problem file (YAML), see docs/schedule.md.")
    ],
    time_limit: Annotated[
        float, typer.Option("--time-limit", help="Seconds for the solver.")
    ] = 60.0,
    workers: Annotated[int, typer.Option("--workers", help="CP-SAT search workers.")] = 2,
    seed: Annotated[int, typer.Option("--seed", help="Solver random seed.")] = 0,
    out: Annotated[Path | None, typer.Option("--out", help="Write the schedule CSV here.")] = None,
    report: Annotated[Path | None, typer.Option("--report", help="Write an HTML report.")] = None,
    ics_dir: Annotated[
        Path | None, typer.Option("--ics-dir", help="Write one .ics calendar per agent here.")
    ] = None,
    check: Annotated[
        Path | None,
        typer.Option("--check", help="Do not solve: validate this schedule CSV against the rules."),
    ] = None,
) -> None:
    """Turn agents needed per interval into legal shifts for named people (Dutch labour law)."""
    console = console_for()
    with reports_errors():
        problem = _load(problem_file)
        if check is not None:
            edited = schedule_from_csv(_read_text(check), source=str(check), problem=problem)
            violations = validate(problem, edited)
            for v in violations:
                console.print(
                    f"{v.agent_id}\t{v.rule.value}\t{v.at.isoformat()}\t{v.message}",
                    highlight=False,
                    soft_wrap=True,
                )
            console.print(f"{len(violations)} violation(s)")
            raise typer.Exit(code=1 if violations else 0)
        params = SolveParameters(
            time_limit_seconds=time_limit, num_workers=workers, random_seed=seed
        )
        with Progress(
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            TextColumn("{task.fields[status]}"),
            TimeElapsedColumn(),
            console=err_console,
            disable=not progress_enabled(),
        ) as bar:
            task = bar.add_task("solving", total=time_limit, status="")

            def show(p: SolveProgress) -> None:
                bar.update(
                    task,
                    completed=min(time_limit, p.elapsed_seconds),
                    status=f"part {min(p.part + 1, p.parts)}/{p.parts} "
                    f"cost {p.objective:.0f} bound {p.bound:.0f}",
                )

            result = solve(problem, parameters=params, on_progress=show)
            bar.update(task, completed=time_limit)
        # Every file is made before the first is written, and each replaces its previous
        # version only when whole: a failure leaves the earlier results as they were.
        files: dict[Path, bytes] = {}
        if out is not None:
            files[out] = schedule_to_csv(result.schedule).encode("utf-8")
        if report is not None:
            files[report] = result_html(problem, result).encode("utf-8")
        if ics_dir is not None:
            for agent in problem.agents:
                files[ics_dir / f"{agent.id}.ics"] = schedule_ics(result.schedule, agent.id)
        for path, content in files.items():
            write_bytes_atomically(path, content)
        console.print(
            f"status {result.status.value}; cost {result.objective:.1f}, lower bound "
            f"{result.bound:.1f}; {len(result.schedule.shifts)} shifts; under-coverage "
            f"{result.under_coverage_slots} agent-slots; "
            f"wishes met {100 * result.wish_hit_rate:.0f}%; "
            f"violations {len(result.violations)}; {result.wall_seconds:.1f} s",
            highlight=False,
            soft_wrap=True,
        )


def register(app: typer.Typer) -> None:
    """Add ``schedule`` to the command line."""
    app.command(name="schedule")(schedule)
