"""Numerically stable kernels behind the Erlang formulas.

Everything here works on float arrays and stays finite for offered loads up to tens of
thousands of Erlang: Poisson probabilities are taken in log space with Loader's saddle-point
form (no ``n * log(a) - lgamma(n + 1)`` cancellation), and ratios whose numerator and
denominator both underflow (a tiny incomplete gamma over a tiny Poisson probability) are
summed as convergent series instead.

Reference: C. Loader, "Fast and accurate computation of binomial probabilities" (2000).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy import special

FloatArray = NDArray[np.float64]

_LOG_SQRT_2PI = 0.5 * np.log(2.0 * np.pi)
# Below this a regularised incomplete gamma is too close to underflow to trust its digits.
_TINY = 1e-250
# scipy's lower incomplete gamma loses digits in its lower tail beyond this shape parameter
# (1e-6 relative at a = 1e6, five standard deviations below the mean); the series is exact.
_LARGE_SHAPE = 2e5
_SERIES_TOLERANCE = 1e-17
_MAX_SERIES_TERMS = 200_000


def stirling_error(k: FloatArray) -> FloatArray:
    """``lgamma(k+1) - (k+0.5) log k + k - log sqrt(2 pi)`` for ``k > 0``, without cancellation."""
    k = np.asarray(k, dtype=np.float64)
    out = np.empty_like(k)
    large = k > 15.0
    kl = k[large]
    k2 = kl * kl
    out[large] = (
        1.0 / 12.0
        - (1.0 / 360.0 - (1.0 / 1260.0 - (1.0 / 1680.0 - 1.0 / (1188.0 * k2)) / k2) / k2) / k2
    ) / kl
    ks = k[~large]
    out[~large] = special.gammaln(ks + 1.0) - (ks + 0.5) * np.log(ks) + ks - _LOG_SQRT_2PI
    return out


def deviance(x: FloatArray, mean: FloatArray) -> FloatArray:
    """``x log(x / mean) + mean - x`` (Loader's ``bd0``), accurate also for ``x`` near ``mean``."""
    x, mean = np.broadcast_arrays(np.asarray(x, np.float64), np.asarray(mean, np.float64))
    out = np.empty(x.shape, dtype=np.float64)
    near = np.abs(x - mean) < 0.1 * (x + mean)
    xn, mn = x[near], mean[near]
    v = (xn - mn) / (xn + mn)
    total = (xn - mn) * v
    term = 2.0 * xn * v
    v2 = v * v
    for j in range(1, 12):  # |v| < 0.1: each round gains two digits, 11 rounds reach 1e-22
        term = term * v2
        total = total + term / (2 * j + 1)
    out[near] = total
    xf, mf = x[~near], mean[~near]
    with np.errstate(over="ignore", divide="ignore"):  # subnormal means: the log is still right
        out[~near] = special.xlogy(xf, xf / mf) + mf - xf
    return out


def log_poisson_pmf(k: FloatArray, mean: FloatArray) -> FloatArray:
    """Log of ``mean**k exp(-mean) / Gamma(k + 1)`` for real ``k >= 0`` and ``mean > 0``."""
    k, mean = np.broadcast_arrays(np.asarray(k, np.float64), np.asarray(mean, np.float64))
    out = np.empty(k.shape, dtype=np.float64)
    zero = k == 0.0
    out[zero] = -mean[zero]
    no_mean = ~zero & (mean == 0.0)  # a positive count from a zero mean never happens
    out[no_mean] = -np.inf
    rest = ~zero & ~no_mean
    kp, mp = k[rest], mean[rest]
    out[rest] = -stirling_error(kp) - deviance(kp, mp) - 0.5 * np.log(2.0 * np.pi * kp)
    return out


def lower_gamma_series(a: FloatArray, z: FloatArray) -> FloatArray:
    """``sum_j z**j / ((a+1)(a+2)...(a+j))``, the ratio ``P(a, z) / pmf(a; z)`` for ``z < a``.

    ``P`` is the regularised lower incomplete gamma and ``pmf(a; z) = z**a e**-z / Gamma(a+1)``.
    Terms fall at least geometrically with ratio ``z / (a + j)``.
    """
    a, z = np.broadcast_arrays(np.asarray(a, np.float64), np.asarray(z, np.float64))
    total = np.ones(a.shape, dtype=np.float64)
    term = np.ones(a.shape, dtype=np.float64)
    active = np.ones(a.shape, dtype=bool)
    j = 0
    while active.any() and j < _MAX_SERIES_TERMS:
        j += 1
        idx = np.flatnonzero(active)
        term[idx] *= z.flat[idx] / (a.flat[idx] + j)
        total[idx] += term[idx]
        done = term[idx] <= _SERIES_TOLERANCE * total[idx]
        active.flat[idx[done]] = False
    return total


def log_gamma_ratio(a: FloatArray, z: FloatArray) -> FloatArray:
    """Log of ``P(a, z) / pmf(a; z)`` (the series above), without forming either factor alone.

    Where ``P`` is comfortably above underflow it is taken from :func:`scipy.special.gammainc`;
    elsewhere (``z`` well below ``a``) the series converges fast and is summed directly.
    """
    a, z = np.broadcast_arrays(np.asarray(a, np.float64), np.asarray(z, np.float64))
    p = special.gammainc(a, z)
    out = np.empty(a.shape, dtype=np.float64)
    ok = (p > _TINY) & ~((a > _LARGE_SHAPE) & (z < a))
    out[ok] = np.log(p[ok]) - log_poisson_pmf(a[ok], z[ok])
    small = ~ok
    if small.any():
        out[small] = np.log(lower_gamma_series(a[small], z[small]))
    return out


def log_gammainc_lower(a: FloatArray, z: FloatArray) -> FloatArray:
    """Log of the regularised lower incomplete gamma ``P(a, z)``, finite where ``P`` underflows.

    ``z == 0`` gives ``-inf`` (``P`` is exactly zero there).
    """
    a, z = np.broadcast_arrays(np.asarray(a, np.float64), np.asarray(z, np.float64))
    p = special.gammainc(a, z)
    out = np.full(a.shape, -np.inf)
    ok = (p > _TINY) & ~((a > _LARGE_SHAPE) & (z < a))
    out[ok] = np.log(p[ok])
    small = ~ok & (z > 0.0)
    if small.any():
        a_s, z_s = a[small], z[small]
        out[small] = log_poisson_pmf(a_s, z_s) + np.log(lower_gamma_series(a_s, z_s))
    return out


def erlang_b_kernel(servers: FloatArray, load: FloatArray) -> FloatArray:
    """Erlang B blocking probability for whole ``servers >= 0`` and ``load >= 0``."""
    return erlang_b_with_complement(servers, load)[0]


def erlang_b_with_complement(
    servers: FloatArray, load: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Erlang B ``B`` and ``1 - B``, each with its own relative precision.

    ``B = pmf(n; a) / P(Poisson(a) <= n)`` and ``1 - B = P(Poisson(a) <= n-1) / P(Poisson(a)
    <= n)``. Where the Poisson tail is too small to trust, the finite sum ``1/B = sum_j
    n(n-1)...(n-j+1) / a**j`` is used instead (its terms fall with ratio ``n / a < 1`` there),
    with ``1 - B`` from the same sum without its first term. No servers block everything.
    """
    n, a = np.broadcast_arrays(np.asarray(servers, np.float64), np.asarray(load, np.float64))
    blocked = np.ones(n.shape, dtype=np.float64)
    passed = np.zeros(n.shape, dtype=np.float64)
    some = n > 0.0
    cdf = np.ones(n.shape)
    cdf[some] = special.gammaincc(n[some] + 1.0, a[some])
    ok = some & (cdf > _TINY)
    blocked[ok] = np.exp(log_poisson_pmf(n[ok], a[ok])) / cdf[ok]
    passed[ok] = special.gammaincc(n[ok], a[ok]) / cdf[ok]
    small = some & ~ok
    if small.any():
        ns, as_ = n[small], a[small]
        rest = np.zeros(ns.shape)
        term = np.ones(ns.shape)
        active = np.ones(ns.shape, dtype=bool)
        j = 0
        while active.any():
            idx = np.flatnonzero(active)
            term[idx] *= (ns[idx] - j) / as_[idx]
            j += 1
            rest[idx] += term[idx]
            done = (term[idx] <= _SERIES_TOLERANCE * (1.0 + rest[idx])) | (ns[idx] - j <= 0.0)
            active[idx[done]] = False
        blocked[small] = 1.0 / (1.0 + rest)
        passed[small] = rest / (1.0 + rest)
    return blocked, passed
