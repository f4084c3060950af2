"""Planner overrides apply in order, each on what the ones before left; each one's own change
is kept so the report can say what it did."""

import numpy as np
import pytest

from bezetting.core.forecast import Override, override_changes, override_delta

STARTS = np.arange(
    np.datetime64("2026-03-02T08:00", "s"), np.datetime64("2026-03-02T10:00", "s"), 1800
)
MODEL = np.array([10.0, 20.0, 30.0, 40.0])
WHOLE = {"start_utc": STARTS[0], "end_utc": STARTS[-1] + np.timedelta64(1800, "s")}


def test_each_override_changes_what_the_ones_before_left():
    double = Override(**WHOLE, percent=100.0)
    plus_five = Override(**WHOLE, contacts_per_interval=5.0)
    first, second = override_changes("voice", STARTS, MODEL, (double, plus_five))
    assert first == pytest.approx(MODEL)
    assert second == pytest.approx([5.0] * 4)
    # In the other order the percentage also doubles the five contacts.
    first, second = override_changes("voice", STARTS, MODEL, (plus_five, double))
    assert first == pytest.approx([5.0] * 4)
    assert second == pytest.approx(MODEL + 5.0)


def test_the_changes_add_up_to_the_delta_and_never_below_zero_volume():
    minus = Override(**WHOLE, contacts_per_interval=-25.0)
    plus = Override(**WHOLE, percent=10.0)
    changes = override_changes("voice", STARTS, MODEL, (minus, plus))
    assert changes[0] == pytest.approx([-10.0, -20.0, -25.0, -25.0])
    assert changes[1] == pytest.approx([0.0, 0.0, 0.5, 1.5])
    assert override_delta("voice", STARTS, MODEL, (minus, plus)) == pytest.approx(sum(changes))


def test_a_volume_overridden_to_nothing_is_exactly_zero_not_a_rounding_below_it():
    # "+10%" then "+7%" then "-1000 contacts": the changes sum to about -(model) with rounding.
    rng = np.random.default_rng(7)
    for _ in range(500):
        model = rng.uniform(0.0, 50.0, size=4)
        overrides = (
            Override(**WHOLE, percent=float(rng.uniform(-50, 50))),
            Override(**WHOLE, percent=float(rng.uniform(-50, 50))),
            Override(**WHOLE, contacts_per_interval=-1000.0),
        )
        delta = override_delta("voice", STARTS, model, overrides)
        assert np.all(model + delta == 0.0)


def test_only_the_queues_own_overrides_and_open_intervals_count():
    other_queue = Override(**WHOLE, percent=50.0, queue="email")
    everywhere = Override(**WHOLE, contacts_per_interval=2.0)
    changes = override_changes(
        "voice",
        STARTS,
        MODEL,
        (other_queue, everywhere),
        open_intervals=np.array([True, True, True, False]),
    )
    assert len(changes) == 1
    assert changes[0] == pytest.approx([2.0, 2.0, 2.0, 0.0])
    assert override_delta("voice", STARTS, MODEL, ()) == pytest.approx([0.0] * 4)
