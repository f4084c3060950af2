"""Shared fixtures: synthetic series with a known answer, and the real public data."""

from __future__ import annotations

import csv
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest


def shared_data() -> Path:
    """../shared/data next to the repository, or $BEZETTING_SHARED_DATA."""
    configured = os.environ.get("BEZETTING_SHARED_DATA")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[3].parent / "shared" / "data"


@pytest.fixture(scope="session")
def bank_year_30min() -> np.ndarray:
    """Anonymous Bank 1999: calls per 30 minutes, (365 days x 48 slots)."""
    path = shared_data() / "anonymous_bank_1999" / "Callcenter_6min_1999_derived.csv"
    if not path.exists():
        pytest.skip(
            f"the public Anonymous Bank data (for developers and CI, not shipped) is not at "
            f"{path}; set BEZETTING_SHARED_DATA to its folder"
        )
    with path.open(newline="") as handle:
        calls = np.array([float(row["calls"]) for row in csv.DictReader(handle)])
    return calls.reshape(365, 48, 5).sum(axis=2)


def make_weekly_pattern(slots_per_day: int) -> np.ndarray:
    """A pure weekly pattern: every weekday its own level and intraday shape."""
    hours = np.arange(slots_per_day) / slots_per_day * 24
    shape = np.where((hours >= 8) & (hours < 20), 1.0 + np.sin(np.pi * (hours - 8) / 12), 0.0)
    levels = np.array([120.0, 100.0, 95.0, 90.0, 80.0, 40.0, 0.0])
    return (levels[:, None] * shape[None, :] / shape.sum() * 10).ravel()


@pytest.fixture(scope="session")
def weekly_pattern() -> Callable[[int], np.ndarray]:
    """``weekly_pattern(slots_per_day)``: one week of a pure weekly pattern, Monday first."""
    return make_weekly_pattern
