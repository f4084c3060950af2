"""Erlang B and C against worked examples published by Erlang calculator makers.

Each value below is quoted from the page named in its test, at the precision the page prints;
the test asks the engine the same question and rounds its answer the same way.

Erlang A: we found no published table we could quote exactly (Koole's *Call Center Mathematics*,
Gans, Koole and Mandelbaum 2003 and Mandelbaum and Zeltyn's Erlang A papers were not at hand in a
form we could cite by page). Erlang A is therefore checked only against the independent
60-digit computation in ``test_high_precision.py``.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import brentq

from bezetting.core.queueing import erlang_b, erlang_c, offered_load

# Westbay Engineers, "Erlang calculator manual: How much traffic can a trunk group handle?",
# http://erlang.com/calculatormanual/howmuchtrafficcanatrunkgrouphandle.htm
WESTBAY_URL = "http://erlang.com/calculatormanual/howmuchtrafficcanatrunkgrouphandle.htm"
# Erlang B and Erlang C calculator pages (English), personal.telefonica.terra.es/web/vr/erlang
TELEFONICA_B_URL = "http://personal.telefonica.terra.es/web/vr/erlang/eng/mcerlb.htm"
TELEFONICA_C_URL = "http://personal.telefonica.terra.es/web/vr/erlang/eng/mcerlc.htm"


def _fewest(prob: object, *, load: float, at_most: float, start: int) -> int:
    """Fewest servers from ``start`` up whose probability ``prob(n, load)`` is <= ``at_most``."""
    servers = np.arange(start, start + 1000)
    values = np.asarray(prob(servers, load))  # type: ignore[operator]
    return int(servers[np.argmax(values <= at_most)])


def _load_for(prob: object, *, servers: int, value: float, high: float) -> float:
    """The load at which ``prob(servers, load)`` equals ``value`` (it rises with the load)."""
    return float(
        brentq(lambda a: float(prob(servers, a)) - value, 1e-9, high, xtol=1e-12)  # type: ignore[operator]
    )


def test_erlang_b_15_lines_at_1_percent_carry_8_108_erlang() -> None:
    """Westbay: "if this trunk group [15 lines] is to remain within the blocking figure of 1%,
    it can be offered a maximum level of traffic of 8.108 Erlangs" (WESTBAY_URL)."""
    assert round(_load_for(erlang_b, servers=15, value=0.01, high=15.0), 3) == 8.108


def test_erlang_b_50_erlang_at_1_percent_needs_64_circuits() -> None:
    """Telefonica Erlang B page: "For a traffic of 50 E and P.01 (1% of blocking probability),
    the circuits needed are 64" (TELEFONICA_B_URL)."""
    assert _fewest(erlang_b, load=50.0, at_most=0.01, start=1) == 64


def test_erlang_b_64_circuits_at_10_percent_take_64_8_erlang() -> None:
    """Telefonica Erlang B page: "The 64 circuits with 10% of blocking have a capacity for
    64.8 E of offered traffic" (TELEFONICA_B_URL)."""
    assert round(_load_for(erlang_b, servers=64, value=0.10, high=200.0), 1) == 64.8


def test_600_calls_an_hour_of_120_seconds_are_20_erlang() -> None:
    """Telefonica Erlang C page: "in one hour there are 600 calls with call length of 120
    seconds, that is a traffic of 20 erlangs" (TELEFONICA_C_URL)."""
    load = offered_load(600, aht_seconds=120, interval_seconds=3600)
    assert float(load) == 20.0


def test_erlang_c_20_erlang_at_15_percent_delay_needs_26_agents() -> None:
    """Telefonica Erlang C page: "For a target delay probability of 15% the number of circuits
    needed are 26" (TELEFONICA_C_URL)."""
    assert _fewest(erlang_c, load=20.0, at_most=0.15, start=21) == 26


def test_erlang_c_30_agents_on_20_erlang_delay_2_5_percent() -> None:
    """Telefonica Erlang C page: "If circuits are incremented to 30, delay is reduced to 2.5%"
    (TELEFONICA_C_URL)."""
    assert round(100.0 * float(erlang_c(30, 20.0)), 1) == 2.5


def test_erlang_c_30_agents_at_15_percent_delay_take_23_6_erlang() -> None:
    """Telefonica Erlang C page: "Those 30 circuits with 15% of delay could attend a traffic of
    23.6 erlangs" (TELEFONICA_C_URL)."""
    assert round(_load_for(erlang_c, servers=30, value=0.15, high=29.999), 1) == 23.6
