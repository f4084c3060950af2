"""An independent high-precision reference for Erlang B, C and A, used only by the tests.

Every value is computed in mpmath with 60 significant digits, by methods that differ from the
engine's (which evaluates incomplete-gamma closed forms in float64):

* Erlang B: the exact recursion ``B(k) = a B(k-1) / (k + a B(k-1))`` from ``B(0) = 1``.
* Erlang C: ``P(wait) = n B / (n - a (1 - B))`` from that ``B``. The service level is not taken
  from the closed form ``1 - C exp(-(n - a) t / aht)`` but summed state by state: a caller who
  finds ``j`` others waiting (probability ``C (1 - rho) rho**j``, ``rho = a / n``) waits longer than
  ``t`` exactly when fewer than ``j + 1`` service completions happen by ``t``; with ``N`` the
  Poisson(``n t / aht``) number of completions this gives ``P(wait > t) = C * E[rho**N]``, summed
  term by term over ``N``.
* Erlang A (M/M/n+M): the birth-death chain's stationary distribution is summed state by state
  (birth rate ``lambda``, death rate ``min(k, n) mu + max(k - n, 0) theta``) until the rest of the
  tail is below 1e-70 of the mass. A caller who finds ``j`` others waiting moves up through
  ``j + 1`` stages with exit rates ``theta (x + i + 1)`` (``i`` callers ahead,
  ``x = n mu / theta``);
  each exit is an advance (a service completion or an abandonment ahead) or their own
  abandonment (rate ``theta``). So they are served with probability ``x / (x + j + 1)``, and the
  time ``T`` until they leave the queue is a sum of exponentials with rates
  ``theta (x + 1), ..., theta (x + j + 1)``, which has the law of ``-log(U) / theta`` with
  ``U ~ Beta(x + 1, j + 1)`` (compare Laplace transforms). For a whole second parameter the
  incomplete beta is a negative-binomial sum: with ``z = exp(-theta t)``,
  ``P(T <= t) = z**(x+1) sum_{k>j} (x+1)_k / k! (1 - z)**k``, summed backward over positive terms
  so that it keeps its digits when it is tiny. Exit times do not depend on how the caller exits,
  hence ``P(served within t | j) = x / (x + j + 1) * P(T <= t)``.
  Abandonments within ``s``: a caller abandons at their patience ``tau ~ Exp(theta)`` if it comes
  before their virtual wait ``V`` (the wait of a caller with infinite patience), so
  ``P(abandon within s) = int_0^s theta e^{-theta u} P(V > u) du``; given ``j`` ahead, ``V`` has the
  law of ``-log(U) / theta`` with ``U ~ Beta(x, j + 1)``. The integral is taken with ``mp.quad``.

ASA (mean wait of answered callers) is the per-state mean wait ``sum_{i=1..j+1} 1/(theta (x+i))``
weighted by the served probability: the same series the engine sums in float64, here in 60
digits. Every other quantity comes by a route the engine does not take.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from mpmath import mp, mpf

DIGITS = 60
_TAIL = mpf(10) ** -70
_QUAD_DIGITS = 30


def _erlang_b(n: int, a: mpf) -> mpf:
    b = mpf(1)
    for k in range(1, n + 1):
        b = a * b / (k + a * b)
    return b


@functools.cache
def erlang_b(n: int, load: float) -> mpf:
    """Erlang B blocking probability with ``n`` servers and ``load`` Erlang."""
    with mp.workdps(DIGITS):
        return +_erlang_b(n, mpf(load))


@functools.cache
def erlang_c(n: int, load: float) -> mpf:
    """Erlang C probability of waiting (needs ``n > load``)."""
    if not n > load:
        raise ValueError(f"Erlang C needs n > load, got n={n}, load={load}")
    with mp.workdps(DIGITS):
        a = mpf(load)
        b = _erlang_b(n, a)
        return n * b / (n - a * (1 - b))


@dataclass(frozen=True)
class ErlangCReference:
    """Erlang C metrics (60 digits)."""

    prob_wait: mpf
    service_level: mpf
    asa_seconds: mpf
    occupancy: mpf


@functools.cache
def erlang_c_metrics(n: int, load: float, aht_seconds: float, t_seconds: float) -> ErlangCReference:
    """Erlang C service level within ``t_seconds``, ASA and occupancy."""
    c = erlang_c(n, load)
    with mp.workdps(DIGITS):
        a, aht, t = mpf(load), mpf(aht_seconds), mpf(t_seconds)
        rho = a / n
        r = n * t / aht  # mean number of service completions by t while all agents are busy
        pmf = mp.exp(-r)
        total = pmf  # E[rho**N], summed over N
        power = mpf(1)
        k = 0
        while True:
            k += 1
            pmf *= r / k
            power *= rho
            term = pmf * power
            total += term
            if k > r and term < _TAIL * total:
                break
        return ErlangCReference(
            prob_wait=c,
            service_level=1 - c * total,
            asa_seconds=c * aht / (n - a),
            occupancy=a / n,
        )


@dataclass(frozen=True)
class ErlangAReference:
    """Erlang A metrics (60 digits); ``abandon_within_short`` is None when not asked for."""

    prob_wait: mpf
    service_level_offered: mpf
    service_level_answered: mpf
    service_level_excl_short_abandons: mpf | None
    abandon_within_short: mpf | None
    asa_seconds: mpf
    mean_wait_seconds: mpf
    abandon_rate: mpf
    occupancy: mpf
    queue_states: int


@functools.cache
def erlang_a_metrics(
    n: int,
    load: float,
    aht_seconds: float,
    patience_seconds: float,
    t_seconds: float,
    short_abandon_seconds: float | None = None,
) -> ErlangAReference:
    """Erlang A (M/M/n+M) metrics by the state-by-state sums in the module docstring."""
    if n < 1 or not load > 0:
        raise ValueError(f"the reference needs n >= 1 and load > 0, got n={n}, load={load}")
    with mp.workdps(DIGITS):
        a, aht, patience = mpf(load), mpf(aht_seconds), mpf(patience_seconds)
        x = n * patience / aht  # n mu / theta
        y = a * patience / aht  # lambda / theta
        theta = 1 / patience
        # States 0 .. n-1 (nobody waits), weights a**k / k! relative to state 0.
        w = mpf(1)
        below = mpf(0)
        for k in range(1, n + 1):
            below += w
            w = w * a / k
        # w is now the weight of state n (all agents busy, nobody waiting). First the tail
        # weights of states n, n+1, ... (j = 0, 1, ... callers waiting).
        tail_weights: list[mpf] = []
        waiting = queue = mpf(0)
        j = 0
        while True:
            tail_weights.append(w)
            waiting += w
            queue += j * w
            ratio = y / (x + j + 1)  # weight of state n+j+1 over state n+j
            # Stop when the rest of the tail is negligible against the tail itself, so that
            # even a tiny probability of waiting keeps all its digits.
            if ratio < 1 and w * ratio / (1 - ratio) < _TAIL * waiting:
                break
            w *= ratio
            j += 1
        within = _served_by(len(tail_weights), x, theta * mpf(t_seconds))
        served_in_time = asa_sum = mpf(0)
        harmonic = mpf(0)  # sum_{i=1..j+1} 1 / (x + i)
        for j, weight in enumerate(tail_weights):
            harmonic += 1 / (x + j + 1)
            served = x / (x + j + 1)
            served_in_time += weight * served * within[j]
            asa_sum += weight * served * harmonic / theta
        total = below + waiting
        abandon = queue / total / y
        answered = 1 - abandon
        sl_offered = (below + served_in_time) / total
        short: mpf | None = None
        sl_excl: mpf | None = None
        if short_abandon_seconds is not None:
            short = _abandon_within(tail_weights, x, theta * mpf(short_abandon_seconds)) / total
            sl_excl = sl_offered / (1 - short)
        return ErlangAReference(
            prob_wait=waiting / total,
            service_level_offered=sl_offered,
            service_level_answered=sl_offered / answered,
            service_level_excl_short_abandons=sl_excl,
            abandon_within_short=short,
            asa_seconds=asa_sum / total / answered,
            mean_wait_seconds=queue / total / (a / aht),
            abandon_rate=abandon,
            occupancy=a * answered / n,
            queue_states=len(tail_weights),
        )


def _served_by(states: int, x: mpf, theta_t: mpf) -> list[mpf]:
    """``P(T_j <= t)`` for ``j = 0 .. states-1``, with ``theta_t = theta * t``.

    ``P(T_j <= t) = 1 - I_z(x + 1, j + 1) = z**(x+1) sum_{k>j} (x+1)_k / k! (1-z)**k``: the tail
    of the negative-binomial series whose whole sum is ``z**-(x+1)``. Summing the tail backward
    (all terms positive) keeps its digits even where ``P(T_j <= t)`` is astronomically small.
    """
    z = mp.exp(-theta_t)
    if z >= 1:
        return [mpf(0)] * states
    terms = [mpf(1)]  # (x+1)_k / k! (1-z)^k
    beyond = mpf(0)  # sum of the terms from index `states` on
    k = 0
    while True:
        ratio = (x + k + 1) / (k + 1) * (1 - z)
        terms.append(terms[-1] * ratio)
        k += 1
        if k >= states:
            beyond += terms[-1]
            if ratio < 1 and terms[-1] * ratio / (1 - ratio) < _TAIL * beyond:
                break
    scale = z ** (x + 1)
    out = [mpf(0)] * states
    tail = beyond
    for j in range(states - 1, -1, -1):
        out[j] = scale * tail  # sum_{k > j}
        tail += terms[j]
    return out


def _abandon_within(weights: list[mpf], x: mpf, theta_s: mpf) -> mpf:
    """``sum_j weights[j] P(abandon within s | j ahead)`` with ``theta_s = theta * s``.

    Substituting ``v = exp(-theta u)`` turns the integral into ``int_{exp(-theta s)}^1 F(v) dv``
    with ``F(v) = sum_j weights[j] I_v(x, j + 1)`` and ``I_v(x, j + 1)`` the regularised incomplete
    beta, a finite sum for whole ``j + 1``.
    """

    def integrand(v: mpf) -> mpf:
        one_minus = 1 - v
        term = mpf(1)
        partial = mpf(0)
        out = mpf(0)
        for j, weight in enumerate(weights):
            if j > 0:
                term *= (x + j - 1) / j * one_minus
            partial += term
            out += weight * partial
        return v**x * out

    lower = mp.exp(-theta_s)
    if lower >= 1:
        return mpf(0)
    # 30 digits are plenty for a comparison at 1e-9 and keep the quadrature fast.
    with mp.workdps(_QUAD_DIGITS):
        return mp.quad(integrand, [lower, 1])
