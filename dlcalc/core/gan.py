"""The optimal GAN discriminator, the value of the game and its Jensen–Shannon link
(Goodfellow et al. 2014, "Generative Adversarial Nets", Proposition 1 and Theorem 1).

    D*(x) = p_data(x) / (p_data(x) + p_g(x))
    V(D*, G) = E_{p_data}[log D*(x)] + E_{p_g}[log(1 − D*(x))] = −log 4 + 2·JSD(p_data ‖ p_g)
    JSD(p ‖ q) = ½ KL(p ‖ m) + ½ KL(q ‖ m),  m = (p + q)/2

Distributions are discrete (``--p-data "0.2,0.5,0.3"``) or densities written in a small language,
parsed by hand (never eval): ``normal(μ, σ)``, ``uniform(a, b)``, ``laplace(m, b)`` and mixtures
``0.5*normal(-2,1) + 0.5*normal(2,1)``. Natural logarithms throughout.
"""

from __future__ import annotations

import math
import re
from typing import Any

from dlcalc.errors import InputError
from dlcalc.parse import LazyPattern, term
from dlcalc.solution import Preview, Solution

LOG4 = math.log(4.0)
LARGEST = 1e100  # density parameters within ±1e100, scales at least 1e-100: every pdf value fits in float64
RESOLUTION = 1e-9  # a scale (or a uniform's width) at least this fraction of its location: pieces stay distinct
# integration pieces, in multiples of the scale from the centre (the spans are 12σ and 70b)
NORMAL_STEPS = (0.0, 0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0, 12.0)
LAPLACE_STEPS = (0.0, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 8.0, 12.0, 18.0, 25.0, 35.0, 50.0, 70.0)
SIMPSON_INTERVALS = 128  # per piece (and half as many for the error estimate)
GAUSS_NODES = 24  # per piece, for the independent second rule


# ---------------------------------------------------------------------------------------------
# Densities
# ---------------------------------------------------------------------------------------------


class Component:
    __slots__ = ("kind", "a", "b", "weight")

    def __init__(self, kind: str, a: float, b: float, weight: float) -> None:
        self.kind, self.a, self.b, self.weight = kind, a, b, weight

    def pdf(self, x: float) -> float:
        if self.kind == "normal":
            z = (x - self.a) / self.b
            return math.exp(-0.5 * z * z) / (self.b * math.sqrt(2 * math.pi))
        if self.kind == "uniform":
            return 1.0 / (self.b - self.a) if self.a <= x <= self.b else 0.0
        return math.exp(-abs(x - self.a) / self.b) / (2 * self.b)  # laplace

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

    def text(self) -> str:
        return f"{self.kind}({self.a:g}, {self.b:g})"


class Density:
    """A mixture of normal, uniform and Laplace components."""

    def __init__(self, components: list[Component], source: str) -> None:
        self.components, self.source = components, source

    def pdf(self, x: float) -> float:
        return sum(c.weight * c.pdf(x) for c in self.components)

    def span(self) -> tuple[float, float]:
        spans = [c.span() for c in self.components]
        return min(s[0] for s in spans), max(s[1] for s in spans)

    def breakpoints(self) -> list[float]:
        return [p for c in self.components for p in c.breakpoints()]

    def text(self) -> str:
        parts = [c.text() if len(self.components) == 1 else f"{c.weight:g}·{c.text()}" for c in self.components]
        return " + ".join(parts)


_TOKEN = LazyPattern(r"\s*(?:(?P<number>[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)|(?P<name>[A-Za-z_]+)|"
                    r"(?P<punct>[(),*+]))")
KINDS = {"normal": "normal", "gaussian": "normal", "n": "normal", "uniform": "uniform", "u": "uniform",
         "laplace": "laplace"}


