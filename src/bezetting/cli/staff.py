"""``bezetting staff``: agents needed for one interval, or for every row of a forecast file."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import numpy as np
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from bezetting.cli._common import (
    console_for,
    err_console,
    parse_duration_seconds,
    parse_service_level,
    parse_share,
    progress_enabled,
    reports_errors,
)
from bezetting.core.errors import InputError
from bezetting.core.queueing import (
    AgentGroup,
    QueueModel,
    ServiceLevelDefinition,
    ServiceTarget,
    StaffingResult,
    chat_required_agents,
    gross_from_net,
    headcount_for,
    offered_load,
    required_agents,
)
from bezetting.interchange import REQUIREMENTS_COLUMNS, read_interval_series, write_csv_atomically

__all__ = ["register"]

_CHUNK_ROWS = 20_000


@dataclass(frozen=True)
class _Plan:
    """Everything the options say, parsed."""

    target: ServiceTarget
    model: QueueModel
    patience_seconds: float | None
    shrinkage: float | None
    concurrency: int
    newcomers: tuple[AgentGroup, ...]

    def solve(
        self, load: np.ndarray, aht: np.ndarray
    ) -> tuple[StaffingResult, np.ndarray, np.ndarray]:
        """Requirement per element: the Erlang result, whole agents and fractional agents."""
        if self.concurrency > 1:
            chat = chat_required_agents(
                load,
                aht_seconds=aht,
                concurrency=self.concurrency,
                target=self.target,
                model=self.model,
                patience_seconds=self.patience_seconds,
            )
            result, agents, fractional = chat.slots, chat.agents, chat.agents_fractional
        else:
            result = required_agents(
                load,
                aht_seconds=aht,
                target=self.target,
                model=self.model,
                patience_seconds=self.patience_seconds,
            )
            agents, fractional = result.agents, result.agents_fractional
        if self.newcomers:
            fractional = headcount_for(fractional, self.newcomers)
            agents = np.ceil(headcount_for(agents, self.newcomers) - 1e-9).astype(np.int64)
        return result, np.asarray(agents), np.asarray(fractional)


def _parse_newcomers(text: str | None) -> tuple[AgentGroup, ...]:
    if text is None:
        return ()
    try:
        share_text, factor_text = text.lower().split("x")
        share = parse_share(share_text, option="--newcomers")
        factor = float(factor_text)
    except ValueError:
        raise typer.BadParameter(
            f"{text!r}: write SHARE x FACTOR, e.g. 25%x1.4 (a quarter of the agents need 40% "
            "longer per contact)",
            param_hint="--newcomers",
        ) from None
    groups = [AgentGroup("newcomers", share, factor)]
    if share < 1.0:
        groups.insert(0, AgentGroup("experienced", 1.0 - share, 1.0))
    return tuple(groups)


def staff(
    forecast: Annotated[
        Path | None,
        typer.Argument(help="Interval-series CSV (queue,interval_start,volume,aht_seconds)."),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Requirements CSV to write (file mode).")
    ] = None,
    volume: Annotated[
        float | None, typer.Option(help="Contacts offered in one interval (single mode).")
    ] = None,
    aht: Annotated[
        str | None, typer.Option(help="Average handle time, e.g. 240s or 4m (single mode).")
    ] = None,
    interval: Annotated[
        str | None,
        typer.Option(help="Interval length: 15m, 30m or 60m (file mode: read from the file)."),
    ] = None,
    sl: Annotated[
        str | None,
        typer.Option(
            help="Service level PERCENT/SECONDS, e.g. 80/20. Default 80/20 if no other target."
        ),
    ] = None,
    sl_definition: Annotated[
        ServiceLevelDefinition,
        typer.Option(help="Service level over offered, over answered, or without short abandons."),
    ] = ServiceLevelDefinition.OFFERED,
    asa: Annotated[
        str | None, typer.Option(help="Cap on average speed of answer, e.g. 30s.")
    ] = None,
    max_abandon: Annotated[
        str | None, typer.Option(help="Cap on abandonment, e.g. 5% (needs --patience).")
    ] = None,
    max_occupancy: Annotated[str | None, typer.Option(help="Cap on occupancy, e.g. 85%.")] = None,
    patience: Annotated[
        str | None,
        typer.Option(help="Callers' mean patience, e.g. 120s; selects Erlang A by default."),
    ] = None,
    model: Annotated[
        QueueModel | None,
        typer.Option(help="erlang-c (patient callers) or erlang-a (callers hang up)."),
    ] = None,
    shrinkage: Annotated[
        str | None, typer.Option(help="Share of paid time not on contacts, e.g. 30%: adds gross.")
    ] = None,
    concurrency: Annotated[
        int, typer.Option(min=1, max=10, help="Chats one agent handles at once (chat queues).")
    ] = 1,
    newcomers: Annotated[
        str | None,
        typer.Option(help="Share of slower newcomers and their handle-time factor, e.g. 25%x1.4."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Agents needed to meet a service target, by Erlang C or Erlang A.

    Single interval: bezetting staff --volume 250 --aht 240s --interval 30m --sl 80/20

    A forecast file: bezetting staff forecast.csv --out requirements.csv
    """
    with reports_errors():
        plan = _plan(
            sl,
            sl_definition,
            asa,
            max_abandon,
            max_occupancy,
            patience,
            model,
            shrinkage,
            concurrency,
            newcomers,
        )
        if forecast is None:
            if out is not None:
                raise typer.BadParameter("--out needs a forecast file", param_hint="--out")
            if volume is None or aht is None:
                raise typer.BadParameter(
                    "give a forecast file, or --volume and --aht (and --interval) for one interval"
                )
            interval_seconds = parse_duration_seconds(
                interval or "30m", option="--interval", bare_unit="m"
            )
            _staff_one(
                plan, volume, parse_duration_seconds(aht, option="--aht"), interval_seconds, as_json
            )
        else:
            if volume is not None or aht is not None:
                raise typer.BadParameter(
                    "--volume and --aht are for one interval; the file has its own"
                )
            file_interval = (
                parse_duration_seconds(interval, option="--interval", bare_unit="m")
                if interval
                else None
            )
            _staff_file(plan, forecast, out, file_interval, as_json)


