"""Forecast accuracy and time on the real public data in ../shared/data.

For every data set: a rolling-origin backtest of every candidate model (the planners'
baselines and statsforecast's models, alone) and of the automatic choice, in one run on the
same origins. The automatic choice is honest: at each evaluation origin it runs the product's
choice (``choose_model``: the default model unless a candidate or an ensemble of the best three
beats it clearly) on the preceding selection origins whose actuals were already known at that
origin, as many and as far apart as the product's own backtest: ``bezetting forecast``'s
defaults (10 origins 2 days apart, the headline) and ``ForecastSettings``'s (14 origins 1 day
apart, the service's); it never sees the day it is scored on (asserted).

``--bias-study`` instead measures a bias correction learned from the default model's own recent
residuals (``bias_study``): on the windows the bench does not score first, then on the scored.

``--aht`` instead measures the handle-time forecast (``aht_study``) on February's call records
(which have handle times) and on the demo's generated history: the method before stop 17 (the
same weekday and slot) against the product's (a weekday level times a smoothed profile), whose
settings it also searches on the unscored window.

Run: .venv/bin/python bench/forecast.py [--quick | --bias-study | --aht]
Data: $BEZETTING_SHARED_DATA or the repository's sibling ../shared/data.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np

from bezetting.core.forecast import (
    BacktestResult,
    DayOfMonthDecomposition,
    Ensemble,
    Forecaster,
    ForecastSettings,
    PipelineOptions,
    choose_model,
    daily_ensemble,
    default_candidates,
    default_model,
    forecast_days,
    holiday_events,
    origins_for,
    profiled,
    rolling_origin,
)
from bezetting.core.forecast.aht import AhtSettings, forecast_aht
from bezetting.demo import (
    HISTORY_WEEKS,
    PLAN_FIRST_DAY,
    demo_agents,
    demo_history,
    demo_queues,
    public_data_figures,
)

_API = ForecastSettings(horizon=timedelta(days=7))
SELECTIONS = {
    "product default": (_API.backtest_origins, _API.backtest_step_days),
    "14 origins 1 day apart (the service's default before)": (14, 1),
}
"""(origins, days apart) of backtests the choice may see: the product's default
(``ForecastSettings``, also ``bezetting forecast``'s) first. The choice at each evaluation
origin sees the same origins before it."""


def shared_data() -> Path:
    configured = os.environ.get("BEZETTING_SHARED_DATA")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[1].parent / "shared" / "data"


@dataclass(frozen=True)
class DataSet:
    name: str
    days: np.ndarray  # (n_days, 48) calls per 30 minutes
    first_day: date
    horizon_days: int
    n_eval: int
    min_history_days: int


def bank_year(root: Path) -> DataSet:
    path = root / "anonymous_bank_1999" / "Callcenter_6min_1999_derived.csv"
    with path.open(newline="") as handle:
        calls = np.array([float(row["calls"]) for row in csv.DictReader(handle)])
    return DataSet("Anonymous Bank 1999 year, 30 min", calls.reshape(365, 48, 5).sum(axis=2),
                   date(1999, 1, 1), 7, 56, 28)  # fmt: skip


def february_calls(root: Path, queue: str) -> Iterator[tuple[int, int, dict[str, str]]]:
    """February's call records of one queue: (day 0-27, minute of the day it arrived, row)."""
    path = root / "anonymous_bank_1999" / "data_anonymous_bank_february.txt"
    with path.open(newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if row["type"].strip() == queue:
                hours, minutes, _ = (int(part) for part in row["vru_entry"].split(":"))
                yield int(row["date"][-2:]) - 1, hours * 60 + minutes, row


def bank_february(root: Path, queue: str) -> DataSet:
    days = np.zeros((28, 48))
    for day, minute, _ in february_calls(root, queue):
        days[day, minute // 30] += 1
    return DataSet(f"Anonymous Bank Feb 1999 records, queue {queue}, 30 min", days,
                   date(1999, 2, 1), 1, 7, 14)  # fmt: skip


def auto_choice(
    candidates: tuple[Forecaster, ...],
    results: list[BacktestResult],
    eval_origins: np.ndarray,
    horizon_days: int,
    selection: tuple[int, int],
) -> tuple[BacktestResult, list[str]]:
    """At each evaluation origin, the product's choice (``choose_model`` with its default model
    and switch rule) made on the ``selection`` = (number, days apart) of origins before it
    whose actuals are known; the chosen model's forecast from that origin is scored."""
    origins = results[0].origins
    forecasts = np.empty_like(results[0].forecasts[: eval_origins.size])
    by_name = {r.model_name: r for r in results}
    chosen: list[str] = []
    default = default_model()
    n_select, step = selection
    for k, origin in enumerate(eval_origins.tolist()):
        known = np.isin(origins, origin - horizon_days - step * np.arange(n_select))
        if np.any(origins[known] + horizon_days > origin):
            raise AssertionError("the selection saw actuals after the evaluation origin")
        choice = choose_model(candidates, [r.select(known) for r in results], default=default)
        at = int(np.flatnonzero(origins == origin)[0])
        model = choice.model
        if isinstance(model, Ensemble) and model.name not in by_name:
            members = [by_name[m.name] for m in model.members]
            forecasts[k] = np.average([m.forecasts[at] for m in members], axis=0,
                                      weights=model.weights)  # fmt: skip
            label = "WeightedEnsemble(top 3)" if model.weights is not None else "Ensemble(top 3)"
        else:
            forecasts[k] = by_name[model.name].forecasts[at]
            label = model.name
        chosen.append(label)
    in_eval = np.isin(origins, eval_origins)
    auto = BacktestResult(
        model_name="auto choice",
        origins=eval_origins,
        forecasts=forecasts,
        actuals=results[0].actuals[in_eval],
        naive_mae=results[0].naive_mae[in_eval],
    )
    return auto, chosen


def paired_interval(auto: BacktestResult, other: BacktestResult, *, seed: int = 1) -> str:
    """95% bootstrap interval (over evaluation origins) of auto's WAPE minus ``other``'s, in
    points: whether a gap is more than the noise of a few evaluation days."""
    rng = np.random.default_rng(seed)
    a_err = np.abs(auto.forecasts - auto.actuals).sum(axis=(1, 2))
    o_err = np.abs(other.forecasts - other.actuals).sum(axis=(1, 2))
    actual = auto.actuals.sum(axis=(1, 2))
    draws = rng.integers(0, actual.size, size=(2000, actual.size))
    gaps = 100 * (a_err[draws].sum(1) - o_err[draws].sum(1)) / actual[draws].sum(1)
    lo, hi = np.percentile(gaps, [2.5, 97.5])
    return f"[{lo:+.1f}, {hi:+.1f}] points"


def numba_costs() -> str:
    """Import and first-call (JIT) time of statsforecast, in a fresh interpreter."""
    code = (
        "import time;t=time.perf_counter();from statsforecast.models import AutoETS;"
        "import numpy as np;a=time.perf_counter();y=np.arange(60.)%7+10;"
        "AutoETS(season_length=7).forecast(y=y,h=7);b=time.perf_counter();"
        "AutoETS(season_length=7).forecast(y=y,h=7);c=time.perf_counter();"
        "print(f'{a-t:.2f} {b-a:.2f} {c-b:.3f}')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    imp, first, second = out.stdout.split()
    return f"import {imp} s, first AutoETS fit {first} s, second {second} s"


def run(data: DataSet, candidates: tuple[Forecaster, ...], options: PipelineOptions) -> None:
    n_days = data.days.shape[0]
    span = max(n * step for n, step in SELECTIONS.values())
    origins = origins_for(n_days, horizon_days=data.horizon_days,
                          n_origins=data.n_eval + span + data.horizon_days,
                          min_history_days=data.min_history_days)  # fmt: skip
    eval_origins = origins[-data.n_eval :]
    results, seconds = [], []
    for model in candidates:
        started = time.perf_counter()
        results.append(
            rolling_origin(
                data.days,
                model,
                first_day=data.first_day,
                origins=origins,
                horizon_days=data.horizon_days,
                options=options,
            )
        )
        seconds.append(time.perf_counter() - started)
        print(f"  {model.name}: {seconds[-1]:.1f} s", file=sys.stderr, flush=True)
    autos = {label: auto_choice(candidates, results, eval_origins, data.horizon_days, selection)
             for label, selection in SELECTIONS.items()}  # fmt: skip
    in_eval = np.isin(origins, eval_origins)
    scored = [(r.model_name, r.select(in_eval), s) for r, s in zip(results, seconds, strict=True)]
    baseline_bt = next(bt for name, bt, _ in scored if name == "SameWeekdayMean4")
    baseline = baseline_bt.wape
    best_name, best_bt, _ = min(scored, key=lambda row: row[1].wape)
    best_single = best_bt.wape
    heads = " | ".join(f"day {h + 1}" for h in range(data.horizon_days))
    print(f"\n### {data.name}\n")
    print(f"{eval_origins.size} evaluation origins (last {data.n_eval} days), horizon "
          f"{data.horizon_days} day(s); WAPE per horizon day, all origins pooled.\n")  # fmt: skip
    print(f"| model | WAPE | vs SameWeekdayMean4 | {heads} | bias | MASE | time s |")
    print("|---|---|---|" + "---|" * data.horizon_days + "---|---|---|")
    rows = [(name, bt, s) for name, bt, s in scored] + [
        (f"**auto choice** ({label}: {n} origins {step} day(s) apart)", auto, sum(seconds))
        for label, (auto, _) in autos.items()
        for n, step in [SELECTIONS[label]]
    ]
    for name, bt, s in rows:
        per_h = " | ".join(f"{100 * w:.1f}%" for w in bt.wape_by_horizon)
        print(f"| {name} | {100 * bt.wape:.1f}% | {100 * (bt.wape / baseline - 1):+.1f}% | "
              f"{per_h} | {100 * bt.bias:+.1f}% | {bt.mase:.2f} | {s:.1f} |")  # fmt: skip
    for label, (auto, chosen) in autos.items():
        counts = {name: chosen.count(name) for name in sorted(set(chosen))}
        print(f"\nauto choice, {label}, picked: {counts}")
        print(
            f"goal 1 (auto <= 0.9 x baseline {100 * baseline:.1f}% = {90 * baseline:.1f}%): "
            f"{'met' if auto.wape <= 0.9 * baseline else 'NOT met'} ({100 * auto.wape:.2f}%); "
            f"auto - baseline, 95% bootstrap over origins: {paired_interval(auto, baseline_bt)}"
        )
        print(f"goal 2 (auto <= best single model {100 * best_single:.2f}%, {best_name}): "
              f"{'met' if auto.wape <= best_single + 1e-12 else 'NOT met'}; auto - best single, "
              f"95% bootstrap over origins: {paired_interval(auto, best_bt)}")  # fmt: skip


YEAR_WINDOWS = {"pre": (160, 295), "eval": (303, 359)}
FEBRUARY_WINDOWS = {"sel": (16, 21), "eval": (21, 28)}
"""Origins (day indices, end excluded) of the bias study: the year's "pre" = 10 June-22 October
1999 (not scored by the bench) and the scored last 56; February's "sel" = days 17-21 (not
scored) and the scored 22-28."""
BIAS_CORRECTIONS = [(k, w) for k in (3, 5, 7, 14) for w in (0.25, 0.5, 1.0)]
"""(last k days, weight w) of the correction: the forecast times (A / F) ** w, A and F the
actual and 1-day-ahead forecast totals of the last k days (fewer when the history is short)."""


def bias_study(
    data: DataSet, options: PipelineOptions, windows: dict[str, tuple[int, int]]
) -> None:
    """WAPE of the default model with and without a multiplicative bias correction learned at
    each origin from the default's own 1-day-ahead errors over the last ``k`` days (shrunk by
    the power ``w``); and, as an upper bound only, the best constant factor chosen on the
    scored window itself (not a forecast anyone could make). Then level corrections inside the
    default's daily ensemble: the arithmetic instead of the geometric mean, and the
    decomposition's level over fewer recent days (it lags a rising level by half its window)."""
    first = min(start for start, _ in windows.values()) - max(k for k, _ in BIAS_CORRECTIONS)
    first = max(first, data.min_history_days)
    last = max(end for _, end in windows.values())
    model = default_model()
    stored = {
        origin: forecast_days(data.days[:origin], model, first_day=data.first_day,
                              horizon_days=data.horizon_days, options=options).mean
        for origin in range(first, last)
    }  # fmt: skip

    def factor(origin: int, k: int, w: float) -> float:
        k = min(k, origin - first)
        made = sum(float(stored[origin - j][0].sum()) for j in range(1, k + 1))
        seen = float(data.days[origin - k : origin].sum())
        return (seen / made) ** w if k > 0 and made > 0 and seen > 0 else 1.0

    def wape(start: int, end: int, k: int, w: float, scale: float = 1.0) -> tuple[float, float]:
        errors = [
            stored[o] * factor(o, k, w) * scale - data.days[o : o + data.horizon_days]
            for o in range(start, end)
        ]
        total = sum(float(data.days[o : o + data.horizon_days].sum()) for o in range(start, end))
        return (100 * sum(float(np.abs(e).sum()) for e in errors) / total,
                100 * sum(float(e.sum()) for e in errors) / total)  # fmt: skip

    names = list(windows)
    print(f"\n### Bias study: {data.name}, horizon {data.horizon_days} day(s)\n")
    print("| correction | " + " | ".join(f"{n} WAPE (bias)" for n in names) + " |")
    print("|---|" + "---|" * len(names))
    for label, k, w in [("none (the default)", 0, 0.0)] + [
        (f"last {k} days, w {w:g}", k, w) for k, w in BIAS_CORRECTIONS
    ]:
        cells = [wape(*windows[n], k, w) for n in names]
        print(f"| {label} | " + " | ".join(f"{c:.2f}% ({b:+.1f}%)" for c, b in cells) + " |")
    scored = windows["eval"]
    best = min((wape(*scored, 0, 0.0, c / 100)[0], c) for c in range(50, 151))
    print(f"\nupper bound, the best constant factor on the scored window itself: "
          f"x{best[1] / 100:.2f} gives {best[0]:.2f}%")  # fmt: skip
    members = daily_ensemble().members
    variants = {
        "arithmetic daily mean": Ensemble(members),
        "decomposition level over 21 days": replace(
            daily_ensemble(), members=(DayOfMonthDecomposition(level_days=21), *members[1:])
        ),
        "decomposition level over 14 days": replace(
            daily_ensemble(), members=(DayOfMonthDecomposition(level_days=14), *members[1:])
        ),
    }
    print("\n| daily ensemble of the default | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for label, daily in variants.items():
        row: list[str] = []
        for n in names:
            start, end = windows[n]
            result = rolling_origin(data.days, profiled(daily), first_day=data.first_day,
                                    origins=np.arange(start, end), horizon_days=data.horizon_days,
                                    options=options)  # fmt: skip
            row.append(f"{100 * result.wape:.2f}% ({100 * result.bias:+.1f}%)")
        print(f"| {label} | " + " | ".join(row) + " |")


AHT_WINDOWS = {"sel": (14, 21), "eval": (21, 28)}
"""Origins (day indices, end excluded) of the handle-time study on February, one day ahead:
the settings are chosen on "sel" (not scored) and scored on "eval" (the last week)."""
AHT_DEMO_SEL = (42, 56)
"""Origins of the demo's unscored window (3-15 March 2020, one day ahead); the demo is scored
on the forecast made on 16 March (day 56) for 14 days, as ``bezetting demo`` makes it."""
AHT_HALF_LIVES: tuple[float | None, ...] = (7.0, 14.0, 28.0, None)
AHT_SMOOTH_MINUTES = (0.0, 15.0, 30.0, 60.0, 120.0)
AHT_PROFILE_PRIORS = (0.0, 20.0, 50.0, 200.0, 1000.0)
AHT_WEEKDAY_PRIORS: tuple[float | None, ...] = (0.0, 200.0, 1000.0, None)
"""The ``AhtSettings`` searched (None: no recency weight, one level for every weekday)."""


@dataclass(frozen=True)
class HandleHistory:
    name: str
    volume: np.ndarray  # (n_days, slots) contacts arriving
    aht_seconds: np.ndarray  # (n_days, slots) mean handle time of the answered; NaN: none
    first_day: date


def bank_february_handle(root: Path, queue: str, *, interval_minutes: int) -> HandleHistory:
    """February's records of one queue as the product aggregates them: contacts by arrival
    interval, AHT the mean service time of the calls an agent served (``ser_time`` > 0)."""
    width = 1440 // interval_minutes
    volume, seconds, served = np.zeros((28, width)), np.zeros((28, width)), np.zeros((28, width))
    for day, minute, row in february_calls(root, queue):
        slot = minute // interval_minutes
        volume[day, slot] += 1
        if row["outcome"].strip() == "AGENT" and int(row["ser_time"]) > 0:
            seconds[day, slot] += int(row["ser_time"])
            served[day, slot] += 1
    with np.errstate(divide="ignore", invalid="ignore"):
        aht = np.where(served > 0, seconds / served, np.nan)
    return HandleHistory(f"Feb 1999 {queue}, {interval_minutes} min", volume, aht,
                         date(1999, 2, 1))  # fmt: skip


def previous_aht(volume: np.ndarray, aht_seconds: np.ndarray, *, horizon_days: int) -> np.ndarray:
    """The product's handle-time forecast before stop 17, kept here to measure against: the
    volume-weighted mean of the same weekday and slot over the last 8 weeks, shrunk towards
    the slot's all-days mean with a weight of 20 contacts (that towards all slots' mean)."""
    weeks, prior = 8, 20.0

    def weighted(v: np.ndarray, a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        known = np.isfinite(a) & (v > 0)
        return np.where(known, a * v, 0.0).sum(axis=0), np.where(known, v, 0.0).sum(axis=0)

    n_days, width = volume.shape
    recent = slice(max(0, n_days - weeks * 7), n_days)
    slot_total, slot_count = weighted(volume[recent], aht_seconds[recent])
    overall = float(slot_total.sum()) / float(slot_count.sum())
    slot_mean = (slot_total + prior * overall) / (slot_count + prior)
    result = np.empty((horizon_days, width))
    for day in range(horizon_days):
        rows = np.arange(n_days + day - 7 * ((day // 7) + 1), -1, -7)[:weeks]
        rows = rows[(rows >= 0) & (rows < n_days)]
        total, count = weighted(volume[rows], aht_seconds[rows])
        result[day] = (total + prior * slot_mean) / (count + prior)
    return result


@dataclass(frozen=True)
class AhtScore:
    """Pooled over origins: ``aht_wape`` = sum of v |f - a| over sum of v a (v the actual
    contacts, cells with an actual AHT): the workload error due to the AHT alone;
    ``workload_wape`` the same with the forecast volume times the forecast AHT (cells without
    contacts count, at 0 workload); ``step_seconds`` the mean absolute change of the forecast
    AHT between consecutive intervals that both had contacts."""

    aht_wape: float
    aht_bias: float
    workload_wape: float
    step_seconds: float


def score_aht(
    history: HandleHistory,
    forecasts: list[np.ndarray],
    volumes: list[np.ndarray] | None,
    origins: list[int],
    *,
    truth: np.ndarray | None = None,
) -> AhtScore:
    """Score forecasts made at ``origins`` (each (h, slots)) against the actual AHT, or against
    ``truth`` (the generator's expected AHT) when given; without ``volumes`` the workload
    WAPE is NaN."""
    abs_err = bias = weight = work_err = work = steps = pairs = 0.0
    no_volumes = [np.full_like(f, np.nan) for f in forecasts]
    for origin, f_aht, f_volume in zip(origins, forecasts, volumes or no_volumes, strict=True):
        days = slice(origin, origin + f_aht.shape[0])
        v = history.volume[days]
        a = (history.aht_seconds if truth is None else truth)[days]
        known = np.isfinite(a) & (v > 0)
        abs_err += float(np.abs(f_aht - a)[known] @ v[known])
        bias += float((f_aht - a)[known] @ v[known])
        weight += float(a[known] @ v[known])
        counted = known | (v == 0)
        actual_work = np.where(known, v * np.nan_to_num(a), 0.0)
        work_err += float(np.abs(f_volume * f_aht - actual_work)[counted].sum())
        work += float(actual_work[counted].sum())
        busy = (v[:, 1:] > 0) & (v[:, :-1] > 0)
        steps += float(np.abs(np.diff(f_aht, axis=1))[busy].sum())
        pairs += float(busy.sum())
    return AhtScore(abs_err / weight, bias / weight, work_err / work, steps / pairs)


def actual_steps(history: HandleHistory, origins: list[int], horizon_days: int) -> float:
    """The actual AHT's mean absolute change between consecutive intervals with contacts."""
    days = slice(origins[0], origins[-1] + horizon_days)
    v, a = history.volume[days], history.aht_seconds[days]
    both = np.isfinite(a[:, 1:]) & np.isfinite(a[:, :-1]) & (v[:, 1:] > 0) & (v[:, :-1] > 0)
    return float(np.abs(np.diff(a, axis=1))[both].mean())


def aht_forecasts(
    history: HandleHistory, origins: list[int], horizon_days: int, settings: AhtSettings | None
) -> list[np.ndarray]:
    """The product's forecast (``settings``) or, for None, the method before stop 17."""
    if settings is None:
        return [previous_aht(history.volume[:o], history.aht_seconds[:o],
                             horizon_days=horizon_days) for o in origins]  # fmt: skip
    return [forecast_aht(history.volume[:o], history.aht_seconds[:o], horizon_days=horizon_days,
                         settings=settings) for o in origins]  # fmt: skip


def volume_forecasts(
    history: HandleHistory, origins: list[int], horizon_days: int, options: PipelineOptions
) -> list[np.ndarray]:
    """The default model's volume forecasts (for the workload error)."""
    return [forecast_days(history.volume[:o], default_model(), first_day=history.first_day,
                          horizon_days=horizon_days, options=options).mean
            for o in origins]  # fmt: skip


def demo_handle(days: int) -> tuple[list[HandleHistory], list[np.ndarray]]:
    """The demo's three phone queues, ``days`` days from the demo's first history day, drawn
    as ``bezetting demo`` draws them (seed 2020, 80 agents): the first queue's first 56 days
    are the stored demo's own (the later queues' draws differ, as the generator runs on).
    With each, the generator's expected AHT per day and quarter hour: the queue's mean, times
    the half hour's shape, times the mean proficiency of the agents it draws from in that hour
    (weighted by contract hours, as it draws); it ignores the 10 s floor and the rounding."""
    rng = np.random.default_rng(2020)
    people = demo_agents(rng, count=80)
    first = PLAN_FIRST_DAY - timedelta(weeks=HISTORY_WEEKS)
    specs = demo_queues()[:3]
    figures = public_data_figures()
    # No Dutch public holiday falls between 20 January and 29 March 2020.
    contacts = demo_history(specs, people, first_day=first, days=days, figures=figures, rng=rng)
    tz = ZoneInfo("Europe/Amsterdam")
    histories, truths = [], []
    for spec in specs:
        volume, seconds, served = (np.zeros((days, 96)) for _ in range(3))
        for c in contacts:
            if c.queue != spec.code:
                continue
            local = c.arrived_at.astimezone(tz)
            row, slot = (local.date() - first).days, local.hour * 4 + local.minute // 15
            volume[row, slot] += 1
            if c.answered_at is not None and c.ended_at is not None and not c.abandoned:
                seconds[row, slot] += (c.ended_at - c.answered_at).total_seconds()
                served[row, slot] += 1
        with np.errstate(divide="ignore", invalid="ignore"):
            aht = np.where(served > 0, seconds / served, np.nan)
        histories.append(HandleHistory(f"demo {spec.code}, 15 min", volume, aht, first))
        skilled = [(a, p) for a in people for code, p in a.skills if code == spec.skill]
        truth = np.full((days, 96), np.nan)
        for d in range(days):
            day = first + timedelta(days=d)
            for hour in range(24):
                pool = [(a, p) for a, p in skilled if a.works_at(day, hour)] or skilled
                hours = np.array([a.hours_target for a, _ in pool])
                proficiency = float(np.average([p for _, p in pool], weights=hours))
                for slot in range(hour * 4, hour * 4 + 4):
                    shape = figures.half_hour_aht_shape[slot // 2]
                    truth[d, slot] = spec.mean_handle_seconds * shape * proficiency
        truths.append(truth)
    return histories, truths


def _aht_row(label: str, score: AhtScore) -> str:
    return (f"| {label} | {100 * score.aht_wape:.2f}% | {100 * score.aht_bias:+.1f}% | "
            f"{100 * score.workload_wape:.2f}% | {score.step_seconds:.1f} |")  # fmt: skip


def _bootstrap_within(errors: np.ndarray, best: np.ndarray, *, seed: int = 1) -> bool:
    """Whether a setting's error is within the noise of the best's: the 95% bootstrap interval
    (over origins) of its pooled AHT WAPE minus the best's reaches 0. Rows: origins; columns:
    absolute error and weight of each data set (the data sets' WAPEs averaged)."""
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, errors.shape[0], size=(1000, errors.shape[0]))

    def wape(e: np.ndarray) -> np.ndarray:
        summed = e[draws].sum(axis=1)  # (draws, columns)
        return np.asarray((summed[:, 0::2] / summed[:, 1::2]).mean(axis=1))

    return bool(np.percentile(wape(errors) - wape(best), 2.5) <= 0)


def _per_origin(
    history: HandleHistory, forecasts: list[np.ndarray], origins: list[int]
) -> list[tuple[float, float]]:
    """(absolute error, weight) of the AHT, volume-weighted, per origin (one day ahead)."""
    rows = []
    for origin, f in zip(origins, forecasts, strict=True):
        v, a = history.volume[origin], history.aht_seconds[origin]
        known = np.isfinite(a) & (v > 0)
        rows.append((float(np.abs(f[0] - a)[known] @ v[known]), float(a[known] @ v[known])))
    return rows


def aht_search(
    bank: list[HandleHistory], demo: list[HandleHistory], truths: list[np.ndarray]
) -> tuple[AhtSettings, AhtSettings]:
    """The settings, chosen on unscored windows only, in two steps: (1) on February's "sel"
    origins (PS and NW, 15 min) against the actual AHT, keep the settings within the noise of
    the best (``_bootstrap_within``): the actual AHT of a quarter hour is so noisy that most
    settings tie; (2) among those, the one closest to the demo generator's expected AHT on the
    demo's "sel" origins (only a known curve tells a smooth profile from a noisy one). Returns
    (the choice, the best of step 1 alone)."""
    grid = [
        AhtSettings(half_life_days=half_life, smooth_minutes=smooth,
                    profile_prior_contacts=profile, weekday_prior_contacts=weekday)
        for half_life, smooth, profile, weekday in itertools.product(
            AHT_HALF_LIVES, AHT_SMOOTH_MINUTES, AHT_PROFILE_PRIORS, AHT_WEEKDAY_PRIORS
        )
    ]  # fmt: skip
    sel = list(range(*AHT_WINDOWS["sel"]))

    def bank_errors(settings: AhtSettings | None) -> np.ndarray:
        return np.hstack([np.array(_per_origin(h, aht_forecasts(h, sel, 1, settings), sel))
                          for h in bank])  # fmt: skip

    def mean_wape(errors: np.ndarray) -> float:
        summed = errors.sum(axis=0)
        return float((summed[0::2] / summed[1::2]).mean())

    errors = [bank_errors(s) for s in grid]
    best = int(np.argmin([mean_wape(e) for e in errors]))
    kept = [i for i, e in enumerate(errors) if _bootstrap_within(e, errors[best])]
    demo_sel = list(range(*AHT_DEMO_SEL))

    def demo_error(settings: AhtSettings | None) -> float:
        return float(np.mean([
            score_aht(h, aht_forecasts(h, demo_sel, 1, settings), None, demo_sel,
                      truth=t).aht_wape
            for h, t in zip(demo, truths, strict=True)
        ]))  # fmt: skip

    chosen = min(kept, key=lambda i: demo_error(grid[i]))
    print(f"\n### Handle time: the settings search ({len(grid)} settings, unscored windows)\n")
    print(f"step 1, February origins {sel[0] + 1}-{sel[-1] + 1}, PS and NW, 15 min, mean AHT "
          f"WAPE against the actual: before stop 17 {100 * mean_wape(bank_errors(None)):.2f}%; "
          f"best {100 * mean_wape(errors[best]):.2f}% ({grid[best]}); {len(kept)} settings "
          "within its noise (95% bootstrap over origins)")  # fmt: skip
    print(f"step 2, demo origins {demo_sel[0] + 1}-{demo_sel[-1] + 1}, 3 phone queues, mean "
          f"AHT WAPE against the expected AHT: before stop 17 {100 * demo_error(None):.2f}%; "
          f"step 1's best {100 * demo_error(grid[best]):.2f}%; chosen "
          f"{100 * demo_error(grid[chosen]):.2f}% ({grid[chosen]}; step 1: "
          f"{100 * mean_wape(errors[chosen]):.2f}%)")  # fmt: skip
    print(f"the product's default is the choice: {grid[chosen] == AhtSettings()}")
    return grid[chosen], grid[best]


def aht_study(root: Path, options: PipelineOptions) -> None:
    """The handle-time forecast before and after stop 17, and the settings search."""
    bank = [bank_february_handle(root, queue, interval_minutes=minutes)
            for minutes in (15, 30) for queue in ("PS", "NW")]  # fmt: skip
    demo_days, origin, horizon = 7 * HISTORY_WEEKS + 14, 7 * HISTORY_WEEKS, 14
    demo, truths = demo_handle(demo_days)
    # The search sees the demo only up to its last history day (what the origins read, and
    # the expected AHT of the days they forecast).
    seen = [replace(h, volume=h.volume[:origin], aht_seconds=h.aht_seconds[:origin])
            for h in demo]  # fmt: skip
    chosen, step_one = aht_search(bank[:2], seen, [t[:origin] for t in truths])
    methods: tuple[tuple[str, AhtSettings | None], ...] = (
        ("before (same weekday and slot)", None),
        ("**now** (level x smoothed profile)", AhtSettings()),
        ("step 1's best alone", step_one),
    )
    if chosen != AhtSettings():  # the default has drifted from the search: show both
        methods += (("the search's choice", chosen),)
    windows = {name: list(range(*span)) for name, span in AHT_WINDOWS.items()}
    print("\n### Handle time, February 1999 records, one day ahead\n")
    print(
        "AHT WAPE: sum of v|f - a| / sum of v a, v the actual contacts (the workload error "
        "due to the AHT alone); workload WAPE: forecast volume (the default model) x "
        "forecast AHT against actual; step: mean |change| of the forecast AHT between "
        "consecutive intervals with contacts, seconds.\n"
    )
    print("| data, window | method | AHT WAPE | AHT bias | workload WAPE | step s |")
    print("|---|---|---|---|---|---|")
    for history in bank:
        for name, origins in windows.items():
            where = f"{history.name}, {name} (origins {origins[0] + 1}-{origins[-1] + 1})"
            volumes = volume_forecasts(history, origins, 1, options)
            for label, settings in methods:
                made = aht_forecasts(history, origins, 1, settings)
                print(_aht_row(f"{where} | {label}", score_aht(history, made, volumes, origins)))
            print(
                f"| {where} | the actual AHT's own step | | | | "
                f"{actual_steps(history, origins, 1):.1f} |"
            )
    print(
        f"\n### Handle time, the demo's phone queues: forecast on 16 March 2020 (day "
        f"{origin + 1}) for {horizon} days, against the drawn contacts and against the "
        "generator's expected AHT\n"
    )
    print(
        "| queue | method | AHT WAPE | AHT bias | workload WAPE | step s "
        "| AHT WAPE against expected | step of the expected s |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for history, truth in zip(demo, truths, strict=True):
        volumes = volume_forecasts(history, [origin], horizon, PipelineOptions())
        truth_steps = score_aht(history, [truth[origin : origin + horizon]], None, [origin],
                                truth=truth).step_seconds  # fmt: skip
        for label, settings in methods:
            made = aht_forecasts(history, [origin], horizon, settings)
            actual = score_aht(history, made, volumes, [origin])
            expected = score_aht(history, made, None, [origin], truth=truth)
            print(
                f"{_aht_row(f'{history.name} | {label}', actual)} "
                f"{100 * expected.aht_wape:.2f}% | {truth_steps:.1f} |"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="skip the interval models")
    parser.add_argument("--bias-study", action="store_true", help="the bias correction study")
    parser.add_argument("--aht", action="store_true", help="the handle-time forecast study")
    args = parser.parse_args()
    root = shared_data()
    if not root.exists():
        sys.exit(f"shared data not found at {root}; set BEZETTING_SHARED_DATA")
    year = bank_year(root)
    israel = PipelineOptions(events=holiday_events(date(1999, 1, 1), date(1999, 12, 31),
                                                   country="IL"))  # fmt: skip
    if args.aht:
        aht_study(root, israel)
        return
    if args.bias_study:
        bias_study(year, israel, YEAR_WINDOWS)
        for queue in ("PS", "NW"):
            bias_study(bank_february(root, queue), israel, FEBRUARY_WINDOWS)
        return
    print(f"statsforecast start-up: {numba_costs()}")
    candidates = default_candidates(interval_models=not args.quick)
    run(year, candidates, israel)
    for queue in ("PS", "NW"):
        feb = bank_february(root, queue)
        small = tuple(c for c in candidates if c.name != "MSTL" and c.name != "AutoTheta")
        run(feb, small if feb.days.shape[0] < 35 else candidates, israel)


if __name__ == "__main__":
    main()
