"""Sympy side of lstm-grads: the backward formulas derived from the cell, and claimed formulas judged.

The cell is written with its gates as symbols (i, f, o, g are the post-activation gates;
``c_t = f·c_{t−1} + i·g``; ``h_t = o·tanh(c_t)``) and the one-step loss
``L = δh_t·h_t + δc_{t+1}·f_{t+1}·c_t`` (see :mod:`dlcalc.core.lstm`); everything is scalar, as the
formulas are element-wise. A claimed formula is decided for all values: both sides are rewritten
in the primitive quantities (δh_t, δc_{t+1}, f_{t+1}, i, f, o, g, c_{t−1}) and compared by
:func:`dlcalc.symbolic.equality.equal` (a counterexample at random points, else a canonical rational
form with tanh and σ as independent exponentials; no simplify) — and when they differ, the
difference is explained.

The command layer calls :func:`derive`, :func:`formulas_solution`, :func:`symbolic_check` and
:func:`judge_text` (the judge of a claimed ``NAME = FORMULA`` in lstm-grads' claim table).
"""

from __future__ import annotations

from functools import cache

import sympy as sp

from dlcalc.errors import InputError
from dlcalc.parse.formula import LEFT, NAMES, parse_formula
from dlcalc.solution import Solution, Verdict
from dlcalc.symbolic.equality import Equality, equal
from dlcalc.symbolic.notation import to_latex, to_notation

R = {"real": True}
dh, dc_next, f_next, i, f, o, g, c_prev, h_prev, x = sp.symbols("dh dc_next f_next i f o g c_prev h_prev x", **R)
c, dc, h = sp.symbols("c dc h", **R)
do_, di, df, dg = sp.symbols("do di df dg", **R)
z_i, z_f, z_o, z_g, c_var = sp.symbols("z_i z_f z_o z_g c_var", **R)
S = sp.Symbol("SECH2_C", **R)  # stands for 1 − tanh²(c_t) when explaining a difference
T = sp.Symbol("TANH_C", **R)  # stands for tanh(c_t)

CELL = f * c_prev + i * g
LOSS = dh * o * sp.tanh(CELL) + dc_next * f_next * CELL

# The formulas, compactly (δc_t and c_t as shorthands), as the seed writes them once corrected.
FORMULAS: dict[str, sp.Expr] = {
    "do": dh * sp.tanh(c),
    "dc": dh * o * (1 - sp.tanh(c) ** 2) + dc_next * f_next,
    "di": dc * g,
    "df": dc * c_prev,
    "dg": dc * i,
    "dc_prev": dc * f,
    "di_hat": di * i * (1 - i),
    "df_hat": df * f * (1 - f),
    "do_hat": do_ * o * (1 - o),
    "dg_hat": dg * (1 - g**2),
}
SHORTHANDS = {h: o * sp.tanh(c), do_: FORMULAS["do"], di: FORMULAS["di"], df: FORMULAS["df"],
              dg: FORMULAS["dg"], dc: FORMULAS["dc"]}
ORDER = ("do", "dc", "di", "df", "dg", "dc_prev", "di_hat", "df_hat", "do_hat", "dg_hat")
SWAPS = ((f, f_next), (c, c_prev), (dc, dc_next), (h, h_prev))


def expand_defs(expr: sp.Expr) -> sp.Expr:
    """Rewrite in the primitive quantities: gradients by their formulas, then c_t = f·c_{t−1} + i·g."""
    for _ in range(4):
        expr = expr.subs(SHORTHANDS)
    return expr.subs(c, CELL)


@cache
def derive() -> dict[str, sp.Expr]:
    """∂L/∂(each quantity) by sympy's differentiation of the cell (once per process)."""
    derived = {
        "do": sp.diff(LOSS, o), "di": sp.diff(LOSS, i), "df": sp.diff(LOSS, f), "dg": sp.diff(LOSS, g),
        "dc_prev": sp.diff(LOSS, c_prev),
        "dc": sp.diff(dh * o * sp.tanh(c_var) + dc_next * f_next * c_var, c_var).subs(c_var, CELL),
    }
    sig = {i: 1 / (1 + sp.exp(-z_i)), f: 1 / (1 + sp.exp(-z_f)), o: 1 / (1 + sp.exp(-z_o)), g: sp.tanh(z_g)}
    in_z = LOSS.subs(sig)
    for gate, z in (("i", z_i), ("f", z_f), ("o", z_o), ("g", z_g)):
        derived[f"d{gate}_hat"] = sp.diff(in_z, z)
    return derived


