"""The distributions of gan-optimal-d: a discrete distribution on named points, or a density that is
a mixture of normal, uniform and Laplace components, each checked to stay inside float64.

Each component's pdf is written once, with numpy, for one point or many:

* ``normal(μ, σ)``: ``exp(−½((x − μ)/σ)²) / (σ√(2π))``;
* ``uniform(a, b)``: ``1/(b − a)`` on ``[a, b]``, else 0;
* ``laplace(m, b)``: ``exp(−|x − m|/b) / (2b)``.

The text form (``0.5*normal(-2,1) + 0.5*normal(2,1)``) is read by :mod:`dlcalc.parse.distributions`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, overload

import numpy as np

from dlcalc.errors import InputError

KINDS = ("normal", "uniform", "laplace")
LARGEST = 1e100  # density parameters within ±1e100, scales at least 1e-100: every pdf value fits in float64
RESOLUTION = 1e-9  # a scale (or a uniform's width) at least this fraction of its location: pieces stay distinct
# integration pieces, in multiples of the scale from the centre (the spans are 12σ and 70b)
NORMAL_STEPS = (0.0, 0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0, 12.0)
LAPLACE_STEPS = (0.0, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 8.0, 12.0, 18.0, 25.0, 35.0, 50.0, 70.0)
SQRT_2PI = math.sqrt(2 * math.pi)


@dataclass(frozen=True, slots=True)
class Component:
    """One component of a mixture: ``kind`` (normal, uniform or laplace), its two parameters (μ and σ,
    a and b, m and b) and its weight. InputError (naming no option) when a parameter is out of range."""

    kind: str
    a: float
    b: float
    weight: float = 1.0

    def __post_init__(self) -> None:
        kind, a, b, weight = self.kind, self.a, self.b, self.weight
        if kind not in KINDS:
            raise InputError(f"unknown distribution {kind!r} (normal, uniform, laplace)")
        if not all(math.isfinite(v) for v in (a, b, weight)):
            raise InputError(f"{kind}: parameters must be finite")
        if kind in ("normal", "laplace") and b <= 0:
            raise InputError(f"{kind}({a:g}, {b:g}): the scale must be positive")
        if kind == "uniform" and a >= b:
            raise InputError(f"uniform({a:g}, {b:g}): needs a < b")
        if weight <= 0:
            raise InputError(f"mixture weights must be positive, got {weight:g}")
        if max(abs(a), abs(b)) > LARGEST or (kind != "uniform" and b < 1 / LARGEST) or \
                (kind == "uniform" and b - a < 1 / LARGEST):
            raise InputError(f"{kind}({a:g}, {b:g}): parameters within ±1e100 and scales (or widths) of at least "
                             "1e-100 are supported (the densities must stay inside float64)")
        spread, where = (b - a, max(abs(a), abs(b))) if kind == "uniform" else (b, abs(a))
        if spread < RESOLUTION * where:
            raise InputError(f"{kind}({a:g}, {b:g}): the {'width' if kind == 'uniform' else 'scale'} is below what "
                             f"float64 can resolve at {where:g} (at least {RESOLUTION:g} of it is needed)")

    @overload
    def pdf(self, x: float) -> float: ...

    @overload
    def pdf(self, x: np.ndarray) -> np.ndarray: ...

    def pdf(self, x: Any) -> Any:
        """The density at ``x``: a float for a float, an array for an array (far tails are 0)."""
        return self.weighted(x, 1.0)

    def weighted(self, x: Any, weight: float | None = None) -> Any:
        """``weight`` (the component's own by default) times the density at ``x``."""
        w = self.weight if weight is None else weight
        xs = np.asarray(x, dtype=float)
        with np.errstate(over="ignore", under="ignore"):  # far tails: exp(−huge) is 0, as it should be
            if self.kind == "normal":
                z = (xs - self.a) / self.b
                out = w * np.exp(-0.5 * z * z) / (self.b * SQRT_2PI)
            elif self.kind == "uniform":
                out = w * np.where((xs >= self.a) & (xs <= self.b), 1.0 / (self.b - self.a), 0.0)
            else:
                out = w * np.exp(-np.abs(xs - self.a) / self.b) / (2 * self.b)
        return float(out) if np.ndim(out) == 0 else out

    def span(self) -> tuple[float, float]:
        """Where all but a negligible (< 1e-30) part of the mass lies."""
        if self.kind == "uniform":
            return self.a, self.b
        reach = (NORMAL_STEPS if self.kind == "normal" else LAPLACE_STEPS)[-1] * self.b  # 12σ, 70b
        return self.a - reach, self.a + reach

    def breakpoints(self) -> list[float]:
        """Where integration splits: a uniform's ends (its jumps); a normal's or Laplace's centre and
        multiples of its scale out to its span, so a narrow peak is resolved however wide the
        other density is."""
        if self.kind == "uniform":
            return [self.a, self.b]
        steps = NORMAL_STEPS if self.kind == "normal" else LAPLACE_STEPS
        return [self.a + sign * t * self.b for t in steps for sign in (-1.0, 1.0)]

    def around(self) -> tuple[float, float]:
        """Where the component mostly lives: a uniform's support, else the centre ± 2 scales."""
        return (self.a, self.b) if self.kind == "uniform" else (self.a - 2 * self.b, self.a + 2 * self.b)

    def text(self) -> str:
        return f"{self.kind}({self.a:g}, {self.b:g})"


@dataclass(frozen=True, slots=True)
class Density:
    """A mixture of normal, uniform and Laplace components whose weights sum to 1; ``source`` is the
    text it was read from, if any (not part of its identity)."""

    components: tuple[Component, ...]
    source: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if not self.components:
            raise InputError("a density needs at least one component")
        total = sum(c.weight for c in self.components)
        if abs(total - 1) > 1e-9:
            raise InputError(f"mixture weights must sum to 1, but they sum to {total:g}")

    @overload
    def pdf(self, x: float) -> float: ...

    @overload
    def pdf(self, x: np.ndarray) -> np.ndarray: ...

    def pdf(self, x: Any) -> Any:
        """The mixture's density at ``x`` (a float or an array)."""
        total = np.zeros_like(np.asarray(x, dtype=float))
        for c in self.components:
            total = total + c.weighted(x)
        return float(total) if total.ndim == 0 else total

    def span(self) -> tuple[float, float]:
        spans = [c.span() for c in self.components]
        return min(s[0] for s in spans), max(s[1] for s in spans)

    def breakpoints(self) -> list[float]:
        return [p for c in self.components for p in c.breakpoints()]

    def text(self) -> str:
        parts = [c.text() if len(self.components) == 1 else f"{c.weight:g}·{c.text()}" for c in self.components]
        return " + ".join(parts)


def discrete(values: Sequence[float], option: str) -> list[float]:
    """A discrete distribution's probabilities, checked: none negative, summing to 1 (within 1e-9)."""
    probabilities = [float(v) for v in values]
    if not probabilities:
        raise InputError("expected probabilities, got none", option)
    if not all(math.isfinite(v) for v in probabilities):
        raise InputError("probabilities must be finite", option)
    if any(v < 0 for v in probabilities):
        raise InputError(f"probabilities cannot be negative, got {min(probabilities):g}", option)
    total = sum(probabilities)
    if abs(total - 1) > 1e-9:
        raise InputError(f"probabilities must sum to 1, but they sum to {total:g}", option)
    return probabilities


def default_points(p: Density, q: Density, count: int = 5) -> list[float]:
    """Where D* is shown when no points are given: evenly over where the densities live
    (a normal's or Laplace's centre ± 2 scales, a uniform's support), so −2 … 2 for N(0, 1)."""
    ends = [c.around() for c in (*p.components, *q.components)]
    low, high = min(e[0] for e in ends), max(e[1] for e in ends)
    return [float(f"{low + (high - low) * k / (count - 1):.10g}") for k in range(count)]
