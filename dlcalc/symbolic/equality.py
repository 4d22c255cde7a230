"""Whether two formulas are equal for every value of their variables, decided exactly and without simplify.

1. **A counterexample first.** Both sides are evaluated at a few random rational points (to 30 digits).
   A difference there settles it in microseconds, and the point is the counterexample shown.
2. **A canonical form.** exp, tanh, sinh, cosh and σ (written ``1/(1 + exp(−u))``) become exponentials,
   tanh(u) = (e^{2u} − 1)/(e^{2u} + 1). Bottom-up, each exponential e^u is replaced by powers of new
   positive symbols: u (in the variables and the symbols so far) is written, when it can be, as
   c + Σ q_k·u_k with c a constant and q_k rational, over the exponents u_k already named, and e^u
   becomes e^c·Π E_k^{q_k}; otherwise u gets a symbol of its own, E = e^u. By the structure theorem
   for elementary functions (R. H. Risch, "Algebraic properties of the elementary functions of
   analysis", *Amer. J. Math.* 101, 1979), each new E is then transcendental over everything before
   it, so a rational function of the variables and the E's vanishes as a function exactly when it
   vanishes as a rational function: the two sides are equal exactly when their difference cancels
   to 0. This decides the identities of gradient formulas (polynomials in gates and
   tanh(c_t), sigmoid derivatives) in milliseconds.
3. **Where that is no proof.** Logarithms, roots (powers with a fractional exponent) and functions
   such as |x| or max are kept as symbols too, but such symbols can satisfy relations
   (log ab = log a + log b, √x·√x = x). A difference that cancels to 0 still proves equality; one
   that does not is handed to sympy's ``simplify``, and the result says so.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

import sympy as sp

DIGITS = 30  # the precision of the numeric filter
POINTS = 3  # random points tried before the canonical form


@dataclass(frozen=True)
class Equality:
    """The decision: ``equal``, ``method`` ("counterexample", "canonical form", "simplify", or "numeric"
    when simplify stalls on a difference that is zero at every point tried) and, when the sides differ,
    a ``point`` where they do."""

    equal: bool
    method: str
    point: dict[sp.Symbol, sp.Rational] | None = None

    @property
    def detail(self) -> str:
        """How it was decided, for a check's detail."""
        return {
            "canonical form": "decided exactly: the difference cancels to 0 with tanh, exp and σ as independent "
                              "exponentials" if self.equal else
                              "decided exactly: the difference does not cancel with tanh, exp and σ as independent "
                              "exponentials",
            "counterexample": "the two sides differ at a point",
            "simplify": "decided by sympy's simplify: the formulas hold logarithms or roots, which are not "
                        "independent atoms",
            "numeric": "sympy's simplify stalled; zero at 20 random points to 1e-12",
        }[self.method]


def equal(left: sp.Expr, right: sp.Expr, *, seed: int = 0) -> Equality:
    """Whether ``left`` and ``right`` agree for every (positive, in-domain) value of their symbols.

    Example:
        >>> x, y = sp.symbols("x y", real=True)
        >>> equal(sp.tanh(x) ** 2, 1 - 4 / (sp.exp(x) + sp.exp(-x)) ** 2).equal
        True
        >>> equal((x + y) ** 2, x**2 + y**2).method
        'counterexample'
    """
    point = counterexample(left, right, seed=seed)
    if point is not None:
        return Equality(False, "counterexample", point)
    canon = _Canonical()
    difference = canon.form(left) - canon.form(right)
    if _cancels(difference):
        return Equality(True, "canonical form")
    if not canon.uncertain:
        more = counterexample(left, right, seed=seed + 1, points=20)
        return Equality(False, "canonical form", more)
    return _by_simplify(left, right, seed)


def counterexample(left: sp.Expr, right: sp.Expr, *, seed: int = 0,
                   points: int = POINTS) -> dict[sp.Symbol, sp.Rational] | None:
    """A rational point where the two sides differ (to :data:`DIGITS` digits), or None.

    Values are drawn in (0.05, 0.95): inside every gate's range and every logarithm's and root's domain."""
    symbols = sorted((left.free_symbols | right.free_symbols), key=str)
    rng = random.Random(seed)
    for _ in range(points):
        point = {s: sp.Rational(rng.randint(5, 95), 100) for s in symbols}
        a, b = _value(left, point), _value(right, point)
        if a is None or b is None:
            continue
        if abs(a - b) > sp.Float(10) ** (8 - DIGITS) * (1 + abs(a) + abs(b)):
            return point
    return None


def _value(expr: sp.Expr, point: dict[sp.Symbol, sp.Rational]) -> Any:
    value = expr.xreplace(point).evalf(DIGITS)
    if not value.is_number or value.has(sp.zoo, sp.nan, sp.oo, -sp.oo) or not value.is_real:
        return None
    return value