def parse_density(text: str, option: str) -> Density:
    """``normal(0,1)``, ``uniform(-1, 1)``, ``laplace(0, 0.5)``, or a weighted sum of them."""
    if len(text) > 2000:
        raise InputError(f"a density is limited to 2,000 characters, got {len(text):,}", option)
    tokens: list[tuple[str, str, int]] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if not match:
            column = pos + 1 + len(text[pos:]) - len(text[pos:].lstrip())
            raise InputError(f"unexpected {text[column - 1]!r} at column {column} of {text!r}; write e.g. "
                              "normal(0,1) or 0.5*normal(-2,1) + 0.5*normal(2,1)", option)
        kind = match.lastgroup
        tokens.append((kind, match.group(kind), match.start(kind) + 1))
        pos = match.end()
    i = 0

    def expect(what: str) -> tuple[str, str, int]:
        nonlocal i
        if i >= len(tokens):
            raise InputError(f"{text!r} ends where {what} was expected", option)
        token = tokens[i]
        i += 1
        return token

    components = []
    while True:
        weight = 1.0
        kind, value, column = expect("a distribution")
        if kind == "number":
            weight = float(value)
            star = expect("'*'")
            if star[1] != "*":
                raise InputError(f"expected '*' after the weight at column {star[2]} of {text!r}", option)
            kind, value, column = expect("a distribution")
        if kind != "name" or value.lower() not in KINDS:
            from difflib import get_close_matches

            close = get_close_matches(value.lower(), list(KINDS), n=1)
            raise InputError(f"unknown distribution {value!r} at column {column}" +
                              (f"; did you mean {close[0]}?" if close else "") + " (normal, uniform, laplace)", option)
        name = KINDS[value.lower()]
        if expect("'('")[1] != "(":
            raise InputError(f"expected '(' after {value} at column {column + len(value)}", option)
        args = []
        while True:
            kind_a, arg, col = expect("a number")
            if kind_a != "number":
                raise InputError(f"expected a number at column {col} of {text!r}, got {arg!r}", option)
            args.append(float(arg))
            sep = expect("',' or ')'")
            if sep[1] == ")":
                break
            if sep[1] != ",":
                raise InputError(f"expected ',' or ')' at column {sep[2]} of {text!r}", option)
        if len(args) != 2:
            raise InputError(f"{name} takes 2 parameters, got {len(args)} at column {column}", option)
        a, b = args
        if not all(math.isfinite(v) for v in (a, b, weight)):
            raise InputError(f"parameters must be finite at column {column}", option)
        if name in ("normal", "laplace") and b <= 0:
            raise InputError(f"{name}({a:g}, {b:g}): the scale must be positive", option)
        if name == "uniform" and a >= b:
            raise InputError(f"uniform({a:g}, {b:g}): needs a < b", option)
        if weight <= 0:
            raise InputError(f"mixture weights must be positive, got {weight:g} at column {column}", option)
        if max(abs(a), abs(b)) > LARGEST or (name != "uniform" and b < 1 / LARGEST) or \
                (name == "uniform" and b - a < 1 / LARGEST):
            raise InputError(f"{name}({a:g}, {b:g}): parameters within ±1e100 and scales (or widths) of at least "
                              "1e-100 are supported (the densities must stay inside float64)", option)
        spread, where = (b - a, max(abs(a), abs(b))) if name == "uniform" else (b, abs(a))
        if spread < RESOLUTION * where:
            raise InputError(f"{name}({a:g}, {b:g}): the {'width' if name == 'uniform' else 'scale'} is below what "
                              f"float64 can resolve at {where:g} (at least {RESOLUTION:g} of it is needed)", option)
        components.append(Component(name, a, b, weight))
        if i >= len(tokens):
            break
        plus = expect("'+'")
        if plus[1] != "+":
            raise InputError(f"expected '+' between components at column {plus[2]} of {text!r}", option)
    total = sum(c.weight for c in components)
    if abs(total - 1) > 1e-9:
        raise InputError(f"mixture weights must sum to 1, but they sum to {total:g}", option)
    return Density(components, text)


