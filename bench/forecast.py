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

Run: .venv/bin/python bench/forecast.py [--quick | --bias-study]
Data: $BEZETTING_SHARED_DATA or the repository's sibling ../shared/data.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import time
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

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


def bank_february(root: Path, queue: str) -> DataSet:
    path = root / "anonymous_bank_1999" / "data_anonymous_bank_february.txt"
    days = np.zeros((28, 48))
    with path.open(newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if row["type"].strip() != queue:
                continue
            day = int(row["date"][-2:]) - 1
            hours, minutes, _ = (int(part) for part in row["vru_entry"].split(":"))
            days[day, (hours * 60 + minutes) // 30] += 1
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="skip the interval models")
    parser.add_argument("--bias-study", action="store_true", help="the bias correction study")
    args = parser.parse_args()
    root = shared_data()
    if not root.exists():
        sys.exit(f"shared data not found at {root}; set BEZETTING_SHARED_DATA")
    year = bank_year(root)
    israel = PipelineOptions(events=holiday_events(date(1999, 1, 1), date(1999, 12, 31),
                                                   country="IL"))  # fmt: skip
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
