"""Inverse staffing: the fewest agents that meet every target, and an honest fraction."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bezetting.core.errors import InputError
from bezetting.core.queueing import (
    QueueModel,
    ServiceLevelDefinition,
    ServiceTarget,
    erlang_a_metrics,
    erlang_c_metrics,
    gross_from_net,
    offered_load,
    required_agents,
)

SL_80_20 = ServiceTarget(service_level=0.8, answer_within_seconds=20)


def test_classic_example_needs_the_textbook_number_of_agents() -> None:
    # 250 calls per half hour, 4 minutes each: 33.3 Erlang. 80/20 by Erlang C.
    load = offered_load(250, aht_seconds=240, interval_seconds=1800)
    result = required_agents(load, aht_seconds=240, target=SL_80_20)
    n = int(result.agents)
    below = erlang_c_metrics(n - 1, load_erlangs=load, aht_seconds=240, answer_within_seconds=20)
    at = erlang_c_metrics(n, load_erlangs=load, aht_seconds=240, answer_within_seconds=20)
    assert below.service_level_offered < 0.8 <= at.service_level_offered
    assert n == 39


@pytest.mark.parametrize("model", list(QueueModel))
def test_the_answer_is_the_fewest_agents_meeting_every_target(model: QueueModel) -> None:
    loads = np.array([0.3, 2.0, 8.5, 41.0, 230.0, 1800.0])
    target = ServiceTarget(service_level=0.9, answer_within_seconds=30, max_asa_seconds=15)
    result = required_agents(
        loads, aht_seconds=300, target=target, model=model, patience_seconds=200
    )
    for n, a in zip(result.agents, loads, strict=True):
        for agents, should_meet in ((n, True), (n - 1, False)):
            if model is QueueModel.ERLANG_C and agents <= a:
                assert not should_meet
                continue
            m = (
                erlang_c_metrics(agents, load_erlangs=a, aht_seconds=300, answer_within_seconds=30)
                if model is QueueModel.ERLANG_C
                else erlang_a_metrics(
                    agents,
                    load_erlangs=a,
                    aht_seconds=300,
                    patience_seconds=200,
                    answer_within_seconds=30,
                )
            )
            meets = bool(m.service_level_offered >= 0.9) and bool(m.asa_seconds <= 15)
            assert meets is should_meet, (a, agents)


def test_fractional_agents_lie_in_the_last_step_and_sum_below_the_rounded_total() -> None:
    loads = np.linspace(1.0, 60.0, 97)
    result = required_agents(loads, aht_seconds=180, target=SL_80_20)
    assert np.all(result.agents_fractional <= result.agents)
    assert np.all(result.agents_fractional > result.agents - 1)
    assert result.agents_fractional.sum() < result.agents.sum() - 30


def test_an_occupancy_cap_alone_gives_load_over_cap_exactly() -> None:
    result = required_agents(
        [10.0, 85.0],
        aht_seconds=300,
        target=ServiceTarget(service_level=None, max_occupancy=0.85),
    )
    assert result.agents.tolist() == [12, 100]
    np.testing.assert_allclose(result.agents_fractional, [10 / 0.85, 100.0], rtol=1e-3)
    assert result.binding.tolist() == ["max_occupancy", "max_occupancy"]


def test_combined_targets_take_the_strictest_and_name_it() -> None:
    load = 20.0
    sl_only = required_agents(load, aht_seconds=300, target=SL_80_20)
    occupancy_only = required_agents(
        load, aht_seconds=300, target=ServiceTarget(service_level=None, max_occupancy=0.7)
    )
    both = required_agents(
        load,
        aht_seconds=300,
        target=ServiceTarget(service_level=0.8, answer_within_seconds=20, max_occupancy=0.7),
    )
    assert int(both.agents) == max(int(sl_only.agents), int(occupancy_only.agents))
    assert str(both.binding) == "max_occupancy"


def test_abandonment_cap_under_erlang_a() -> None:
    result = required_agents(
        50.0,
        aht_seconds=240,
        target=ServiceTarget(service_level=None, max_abandon_rate=0.02),
        model=QueueModel.ERLANG_A,
        patience_seconds=90,
    )
    n = int(result.agents)
    at = erlang_a_metrics(
        n, load_erlangs=50, aht_seconds=240, patience_seconds=90, answer_within_seconds=20
    )
    below = erlang_a_metrics(
        n - 1, load_erlangs=50, aht_seconds=240, patience_seconds=90, answer_within_seconds=20
    )
    assert below.abandon_rate > 0.02 >= at.abandon_rate


def test_the_service_level_definition_changes_the_answer() -> None:
    def agents(definition: ServiceLevelDefinition) -> int:
        return int(
            required_agents(
                30.0,
                aht_seconds=300,
                target=ServiceTarget(
                    service_level=0.8, answer_within_seconds=20, definition=definition
                ),
                model=QueueModel.ERLANG_A,
                patience_seconds=60,
            ).agents
        )

    # Counting abandons as missed is the strictest definition.
    assert agents(ServiceLevelDefinition.OFFERED) >= agents(ServiceLevelDefinition.ANSWERED)
    assert agents(ServiceLevelDefinition.OFFERED) >= agents(
        ServiceLevelDefinition.EXCLUDE_SHORT_ABANDONS
    )


def test_no_load_needs_no_agents() -> None:
    result = required_agents([0.0, 0.0], aht_seconds=300, target=SL_80_20)
    assert result.agents.tolist() == [0, 0]
    assert result.agents_fractional.tolist() == [0.0, 0.0]


def test_shapes_are_kept() -> None:
    loads = np.arange(1.0, 13.0).reshape(3, 4)
    result = required_agents(loads, aht_seconds=300, target=SL_80_20)
    assert result.agents.shape == (3, 4)
    assert result.metrics.service_level_offered.shape == (3, 4)


def test_huge_loads_stay_finite() -> None:
    result = required_agents(
        [20_000.0],
        aht_seconds=300,
        target=SL_80_20,
        model=QueueModel.ERLANG_A,
        patience_seconds=120,
    )
    # Impatient callers make an overloaded queue stable: far fewer agents than the load meet
    # 80/20 over offered, and the price is paid in abandonment.
    m = result.metrics
    assert np.isfinite(m.asa_seconds).all()
    assert float(m.service_level_offered[0]) >= 0.8
    assert 0.05 < float(m.abandon_rate[0]) < 0.2
    below = erlang_a_metrics(
        result.agents - 1,
        load_erlangs=20_000.0,
        aht_seconds=300,
        patience_seconds=120,
        answer_within_seconds=20,
    )
    assert float(below.service_level_offered[0]) < 0.8


@pytest.mark.parametrize(
    ("target_kwargs", "fragment"),
    [
        ({"service_level": 1.0}, "below 1"),
        ({"service_level": -0.1}, "at least 0"),
        ({"service_level": 0.8, "answer_within_seconds": float("nan")}, "answer_within_seconds"),
        ({"service_level": None, "max_asa_seconds": 0.0}, "max_asa_seconds"),
        ({"service_level": None, "max_occupancy": 1.5}, "max_occupancy"),
        ({"service_level": None}, "at least one target"),
    ],
)
def test_unreachable_or_malformed_targets_are_refused(
    target_kwargs: dict[str, float], fragment: str
) -> None:
    with pytest.raises(InputError, match=fragment):
        ServiceTarget(**target_kwargs)  # type: ignore[arg-type]


def test_abandonment_target_needs_erlang_a() -> None:
    with pytest.raises(InputError, match="Erlang A"):
        required_agents(
            10.0, aht_seconds=300, target=ServiceTarget(service_level=None, max_abandon_rate=0.05)
        )


def test_bad_loads_name_the_value() -> None:
    with pytest.raises(InputError, match=r"load_erlangs .* got -1.0 at index \(1,\)"):
        required_agents([1.0, -1.0], aht_seconds=300, target=SL_80_20)
    with pytest.raises(InputError, match="nan"):
        required_agents([float("nan")], aht_seconds=300, target=SL_80_20)


def test_gross_is_net_over_what_shrinkage_leaves() -> None:
    np.testing.assert_allclose(gross_from_net([7.0, 14.0], shrinkage=0.3), [10.0, 20.0])
    with pytest.raises(InputError, match="shrinkage"):
        gross_from_net(7.0, shrinkage=1.0)


@settings(max_examples=40, deadline=None)
@given(
    load=st.floats(min_value=0.05, max_value=3000.0),
    aht=st.floats(min_value=30.0, max_value=1200.0),
    sl=st.floats(min_value=0.05, max_value=0.98),
    within=st.floats(min_value=0.0, max_value=120.0),
)
def test_staffing_at_the_answer_meets_the_target_and_one_fewer_does_not(
    load: float, aht: float, sl: float, within: float
) -> None:
    target = ServiceTarget(service_level=sl, answer_within_seconds=within)
    n = int(required_agents(load, aht_seconds=aht, target=target).agents)
    at = erlang_c_metrics(n, load_erlangs=load, aht_seconds=aht, answer_within_seconds=within)
    assert float(at.service_level_offered) >= sl - 1e-12
    if n - 1 > load:
        below = erlang_c_metrics(
            n - 1, load_erlangs=load, aht_seconds=aht, answer_within_seconds=within
        )
        assert float(below.service_level_offered) < sl
