"""Durations drawn at random: handle times, patience, redial delays.

Every distribution turns uniform numbers into durations by its inverse distribution function,
so a stream of uniforms always maps to the same durations, however many are drawn (the
simulator relies on that to stay reproducible when it has to draw more for redials).

>>> import numpy as np
>>> Exponential(mean_seconds=180).from_uniform(np.array([0.0, 0.5])).round(1)
array([  0. , 124.8])
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

from bezetting.core.simulate._errors import ScenarioError

FloatArray = NDArray[np.float64]

__all__ = ["Distribution", "Empirical", "Exponential", "Fixed", "LogNormal"]


def _positive(name: str, value: float) -> float:
    value = float(value)
    if not math.isfinite(value) or value <= 0.0:
        raise ScenarioError(name, f"must be a finite number > 0, got {value!r}")
    return value


@dataclass(frozen=True)
class Exponential:
    """Exponential durations with the given mean (memoryless: Erlang's assumption)."""

    mean_seconds: float

    def __post_init__(self) -> None:
        _positive("mean_seconds", self.mean_seconds)

    @property
    def mean(self) -> float:
        """The mean duration in seconds."""
        return self.mean_seconds

    def from_uniform(self, u: FloatArray) -> FloatArray:
        """Durations for uniforms ``u`` in ``[0, 1)``."""
        result: FloatArray = np.array(u, dtype=np.float64)
        np.negative(result, out=result)
        np.log1p(result, out=result)
        result *= -self.mean_seconds  # in place: one array, not three
        return result


@dataclass(frozen=True)
class LogNormal:
    """Lognormal durations given by their mean and standard deviation in seconds.

    Handle times are typically right-skewed like this (Brown et al. 2005, JASA 100:36-50).
    """

    mean_seconds: float
    sd_seconds: float

    def __post_init__(self) -> None:
        _positive("mean_seconds", self.mean_seconds)
        _positive("sd_seconds", self.sd_seconds)

    @property
    def mean(self) -> float:
        """The mean duration in seconds."""
        return self.mean_seconds

    def from_uniform(self, u: FloatArray) -> FloatArray:
        """Durations for uniforms ``u`` in ``[0, 1)``."""
        sigma2 = math.log1p((self.sd_seconds / self.mean_seconds) ** 2)
        mu = math.log(self.mean_seconds) - 0.5 * sigma2
        result: FloatArray = np.exp(mu + math.sqrt(sigma2) * special.ndtri(u))
        return result


@dataclass(frozen=True, eq=False)
class Empirical:
    """Durations resampled (with replacement) from observed values, e.g. last month's calls."""

    samples_seconds: FloatArray = field(repr=False)

    def __init__(self, samples_seconds: ArrayLike) -> None:
        samples = np.array(samples_seconds, dtype=np.float64).ravel()
        if samples.size == 0:
            raise ScenarioError("samples_seconds", "needs at least one observed duration")
        bad = ~np.isfinite(samples) | (samples < 0.0)
        if bad.any():
            index = int(np.argmax(bad))
            raise ScenarioError(
                f"samples_seconds[{index}]", f"must be a finite number >= 0, got {samples[index]!r}"
            )
        samples.setflags(write=False)
        object.__setattr__(self, "samples_seconds", samples)

    @property
    def mean(self) -> float:
        """The mean duration in seconds."""
        return float(self.samples_seconds.mean())

    def from_uniform(self, u: FloatArray) -> FloatArray:
        """Durations for uniforms ``u`` in ``[0, 1)``: each picks one sample."""
        k = self.samples_seconds.size
        index = np.minimum((u * k).astype(np.int64), k - 1)
        result: FloatArray = self.samples_seconds[index]
        return result


@dataclass(frozen=True)
class Fixed:
    """Always the same duration (for checks by hand, and for fixed redial delays)."""

    seconds: float

    def __post_init__(self) -> None:
        value = float(self.seconds)
        if not math.isfinite(value) or value < 0.0:
            raise ScenarioError("seconds", f"must be a finite number >= 0, got {value!r}")

    @property
    def mean(self) -> float:
        """The duration in seconds."""
        return float(self.seconds)

    def from_uniform(self, u: FloatArray) -> FloatArray:
        """``seconds`` for every uniform."""
        return np.full(u.shape, float(self.seconds))


Distribution = Exponential | LogNormal | Empirical | Fixed
