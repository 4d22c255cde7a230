"""gan-optimal-d's worked solution: D* at every point, the value of the game two ways, the JSD and its
KL terms, the independent checks, the claim table with its common mistakes, and the series a plot draws.

    D*(x) = p_data(x) / (p_data(x) + p_g(x))                       (Goodfellow et al. 2014, Prop. 1)
    V(D*, G) = E_data[log D*] + E_g[log(1 − D*)] = −log 4 + 2·JSD(p_data ‖ p_g)          (Theorem 1)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from dlcalc import show
from dlcalc.claims import ClaimTable, Mistake, Quantity, mistake
from dlcalc.core.gan.densities import Density, default_points, discrete
from dlcalc.core.gan.quadrature import continuous_terms, discrete_terms
from dlcalc.errors import InputError
from dlcalc.solution import Preview, Solution

LOG4 = math.log(4.0)
MAX_POINT_STEPS = 12  # a grid's points written out; the rest are in --json
MAX_POINTS_LISTED = 200  # points repeated in the inputs, and checked pointwise
PLOT_POINTS = 400


@dataclass(frozen=True, slots=True)
class Series:
    """What a plot of D* draws: the x values (positions 0, 1, … on a discrete support) and, at each,
    p_data, p_g and D* (None where it is undefined)."""

    xs: list[float]
    p_data: list[float]
    p_g: list[float]
    d_star: list[float | None]
    discrete: bool


@dataclass(frozen=True, slots=True)
class Game:
    """One problem: the two distributions (probabilities on ``points``, or densities), the points D* is
    computed at (the support's names, or x values), the densities there, and how the points were
    chosen (``support``, ``x``, ``grid`` or ``default``)."""

    p_data: Density | tuple[float, ...]
    p_g: Density | tuple[float, ...]
    points: tuple[str, ...] | tuple[float, ...]
    pairs: tuple[tuple[float, float], ...]
    chosen: str

    @property
    def discrete(self) -> bool:
        return not isinstance(self.p_data, Density)

    @property
    def d_star(self) -> list[float | None]:
        """D* at each point; None where both densities are 0 (only on a grid or the default points)."""
        return [a / (a + b) if a + b != 0 else None for a, b in self.pairs]

    def series(self) -> Series:
        """The curves a plot draws: on a discrete support, its points; for densities, a smooth curve of
        400 points over the points' range (or where the mass lies, for a single point)."""
        p, q = self.p_data, self.p_g
        if isinstance(p, Density) and isinstance(q, Density):
            xs = [float(v) for v in self.points]
            low, high = (min(xs), max(xs)) if max(xs) > min(xs) else p.span()
            grid = np.array([low + (high - low) * k / (PLOT_POINTS - 1) for k in range(PLOT_POINTS)])
            at_p, at_q = p.pdf(grid).tolist(), q.pdf(grid).tolist()
            d_star = [a / (a + b) if a + b > 0 else None for a, b in zip(at_p, at_q, strict=True)]
            return Series(grid.tolist(), at_p, at_q, d_star, False)
        assert not isinstance(p, Density) and not isinstance(q, Density)
        return Series([float(k) for k in range(len(self.points))], list(p), list(q), self.d_star, True)


def game(p_data: Density | Sequence[float], p_g: Density | Sequence[float], *, support: Sequence[str] | None = None,
         x: Sequence[float] | None = None, grid: Sequence[float] | None = None) -> Game:
    """A checked problem: two discrete distributions (probabilities, on ``support``'s names or x1, x2, …)
    or two densities (at the points ``x``, a ``grid``'s points, or by default five points where the
    densities live). D* must be defined (not 0/0) at every point given."""
    if isinstance(p_data, Density) != isinstance(p_g, Density):
        raise InputError("give both distributions the same way: both as probabilities or both as densities",
                         "--p-g")
    if not isinstance(p_data, Density) and not isinstance(p_g, Density):
        p, q = discrete(p_data, "--p-data"), discrete(p_g, "--p-g")
        if len(p) != len(q):
            raise InputError(f"lengths disagree: --p-data has {len(p)} values, --p-g has {len(q)}", "--p-g")
        names = [str(s).strip() for s in support] if support is not None else [f"x{k + 1}" for k in range(len(p))]
        if len(names) != len(p):
            raise InputError(f"--support names {len(names)} points but the distributions have {len(p)}", "--support")
        if x is not None or grid is not None:
            raise InputError("points are for densities; a discrete distribution is evaluated on its support",
                             "--x" if x is not None else "--grid")
        for name, pi, qi in zip(names, p, q, strict=True):
            if pi + qi == 0:
                raise InputError(f"D* is undefined at {name}: p_data = p_g = 0 there (0/0); drop that point",
                                 "--p-data")
        return Game(tuple(p), tuple(q), tuple(names), tuple(zip(p, q, strict=True)), "support")
    assert isinstance(p_data, Density) and isinstance(p_g, Density)
    if x is not None and grid is not None:
        raise InputError("give points with --x or a grid with --grid, not both", "--grid")
    xs = [float(v) for v in grid] if grid is not None else [float(v) for v in x] if x is not None else \
        default_points(p_data, p_g)
    chosen = "grid" if grid is not None else "x" if x is not None else "default"
    if not xs:
        raise InputError("expected at least one point", "--x")
    at = np.array(xs)
    pairs = tuple(zip(p_data.pdf(at).tolist(), p_g.pdf(at).tolist(), strict=True))
    if chosen == "x":  # a point the user chose; on a grid or the default points it is marked
        for point, (a, b) in zip(xs, pairs, strict=True):
            if a + b == 0:
                raise InputError(f"D* is undefined at x = {point:g}: both densities are 0 there (0/0)", "--x")
    return Game(p_data, p_g, tuple(xs), pairs, chosen)


def optimal_discriminator(problem: Game) -> Solution:
    """D* at every point, the value of the game directly and through the JSD, the JSD's KL terms,
    and the checks: V two ways (two quadrature rules for densities), each density's mass, D* = ½ when
    the distributions are equal, and D* against a dense search for the best y at each point."""
    sol = Solution("gan-optimal-d", "the optimal discriminator D*(x) = p_data(x)/(p_data(x) + p_g(x))")
    d_star, p_data, p_g = problem.d_star, problem.p_data, problem.p_g
    if isinstance(p_data, Density) and isinstance(p_g, Density):
        xs = [float(v) for v in problem.points]
        sol.inputs = {"p_data": p_data.text(), "p_g": p_g.text(),
                      "points": xs if len(xs) <= MAX_POINTS_LISTED else len(xs)}
        grid = problem.chosen == "grid"
        for k, (point, (a, b), d) in enumerate(zip(xs, problem.pairs, d_star, strict=True)):
            if d is not None and (k < MAX_POINT_STEPS or not grid):
                sol.step(f"D*({point:g})", "D* = p_data/(p_data + p_g)", f"{a:.4g}/({a:.4g} + {b:.4g})", d)
        if len(xs) > MAX_POINT_STEPS and grid:
            sol.step(f"… {len(xs) - MAX_POINT_STEPS} more points", value=None,
                     note="computed the same way; all in --json")
        undefined = [point for point, d in zip(xs, d_star, strict=True) if d is None]
        if undefined:
            sol.step("Undefined points", value=None, note=f"D* is undefined (0/0) at {len(undefined)} grid points "
                     f"where both densities are 0, e.g. x = {undefined[0]:g}; they are null in --json")
        terms = continuous_terms(p_data, p_g)
        direct = "∫ p_data log D* dx + ∫ p_g log(1 − D*) dx"
        same = p_data == p_g
    else:
        assert not isinstance(p_data, Density) and not isinstance(p_g, Density)
        p, q = list(p_data), list(p_g)
        sol.inputs = {"p_data": p, "p_g": q, "support": list(problem.points)}
        for name, (pi, qi), d in zip(problem.points, problem.pairs, d_star, strict=True):
            sol.step(f"D*({name})", "D* = p_data/(p_data + p_g)",
                     f"{show.term(pi)}/({show.term(pi)} + {show.term(qi)})", d)
        terms = discrete_terms(p, q)
        direct = "Σ_x p_data(x) log D*(x) + Σ_x p_g(x) log(1 − D*(x))"
        same = all(abs(a - b) < 1e-15 for a, b in zip(p, q, strict=True))
    _game_steps(sol, terms, direct, problem.discrete)
    if same:
        sol.step("p_g = p_data", "D* = 1/2 everywhere, V = −log 4", value=-LOG4,
                 note="the generator has won: the discriminator can do no better than a coin")
        sol.add_check("D* = 1/2 when p_g = p_data", "definition",
                      all(d is None or abs(d - 0.5) < 1e-15 for d in d_star), "every D* above is 1/2")
    _pointwise_check(sol, problem)
    value, jsd = terms["value"], terms["jsd"]
    sol.result = {"d_star": Preview(d_star), "value": value, "jsd": jsd, "kl_data_mix": terms["kl_data_mix"],
                  "kl_g_mix": terms["kl_g_mix"]}
    sol.answer = f"V(D*, G) = {value:.6g} = −log 4 + 2·{jsd:.6g}"
    sol.claims = claim_table(problem, sol.result)
    return sol


def _game_steps(sol: Solution, terms: dict[str, float], direct: str, is_discrete: bool) -> None:
    """V directly, the KL terms, the JSD, V through the JSD, and the check that the two agree."""
    value, jsd = terms["value"], terms["jsd"]
    how = "a sum over the support" if is_discrete else (
        f"Simpson's rule over [{terms['low']:g}, {terms['high']:g}] in {terms['pieces']:.0f} pieces, "
        f"error ≤ {terms['error']:.1e}")
    sol.step("V(D*, G) directly", f"V = {direct}", how, value)
    sol.step("KL(p_data ‖ m)", "KL(p_data ‖ m), m = (p_data + p_g)/2", value=terms["kl_data_mix"],
             note="" if is_discrete else "∫ p_data log(2 p_data/(p_data + p_g)) dx by Gauss–Legendre, a second rule")
    sol.step("KL(p_g ‖ m)", "KL(p_g ‖ m)", value=terms["kl_g_mix"])
    sol.step("JSD", "JSD = ½ KL(p_data ‖ m) + ½ KL(p_g ‖ m)",
             f"½·{show.term(terms['kl_data_mix'])} + ½·{show.term(terms['kl_g_mix'])}", jsd)
    via = -LOG4 + 2 * jsd
    sol.step("V through the JSD", "V = −log 4 + 2·JSD(p_data ‖ p_g)", f"−{LOG4:.6g} + 2·{show.term(jsd)}", via,
             note="Goodfellow et al. 2014, Theorem 1")
    tolerance = 1e-12 if is_discrete else max(1e-9, 10 * terms.get("error", 0))
    sol.add_check("V two ways", "identity" if is_discrete else "identity, two quadrature rules",
                  abs(value - via) <= tolerance,
                  f"directly {value:.12g}, through the JSD {via:.12g}: difference {abs(value - via):.1e}" +
                  ("" if is_discrete else " (V by Simpson's rule, the KL terms by Gauss–Legendre)"))
    if not is_discrete:
        worst = max(abs(terms["mass_p"] - 1), abs(terms["mass_q"] - 1))
        sol.add_check("each density integrates to 1", "quadrature", worst <= 1e-9,
                      f"∫ p_data = {terms['mass_p']:.12g}, ∫ p_g = {terms['mass_q']:.12g} on the same pieces: " +
                      ("no part of either density was missed" if worst <= 1e-9 else
                       "the pieces missed part of a density, so the integrals above are not to be trusted"))


def dense_argmax(a: float, b: float) -> float:
    """The best y in (0, 1) of a·log y + b·log(1 − y) by search alone (no calculus): the best of
    999 evenly spaced values, then of 1,001 values between that one's neighbours (spacing 2e-6)."""

    def f(y: float) -> float:
        return (a * math.log(y) if a else 0.0) + (b * math.log1p(-y) if b else 0.0)

    best = max((k / 1000 for k in range(1, 1000)), key=f)
    low, high = max(best - 0.001, 1e-9), min(best + 0.001, 1 - 1e-9)
    return max((low + (high - low) * k / 1000 for k in range(1001)), key=f)


def _pointwise_check(sol: Solution, problem: Game) -> None:
    """✓: at each point D* maximises a·log y + b·log(1 − y), found by a dense search over y."""
    pairs = list(problem.pairs if problem.discrete else problem.pairs[:MAX_POINTS_LISTED])
    pairs = [(a, b) for a, b in pairs if a + b > 0]
    worst = max((abs(dense_argmax(a, b) - a / (a + b)) for a, b in pairs), default=0.0)
    sol.add_check("D* maximises V pointwise", "dense search", worst <= 1e-5,
                  f"at each of {len(pairs)} points, the best y of a·log y + b·log(1 − y) found by a two-stage grid "
                  f"search in (0, 1) is within {worst:.1e} of a/(a + b)")


# ---------------------------------------------------------------------------------------------
# Checking a claim
# ---------------------------------------------------------------------------------------------

NAMES = {"v": "value", "d": "d_star"}


def claim_table(problem: Game, result: dict) -> ClaimTable:
    """d_star (the default; also ``d``), value (also ``v``), jsd, kl_data_mix and kl_g_mix, each with the
    slips that give a wrong value; a verdict's lines are labelled by the quantity's name."""
    value, jsd = result["value"], result["jsd"]

    def d_star() -> list[float]:
        found = problem.d_star
        if any(d is None for d in found):
            raise InputError("D* is undefined at some points; check it where it is defined (--x)", "--check")
        return [d for d in found if d is not None]

    pairs = problem.pairs
    d_slips = [Mistake("p_g/(p_data + p_g), the discriminator of the generated data",
                       lambda: tuple(b / (a + b) for a, b in pairs)),
               Mistake("p_data/p_g, a ratio, not a probability",
                       lambda: tuple(a / b if b else math.inf for a, b in pairs))]
    quantities = {
        "d_star": Quantity(d_star, joiner=", ", mistakes=d_slips, aliases=("d",)),
        "value": Quantity([value], joiner=", ", aliases=("v",), mistakes=[
            mistake("2·JSD without the −log 4", (2 * jsd,)),
            mistake("−log 4 + JSD (the JSD not doubled)", (-LOG4 + jsd,)),
            mistake("−log 4, the value when p_g = p_data", (-LOG4,)),
            mistake("in bits, not nats", (value / math.log(2),))]),
        "jsd": Quantity([jsd], joiner=", ", mistakes=[
            mistake("KL(p_data ‖ m) + KL(p_g ‖ m) without the ½", (2 * jsd,)),
            mistake("in bits, not nats", (jsd / math.log(2),))]),
        "kl_data_mix": Quantity([result["kl_data_mix"]], joiner=", "),
        "kl_g_mix": Quantity([result["kl_g_mix"]], joiner=", "),
    }
    return ClaimTable(quantities, default="d_star", resolve=lambda name: NAMES.get(name.lower()))