SIGMOIDS = {i: 1 / (1 + sp.exp(-z_i)), f: 1 / (1 + sp.exp(-z_f)), o: 1 / (1 + sp.exp(-z_o)), g: sp.tanh(z_g)}


@cache
def agreement(key: str) -> Equality:
    """Whether our formula for ``key`` equals sympy's derivative of the cell, for all values (once per process)."""
    ours = expanded(key)
    if key.endswith("_hat"):
        ours = ours.subs(SIGMOIDS)
    return equal(ours, derive()[key])


@cache
def expanded(key: str) -> sp.Expr:
    """The formula for ``key`` in the primitive quantities (once per process)."""
    return expand_defs(FORMULAS[key])


def formulas_solution(sol: Solution) -> None:
    """``--formulas``: each formula in the seed's notation, with sympy's derivative shown equal."""
    derived = derive()
    for key in ORDER:
        formula = FORMULAS[key]
        shown = to_notation(formula)
        where = "∂L/∂" + {"do": "o_t", "dc": "c_t", "di": "i_t", "df": "f_t", "dg": "g_t", "dc_prev": "c_{t−1}"}.get(
            key, f"ẑ_{key[1]}")
        decision = agreement(key)
        ok = decision.equal
        raw = "" if key.endswith("_hat") else f"sympy: {where} = {to_notation(derived[key].subs(CELL, c))}"
        sol.step(f"{LEFT.get(key, key)}", f"{LEFT.get(key, key)} = {shown}", raw, value=None,
                 note=f"{'✓' if ok else '✗'} sympy's {where} of the cell equals it for all values",
                 latex=f"{_latex_left(key)} = {to_latex(formula)}")
        sol.add_check(f"{LEFT.get(key, key)} symbolically", "sympy", ok,
                      f"sympy's {where} of L = δh_t·o_t·tanh(c_t) + δc_{{t+1}}·f_{{t+1}}·c_t minus the formula "
                      + ("cancels to 0" if decision.method == "canonical form" else f"is 0 ({decision.detail})"))


def symbolic_check(sol: Solution) -> None:
    """``--symbolic``: one check that every backward formula equals sympy's derivative of the cell."""
    bad = [key for key in ORDER if not agreement(key).equal]
    sol.add_check("the formulas symbolically", "sympy", not bad,
                  "each backward formula above equals sympy's derivative of the cell, for all values" if not bad
                  else f"differs for {', '.join(bad)}")


def _latex_left(key: str) -> str:
    names = {"do": r"\delta o_t", "dc": r"\delta c_t", "di": r"\delta i_t", "df": r"\delta f_t",
             "dg": r"\delta g_t", "dc_prev": r"\delta c_{t-1}", "di_hat": r"\delta \hat{i}_t",
             "df_hat": r"\delta \hat{f}_t", "do_hat": r"\delta \hat{o}_t", "dg_hat": r"\delta \hat{g}_t"}
    return names.get(key, key)


# ---------------------------------------------------------------------------------------------
# Judging a claimed formula
# ---------------------------------------------------------------------------------------------

POINT = {dh: sp.Rational(1, 2), dc_next: sp.Rational(-3, 10), f_next: sp.Rational(3, 5), i: sp.Rational(7, 10),
         f: sp.Rational(2, 5), o: sp.Rational(4, 5), g: sp.Rational(-1, 5), c_prev: sp.Rational(9, 10),
         h_prev: sp.Rational(1, 10), x: sp.Rational(3, 10)}


def judge_text(text: str, option: str = "--check-formula") -> tuple[str, Verdict]:
    """A claimed formula ``NAME = FORMULA`` (text) judged for all values: (the gradient's name, the verdict
    with the claim and the right formula in the seed's notation)."""
    key, expr = parse_formula(text, option)
    if key not in FORMULAS:
        raise InputError(f"{key} is not one of the formulas checked here ({', '.join(FORMULAS)})", option)
    ok, lines, diagnosis = judge(key, expr)
    return key, Verdict(to_notation(expr), to_notation(FORMULAS[key]), ok, lines, diagnosis)