def _cancels(expr: sp.Expr) -> bool:
    return bool(sp.cancel(sp.together(expr)) == 0)


def _by_simplify(left: sp.Expr, right: sp.Expr, seed: int) -> Equality:
    if sp.simplify(left - right) == 0:
        return Equality(True, "simplify")
    point = counterexample(left, right, seed=seed + 1, points=20)
    if point is not None:
        return Equality(False, "simplify", point)
    return Equality(True, "numeric")


@dataclass
class _Canonical:
    """The rewriting of step 2, with one table of exponents for both sides of a comparison."""

    exponents: list[sp.Expr] = field(default_factory=list)
    symbols: list[sp.Symbol] = field(default_factory=list)
    opaque: dict[sp.Expr, sp.Symbol] = field(default_factory=dict)
    uncertain: bool = False
    done: dict[sp.Expr, sp.Expr] = field(default_factory=dict)  # e^u for each u met so far

    def form(self, expr: sp.Expr) -> sp.Expr:
        if expr.is_Atom:
            return expr
        args = [self.form(arg) for arg in expr.args]
        if isinstance(expr, sp.exp):
            return self.exponential(args[0])
        if isinstance(expr, sp.tanh):
            e2u = self.exponential(2 * args[0])
            return (e2u - 1) / (e2u + 1)
        if isinstance(expr, sp.sinh):
            return (self.exponential(args[0]) - self.exponential(-args[0])) / 2
        if isinstance(expr, sp.cosh):
            return (self.exponential(args[0]) + self.exponential(-args[0])) / 2
        if isinstance(expr, sp.Pow):
            base, exponent = args
            if exponent.is_Integer:
                return base**exponent
            return self.atom(sp.Pow(sp.cancel(sp.together(base)), exponent))
        if isinstance(expr, (sp.Add, sp.Mul)):
            return expr.func(*args)
        return self.atom(expr.func(*[sp.cancel(sp.together(arg)) for arg in args]))

    def atom(self, expr: sp.Expr) -> sp.Symbol:
        """A symbol standing for a logarithm, a root or another function: not known to be independent."""
        self.uncertain = True
        if expr not in self.opaque:
            self.opaque[expr] = sp.Symbol(f"A{len(self.opaque)}", positive=True)
        return self.opaque[expr]

    def exponential(self, u: sp.Expr) -> sp.Expr:
        """e^u as e^c·Π E_k^{q_k} over the exponents named so far, or a new E."""
        u = sp.cancel(sp.together(u))
        if not u.free_symbols:
            return sp.exp(u)
        if u not in self.done:
            self.done[u] = self.named(u)
        return self.done[u]

    def named(self, u: sp.Expr) -> sp.Expr:
        found = self.combination(u)
        if found is None:
            self.exponents.append(u)
            self.symbols.append(sp.Symbol(f"E{len(self.symbols)}", positive=True))
            return self.symbols[-1]
        constant, weights = found
        value = sp.exp(constant)
        for symbol, weight in zip(self.symbols, weights, strict=True):
            value *= symbol**weight
        return value

    def combination(self, u: sp.Expr) -> tuple[sp.Expr, list[sp.Rational]] | None:
        """(c, [q_k]) with u = c + Σ q_k·u_k and every q_k rational, or None."""
        if not self.exponents:
            return None
        for k, e in enumerate(self.exponents):  # the usual case: a multiple of one exponent, plus a constant
            variable = min(e.free_symbols, key=str)
            ratio = sp.cancel(sp.diff(u, variable) / sp.diff(e, variable))
            if ratio.is_Rational and not sp.cancel(u - ratio * e).free_symbols:
                weights = [sp.Integer(0)] * len(self.exponents)
                weights[k] = ratio
                return sp.cancel(u - ratio * e), weights
        unknowns = sp.symbols(f"q0:{len(self.exponents) + 1}")
        residue = sp.numer(sp.together(u - unknowns[0] - sum(
            (q * e for q, e in zip(unknowns[1:], self.exponents, strict=True)), sp.Integer(0))))
        groups: dict[sp.Expr, sp.Expr] = {}  # each monomial in the variables and E's → its coefficient
        for term in sp.Add.make_args(sp.expand(residue)):
            known, unknown = term.as_independent(*unknowns, as_Add=False)
            coefficient, monomial = known.as_coeff_Mul()
            groups[monomial] = groups.get(monomial, sp.Integer(0)) + coefficient * unknown
        equations = [equation for equation in groups.values() if equation != 0]
        solutions = sp.linsolve(equations, list(unknowns))
        if not solutions:
            return None
        constant, *weights = next(iter(solutions))
        if any(w.free_symbols for w in (constant, *weights)):
            return None
        if not all(w.is_Rational for w in weights):
            self.uncertain = True  # dependent over the reals but not over Q: keep it as its own exponent
            return None
        return constant, weights
