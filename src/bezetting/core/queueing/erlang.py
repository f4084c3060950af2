"""Erlang B, C and A: what a number of agents delivers for an offered load.

All functions take arrays (one value per interval, queue, ...) and broadcast them; scalars work
too. Units: seconds for every duration, Erlang for load (``volume * aht_seconds /
interval_seconds``).

Service level comes in three common definitions (:class:`ServiceLevelDefinition`); every
:class:`QueueMetrics` carries all three so a report can name the one it shows:

* ``offered``: contacts answered within *t* over contacts offered (abandoned ones count as
  missed). This is the strictest and the default.
* ``answered``: answered within *t* over answered (abandoned ones ignored).
* ``exclude_short_abandons``: answered within *t* over offered minus contacts that abandoned
  within *s* seconds (callers who hang up almost at once are not held against the centre).

Under Erlang C nobody abandons, so the three coincide.

Models:

* Erlang B (M/M/n/n): blocking probability with no queue.
* Erlang C (M/M/n): infinitely patient callers, FCFS. Needs ``agents > load`` (otherwise the
  queue grows without bound).
* Erlang A (M/M/n+M): exponential patience with mean ``patience_seconds`` (Palm's model). The
  closed forms follow Mandelbaum and Zeltyn ("The M/M/n+G queue: summary of performance
  measures", 2009) and are evaluated with incomplete gamma functions in log space so they stay
  finite at any realistic size; the waiting-time results come from the virtual-wait density
  ``g(s) = pi_n * theta * x * exp(-n mu s + y (1 - exp(-theta s)))`` with ``x = n mu / theta`` and
  ``y = lambda / theta``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

from bezetting.core.errors import InputError
from bezetting.core.queueing._special import (
    erlang_b_kernel,
    erlang_b_with_complement,
    log_gamma_ratio,
    log_gammainc_lower,
)

FloatArray = NDArray[np.float64]

__all__ = [
    "QueueMetrics",
    "ServiceLevelDefinition",
    "erlang_a_metrics",
    "erlang_b",
    "erlang_c",
    "erlang_c_metrics",
    "offered_load",
]


class ServiceLevelDefinition(StrEnum):
    """Which contacts a service-level percentage is taken over (see the module docstring)."""

    OFFERED = "offered"
    ANSWERED = "answered"
    EXCLUDE_SHORT_ABANDONS = "exclude_short_abandons"


@dataclass(frozen=True)
class QueueMetrics:
    """What a staffing level delivers, one array element per interval (or queue, ...).

    Attributes:
        model: ``"erlang-c"`` or ``"erlang-a"``.
        agents: agents on the phones (net: already after shrinkage).
        load_erlangs: offered load.
        answer_within_seconds: the *t* of the service level.
        prob_wait: probability that an arriving contact finds all agents busy.
        service_level_offered: answered within *t* / offered.
        service_level_answered: answered within *t* / answered.
        service_level_excl_short_abandons: answered within *t* / (offered - abandoned within
            ``short_abandon_seconds``).
        asa_seconds: average speed of answer, the mean wait of *answered* contacts. NaN where
            nobody is answered (no agents).
        mean_wait_seconds: mean time in queue over all offered contacts, abandoned ones included.
        abandon_rate: share of offered contacts that hang up before being answered.
        occupancy: share of agents' time spent handling contacts.
    """

    model: str
    agents: FloatArray
    load_erlangs: FloatArray
    answer_within_seconds: FloatArray
    prob_wait: FloatArray
    service_level_offered: FloatArray
    service_level_answered: FloatArray
    service_level_excl_short_abandons: FloatArray
    asa_seconds: FloatArray
    mean_wait_seconds: FloatArray
    abandon_rate: FloatArray
    occupancy: FloatArray

    def service_level(self, definition: ServiceLevelDefinition) -> FloatArray:
        """The service level under ``definition``."""
        match ServiceLevelDefinition(definition):
            case ServiceLevelDefinition.OFFERED:
                return self.service_level_offered
            case ServiceLevelDefinition.ANSWERED:
                return self.service_level_answered
            case ServiceLevelDefinition.EXCLUDE_SHORT_ABANDONS:
                return self.service_level_excl_short_abandons


def offered_load(
    volume: ArrayLike, *, aht_seconds: ArrayLike, interval_seconds: float
) -> FloatArray:
    """Offered load in Erlang: contacts per interval times handle time over interval length.

    >>> float(offered_load(100, aht_seconds=180, interval_seconds=1800))
    10.0
    """
    if not (math.isfinite(interval_seconds) and interval_seconds > 0):
        raise InputError(f"interval_seconds must be a positive number, got {interval_seconds!r}")
    volume_arr = _finite(volume, "volume", minimum=0.0)
    aht = _finite(aht_seconds, "aht_seconds", minimum=0.0, strict=True)
    with np.errstate(over="ignore"):
        load = volume_arr * aht / interval_seconds
    return _finite(
        load, "offered load (volume x aht_seconds / interval)", minimum=0.0, maximum=MAX_ERLANGS
    )


def erlang_b(agents: ArrayLike, load_erlangs: ArrayLike) -> FloatArray:
    """Erlang B: the probability that a contact is blocked when ``agents`` are all busy.

    >>> round(float(erlang_b(5, 3.0)), 6)  # (3**5/5!) / sum(3**k/k!, k=0..5) = 20.25/184
    0.110054
    """
    n, a = _agents_and_load(agents, load_erlangs)
    return erlang_b_kernel(n, a)


def erlang_c(agents: ArrayLike, load_erlangs: ArrayLike) -> FloatArray:
    """Erlang C: the probability that a contact has to wait (all agents busy on arrival)."""
    n, a = _agents_and_load(agents, load_erlangs)
    _require_stable(n, a)
    return _erlang_c_kernel(n, a)


def erlang_c_metrics(
    agents: ArrayLike,
    *,
    load_erlangs: ArrayLike,
    aht_seconds: ArrayLike,
    answer_within_seconds: ArrayLike,
) -> QueueMetrics:
    """Erlang C (M/M/n, FCFS, nobody abandons): service level, ASA, occupancy.

    Service level is ``1 - C * exp(-(n - a) t / aht)`` (all three definitions coincide), ASA is
    ``C * aht / (n - a)``.
    """
    n, a = _agents_and_load(agents, load_erlangs)
    aht = _finite(aht_seconds, "aht_seconds", minimum=0.0, strict=True)
    t = _finite(answer_within_seconds, "answer_within_seconds", minimum=0.0)
    _require_stable(n, a)
    n, a, aht, t = np.broadcast_arrays(n, a, aht, t)
    return _erlang_c_unchecked(n, a, aht, t)


def erlang_a_metrics(
    agents: ArrayLike,
    *,
    load_erlangs: ArrayLike,
    aht_seconds: ArrayLike,
    patience_seconds: ArrayLike,
    answer_within_seconds: ArrayLike,
    short_abandon_seconds: ArrayLike = 5.0,
    with_asa: bool = True,
) -> QueueMetrics:
    """Erlang A (M/M/n+M): callers hang up after an exponential patience with the given mean.

    Any load is stable here (impatient callers keep the queue finite). An infinite patience
    gives Erlang C. ``with_asa=False`` skips the only result that needs a series sum (ASA), for
    callers that do not need it.

    Args:
        agents: agents on the phones, whole numbers >= 0.
        load_erlangs: offered load.
        aht_seconds: mean handle time.
        patience_seconds: mean patience (time a caller is willing to wait), > 0; ``inf`` allowed.
        answer_within_seconds: the *t* of the service level.
        short_abandon_seconds: abandons within this many seconds count as "short" for
            :attr:`ServiceLevelDefinition.EXCLUDE_SHORT_ABANDONS`.
        with_asa: compute ASA (a series whose length grows with overload); NaN when skipped.
    """
    n, a = _agents_and_load(agents, load_erlangs)
    aht = _finite(aht_seconds, "aht_seconds", minimum=0.0, strict=True)
    patience = _positive_or_inf(patience_seconds, "patience_seconds")
    t = _finite(answer_within_seconds, "answer_within_seconds", minimum=0.0)
    short = _finite(short_abandon_seconds, "short_abandon_seconds", minimum=0.0)
    _check_patience_ratio(patience, aht)
    n, a, aht, patience, t, short = np.broadcast_arrays(n, a, aht, patience, t, short)
    return _erlang_a_unchecked(n, a, aht, patience, t, short, with_asa=with_asa)


# --- kernels without validation (the staffing search calls them at trial staffing levels) ---


def _erlang_c_kernel(n: FloatArray, a: FloatArray) -> FloatArray:
    """``P(wait) = n B / (n - a (1 - B))`` for ``n > a``; 0 where the load is 0."""
    b, passed = erlang_b_with_complement(n, a)
    with np.errstate(invalid="ignore", divide="ignore"):
        c = n * b / (n - a * passed)
    return np.where(a > 0.0, c, 0.0)


def _erlang_c_unchecked(
    n: FloatArray, a: FloatArray, aht: FloatArray, t: FloatArray
) -> QueueMetrics:
    c = _erlang_c_kernel(n, a)
    spare = n - a
    with np.errstate(divide="ignore", invalid="ignore"):
        sl = np.where(a > 0.0, 1.0 - c * np.exp(-spare * t / aht), 1.0)
        asa = np.where(a > 0.0, c * aht / spare, 0.0)
        occupancy = np.where(n > 0.0, a / np.where(n > 0.0, n, 1.0), 0.0)
    zeros = np.zeros_like(a)
    return QueueMetrics(
        model="erlang-c",
        agents=n,
        load_erlangs=a,
        answer_within_seconds=t,
        prob_wait=c,
        service_level_offered=sl,
        service_level_answered=sl,
        service_level_excl_short_abandons=sl,
        asa_seconds=asa,
        mean_wait_seconds=asa,
        abandon_rate=zeros,
        occupancy=occupancy,
    )


def _erlang_a_unchecked(
    n: FloatArray,
    a: FloatArray,
    aht: FloatArray,
    patience: FloatArray,
    t: FloatArray,
    short: FloatArray,
    *,
    with_asa: bool,
    with_short_abandons: bool = True,
) -> QueueMetrics:
    """Erlang A on validated, broadcast arrays; infinite patience falls back to Erlang C.

    ``with_asa`` and ``with_short_abandons`` skip work a caller does not need (the staffing
    search); skipped results are NaN.
    """
    shape = n.shape
    prob_wait = np.zeros(shape)
    sl_offered = np.ones(shape)
    abandon = np.zeros(shape)
    ab_short = np.zeros(shape)
    asa = np.zeros(shape)
    mean_wait = np.zeros(shape)

    patient = np.isinf(patience) & (a > 0.0)
    if patient.any():
        sub = _erlang_c_unchecked(n[patient], a[patient], aht[patient], t[patient])
        prob_wait[patient] = sub.prob_wait
        sl_offered[patient] = sub.service_level_offered
        asa[patient] = sub.asa_seconds
        mean_wait[patient] = sub.mean_wait_seconds

    nobody = (n == 0.0) & (a > 0.0) & ~patient
    prob_wait[nobody] = 1.0
    sl_offered[nobody] = 0.0
    abandon[nobody] = 1.0
    ab_short[nobody] = -np.expm1(-short[nobody] / patience[nobody])
    asa[nobody] = np.nan
    mean_wait[nobody] = patience[nobody]

    m = (n > 0.0) & (a > 0.0) & ~patient
    answered_share = np.zeros(shape)
    if m.any():
        nm, am, ahtm, pm, tm, sm = n[m], a[m], aht[m], patience[m], t[m], short[m]
        x = nm * pm / ahtm  # n mu / theta
        y = am * pm / ahtm  # lambda / theta
        erlang_b_n, erlang_b_passed = erlang_b_with_complement(nm, am)
        log_a = log_gamma_ratio(x, y)  # log A(x, y) = log(1 + y/(x+1) + ...)
        r = np.exp(-log_a)  # 1 / A, in (0, 1]
        one_minus_r = -np.expm1(-log_a)
        denominator = r + one_minus_r * erlang_b_n
        pw = erlang_b_n / denominator
        no_wait = r * erlang_b_passed / denominator  # 1 - pw, without cancelling when pw ~ 1
        rho = y / x  # a / n
        served_if_wait = one_minus_r / rho  # P(served | had to wait)
        ab = pw * (1.0 - served_if_wait)
        answered = no_wait + pw * served_if_wait

        # Share of queued-and-served contacts answered within t: 1 - P(x+1, y')/P(x+1, y),
        # taken as (Q(x+1, y') - Q(x+1, y)) / P(x+1, y) where both P are close to 1.
        y_t = y * np.exp(-tm / pm)
        log_p_y = log_gammainc_lower(x + 1.0, y)
        within = -np.expm1(log_gammainc_lower(x + 1.0, y_t) - log_p_y)
        upper = log_p_y > np.log(0.5)
        if upper.any():
            xu = x[upper] + 1.0
            q_diff = special.gammaincc(xu, y_t[upper]) - special.gammaincc(xu, y[upper])
            within[upper] = q_diff / np.exp(log_p_y[upper])
        sl = no_wait + pw * served_if_wait * within

        if with_short_abandons:
            # Abandoned within s: (pw / y) [(y-x) + x r - (y'-x) R - x r (y'/y)^x e^(y-y')].
            y_s = y * np.exp(-sm / pm)
            ratio_s = np.exp(log_gammainc_lower(x, y_s) - log_gammainc_lower(x, y))
            tail = np.exp(-log_a - x * sm / pm - y * np.expm1(-sm / pm))
            ab_s = np.clip(pw / y * ((y - x) + x * r - (y_s - x) * ratio_s - x * tail), 0.0, ab)
        else:
            ab_s = np.full(pw.shape, np.nan)

        prob_wait[m] = pw
        answered_share[m] = answered
        abandon[m] = ab
        ab_short[m] = ab_s
        sl_offered[m] = sl
        mean_wait[m] = ab * pm  # Little: abandonment rate = theta * E[queue]
        asa[m] = _erlang_a_asa(x, y, pw, pm) / answered if with_asa else np.nan

    answered = np.where(m, answered_share, 1.0 - abandon)
    with np.errstate(divide="ignore", invalid="ignore"):
        sl_answered = np.where(answered > 0.0, sl_offered / answered, 0.0)
        sl_excl = np.where(1.0 - ab_short > 0.0, sl_offered / (1.0 - ab_short), 0.0)
        sl_excl = np.where(np.isnan(ab_short), np.nan, sl_excl)
        occupancy = np.where(n > 0.0, a * answered / np.where(n > 0.0, n, 1.0), 0.0)
    return QueueMetrics(
        model="erlang-a",
        agents=n,
        load_erlangs=a,
        answer_within_seconds=t,
        prob_wait=prob_wait,
        service_level_offered=sl_offered,
        service_level_answered=np.minimum(sl_answered, 1.0),
        service_level_excl_short_abandons=np.minimum(sl_excl, 1.0),
        asa_seconds=asa,
        mean_wait_seconds=mean_wait,
        abandon_rate=abandon,
        occupancy=occupancy,
    )


def _erlang_a_asa(
    x: FloatArray, y: FloatArray, prob_wait: FloatArray, patience: FloatArray
) -> FloatArray:
    """``E[wait; served]`` (not yet divided by ``P(served)``) for Erlang A.

    A caller who finds ``j`` others waiting is served with probability ``x / (x + j + 1)`` and,
    if served, has waited on average ``(1/theta) sum_{i=1..j+1} 1/(x+i)``. Summing over the
    stationary queue length (weights ``y^j / ((x+1)...(x+j))``) gives the answer; the weights are
    rescaled as they go so that an overloaded queue cannot overflow them.
    """
    weight = np.ones_like(x)
    total_weight = np.zeros_like(x)
    total = np.zeros_like(x)
    harmonic = np.zeros_like(x)
    active = np.ones(x.shape, dtype=bool)
    j = 0
    while active.any():
        idx = np.flatnonzero(active)
        xi, yi = x[idx], y[idx]
        harmonic[idx] += 1.0 / (xi + j + 1.0)
        w = weight[idx]
        total_weight[idx] += w
        total[idx] += w * harmonic[idx] / (xi + j + 1.0)
        nxt = w * yi / (xi + j + 1.0)
        big = nxt > 1e200
        if big.any():
            scale = np.where(big, 1e-200, 1.0)
            nxt *= scale
            total_weight[idx] *= scale
            total[idx] *= scale
        weight[idx] = nxt
        j += 1
        done = (j > yi - xi) & (nxt <= 1e-17 * total_weight[idx])
        active[idx[done]] = False
    return prob_wait * x * patience * total / total_weight


# --- validation ---


# The largest offered load (and agents) the engine promises to handle: ten million Erlang.
MAX_ERLANGS = 1e7
# Patience beyond this many handle times is Erlang C for every practical purpose.
MAX_PATIENCE_IN_HANDLE_TIMES = 1e5


def _finite(
    values: ArrayLike,
    name: str,
    *,
    minimum: float,
    strict: bool = False,
    maximum: float = math.inf,
) -> FloatArray:
    arr = np.asarray(values, dtype=np.float64)
    bad = ~np.isfinite(arr) | ((arr <= minimum) if strict else (arr < minimum)) | (arr > maximum)
    if bad.any():
        where = np.argwhere(bad)[0]
        value = float(arr[tuple(where)]) if arr.ndim else float(arr)
        at = f" at index {tuple(int(i) for i in where)}" if arr.ndim else ""
        bound = f"> {minimum:g}" if strict else f">= {minimum:g}"
        if math.isfinite(maximum):
            bound += f" and <= {maximum:g}"
        raise InputError(f"{name} must be a finite number {bound}, got {value!r}{at}")
    return arr


def _check_patience_ratio(patience: FloatArray, aht: FloatArray) -> None:
    """Refuse finite patience so long against the handle time that the model degenerates."""
    with np.errstate(over="ignore", divide="ignore"):
        ratio = patience / aht
    bad = np.isfinite(patience) & ~(ratio <= MAX_PATIENCE_IN_HANDLE_TIMES)
    if bad.any():
        p_b, a_b = np.broadcast_arrays(patience, aht)
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        raise InputError(
            f"patience_seconds {float(p_b[where])!r} is more than "
            f"{MAX_PATIENCE_IN_HANDLE_TIMES:g} handle times ({float(a_b[where])!r} s); "
            "pass patience inf to use Erlang C, which it equals for such patient callers"
        )


def _positive_or_inf(values: ArrayLike, name: str) -> FloatArray:
    arr = np.asarray(values, dtype=np.float64)
    bad = np.isnan(arr) | (arr <= 0.0)
    if bad.any():
        value = float(arr[tuple(np.argwhere(bad)[0])]) if arr.ndim else float(arr)
        raise InputError(f"{name} must be > 0 (inf for infinitely patient callers), got {value!r}")
    return arr


def _agents_and_load(agents: ArrayLike, load_erlangs: ArrayLike) -> tuple[FloatArray, FloatArray]:
    n = _finite(agents, "agents", minimum=0.0, maximum=MAX_ERLANGS)
    if (n != np.floor(n)).any():
        bad = float(n[n != np.floor(n)].flat[0])
        raise InputError(f"agents must be whole numbers, got {bad!r}")
    a = _finite(load_erlangs, "load_erlangs", minimum=0.0, maximum=MAX_ERLANGS)
    return n, a


def _require_stable(n: FloatArray, a: FloatArray) -> None:
    unstable = (a > 0.0) & (n <= a)
    if unstable.any():
        n_b, a_b = np.broadcast_arrays(n, a)
        where = tuple(int(i) for i in np.argwhere(unstable)[0])
        at = f" at index {where}" if where else ""
        raise InputError(
            f"Erlang C needs more agents than the offered load: {a_b[where]:g} Erlang with "
            f"{n_b[where]:g} agents{at} makes the queue grow without bound; use at least "
            f"{math.floor(a_b[where]) + 1} agents, or Erlang A (callers who hang up)"
        )