def _plan(
    sl: str | None,
    definition: ServiceLevelDefinition,
    asa: str | None,
    max_abandon: str | None,
    max_occupancy: str | None,
    patience: str | None,
    model: QueueModel | None,
    shrinkage: str | None,
    concurrency: int,
    newcomers: str | None,
) -> _Plan:
    other_targets = asa is not None or max_abandon is not None or max_occupancy is not None
    share, within = (
        parse_service_level(sl) if sl else ((None, 20.0) if other_targets else (0.8, 20.0))
    )
    patience_seconds = parse_duration_seconds(patience, option="--patience") if patience else None
    chosen = model or (QueueModel.ERLANG_A if patience_seconds is not None else QueueModel.ERLANG_C)
    if chosen is QueueModel.ERLANG_A and patience_seconds is None:
        raise InputError("Erlang A needs the callers' mean patience: add --patience, e.g. 120s")
    target = ServiceTarget(
        service_level=share,
        answer_within_seconds=within,
        definition=definition,
        max_asa_seconds=parse_duration_seconds(asa, option="--asa") if asa else None,
        max_abandon_rate=parse_share(max_abandon, option="--max-abandon") if max_abandon else None,
        max_occupancy=parse_share(max_occupancy, option="--max-occupancy")
        if max_occupancy
        else None,
    )
    shrink = parse_share(shrinkage, option="--shrinkage") if shrinkage else None
    if shrink is not None and shrink >= 1.0:
        raise typer.BadParameter("shrinkage must be below 100%", param_hint="--shrinkage")
    return _Plan(target, chosen, patience_seconds, shrink, concurrency, _parse_newcomers(newcomers))


