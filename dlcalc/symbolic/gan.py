"""Sympy side of gan-optimal-d: maximise a·log y + b·log(1 − y), then substitute back."""

from __future__ import annotations

import sympy as sp

from dlcalc.solution import Solution


def derivation(sol: Solution) -> None:
    """``--derive``: the derivative, its root y = a/(a+b), the negative second derivative, and the
    substitution that turns V(D*, G) into −log 4 + 2·JSD (Goodfellow et al. 2014, Prop. 1, Thm. 1)."""
    a, b = sp.symbols("a b", positive=True)
    y = sp.Symbol("y", positive=True)
    objective = a * sp.log(y) + b * sp.log(1 - y)
    first = sp.diff(objective, y)
    roots = [r for r in sp.solve(sp.Eq(first, 0), y) if r.is_positive is not False]
    root = sp.simplify(roots[0]) if roots else None
    second = sp.diff(objective, y, 2)
    at_root = sp.simplify(second.subs(y, root)) if root is not None else None
    negative = bool(at_root is not None and sp.ask(sp.Q.negative(at_root), sp.Q.positive(a) & sp.Q.positive(b)))
    sol.step("Derivation: the objective at one x", "f(y) = a·log y + b·log(1 − y), a = p_data(x), b = p_g(x)",
             value=None, note="V(D, G) = ∫ (p_data log D + p_g log(1 − D)) dx is maximised x by x",
             latex=r"f(y) = a \log y + b \log(1-y),\quad a = p_{\mathrm{data}}(x),\ b = p_g(x)")
    sol.step("Derivation: f′(y) = 0", "f′(y) = a/y − b/(1 − y)", f"sympy: f′(y) = {sp.sstr(first)}",
             f"y = {sp.sstr(root)}", note="the only root in (0, 1)",
             latex=r"f'(y) = \frac{a}{y} - \frac{b}{1-y} = 0 \iff y = \frac{a}{a+b}")
    sol.step("Derivation: a maximum", "f″(y) = −a/y² − b/(1 − y)²", f"sympy: f″(a/(a+b)) = {sp.sstr(at_root)}",
             "< 0" if negative else "?", latex=r"f''(y) = -\frac{a}{y^2} - \frac{b}{(1-y)^2} < 0")
    sol.add_check("D* = a/(a + b) is the maximum", "sympy", root is not None and sp.simplify(root - a / (a + b)) == 0
              and negative, "f′ has the single root a/(a+b) and f″ is negative there for all a, b > 0")
    p, q = sp.symbols("p q", positive=True)
    value = p * sp.log(p / (p + q)) + q * sp.log(q / (p + q))
    m = (p + q) / 2
    jsd_form = -sp.log(4) * (p + q) / 2 + p * sp.log(p / m) + q * sp.log(q / m)
    same = sp.simplify(sp.expand_log(value - jsd_form, force=True)) == 0
    sol.step("Derivation: substitute D*",
             "V(D*, G) = E_data[log(p_data/(p_data + p_g))] + E_g[log(p_g/(p_data + p_g))]",
             "−log 4 + KL(p_data ‖ m) + KL(p_g ‖ m), m = (p_data + p_g)/2", "−log 4 + 2·JSD",
             note="multiply inside each log by ½·2: log(p/(p+q)) = log(p/m) − log 2, and ∫p = ∫q = 1",
             latex=r"V(D^*,G) = -\log 4 + \mathrm{KL}\big(p_{\mathrm{data}} \,\|\, m\big) + "
                   r"\mathrm{KL}\big(p_g \,\|\, m\big) = -\log 4 + 2\,\mathrm{JSD}(p_{\mathrm{data}} \,\|\, p_g)")
    sol.add_check("V(D*, G) = −log 4 + 2·JSD pointwise", "sympy", same,
              "p log(p/(p+q)) + q log(q/(p+q)) − [−log 4·(p+q)/2 + p log(p/m) + q log(q/m)] simplifies to 0; "
              "integrated, (p+q)/2 has mass 1")
