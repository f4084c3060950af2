"""Durations from uniforms: the inverse distribution functions match their definitions."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bezetting.core.simulate import Empirical, Exponential, Fixed, LogNormal, ScenarioError

# A fine midpoint grid of uniforms: sample moments then equal the distribution's up to
# quadrature error, with no randomness in the test.
GRID = (np.arange(200_000) + 0.5) / 200_000


def test_exponential_median_and_mean() -> None:
    d = Exponential(180)
    assert d.from_uniform(np.array([0.5]))[0] == pytest.approx(180 * math.log(2))
    assert d.from_uniform(GRID).mean() == pytest.approx(180, rel=1e-3)


def test_lognormal_has_the_requested_mean_and_sd() -> None:
    durations = LogNormal(mean_seconds=420, sd_seconds=300).from_uniform(GRID)
    assert durations.mean() == pytest.approx(420, rel=2e-3)
    assert durations.std() == pytest.approx(300, rel=2e-2)


def test_empirical_resamples_the_observations_evenly() -> None:
    d = Empirical([30, 60, 600])
    values = d.from_uniform(GRID)
    assert set(values.tolist()) == {30.0, 60.0, 600.0}
    assert values.mean() == pytest.approx(230, rel=1e-4)  # 200,000 does not split in 3


@given(st.floats(min_value=0, max_value=1, exclude_max=True))
def test_every_uniform_maps_to_a_valid_duration(u: float) -> None:
    for d in (Exponential(60), LogNormal(60, 30), Empirical([1, 2]), Fixed(5)):
        value = d.from_uniform(np.array([u]))[0]
        assert value >= 0
        assert math.isfinite(value)


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: Exponential(0), "mean_seconds"),
        (lambda: LogNormal(60, -1), "sd_seconds"),
        (lambda: Empirical([]), "samples_seconds"),
        (lambda: Empirical([3, float("nan")]), "samples_seconds[1]"),
        (lambda: Fixed(-1), "seconds"),
    ],
)
def test_bad_parameters_name_the_field(make: object, field: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        make()  # type: ignore[operator]
    assert caught.value.path == field