def parse_points(x: str | None, grid: str | None) -> list[float]:
    if x is not None and grid is not None:
        raise InputError("give points with --x or a grid with --grid, not both", "--grid")
    if grid is not None:
        parts = grid.split(":")
        try:
            start, stop, count = float(parts[0]), float(parts[1]), int(parts[2])
        except (IndexError, ValueError):
            raise InputError(f"expected START:STOP:COUNT such as -4:4:81, got {grid!r}", "--grid") from None
        if len(parts) != 3 or not (math.isfinite(start) and math.isfinite(stop)) or stop <= start:
            raise InputError(f"expected START:STOP:COUNT with START < STOP, got {grid!r}", "--grid")
        if not 2 <= count <= 100_000:
            raise InputError(f"expected 2 to 100,000 points, got {count}", "--grid")
        return [start + (stop - start) * k / (count - 1) for k in range(count)]
    if x is None:
        return []  # the caller chooses: default_points
    from dlcalc.parse import parse_number_list

    return [float(v) for v in parse_number_list(x, "--x")]


def default_points(p: Density, q: Density, count: int = 5) -> list[float]:
    """Where D* is shown when no --x or --grid is given: evenly over where the densities live
    (a normal's or Laplace's centre ± 2 scales, a uniform's support), so −2 … 2 for N(0, 1)."""
    ends = [(c.a, c.b) if c.kind == "uniform" else (c.a - 2 * c.b, c.a + 2 * c.b)
            for c in (*p.components, *q.components)]
    low, high = min(e[0] for e in ends), max(e[1] for e in ends)
    return [float(f"{low + (high - low) * k / (count - 1):.10g}") for k in range(count)]


# ---------------------------------------------------------------------------------------------
# The game
# ---------------------------------------------------------------------------------------------



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


def simpson(function, edges: list[float], intervals: int | None = None) -> tuple[float, float]:
    """∫ f by the composite Simpson rule, ``intervals`` per piece (each piece takes its one-sided
    limits at its ends, where a uniform density jumps); returns (the value, its difference from
    the same rule with half the intervals, as the error estimate)."""
    import numpy as np

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


def gauss_legendre(function, edges: list[float], nodes: int | None = None) -> float:
    """∫ f by Gauss–Legendre quadrature, ``nodes`` points inside each piece (no endpoints)."""
    import numpy as np

    nodes = nodes or GAUSS_NODES
    t, w = np.polynomial.legendre.leggauss(nodes)
    a, b = np.array(edges[:-1]), np.array(edges[1:])
    mid, half = (a + b) / 2, (b - a) / 2
    ys = function((mid[:, None] + half[:, None] * t[None, :]).ravel()).reshape(len(a), nodes)
    return float(np.sum(ys @ w * half))


def continuous_terms(p: Density, q: Density) -> dict[str, float]:
    """V by Simpson's rule; the KL terms and the JSD, separately, by Gauss–Legendre; and both
    densities' total mass by the same pieces (which must be 1: a peak the pieces missed shows)."""
    import numpy as np

    edges = pieces(p, q)

    def vec(density: Density):
        def f(xs):
            out = np.zeros_like(xs)
            with np.errstate(over="ignore", under="ignore"):  # far tails: exp(−huge) is 0, as it should be
                for c in density.components:
                    if c.kind == "normal":
                        z = (xs - c.a) / c.b
                        out += c.weight * np.exp(-0.5 * z * z) / (c.b * math.sqrt(2 * math.pi))
                    elif c.kind == "uniform":
                        out += c.weight * np.where((xs >= c.a) & (xs <= c.b), 1.0 / (c.b - c.a), 0.0)
                    else:
                        out += c.weight * np.exp(-np.abs(xs - c.a) / c.b) / (2 * c.b)
            return out
        return f

    pf, qf = vec(p), vec(q)

    def plog(a, b, factor: float):
        """a·log(factor·a/(a + b)), 0 where a = 0."""
        with np.errstate(divide="ignore", invalid="ignore", under="ignore"):
            return np.where(a > 0, a * np.log(factor * a / np.where(a + b > 0, a + b, 1.0)), 0.0)

    def v_integrand(xs):
        pa, qa = pf(xs), qf(xs)
        return plog(pa, qa, 1.0) + plog(qa, pa, 1.0)  # p log D* + q log(1 − D*)

    value, error = simpson(v_integrand, edges)
    kl_p = gauss_legendre(lambda xs: plog(pf(xs), qf(xs), 2.0), edges)  # KL(p ‖ m) = ∫ p log(2p/(p + q))
    kl_q = gauss_legendre(lambda xs: plog(qf(xs), pf(xs), 2.0), edges)
    mass_p, mass_q = simpson(pf, edges)[0], simpson(qf, edges)[0]
    return {"value": value, "kl_data_mix": kl_p, "kl_g_mix": kl_q, "jsd": 0.5 * (kl_p + kl_q),
            "error": error + 1e-25, "low": edges[0], "high": edges[-1], "pieces": len(edges) - 1,
            "mass_p": mass_p, "mass_q": mass_q}