def _staff_one(
    plan: _Plan, volume: float, aht_seconds: float, interval_seconds: float, as_json: bool
) -> None:
    load = offered_load(volume, aht_seconds=aht_seconds, interval_seconds=interval_seconds)
    result, agents, fractional = plan.solve(
        np.atleast_1d(load), np.atleast_1d(np.float64(aht_seconds))
    )
    m = result.metrics
    gross = (
        float(gross_from_net(fractional, shrinkage=plan.shrinkage)[0])
        if plan.shrinkage is not None
        else None
    )
    tg = plan.target
    answer = {
        "inputs": {
            "volume": volume,
            "aht_seconds": aht_seconds,
            "interval_seconds": interval_seconds,
            "load_erlangs": float(load),
            "model": plan.model.value,
            "patience_seconds": plan.patience_seconds,
            "concurrency": plan.concurrency,
            "newcomers": [
                {"name": g.name, "share": g.share, "handle_time_factor": g.handle_time_factor}
                for g in plan.newcomers
            ],
            "target": {
                "service_level": tg.service_level,
                "answer_within_seconds": tg.answer_within_seconds,
                "definition": tg.definition.value,
                "max_asa_seconds": tg.max_asa_seconds,
                "max_abandon_rate": tg.max_abandon_rate,
                "max_occupancy": tg.max_occupancy,
            },
            "shrinkage": plan.shrinkage,
        },
        "agents": int(agents[0]),
        "agents_fractional": round(float(fractional[0]), 4),
        "gross_agents_fractional": round(gross, 4) if gross is not None else None,
        "binding_target": str(result.binding[0]),
        "predicted": {
            "service_level": float(m.service_level(tg.definition)[0]),
            "prob_wait": float(m.prob_wait[0]),
            "asa_seconds": _finite_or_none(float(m.asa_seconds[0])),
            "abandon_rate": float(m.abandon_rate[0]),
            "occupancy": float(m.occupancy[0]),
        },
    }
    if as_json:
        typer.echo(json.dumps(answer, indent=2))
        return
    console = console_for()
    inputs = Table(title="Inputs", show_header=False, title_justify="left")
    inputs.add_row("volume", f"{volume:g} contacts per {interval_seconds / 60:g} min")
    inputs.add_row("handle time", f"{aht_seconds:g} s")
    inputs.add_row("offered load", f"{float(load):.3f} Erlang")
    model_text = plan.model.value + (
        f", patience {plan.patience_seconds:g} s" if plan.patience_seconds else ""
    )
    inputs.add_row("model", model_text)
    if plan.concurrency > 1:
        inputs.add_row(
            "chat concurrency", f"{plan.concurrency} at once (slots = agents x {plan.concurrency})"
        )
    for g in plan.newcomers:
        inputs.add_row(
            f"group {g.name}", f"{g.share:.0%} of agents, handle time x{g.handle_time_factor:g}"
        )
    inputs.add_row("target", _describe_target(tg))
    if plan.shrinkage is not None:
        inputs.add_row("shrinkage", f"{plan.shrinkage:.0%}")
    console.print(inputs)
    out = Table(title="Answer", show_header=False, title_justify="left")
    out.add_row(
        "agents (net)", f"[bold]{int(agents[0])}[/]  (fractional {float(fractional[0]):.2f})"
    )
    if gross is not None:
        whole_gross = math.ceil(int(agents[0]) / (1.0 - (plan.shrinkage or 0.0)) - 1e-9)
        out.add_row(
            "agents (gross)", f"{whole_gross}  (fractional {gross:.2f}; net / (1 - shrinkage))"
        )
    out.add_row("set by", str(result.binding[0]))
    pred = answer["predicted"]
    assert isinstance(pred, dict)
    out.add_row(
        f"service level ({tg.definition.value})",
        f"{pred['service_level']:.1%} within {tg.answer_within_seconds:g} s",
    )
    out.add_row("probability of waiting", f"{pred['prob_wait']:.1%}")
    asa_text = "n/a" if pred["asa_seconds"] is None else f"{pred['asa_seconds']:.1f} s"
    out.add_row("average speed of answer", asa_text)
    out.add_row("abandonment", f"{pred['abandon_rate']:.1%}")
    out.add_row("occupancy", f"{pred['occupancy']:.1%}")
    console.print(out)


