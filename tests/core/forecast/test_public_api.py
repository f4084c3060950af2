"""The curated public API of the forecasting package and the calendar."""

from __future__ import annotations

import pytest

import bezetting.core.calendar as calendar
import bezetting.core.forecast as forecast
import bezetting.ingest as ingest


@pytest.mark.parametrize("module", [calendar, forecast, ingest], ids=lambda m: m.__name__)
def test_every_public_name_exists_and_is_listed_once(module):
    names = module.__all__
    assert len(names) == len(set(names))
    for name in names:
        assert hasattr(module, name), name