def gan_solution(*, p_data: str, p_g: str, support: str | None = None, x: str | None = None,
                 grid: str | None = None, plot: str | None = None, derive: bool = False) -> tuple[Solution, dict]:
    """D* at every point, the value of the game two ways, the JSD; returns (solution, numbers)."""
    discrete = _looks_discrete(p_data) and _looks_discrete(p_g)
    sol = Solution("gan-optimal-d", "the optimal discriminator D*(x) = p_data(x)/(p_data(x) + p_g(x))")
    numbers: dict[str, Any] = {"discrete": discrete}
    if discrete:
        p, q = _distribution(p_data, "--p-data"), _distribution(p_g, "--p-g")
        if len(p) != len(q):
            raise InputError(f"lengths disagree: --p-data has {len(p)} values, --p-g has {len(q)}", "--p-g")
        names = [s.strip() for s in support.split(",")] if support else [f"x{k + 1}" for k in range(len(p))]
        if len(names) != len(p):
            raise InputError(f"--support names {len(names)} points but the distributions have {len(p)}", "--support")
        if x is not None or grid is not None:
            raise InputError("points are for densities; a discrete distribution is evaluated on its support",
                              "--x" if x is not None else "--grid")
        sol.inputs = {"p_data": p, "p_g": q, "support": names}
        d_star = []
        for name, pi, qi in zip(names, p, q, strict=True):
            if pi + qi == 0:
                raise InputError(f"D* is undefined at {name}: p_data = p_g = 0 there (0/0); drop that point",
                                  "--p-data")
            d = pi / (pi + qi)
            d_star.append(d)
            sol.step(f"D*({name})", "D* = p_data/(p_data + p_g)", f"{term(pi)}/({term(pi)} + {term(qi)})", d)
        terms = discrete_terms(p, q)
        direct = "Σ_x p_data(x) log D*(x) + Σ_x p_g(x) log(1 − D*(x))"
        points = names
    else:
        pd, pg = parse_density(p_data, "--p-data"), parse_density(p_g, "--p-g")
        xs = parse_points(x, grid) or default_points(pd, pg)
        sol.inputs = {"p_data": pd.text(), "p_g": pg.text(), "points": xs if len(xs) <= 200 else len(xs)}
        d_star = []
        undefined = []
        for k, point in enumerate(xs):
            a, b = pd.pdf(point), pg.pdf(point)
            if a + b == 0:
                if x is not None:  # a point the user chose; on a grid or the default points it is marked
                    raise InputError(f"D* is undefined at x = {point:g}: both densities are 0 there (0/0)", "--x")
                undefined.append(point)
                d_star.append(None)
                continue
            d = a / (a + b)
            d_star.append(d)
            if k < 12 or grid is None:
                sol.step(f"D*({point:g})", "D* = p_data/(p_data + p_g)", f"{a:.4g}/({a:.4g} + {b:.4g})", d)
        if len(xs) > 12 and grid is not None:
            sol.step(f"… {len(xs) - 12} more points", value=None, note="computed the same way; all in --json")
        if undefined:
            sol.step("Undefined points", value=None, note=f"D* is undefined (0/0) at {len(undefined)} grid points "
                     f"where both densities are 0, e.g. x = {undefined[0]:g}; they are null in --json")
        terms = continuous_terms(pd, pg)
        direct = "∫ p_data log D* dx + ∫ p_g log(1 − D*) dx"
        points = xs
        numbers.update({"p": pd, "q": pg})
    numbers.update(terms)
    value, jsd = terms["value"], terms["jsd"]
    how = "a sum over the support" if discrete else (
        f"Simpson's rule over [{terms['low']:g}, {terms['high']:g}] in {terms['pieces']} pieces, "
        f"error ≤ {terms['error']:.1e}")
    sol.step("V(D*, G) directly", f"V = {direct}", how, value)
    sol.step("KL(p_data ‖ m)", "KL(p_data ‖ m), m = (p_data + p_g)/2", value=terms["kl_data_mix"],
             note="" if discrete else "∫ p_data log(2 p_data/(p_data + p_g)) dx by Gauss–Legendre, a second rule")
    sol.step("KL(p_g ‖ m)", "KL(p_g ‖ m)", value=terms["kl_g_mix"])
    sol.step("JSD", "JSD = ½ KL(p_data ‖ m) + ½ KL(p_g ‖ m)",
             f"½·{term(terms['kl_data_mix'])} + ½·{term(terms['kl_g_mix'])}", jsd)
    via = -LOG4 + 2 * jsd
    sol.step("V through the JSD", "V = −log 4 + 2·JSD(p_data ‖ p_g)", f"−{LOG4:.6g} + 2·{term(jsd)}", via,
             note="Goodfellow et al. 2014, Theorem 1")
    tolerance = 1e-12 if discrete else max(1e-9, 10 * terms.get("error", 0))
    sol.check("V two ways", "identity" if discrete else "identity, two quadrature rules", abs(value - via) <= tolerance,
              f"directly {value:.12g}, through the JSD {via:.12g}: difference {abs(value - via):.1e}" +
              ("" if discrete else " (V by Simpson's rule, the KL terms by Gauss–Legendre)"))
    if not discrete:
        worst = max(abs(terms["mass_p"] - 1), abs(terms["mass_q"] - 1))
        sol.check("each density integrates to 1", "quadrature", worst <= 1e-9,
                  f"∫ p_data = {terms['mass_p']:.12g}, ∫ p_g = {terms['mass_q']:.12g} on the same pieces: " +
                  ("no part of either density was missed" if worst <= 1e-9 else
                   "the pieces missed part of a density, so the integrals above are not to be trusted"))
    same = (discrete and all(abs(a - b) < 1e-15 for a, b in zip(_distribution(p_data, "--p-data"),
                                                                 _distribution(p_g, "--p-g"), strict=True))) or \
        (not discrete and p_data.replace(" ", "") == p_g.replace(" ", ""))
    if same:
        sol.step("p_g = p_data", "D* = 1/2 everywhere, V = −log 4", value=-LOG4,
                 note="the generator has won: the discriminator can do no better than a coin")
        sol.check("D* = 1/2 when p_g = p_data", "definition", all(d is None or abs(d - 0.5) < 1e-15 for d in d_star),
                  "every D* above is 1/2")
    _pointwise_check(sol, numbers, points, discrete)
    sol.result = {"d_star": Preview(d_star), "value": value, "jsd": jsd, "kl_data_mix": terms["kl_data_mix"],
                  "kl_g_mix": terms["kl_g_mix"]}
    sol.answer = f"V(D*, G) = {value:.6g} = −log 4 + 2·{jsd:.6g}"
    numbers.update({"d_star": d_star, "points": points})
    if plot is not None:
        _plot(sol, numbers, plot, discrete)
    if derive:
        from dlcalc.symbolic.gan import derivation

        derivation(sol)
    return sol, numbers


