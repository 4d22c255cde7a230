"""The value of the game, the KL terms to the mixture and the JSD: sums for a discrete distribution,
two independent quadrature rules for densities.

* discrete: ``V = Σ p log(p/(p + q)) + Σ q log(q/(p + q))``, ``KL(p ‖ m) = Σ p log(2p/(p + q))`` (0·log 0 = 0);
* densities: the real line cut into pieces at every component's centre and multiples of its scale
  (and a uniform's ends), so a narrow peak is resolved however wide the other density is; V by the
  composite Simpson rule, the KL terms by Gauss–Legendre on the same pieces, and each density's
  mass by Simpson (which must be 1: a peak the pieces missed would show).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from dlcalc.core.gan.densities import Density

SIMPSON_INTERVALS = 128  # per piece (and half as many for the error estimate)
GAUSS_NODES = 24  # per piece, for the independent second rule

Integrand = Callable[[np.ndarray], np.ndarray]


def discrete_terms(p: list[float], q: list[float]) -> dict[str, float]:
    """V, JSD and both KL terms to the mixture, as sums (0·log 0 = 0)."""
    value = sum(pi * math.log(pi / (pi + qi)) for pi, qi in zip(p, q, strict=True) if pi > 0) + \
        sum(qi * math.log(qi / (pi + qi)) for pi, qi in zip(p, q, strict=True) if qi > 0)
    kl_p = sum(pi * math.log(pi / ((pi + qi) / 2)) for pi, qi in zip(p, q, strict=True) if pi > 0)
    kl_q = sum(qi * math.log(qi / ((pi + qi) / 2)) for pi, qi in zip(p, q, strict=True) if qi > 0)
    return {"value": value, "kl_data_mix": kl_p, "kl_g_mix": kl_q, "jsd": 0.5 * kl_p + 0.5 * kl_q}


def pieces(p: Density, q: Density) -> list[float]:
    """The edges of the integration pieces: both densities' spans, split at every breakpoint."""
    low = min(p.span()[0], q.span()[0])
    high = max(p.span()[1], q.span()[1])
    return sorted({low, high, *(x for x in p.breakpoints() + q.breakpoints() if low < x < high)})


def simpson(function: Integrand, edges: list[float], intervals: int | None = None) -> tuple[float, float]:
    """∫ f by the composite Simpson rule, ``intervals`` per piece (each piece takes its one-sided
    limits at its ends, where a uniform density jumps); returns (the value, its difference from
    the same rule with half the intervals, as the error estimate)."""
    intervals = intervals or SIMPSON_INTERVALS
    a, b = np.array(edges[:-1]), np.array(edges[1:])
    width = b - a

    def rule(m: int) -> float:
        t = np.linspace(0.0, 1.0, m + 1)
        t[0], t[-1] = 1e-12, 1 - 1e-12
        ys = function((a[:, None] + width[:, None] * t[None, :]).ravel()).reshape(len(a), m + 1)
        weights = np.ones(m + 1)
        weights[1:-1:2], weights[2:-1:2] = 4.0, 2.0
        return float(np.sum(ys @ weights * width / (3 * m)))

    fine = rule(intervals)
    return fine, abs(fine - rule(intervals // 2))


def gauss_legendre(function: Integrand, edges: list[float], nodes: int | None = None) -> float:
    """∫ f by Gauss–Legendre quadrature, ``nodes`` points inside each piece (no endpoints)."""
    nodes = nodes or GAUSS_NODES
    t, w = np.polynomial.legendre.leggauss(nodes)
    a, b = np.array(edges[:-1]), np.array(edges[1:])
    mid, half = (a + b) / 2, (b - a) / 2
    ys = function((mid[:, None] + half[:, None] * t[None, :]).ravel()).reshape(len(a), nodes)
    return float(np.sum(ys @ w * half))


def plog(a: np.ndarray, b: np.ndarray, factor: float) -> np.ndarray:
    """a·log(factor·a/(a + b)), 0 where a = 0."""
    with np.errstate(divide="ignore", invalid="ignore", under="ignore"):
        return np.where(a > 0, a * np.log(factor * a / np.where(a + b > 0, a + b, 1.0)), 0.0)


def continuous_terms(p: Density, q: Density) -> dict[str, float]:
    """V by Simpson's rule; the KL terms and the JSD, separately, by Gauss–Legendre; and both
    densities' total mass by the same pieces (which must be 1: a peak the pieces missed shows)."""
    edges = pieces(p, q)

    def v_integrand(xs: np.ndarray) -> np.ndarray:
        pa, qa = p.pdf(xs), q.pdf(xs)
        return plog(pa, qa, 1.0) + plog(qa, pa, 1.0)  # p log D* + q log(1 − D*)

    value, error = simpson(v_integrand, edges)
    kl_p = gauss_legendre(lambda xs: plog(p.pdf(xs), q.pdf(xs), 2.0), edges)  # KL(p ‖ m) = ∫ p log(2p/(p + q))
    kl_q = gauss_legendre(lambda xs: plog(q.pdf(xs), p.pdf(xs), 2.0), edges)
    mass_p, mass_q = simpson(p.pdf, edges)[0], simpson(q.pdf, edges)[0]
    return {"value": value, "kl_data_mix": kl_p, "kl_g_mix": kl_q, "jsd": 0.5 * (kl_p + kl_q),
            "error": error + 1e-25, "low": edges[0], "high": edges[-1], "pieces": len(edges) - 1,
            "mass_p": mass_p, "mass_q": mass_q}
