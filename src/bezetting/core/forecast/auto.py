"""Forecast one queue end to end: backtest the candidates, pick the best per queue, forecast,
and map the result onto real UTC intervals.

The choice is honest: every candidate (and an ensemble of the best few) runs the same
rolling-origin backtest on the queue's own history; the lowest WAPE wins, and its backtest
error travels with the forecast.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import numpy as np

from bezetting.core.calendar import (
    BoolArray,
    DatetimeArray,
    OpeningHours,
    expand_day_matrix,
    floor_to_interval,
    local_grid_starts_utc,
    to_day_matrix,
    zone,
)
from bezetting.core.errors import InputError
from bezetting.core.forecast.aht import forecast_aht
from bezetting.core.forecast.backtest import (
    BacktestResult,
    ensemble_backtest,
    origins_for,
    rolling_origin,
)
from bezetting.core.forecast.day_of_month import DayOfMonthAdjusted, DayOfMonthDecomposition
from bezetting.core.forecast.events import HOLIDAY_CATEGORIES, Event, holiday_events
from bezetting.core.forecast.models import (
    DailyProfile,
    Ensemble,
    SameWeekdayMean,
    SeasonalNaive,
    StatsForecastModel,
)
from bezetting.core.forecast.overrides import Override, override_changes, total_change
from bezetting.core.forecast.pipeline import DayForecast, PipelineOptions, forecast_days
from bezetting.core.forecast.protocol import FloatArray, Forecaster
from bezetting.core.forecast.series import IntervalSeries

__all__ = [
    "BACKTEST_ORIGINS",
    "BACKTEST_STEP_DAYS",
    "ForecastSettings",
    "ModelChoice",
    "QueueForecast",
    "choose_model",
    "daily_ensemble",
    "default_candidates",
    "default_model",
    "forecast_queue",
    "inverse_error_weights",
    "paired_t",
    "profiled",
]

ProgressCallback = Callable[[str, int, int], None]
_MIN_FIT_DAYS = 21
PROFILE_SMOOTH_MINUTES = 17.5
"""Smoothing of the intraday profile in the default candidates (see ``DailyProfile``)."""
PROFILE_ALIKE_WEIGHT = 0.5
"""Weight of the weekdays alike in the default candidates' profiles (see ``alike_profile``):
chosen on the Anonymous Bank's June-October 1999 with the true daily totals (interval WAPE
19.43% alone, 19.15/19.12/19.15% at 0.33/0.5/0.67 over 42 days)."""
PROFILE_ALIKE_DAYS = 56
PROFILE_ALIKE_HALF_LIFE_DAYS = 14.0
"""The alike days' median looks 56 days back, weighted by a half-life of 14 days, with the
profile smoothed over 17.5 minutes: chosen on the same June-October window with the true
daily totals (interval WAPE 19.22% with the plain median over 42 days and 20 minutes,
19.13% so; the default model's forecasts there 24.68% to 24.57%, better at 103 of 135
origins). Mean-type estimators, heavier alike weights and wider smoothing were all worse
(docs/benchmarks/forecast.md, "The intraday profile")."""
BACKTEST_ORIGINS = 10
BACKTEST_STEP_DAYS = 2
"""The model choice's rolling origins: 10, 2 days apart, for the CLI and the service alike.
Against 14 origins 1 day apart (the service's default until session 4), on windows the
benchmark does not score: Anonymous Bank June-October 1999 24.96% vs 25.26% interval WAPE;
the five February days before the scored week favour 14 x 1 on queues NW (43.80% vs 42.99%)
and TT (106.76% vs 100.95%). The year's window is the longest sample, and 10 origins cost
fewer fits (docs/benchmarks/forecast.md)."""
SWITCH_T = 2.0
"""How clearly a challenger must beat the default model to replace it: the paired t-statistic
of the per-origin absolute errors (a conventional two-sigma bar, not tuned on the benchmark)."""


def daily_ensemble() -> Ensemble:
    """The geometric mean of three daily-total models with a day-of-month factor: the
    decomposition, AutoTheta and the same-weekday mean (each on the history with the factors
    taken out).

    Geometric rather than arithmetic (see ``Ensemble``): equal on the Anonymous Bank year
    (interval WAPE 26.08% on June-October 1999), lower on the selection days of February's
    four busiest queues (PS 35.0 to 32.2%, NW 42.0 to 41.2%, NE 55.7 to 50.6%, TT 103.1 to
    100.4%), where AutoTheta is sometimes far off. Named ``DailyEnsemble`` (its members
    spelled out would not fit a table or the database's model column)."""
    return Ensemble(
        (
            DayOfMonthDecomposition(),
            DayOfMonthAdjusted(StatsForecastModel("AutoTheta")),
            DayOfMonthAdjusted(SameWeekdayMean(weeks=4)),
        ),
        geometric=True,
        label="DailyEnsemble",
    )


def default_model() -> Forecaster:
    """The model a queue gets unless its backtest clearly says otherwise: the daily ensemble
    times the intraday profile (the best single model on the Anonymous Bank year)."""
    return profiled(daily_ensemble())


def profiled(daily: Forecaster) -> DailyProfile:
    """A daily-total model times the default candidates' intraday profile: smoothed over
    ``PROFILE_SMOOTH_MINUTES`` and blended (``PROFILE_ALIKE_WEIGHT``) with the recent days of
    the weekdays alike each weekday (``PROFILE_ALIKE_DAYS``, ``PROFILE_ALIKE_HALF_LIFE_DAYS``)."""
    return DailyProfile(
        daily,
        smooth_minutes=PROFILE_SMOOTH_MINUTES,
        alike_weight=PROFILE_ALIKE_WEIGHT,
        alike_days=PROFILE_ALIKE_DAYS,
        alike_half_life_days=PROFILE_ALIKE_HALF_LIFE_DAYS,
    )


def default_candidates(*, interval_models: bool = True) -> tuple[Forecaster, ...]:
    """The planners' baselines, daily-total models (statsforecast's, the day-of-month
    decomposition, with or without a day-of-month factor, and their mean) times the intraday
    profile of :func:`profiled`, and (optionally) statsforecast's models directly on the
    intervals."""
    candidates: list[Forecaster] = [
        SeasonalNaive(),
        SameWeekdayMean(weeks=4),
        profiled(StatsForecastModel("AutoETS")),
        profiled(StatsForecastModel("AutoTheta")),
        profiled(StatsForecastModel("MSTL")),
        profiled(SameWeekdayMean(weeks=4)),
        profiled(DayOfMonthDecomposition()),
        profiled(DayOfMonthAdjusted(StatsForecastModel("AutoTheta"))),
        default_model(),
    ]
    if interval_models:
        candidates += [
            StatsForecastModel("MSTL", max_history_days=56),
            StatsForecastModel("AutoTheta", max_history_days=56),
        ]
    return tuple(candidates)


@dataclass(frozen=True, slots=True)
class ModelChoice:
    """The model picked for a queue, its backtest, and every candidate's backtest (best
    first)."""

    model: Forecaster
    backtest: BacktestResult
    ranking: tuple[BacktestResult, ...]
    reason: str = ""
    """Why this model: lowest backtest WAPE, or the default kept or replaced (with the paired
    t-statistic of the challenger)."""


def choose_model(
    candidates: Sequence[Forecaster],
    backtests: Sequence[BacktestResult],
    *,
    ensemble_size: int = 3,
    default: Forecaster | None = None,
    switch_t: float = SWITCH_T,
) -> ModelChoice:
    """Pick the lowest backtest WAPE among the candidates, the mean of the best
    ``ensemble_size`` of them and their mean weighted by inverse backtest WAPE (no ensembles
    when ``ensemble_size`` < 2).

    An ensemble wins only when its backtest is strictly better than the best single model's:
    on a tie the single model is kept.

    The weighted ensemble's weights come from the same backtest that scores it, so its score
    is slightly optimistic; on short histories prefer the plain mean (the benchmark chooses
    among them on earlier origins only).

    With a ``default`` (one of the candidates) the choice is guarded: the lowest WAPE replaces
    the default only when it beats it clearly, a paired t-statistic of the per-origin absolute
    errors above ``switch_t``. A backtest of a few origins ranks close models by noise; the
    guard keeps a model that is good on average rather than the luckiest one. Without a
    ``default``, or when it is not among the candidates, the lowest WAPE wins."""
    if not candidates or len(candidates) != len(backtests):
        raise InputError("choose_model needs one backtest per candidate")
    order = sorted(range(len(candidates)), key=lambda i: _wape_key(backtests[i]))
    pool: list[tuple[Forecaster, BacktestResult]] = [(candidates[i], backtests[i]) for i in order]
    if ensemble_size >= 2 and len(pool) >= ensemble_size:
        top = pool[:ensemble_size]
        members = tuple(model for model, _ in top)
        ensemble = Ensemble(members)
        scored = ensemble_backtest([bt for _, bt in top], name=ensemble.name)
        extra = [(ensemble, scored)]
        weights = inverse_error_weights([bt for _, bt in top])
        if weights is not None:
            weighted = Ensemble(members, weights=weights)
            extra.append(
                (
                    weighted,
                    ensemble_backtest([bt for _, bt in top], name=weighted.name, weights=weights),
                )
            )
        pool.extend(extra)  # after the singles: the stable sort keeps a single on a tie
        pool.sort(key=lambda pair: _wape_key(pair[1]))
    ranking = tuple(bt for _, bt in pool)
    best_model, best_backtest = pool[0]
    if default is None or default not in candidates:
        return ModelChoice(
            model=best_model, backtest=best_backtest, ranking=ranking, reason="lowest WAPE"
        )
    default_backtest = backtests[list(candidates).index(default)]
    if best_model == default:
        return ModelChoice(
            model=default, backtest=default_backtest, ranking=ranking, reason="default, lowest WAPE"
        )
    t = paired_t(default_backtest, best_backtest)
    if t > switch_t:
        return ModelChoice(
            model=best_model,
            backtest=best_backtest,
            ranking=ranking,
            reason=f"beats the default clearly (paired t {t:.1f} > {switch_t:g})",
        )
    return ModelChoice(
        model=default,
        backtest=default_backtest,
        ranking=ranking,
        reason=f"default kept: {best_model.name} not clearly better (paired t {t:.1f})",
    )


def paired_t(baseline: BacktestResult, challenger: BacktestResult) -> float:
    """Paired t-statistic of ``baseline``'s minus ``challenger``'s absolute error per origin
    (positive: the challenger is better). Infinite when it is better at every origin by the
    same amount, 0 with fewer than two origins or no difference at all."""
    if not np.array_equal(baseline.origins, challenger.origins):
        raise InputError("paired_t needs two backtests on the same origins")
    gain = np.abs(baseline.forecasts - baseline.actuals).sum(axis=(1, 2)) - np.abs(
        challenger.forecasts - challenger.actuals
    ).sum(axis=(1, 2))
    if gain.size < 2:
        return 0.0
    mean = float(gain.mean())
    spread = float(gain.std(ddof=1))
    if spread == 0.0:
        return 0.0 if mean == 0.0 else math.copysign(math.inf, mean)
    return mean / (spread / math.sqrt(gain.size))


def inverse_error_weights(backtests: Sequence[BacktestResult]) -> tuple[float, ...] | None:
    """Weights proportional to 1 / backtest WAPE, summing to 1; ``None`` when a WAPE is zero
    or undefined (then the plain mean is the only sensible combination)."""
    wapes = np.array([result.wape for result in backtests], dtype=np.float64)
    if wapes.size == 0 or not np.all(np.isfinite(wapes)) or np.any(wapes <= 0):
        return None
    inverse = 1.0 / wapes
    return tuple(float(w) for w in inverse / inverse.sum())


def _wape_key(result: BacktestResult) -> float:
    wape = result.wape
    return float("inf") if np.isnan(wape) else wape


@dataclass(frozen=True, slots=True)
class ForecastSettings:
    """Everything that shapes a forecast besides the history.

    Args:
        horizon: how far ahead, from ``start_utc``, in local calendar time (28 days is 28 local
            days, whatever daylight saving does).
        start_utc: first forecast interval; ``None`` means right after the history.
        opening_hours: closed intervals are forecast as zero.
        events: declared events (campaigns, regulations, surges), past and future.
        holidays_country: add that country's holidays as events (``None``: none).
        holiday_categories: the ``holidays`` categories to take (those the country has).
        day_after_holidays: the first day after each run of holidays is an event too.
        candidates: models to choose from; ``None`` means :func:`default_candidates`.
        backtest_origins: number of rolling origins.
        backtest_horizon_days: days forecast from each origin (fewer when the history is
            short: every origin keeps at least 21 days to fit on).
        backtest_step_days: days between origins.
        ensemble_size: also try the mean of this many best models (< 2: never).
        level: prediction-interval level in percent.
        overrides: planner overrides, applied after the model.
        detect_level_shift: look for an abrupt change of level and adapt to it.
        default_aht_seconds: AHT where the history has none (interval files without handle
            times); ``None`` leaves it NaN there.
        default_model: the model kept unless a candidate beats it clearly in the backtest (see
            :func:`choose_model`); ``None``, or a model that is not among the candidates,
            means the lowest backtest WAPE wins.
        switch_t: the paired t-statistic a candidate needs to replace ``default_model``.
    """

    horizon: timedelta
    start_utc: np.datetime64 | None = None
    opening_hours: OpeningHours = field(default_factory=OpeningHours.always)
    events: tuple[Event, ...] = ()
    holidays_country: str | None = "NL"
    holiday_categories: tuple[str, ...] = HOLIDAY_CATEGORIES
    day_after_holidays: bool = True
    candidates: tuple[Forecaster, ...] | None = None
    backtest_origins: int = BACKTEST_ORIGINS
    backtest_horizon_days: int = 7
    backtest_step_days: int = BACKTEST_STEP_DAYS
    ensemble_size: int = 3
    level: float = 80.0
    overrides: tuple[Override, ...] = ()
    detect_level_shift: bool = True
    default_aht_seconds: float | None = None
    default_model: Forecaster | None = field(default_factory=default_model)
    switch_t: float = SWITCH_T

    def __post_init__(self) -> None:
        if self.default_aht_seconds is not None and not self.default_aht_seconds > 0:
            raise InputError(f"default_aht_seconds must be > 0, got {self.default_aht_seconds}")


@dataclass(frozen=True, slots=True)
class QueueForecast:
    """A queue's forecast on real UTC intervals, with the model output and the planners'
    overrides kept apart."""

    queue: str
    interval_minutes: int
    timezone: str
    starts_utc: DatetimeArray
    volume_model: FloatArray
    volume_lo: FloatArray
    volume_hi: FloatArray
    volume_override: FloatArray
    open_intervals: BoolArray
    """Which intervals the queue is open in (closed ones are forecast as zero)."""
    aht_seconds: FloatArray
    choice: ModelChoice
    day_forecast: DayForecast
    overrides: tuple[Override, ...]
    """The planners' overrides for this queue (those for other queues are left out)."""
    override_changes: tuple[FloatArray, ...]
    """What each of ``overrides`` added per interval, in the same order (their sum is
    ``volume_override``)."""

    @property
    def volume(self) -> FloatArray:
        """Final volume: the model's plus the overrides' change."""
        return self.volume_model + self.volume_override

    @property
    def model_label(self) -> str:
        """The model and its backtest error, as shown with every forecast row."""
        return f"{self.choice.model.name} [backtest WAPE {100 * self.choice.backtest.wape:.1f}%]"


def _to_utc64(moment: datetime) -> np.datetime64:
    return np.datetime64(int(moment.astimezone(UTC).timestamp()), "s")


def _local_date(instant: np.datetime64, timezone: str) -> date:
    seconds = int(instant.astype("datetime64[s]").astype(np.int64))
    return datetime.fromtimestamp(seconds, tz=UTC).astimezone(zone(timezone)).date()


def _open_matrix(
    hours: OpeningHours, *, first_day: date, n_days: int, interval_minutes: int, timezone: str
) -> np.ndarray:
    grid = local_grid_starts_utc(
        first_day,
        first_day + timedelta(days=n_days - 1),
        interval_minutes=interval_minutes,
        timezone=timezone,
    )
    mask = hours.open_mask(grid, timezone=timezone).astype(np.float64)
    matrix = to_day_matrix(
        grid,
        mask,
        first_day=first_day,
        n_days=n_days,
        interval_minutes=interval_minutes,
        timezone=timezone,
    )
    return matrix > 0.0


def forecast_queue(
    history: IntervalSeries,
    *,
    settings: ForecastSettings,
    on_progress: ProgressCallback | None = None,
) -> QueueForecast:
    """Backtest the candidates on this queue, choose, and forecast the horizon.

    Raises:
        InputError: the history is too short to backtest, or a setting is out of range.
    """
    minutes, tz = history.interval_minutes, history.timezone
    step = np.timedelta64(minutes * 60, "s")
    start: np.datetime64 = (
        history.starts_utc[-1] + step if settings.start_utc is None else settings.start_utc
    ).astype("datetime64[s]")
    if floor_to_interval(np.array([start]), interval_minutes=minutes, timezone=tz)[0] != start:
        raise InputError(f"start {start} UTC is not the start of a {minutes}-minute interval")
    if settings.horizon <= timedelta(0):
        raise InputError(f"horizon must be positive, got {settings.horizon}")
    start_local = datetime.fromtimestamp(int(start.astype(np.int64)), tz=UTC).astimezone(zone(tz))
    end = _to_utc64(start_local + settings.horizon)
    start_day = start_local.date()
    end_day = _local_date(end - np.timedelta64(1, "s"), tz)
    model_start = min(start_day, history.last_day + timedelta(days=1))
    n_history = (model_start - history.first_day).days
    horizon_days = (end_day - model_start).days + 1
    if n_history < 1:
        raise InputError(f"start {start} UTC is before the history begins")

    volume, aht = history.day_matrices(first_day=history.first_day, n_days=n_history)
    events = settings.events
    if settings.holidays_country is not None:
        events = events + holiday_events(
            history.first_day,
            end_day,
            country=settings.holidays_country,
            categories=settings.holiday_categories,
            day_after=settings.day_after_holidays,
        )
    options = PipelineOptions(
        events=events, detect_level_shift=settings.detect_level_shift, level=settings.level
    )
    open_slots = _open_matrix(
        settings.opening_hours,
        first_day=history.first_day,
        n_days=n_history + horizon_days,
        interval_minutes=minutes,
        timezone=tz,
    )

    candidates = settings.candidates or default_candidates()
    # A short history backtests a shorter horizon rather than none (down to one day ahead).
    backtest_days = max(1, min(settings.backtest_horizon_days, n_history - _MIN_FIT_DAYS))
    origins = origins_for(
        n_history,
        horizon_days=backtest_days,
        min_history_days=_MIN_FIT_DAYS,
        n_origins=settings.backtest_origins,
        step_days=settings.backtest_step_days,
    )
    total_steps = len(candidates) * origins.size
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if on_progress is not None:
            on_progress(history.queue, done, total_steps)

    backtests = [
        rolling_origin(
            volume,
            model,
            first_day=history.first_day,
            origins=origins,
            horizon_days=backtest_days,
            open_slots=open_slots[:n_history],
            options=options,
            on_origin=tick,
        )
        for model in candidates
    ]
    choice = choose_model(
        candidates,
        backtests,
        ensemble_size=settings.ensemble_size,
        default=settings.default_model,
        switch_t=settings.switch_t,
    )
    result = forecast_days(
        volume,
        choice.model,
        first_day=history.first_day,
        horizon_days=horizon_days,
        open_slots=open_slots[n_history:],
        options=options,
    )
    aht_days = forecast_aht(volume, aht, horizon_days=horizon_days)
    if settings.default_aht_seconds is not None:
        aht_days = np.where(np.isnan(aht_days), settings.default_aht_seconds, aht_days)

    def expand(matrix: FloatArray) -> tuple[DatetimeArray, FloatArray]:
        return expand_day_matrix(
            matrix, first_day=model_start, interval_minutes=minutes, timezone=tz
        )

    starts, mean = expand(result.mean)
    keep = (starts >= start) & (starts < end)
    starts = starts[keep]
    model_volume = mean[keep]
    is_open = settings.opening_hours.open_mask(starts, timezone=tz)
    changes = override_changes(
        history.queue, starts, model_volume, settings.overrides, open_intervals=is_open
    )
    return QueueForecast(
        queue=history.queue,
        interval_minutes=minutes,
        timezone=tz,
        starts_utc=starts,
        volume_model=model_volume,
        volume_lo=expand(result.lo)[1][keep],
        volume_hi=expand(result.hi)[1][keep],
        volume_override=total_change(model_volume, changes),
        open_intervals=is_open,
        aht_seconds=expand(aht_days)[1][keep],
        choice=choice,
        day_forecast=result,
        overrides=tuple(o for o in settings.overrides if o.applies_to(history.queue)),
        override_changes=changes,
    )