def dense_argmax(a: float, b: float) -> float:
    """The best y in (0, 1) of a·log y + b·log(1 − y) by search alone (no calculus): the best of
    999 evenly spaced values, then of 1,001 values between that one's neighbours (spacing 2e-6)."""

    def f(y: float) -> float:
        return (a * math.log(y) if a else 0.0) + (b * math.log1p(-y) if b else 0.0)

    best = max((k / 1000 for k in range(1, 1000)), key=f)
    low, high = max(best - 0.001, 1e-9), min(best + 0.001, 1 - 1e-9)
    return max((low + (high - low) * k / 1000 for k in range(1001)), key=f)


def _pointwise_check(sol: Solution, numbers: dict, points, discrete: bool) -> None:
    """✓: at each point D* maximises a·log y + b·log(1 − y), found by a dense search over y."""
    if discrete:
        pairs = list(zip(sol.inputs["p_data"], sol.inputs["p_g"], strict=True))
    else:
        pairs = [(numbers["p"].pdf(v), numbers["q"].pdf(v)) for v in points[:200]]
    pairs = [(a, b) for a, b in pairs if a + b > 0]
    worst = max((abs(dense_argmax(a, b) - a / (a + b)) for a, b in pairs), default=0.0)
    sol.check("D* maximises V pointwise", "dense search", worst <= 1e-5,
              f"at each of {len(pairs)} points, the best y of a·log y + b·log(1 − y) found by a two-stage grid "
              f"search in (0, 1) is within {worst:.1e} of a/(a + b)")


