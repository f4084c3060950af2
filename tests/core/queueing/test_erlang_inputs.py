"""Bad input to the Erlang functions is refused with the value and the valid range."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bezetting.core.errors import InputError
from bezetting.core.queueing import (
    ServiceLevelDefinition,
    erlang_a_metrics,
    erlang_b,
    erlang_c,
    erlang_c_metrics,
    offered_load,
)


def test_erlang_c_refuses_a_load_at_or_above_the_agents_and_says_how_many_are_needed() -> None:
    with pytest.raises(InputError, match=r"10 Erlang with 10 agents.*at least 11 agents"):
        erlang_c(10, 10.0)
    with pytest.raises(InputError, match=r"at index \(1,\)"):
        erlang_c_metrics(
            [12, 9], load_erlangs=[10.0, 9.5], aht_seconds=300, answer_within_seconds=20
        )


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda: erlang_b(-1, 2.0), "agents must be a finite number >= 0 and <= 1e.07, got -1.0"),
        (lambda: erlang_b(2.5, 2.0), "agents must be whole numbers, got 2.5"),
        (
            lambda: erlang_b(3, float("nan")),
            "load_erlangs must be a finite number >= 0 and <= 1e.07, got nan",
        ),
        (lambda: erlang_b(3, math.inf), "load_erlangs must be a finite number"),
        (
            lambda: erlang_c_metrics(5, load_erlangs=2.0, aht_seconds=0, answer_within_seconds=20),
            "aht_seconds must be a finite number > 0, got 0.0",
        ),
        (
            lambda: erlang_a_metrics(
                5, load_erlangs=2.0, aht_seconds=300, patience_seconds=-5, answer_within_seconds=20
            ),
            "patience_seconds must be > 0",
        ),
        (
            lambda: erlang_a_metrics(
                5, load_erlangs=2.0, aht_seconds=300, patience_seconds=60, answer_within_seconds=-1
            ),
            "answer_within_seconds must be a finite number >= 0",
        ),
        (lambda: offered_load(10, aht_seconds=300, interval_seconds=0), "interval_seconds"),
    ],
)
def test_bad_values_are_named(call: object, fragment: str) -> None:
    with pytest.raises(InputError, match=fragment.replace("(", r"\(").replace(")", r"\)")):
        call()  # type: ignore[operator]


def test_erlang_a_with_infinite_patience_is_erlang_c() -> None:
    a = erlang_a_metrics(
        12, load_erlangs=10.0, aht_seconds=300, patience_seconds=math.inf, answer_within_seconds=20
    )
    c = erlang_c_metrics(12, load_erlangs=10.0, aht_seconds=300, answer_within_seconds=20)
    assert float(a.service_level_offered) == pytest.approx(
        float(c.service_level_offered), rel=1e-12
    )
    assert float(a.asa_seconds) == pytest.approx(float(c.asa_seconds), rel=1e-12)
    assert float(a.abandon_rate) == 0.0


def test_erlang_a_any_load_is_stable_and_no_agents_means_everybody_hangs_up() -> None:
    m = erlang_a_metrics(
        [0, 5, 50],
        load_erlangs=40.0,
        aht_seconds=300,
        patience_seconds=60,
        answer_within_seconds=20,
    )
    assert m.abandon_rate[0] == 1.0
    assert m.service_level_offered[0] == 0.0
    assert np.isnan(m.asa_seconds[0])  # nobody answered: no speed of answer
    assert 0.8 < m.abandon_rate[1] < 1.0  # 5 agents for 40 Erlang
    assert np.all(np.diff(m.abandon_rate) < 0)


def test_service_level_definitions_are_ordered() -> None:
    m = erlang_a_metrics(
        np.arange(20, 40),
        load_erlangs=25.0,
        aht_seconds=300,
        patience_seconds=90,
        answer_within_seconds=20,
        short_abandon_seconds=5,
    )
    offered = m.service_level(ServiceLevelDefinition.OFFERED)
    assert np.all(m.service_level(ServiceLevelDefinition.ANSWERED) >= offered)
    assert np.all(m.service_level(ServiceLevelDefinition.EXCLUDE_SHORT_ABANDONS) >= offered)
    assert np.all(m.service_level(ServiceLevelDefinition.EXCLUDE_SHORT_ABANDONS) <= 1.0)


def test_no_load_means_no_wait() -> None:
    m = erlang_c_metrics([1, 3], load_erlangs=0.0, aht_seconds=300, answer_within_seconds=20)
    assert m.service_level_offered.tolist() == [1.0, 1.0]
    assert m.asa_seconds.tolist() == [0.0, 0.0]
    assert float(erlang_b(3, 0.0)) == 0.0


def test_values_beyond_the_supported_range_are_refused_not_overflowed() -> None:
    with pytest.raises(InputError, match="offered load"):
        offered_load(7e155, aht_seconds=300, interval_seconds=1800)
    with pytest.raises(InputError, match="load_erlangs"):
        erlang_b(10, 2e7)
    with pytest.raises(InputError, match="pass patience inf"):
        erlang_a_metrics(
            5, load_erlangs=2.0, aht_seconds=5e-324, patience_seconds=60, answer_within_seconds=20
        )