def _finite_or_none(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _describe_target(tg: ServiceTarget) -> str:
    parts = []
    if tg.service_level is not None:
        parts.append(
            f"{tg.service_level:.0%} answered within {tg.answer_within_seconds:g} s "
            f"({tg.definition.value})"
        )
    if tg.max_asa_seconds is not None:
        parts.append(f"ASA at most {tg.max_asa_seconds:g} s")
    if tg.max_abandon_rate is not None:
        parts.append(f"abandonment at most {tg.max_abandon_rate:.1%}")
    if tg.max_occupancy is not None:
        parts.append(f"occupancy at most {tg.max_occupancy:.0%}")
    return "; ".join(parts)


def _staff_file(
    plan: _Plan, path: Path, out: Path | None, interval_seconds: float | None, as_json: bool
) -> None:
    series = read_interval_series(path)
    step = interval_seconds or series.interval_seconds()
    loaded = series.volume > 0
    # Rows without contacts need no agents, whatever their (possibly empty) handle time.
    aht = np.where(loaded, series.aht_seconds, 1.0)
    load = offered_load(
        np.where(loaded, series.volume, 0.0), aht_seconds=aht, interval_seconds=step
    )
    n = len(series)
    agents = np.zeros(n, dtype=np.int64)
    fractional = np.zeros(n)
    sl = np.zeros(n)
    asa = np.zeros(n)
    abandon = np.zeros(n)
    occupancy = np.zeros(n)
    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        disable=not progress_enabled() or n < _CHUNK_ROWS,
    ) as progress:
        task = progress.add_task("staffing intervals", total=n)
        for start in range(0, n, _CHUNK_ROWS):
            part = slice(start, min(n, start + _CHUNK_ROWS))
            result, a_part, f_part = plan.solve(load[part], aht[part])
            m = result.metrics
            agents[part], fractional[part] = a_part, f_part
            sl[part] = m.service_level(plan.target.definition)
            asa[part] = m.asa_seconds
            abandon[part] = m.abandon_rate
            occupancy[part] = m.occupancy
            progress.advance(task, part.stop - part.start)
    gross = (
        gross_from_net(fractional, shrinkage=plan.shrinkage) if plan.shrinkage is not None else None
    )
    header = list(REQUIREMENTS_COLUMNS) + (["gross_agents_fractional"] if gross is not None else [])
    rows = []
    for i in range(n):
        row: list[object] = [
            series.queue[i],
            series.interval_start[i],
            int(agents[i]),
            f"{fractional[i]:.4f}",
            f"{sl[i]:.6f}",
            f"{asa[i]:.3f}",
            f"{abandon[i]:.6f}",
            f"{occupancy[i]:.6f}",
        ]
        if gross is not None:
            row.append(f"{gross[i]:.4f}")
        rows.append(row)
    if out is not None:
        write_csv_atomically(out, header, rows)
    summary = {
        "rows": n,
        "interval_seconds": step,
        "model": plan.model.value,
        "target": _describe_target(plan.target),
        "agent_intervals": int(agents.sum()),
        "agent_intervals_fractional": round(float(fractional.sum()), 3),
        "agent_hours_fractional": round(float(fractional.sum()) * step / 3600.0, 2),
        "peak_agents": int(agents.max()),
        "out": str(out) if out is not None else None,
    }
    if as_json:
        typer.echo(json.dumps(summary, indent=2))
        return
    console = console_for()
    if out is None:
        table = Table(*header)
        for row in rows[:200]:
            table.add_row(*(str(v) for v in row))
        console.print(table)
        if n > 200:
            console.print(f"... {n - 200} more rows; use --out to write them all")
    console.print(
        f"{n} intervals staffed by {plan.model.value} ({summary['target']}): "
        f"{summary['agent_hours_fractional']} agent-hours (fractional sum), "
        f"peak {summary['peak_agents']} agents" + (f"; written to {out}" if out is not None else "")
    )


def register(app: typer.Typer) -> None:
    """Add ``staff`` to the command line."""
    app.command(name="staff")(staff)
