"""The handle-time forecast: a known smooth AHT curve comes back through per-contact noise."""

from __future__ import annotations

import numpy as np
import pytest

from bezetting.core.errors import InputError
from bezetting.core.forecast.aht import AhtSettings, forecast_aht, smoothed_aht_profile

SLOTS = 96  # quarter hours
OPEN = slice(32, 80)  # 08:00-20:00
WEEKS = 8


def known_curve() -> np.ndarray:
    """The true AHT per quarter hour: 240 s at opening, rising to 420 s mid-afternoon."""
    curve = np.full(SLOTS, np.nan)
    hours = np.arange(OPEN.start, OPEN.stop) / 4
    curve[OPEN] = 330 - 90 * np.cos(2 * np.pi * (hours - 8) / 14)
    return curve


def noisy_history(seed: int, *, per_slot: float = 12.0) -> tuple[np.ndarray, np.ndarray]:
    """(volume, AHT) of 8 weeks: Poisson contacts per open quarter hour (no Sundays), each
    with a gamma handle time of shape 0.8 (standard deviation 1.1 times the mean, as skewed
    as real handle times) around the known curve; AHT NaN where no contact."""
    rng = np.random.default_rng(seed)
    curve = known_curve()
    volume = np.zeros((7 * WEEKS, SLOTS))
    aht = np.full((7 * WEEKS, SLOTS), np.nan)
    for day in range(7 * WEEKS):
        if day % 7 == 6:
            continue
        for slot in range(OPEN.start, OPEN.stop):
            n = int(rng.poisson(per_slot))
            volume[day, slot] = n
            if n:
                aht[day, slot] = rng.gamma(0.8, curve[slot] / 0.8, size=n).mean()
    return volume, aht


def weighted_error(forecast: np.ndarray, curve: np.ndarray) -> float:
    """Mean absolute error against the curve over the open slots, relative to its mean."""
    return float(np.mean(np.abs(forecast[OPEN] - curve[OPEN])) / np.mean(curve[OPEN]))


def mean_step(values: np.ndarray) -> float:
    """Mean absolute change between consecutive open quarter hours."""
    return float(np.mean(np.abs(np.diff(values[OPEN]))))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_known_smooth_curve_comes_back_closer_than_the_raw_slot_mean(seed):
    volume, aht = noisy_history(seed)
    curve = known_curve()
    forecast = forecast_aht(volume, aht, horizon_days=7)
    # The raw per-interval mean: each open slot's contact-weighted mean over all 8 weeks.
    raw = np.full(SLOTS, np.nan)
    v, a = volume[:, OPEN], aht[:, OPEN]
    raw[OPEN] = np.nansum(v * a, axis=0) / np.where(np.isfinite(a), v, 0).sum(axis=0)
    for day in range(6):  # Monday to Saturday
        assert weighted_error(forecast[day], curve) < 0.8 * weighted_error(raw, curve)
        assert weighted_error(forecast[day], curve) < 0.03


def test_the_forecast_is_as_smooth_as_the_true_curve_not_a_sawtooth():
    volume, aht = noisy_history(4)
    forecast = forecast_aht(volume, aht, horizon_days=1)[0]
    true_step = mean_step(known_curve())  # about 5 s per quarter hour
    assert mean_step(forecast) < 2 * true_step
    # Consecutive quarter hours of the same weekday's history jump by far more.
    assert mean_step(aht[-7]) > 10 * true_step


def test_a_slot_with_few_contacts_is_shrunk_towards_the_day_mean():
    contacts = np.full(8, 100.0)
    contacts[3] = 2.0
    handle = contacts * 300.0
    handle[3] = 2 * 600.0  # two long calls
    profile = smoothed_aht_profile(
        contacts, handle, contacts * 300.0, smooth_minutes=0.0, prior_contacts=50.0
    )
    assert profile[3] == pytest.approx((1200 + 50 * 300) / (600 + 50 * 300))  # 1.04, not 2
    assert profile[0] == pytest.approx(1.0)


def test_a_slot_is_averaged_with_its_neighbours_weighted_by_their_contacts():
    contacts = np.array([0.0, 10.0, 10.0, 10.0, 0.0, 0.0, 0.0, 0.0])  # 3-hour slots
    handle = np.array([0.0, 3000.0, 6000.0, 3000.0, 0.0, 0.0, 0.0, 0.0])
    profile = smoothed_aht_profile(
        contacts, handle, contacts * 300.0, smooth_minutes=180.0, prior_contacts=0.0
    )
    neighbour = np.exp(-0.5)  # one slot (180 minutes) away: one standard deviation
    expected = (6000 + 2 * neighbour * 3000) / (300 * (10 + 2 * neighbour * 10))
    assert profile[2] == pytest.approx(expected)
    assert 1.0 < profile[2] < 2.0


def test_the_level_follows_recent_days_more_with_a_shorter_half_life():
    volume = np.full((56, 4), 10.0)
    aht = np.full((56, 4), 200.0)
    aht[-14:] = 300.0  # the last two weeks are slower
    every_day_alike = forecast_aht(
        volume, aht, horizon_days=1, settings=AhtSettings(half_life_days=None)
    )
    recent = forecast_aht(volume, aht, horizon_days=1, settings=AhtSettings(half_life_days=7))
    assert every_day_alike[0, 0] == pytest.approx(200 + 100 * 14 / 56)
    weight = 0.5 ** (np.arange(56) / 7)  # by age in days, the last day first
    recent_share = weight[:14].sum() / weight.sum()  # 0.75
    assert recent[0, 0] == pytest.approx(200 + 100 * recent_share)


def test_a_weekday_level_is_kept_when_asked_for():
    volume = np.full((28, 4), 50.0)
    aht = np.full((28, 4), 200.0)
    aht[5::7] = 400.0  # the history's sixth weekday is twice as long
    per_weekday = AhtSettings(weekday_prior_contacts=0.0, half_life_days=None)
    forecast = forecast_aht(volume, aht, horizon_days=7, settings=per_weekday)
    assert forecast[5] == pytest.approx(np.full(4, 400.0))
    assert forecast[0] == pytest.approx(np.full(4, 200.0))
    pooled = forecast_aht(volume, aht, horizon_days=7, settings=AhtSettings(half_life_days=None))
    assert pooled[5, 0] == pytest.approx(pooled[0, 0])


def test_a_closed_weekday_gets_the_all_days_level_and_no_history_gives_nan():
    volume, aht = noisy_history(5)
    per_weekday = AhtSettings(weekday_prior_contacts=0.0)
    sunday = forecast_aht(volume, aht, horizon_days=7, settings=per_weekday)[6]
    assert np.all(np.isfinite(sunday))
    empty = forecast_aht(np.zeros((14, 4)), np.full((14, 4), np.nan), horizon_days=2)
    assert np.all(np.isnan(empty))


@pytest.mark.parametrize(
    "bad",
    [
        {"history_days": 0},
        {"half_life_days": 0.0},
        {"smooth_minutes": -1.0},
        {"profile_prior_contacts": -5.0},
        {"weekday_prior_contacts": -1.0},
    ],
)
def test_settings_out_of_range_are_refused_with_the_value(bad):
    with pytest.raises(InputError, match=str(next(iter(bad.values())))):
        AhtSettings(**bad)