def _looks_discrete(text: str) -> bool:
    """Numbers only (an exponent such as 1e-3 included): a discrete distribution, not a density."""
    return not re.search(r"[A-Za-z]", re.sub(r"(?<=[\d.])[eE][-+]?\d", "", text))


def _distribution(text: str, option: str) -> list[float]:
    from dlcalc.parse import parse_number_list

    values = [float(v) for v in parse_number_list(text, option)]
    if any(v < 0 for v in values):
        raise InputError(f"probabilities cannot be negative, got {min(values):g}", option)
    total = sum(values)
    if abs(total - 1) > 1e-9:
        raise InputError(f"probabilities must sum to 1, but they sum to {total:g}", option)
    return values


# ---------------------------------------------------------------------------------------------
# Plots
# ---------------------------------------------------------------------------------------------


def terminal_plot(xs: list[float], series: dict[str, list[float | None]], height: int = 12, width: int = 64) -> str:
    """The series drawn in Unicode on a shared grid (each scaled to its own maximum)."""
    marks = {"D*": "●", "p_data": "·", "p_g": "∘"}
    columns = min(width, len(xs))
    picks = [round(k * (len(xs) - 1) / max(1, columns - 1)) for k in range(columns)]
    grid = [[" "] * columns for _ in range(height)]
    for name, values in series.items():
        top = max((v for v in values if v is not None), default=0) or 1.0
        if name == "D*":
            top = 1.0
        for col, index in enumerate(picks):
            v = values[index]
            if v is None:
                continue
            row = height - 1 - min(height - 1, int(round(v / top * (height - 1))))
            if grid[row][col] == " " or name == "D*":
                grid[row][col] = marks[name]
    lines = ["│" + "".join(row) for row in grid]
    lines.append("└" + "─" * columns)
    lines.append(f" x from {xs[0]:g} to {xs[-1]:g};  ● D* (0 to 1)  · p_data  ∘ p_g (each to its maximum)")
    return "\n".join(lines)


def _plot(sol: Solution, numbers: dict, target: str, discrete: bool) -> None:
    points = numbers["points"]
    if discrete:
        xs = list(range(len(points)))
        p, q, d_star = sol.inputs["p_data"], sol.inputs["p_g"], numbers["d_star"]
    else:  # a smooth curve over the points' range (or where the mass lies, for a single point)
        low, high = (min(points), max(points)) if max(points) > min(points) else numbers["p"].span()
        xs = [low + (high - low) * k / 399 for k in range(400)]
        p = [numbers["p"].pdf(v) for v in xs]
        q = [numbers["q"].pdf(v) for v in xs]
        d_star = [a / (a + b) if a + b > 0 else None for a, b in zip(p, q, strict=True)]
    if target in ("", "-", "terminal"):
        drawing = terminal_plot(xs, {"p_data": p, "p_g": q, "D*": d_star})
        sol.step("Plot", value=drawing, latex=r"\text{(plot: see the text output)}")
        return
    if not target.lower().endswith((".png", ".svg")):
        raise InputError(f"expected a .png or .svg file (or no value for a terminal plot), got {target!r}", "--plot")
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise InputError("writing a figure needs matplotlib: pip install 'dlcalc[plot]' "
                          "(or use --plot with no file for a terminal plot)", "--plot") from None
    figure, axis = plt.subplots(figsize=(7, 4))
    axis.plot(xs, p, label="p_data")
    axis.plot(xs, q, label="p_g")
    axis.set_xlabel("x" if not discrete else "support")
    right = axis.twinx()
    right.plot(xs, [d if d is not None else float("nan") for d in d_star], "k--", label="D*")
    right.set_ylim(0, 1)
    right.set_ylabel("D*(x)")
    axis.legend(loc="upper left")
    right.legend(loc="upper right")
    axis.set_title("optimal discriminator D* = p_data/(p_data + p_g)")
    try:
        figure.savefig(target)
    except OSError as error:
        raise InputError(f"cannot write {target!r}: {error.strerror or error}", "--plot") from None
    finally:
        plt.close(figure)
    sol.step("Plot", value=f"written to {target}")