def judge(key: str, claim: sp.Expr) -> tuple[bool, list[str], str | None]:
    """(correct, details, diagnosis) for the claim ``key = claim``."""
    truth = FORMULAS[key]
    left = LEFT.get(key, key)
    full_truth, full_claim = expanded(key), expand_defs(claim)
    decision = equal(full_claim, full_truth)
    if decision.equal:
        how = "" if decision.method == "canonical form" else f" ({decision.detail})"
        return True, [f"✓ {left} = {to_notation(claim)} equals {to_notation(truth)} for all values{how}"], None
    details = [f"✗ {left} = {to_notation(claim)} is not {left} = {to_notation(truth)}"]
    point = dict(POINT)
    got, want = full_claim.subs(point), full_truth.subs(point)
    if got == want and decision.point is not None:  # the usual point happens to agree: use the one that differs
        point = {**point, **decision.point}
        got, want = full_claim.subs(point), full_truth.subs(point)
    shown = ", ".join(f"{NAMES.get(str(s), str(s))} = {float(point[s]):g}" for s in sorted(
        (full_claim.free_symbols | full_truth.free_symbols) & set(point), key=str))
    details.append(f"counterexample: at {shown} the claim gives {_number(got)} but {left} = {_number(want)}")
    reasons = []
    swapped = claim
    for a, b in SWAPS:
        for wrong, right in ((a, b), (b, a)):
            if wrong in swapped.free_symbols and right in truth.free_symbols and wrong not in truth.free_symbols:
                swapped = swapped.subs(wrong, right)
                reasons.append(f"{NAMES.get(str(wrong), str(wrong))} appears where {NAMES.get(str(right), str(right))} "
                               "belongs (a time index off by one)")
    if dh in swapped.free_symbols and dc in truth.free_symbols and dc not in swapped.free_symbols and \
            equal(expand_defs(swapped.subs(dh, dc)), full_truth).equal:
        reasons.append(f"δh_t stands where δc_t belongs (δc_t = {to_notation(FORMULAS['dc'])})")
    missing = _explain(key, swapped, truth)
    if missing:
        reasons.append(missing)
    diagnosis = f"{left} = {to_notation(claim)}: " + "; ".join(reasons) if reasons else None
    return False, details, diagnosis


def _number(value: sp.Expr) -> str:
    number = float(value)
    return f"{number:.6g}"


def _structural(expr: sp.Expr) -> sp.Expr:
    """Monomials over the primitive quantities with tanh(c_t) and 1 − tanh²(c_t) kept as symbols."""
    for _ in range(4):
        expr = expr.subs({k: v for k, v in SHORTHANDS.items() if k not in (dc,)})
    expr = expr.subs(dc, dh * o * S + dc_next * f_next)
    expr = expr.subs(sp.tanh(c), T)
    expr = sp.expand(expr).subs(T**2, 1 - S)
    return sp.expand(expr)


def _explain(key: str, claim: sp.Expr, truth: sp.Expr) -> str:
    """What the claim misses or adds, term by term (e.g. "misses the factor o_t ⊙ (1 − tanh²(c_t))
    and the path δc_{t+1} ⊙ f_{t+1}")."""
    try:
        truth_terms = list(sp.Add.make_args(_structural(truth)))
        claim_terms = list(sp.Add.make_args(_structural(claim)))
    except (TypeError, ValueError):
        return ""
    common = sp.Mul(*[factor for factor in sp.Mul.make_args(truth) if factor.free_symbols and factor != dc]) \
        if truth.has(dc) else sp.Integer(1)

    def show(expr: sp.Expr) -> str:
        text = to_notation(expr.subs({S: sp.Symbol("SECH2_C", **R)}))
        return text.replace("SECH2_C", "(1 − tanh²(c_t))").replace("TANH_C", "tanh(c_t)")

    unmatched_truth = [t for t in truth_terms if t not in claim_terms]
    unmatched_claim = [t for t in claim_terms if t not in truth_terms]
    parts = []
    for term in list(unmatched_truth):
        for candidate in unmatched_claim:
            ratio = sp.cancel(term / candidate)
            if ratio != 1 and all(e.is_positive for e in ratio.as_powers_dict().values()) and ratio.is_Mul | \
                    ratio.is_Symbol | ratio.is_Pow:
                parts.append(f"misses the factor {show(ratio)}")
                unmatched_truth.remove(term)
                unmatched_claim.remove(candidate)
                break
    for term in unmatched_truth:
        path = sp.cancel(term / common) if common != 1 else term
        parts.append(f"misses the path {show(path)}")
    for term in unmatched_claim:
        parts.append(f"has the extra term {show(term)}")
    if not parts:
        return ""
    joined = parts[0]
    for part in parts[1:4]:
        joined += " and " + (part.removeprefix("misses ") if part.startswith("misses ") and
                             joined.startswith("misses") else part)
    return joined
