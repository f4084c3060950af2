"""The ``staffing`` job kind, called directly as a notebook would, with a recording reporter."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bezetting.core.errors import InputError
from bezetting.core.queueing import ServiceTarget, offered_load, required_agents
from bezetting.jobs import JSON, SilentProgress, staffing_job


class Recorder:
    def __init__(self) -> None:
        self.reports: list[tuple[float, str]] = []

    def report(self, fraction: float, message: str = "") -> None:
        self.reports.append((fraction, message))

    def check_cancelled(self) -> None:
        return None


VOLUMES = [100, 250, 0, 40, 55]
AHTS = [180, 240, 200, 180, 190]


def series(**extra: JSON) -> dict[str, JSON]:
    rows: list[JSON] = [
        {
            "queue": "income-support",
            "interval_start": f"2020-03-16T{8 + i // 2:02d}:{30 * (i % 2):02d}:00+01:00",
            "volume": v,
            "aht_seconds": a,
        }
        for i, (v, a) in enumerate(zip(VOLUMES, AHTS, strict=True))
    ]
    params: dict[str, JSON] = {"intervals": rows, "interval_seconds": 1800}
    params.update(extra)
    return params


def rows_of(result: JSON) -> list[dict[str, JSON]]:
    assert isinstance(result, dict)
    rows = result["rows"]
    assert isinstance(rows, list)
    return [r for r in rows if isinstance(r, dict)]


def test_progress_is_reported_per_chunk_of_intervals() -> None:
    recorder = Recorder()
    staffing_job(series(chunk_intervals=2), recorder)
    assert recorder.reports == [
        (0.0, "0 of 5 intervals"),
        (0.4, "2 of 5 intervals"),
        (0.8, "4 of 5 intervals"),
        (1.0, "5 of 5 intervals"),
    ]


def test_chunked_rows_equal_one_call_of_the_engine_over_the_whole_series() -> None:
    rows = rows_of(staffing_job(series(chunk_intervals=2), SilentProgress()))
    load = offered_load(VOLUMES, aht_seconds=AHTS, interval_seconds=1800)
    whole = required_agents(load, aht_seconds=AHTS, target=ServiceTarget())
    assert [r["agents"] for r in rows] == whole.agents.tolist()
    assert [r["agents_fractional"] for r in rows] == whole.agents_fractional.tolist()
    assert [r["binding"] for r in rows] == whole.binding.tolist()
    assert [r["interval_start"] for r in rows][:2] == [
        "2020-03-16T08:00:00+01:00",
        "2020-03-16T08:30:00+01:00",
    ]


def test_an_empty_interval_needs_nobody_and_its_asa_is_null_or_finite() -> None:
    result = staffing_job(series(), SilentProgress())
    empty = rows_of(result)[2]
    assert empty["agents"] == 0
    assert empty["agents_fractional"] == 0.0
    asa = empty["asa_seconds"]
    assert asa is None or (isinstance(asa, float) and math.isfinite(asa))
    assert isinstance(result, dict)
    summary = result["summary"]
    assert isinstance(summary, dict)
    assert summary["intervals"] == 5
    assert summary["peak_agents"] == max(r["agents"] for r in rows_of(result))  # type: ignore[type-var]


def test_an_occupancy_cap_alone_gives_load_over_cap_rounded_up() -> None:
    # Under Erlang C occupancy is load / agents: 10 Erlang at most 85% busy needs
    # ceil(10 / 0.85) = 12 agents, and the fraction is exactly 10 / 0.85.
    params: dict[str, JSON] = {
        "intervals": [
            {
                "queue": "q",
                "interval_start": "2020-03-16T08:00:00+01:00",
                "volume": 100,
                "aht_seconds": 180,
            }
        ],
        "interval_seconds": 1800,
        "target": {"max_occupancy": 0.85},
    }
    result = staffing_job(params, SilentProgress())
    row = rows_of(result)[0]
    assert row["agents"] == 12
    assert row["agents_fractional"] == pytest.approx(10 / 0.85, rel=1e-9)
    assert row["binding"] == "max_occupancy"
    assert isinstance(result, dict)
    target = result["target"]
    assert isinstance(target, dict)
    assert target["service_level"] is None


def test_patience_selects_erlang_a_which_needs_no_more_agents_than_erlang_c() -> None:
    erlang_a = staffing_job(series(patience_seconds=120), SilentProgress())
    erlang_c = staffing_job(series(), SilentProgress())
    assert isinstance(erlang_a, dict)
    assert erlang_a["model"] == "erlang-a"
    a_rows, c_rows = rows_of(erlang_a), rows_of(erlang_c)
    assert all(
        int(str(a["agents"])) <= int(str(c["agents"])) for a, c in zip(a_rows, c_rows, strict=True)
    )
    busy = [r for r in a_rows if r["agents"] != 0]
    assert all(float(str(r["abandon_rate"])) > 0.0 for r in busy)


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"interval_minutes": 30}, "unknown staffing params ['interval_minutes']"),
        ({"interval_seconds": 600}, "params['interval_seconds'] must be 900, 1800 or 3600"),
        ({"model": "erlang-x"}, "params['model'] must be one of ['erlang-c', 'erlang-a']"),
        ({"model": "erlang-a"}, "Erlang A needs params['patience_seconds']"),
        ({"chunk_intervals": 0}, "params['chunk_intervals'] must be a whole number >= 1"),
        ({"target": {"sl": 0.8}}, "unknown fields ['sl'] in params['target']"),
        ({"target": {"definition": "x"}}, "params['target']['definition'] must be one of"),
        ({"target": {"service_level": 1.0}}, "service_level must be at least 0 and below 1"),
        ({"intervals": []}, "params['intervals'] must be a non-empty list"),
    ],
)
def test_bad_params_are_input_errors_naming_the_param(change: dict[str, JSON], words: str) -> None:
    with pytest.raises(InputError) as caught:
        staffing_job(series(**change), SilentProgress())
    assert words in str(caught.value)


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("volume", -3, "params['intervals'][1]['volume'] must be a finite number >= 0, got -3"),
        ("volume", "many", "params['intervals'][1]['volume'] must be a number, got 'many'"),
        ("aht_seconds", 0, "params['intervals'][1]['aht_seconds'] must be a finite number > 0"),
        ("queue", "", "params['intervals'][1]['queue'] must be a non-empty string"),
        ("interval_start", "2020-03-16 08:30", "must be ISO 8601 with a UTC offset"),
    ],
)
def test_a_bad_row_is_named_by_its_index_and_field(field: str, value: JSON, words: str) -> None:
    params = series()
    rows = params["intervals"]
    assert isinstance(rows, list)
    row = rows[1]
    assert isinstance(row, dict)
    row[field] = value
    with pytest.raises(InputError) as caught:
        staffing_job(params, SilentProgress())
    assert words in str(caught.value)


def test_the_result_is_plain_json_without_numpy_values() -> None:
    def walk(value: JSON) -> None:
        assert not isinstance(value, np.generic)
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(staffing_job(series(patience_seconds=90), SilentProgress()))