# ---------------------------------------------------------------------------------------------
# Checking
# ---------------------------------------------------------------------------------------------


def gan_request(*, p_data: str | None, p_g: str | None, support: str | None = None, x: str | None = None,
                grid: str | None = None, plot: str | None = None, derive: bool = False,
                check: list[str] | None = None, rtol: float | None = None, atol: float | None = None) -> Solution:
    if p_data is None or p_g is None:
        raise InputError("is required, e.g. --p-data \"0.2,0.5,0.3\" or \"normal(0,1)\"",
                          "--p-data" if p_data is None else "--p-g")
    sol, numbers = gan_solution(p_data=p_data, p_g=p_g, support=support, x=x, grid=grid, plot=plot, derive=derive)
    if check:
        sol.verdict = _judge(sol, numbers, check, rtol, atol)
    return sol


def _judge(sol: Solution, numbers: dict, claims: list[str], rtol, atol):
    from dlcalc.verify import Mistake, check_claim, combine, split_named

    parts = []
    for text in claims:
        name, value = ("d_star", text)
        if "=" in text:
            name, value = split_named(text, "--check", "v=-1.2")
            name = {"v": "value", "value": "value", "jsd": "jsd", "d": "d_star", "d_star": "d_star",
                    "kl_data_mix": "kl_data_mix", "kl_g_mix": "kl_g_mix"}.get(name.lower(), name)
        if name not in sol.result:
            raise InputError(f"cannot check {name!r}; checkable: d_star (the default), v, jsd, kl_data_mix, "
                              "kl_g_mix", "--check")
        mistakes = []
        if name == "d_star":
            truths = list(numbers["d_star"])
            if any(t is None for t in truths):
                raise InputError("D* is undefined at some points; check it where it is defined (--x)", "--check")
            ps, qs = _pq(sol, numbers)
            mistakes = [Mistake("p_g/(p_data + p_g), the discriminator of the generated data",
                                tuple(b / (a + b) for a, b in zip(ps, qs, strict=True))),
                        Mistake("p_data/p_g, a ratio, not a probability",
                                tuple(a / b if b else math.inf for a, b in zip(ps, qs, strict=True)))]
        elif name == "value":
            truths = [sol.result["value"]]
            mistakes = [Mistake("2·JSD without the −log 4", (2 * sol.result["jsd"],)),
                        Mistake("−log 4 + JSD (the JSD not doubled)", (-LOG4 + sol.result["jsd"],)),
                        Mistake("−log 4, the value when p_g = p_data", (-LOG4,)),
                        Mistake("in bits, not nats", (sol.result["value"] / math.log(2),))]
        else:
            truths = [sol.result[name]]
            if name == "jsd":
                mistakes = [Mistake("KL(p_data ‖ m) + KL(p_g ‖ m) without the ½", (2 * sol.result["jsd"],)),
                            Mistake("in bits, not nats", (sol.result["jsd"] / math.log(2),))]
        parts.append((name, name, check_claim(value, truths, rtol=rtol, atol=atol, mistakes=mistakes, joiner=", ")))
    return combine(parts)


def _pq(sol: Solution, numbers: dict) -> tuple[list[float], list[float]]:
    if numbers["discrete"]:
        return sol.inputs["p_data"], sol.inputs["p_g"]
    return [numbers["p"].pdf(v) for v in numbers["points"]], [numbers["q"].pdf(v) for v in numbers["points"]]
