"""Sympy expressions of the LSTM formulas printed in the seed's notation: Unicode (``δc_t ⊙ g_t``) or LaTeX.

:func:`to_notation` and :func:`to_latex` print what :func:`dlcalc.parse.formula.parse_formula` reads:
both parse back to the same value, except an absolute value ``|x_t|`` (sympy's form of a root of a
square like ``(x^2)^(1/2)``).
"""

from __future__ import annotations

import sympy as sp

from dlcalc.parse.formula.names import DISPLAY, LATEX_NAMES, RANK, SUPERSCRIPTS

_ADD, _NEG, _MUL, _POW, _ATOM = 10, 15, 20, 30, 40


def _superscript(n: int) -> str:
    return "".join(SUPERSCRIPTS[int(d)] for d in str(n))


def _sigma_of(expr: sp.Expr) -> tuple[sp.Expr, int] | None:
    """``(x, n)`` when ``expr`` is ``σ(x)**n``, i.e. ``(1 + exp(-x))**-n``, for a whole ``n ≥ 1``."""
    if not (expr.is_Pow and expr.exp.is_Integer and expr.exp.is_negative):
        return None
    base = expr.base
    if base.is_Add and len(base.args) == 2 and sp.S.One in base.args:
        other = base.args[0] if base.args[1] == sp.S.One else base.args[1]
        if isinstance(other, sp.exp):
            return -other.args[0], int(-expr.exp)
    return None


class _Printer:
    def __init__(self, latex: bool) -> None:
        self.latex = latex
        self.memo: dict[sp.Expr, tuple[str, int]] = {}
        self.minus = "-" if latex else "−"
        self.times = r" \odot " if latex else " ⊙ "
        self.dot = r" \cdot " if latex else "·"

    def paren(self, text: str) -> str:
        return rf"\left({text}\right)" if self.latex else f"({text})"

    def wrap(self, expr: sp.Expr, above: int) -> str:
        """``expr`` in parentheses unless it binds tighter than ``above``."""
        text, prec = self.print(expr)
        return text if prec > above else self.paren(text)

    def function(self, name: str, arg: sp.Expr, power: int = 1) -> tuple[str, int]:
        inner = self.print(arg)[0]
        if self.latex:
            sup = f"^{{{power}}}" if power != 1 else ""
            return f"\\{name}{sup}({inner})", _ATOM
        return f"{'σ' if name == 'sigma' else name}{_superscript(power) if power != 1 else ''}({inner})", _ATOM

    def factor_key(self, factor: sp.Expr) -> tuple:
        """Sort key of a product's factor: gradients first, then variables (in :data:`NAMES` order), then the rest."""
        if factor.is_Pow and _sigma_of(factor) is None and factor.base.is_Symbol:
            factor = factor.base
        if factor.is_Symbol:
            name = factor.name
            return (0 if name.startswith("d") else 1, RANK.get(name, len(RANK)), name)
        return (3 if factor.is_Add else 2, 0, self.print(factor)[0])

    def term_key(self, term: sp.Expr) -> tuple:
        if term.is_Number:
            return (0, ())
        _, rest = term.as_coeff_Mul()
        return (1, tuple(sorted(self.factor_key(f) for f in sp.Mul.make_args(rest))))

    def print(self, expr: sp.Expr) -> tuple[str, int]:
        """``expr`` printed, with its precedence."""
        if expr not in self.memo:
            self.memo[expr] = self.print_new(expr)
        return self.memo[expr]

    def print_new(self, expr: sp.Expr) -> tuple[str, int]:
        sigma = _sigma_of(expr)
        if sigma is not None:
            return self.function("sigma", *sigma)
        if expr.is_Add:
            return self.add(expr)
        if expr.is_Mul or (expr.is_Rational and not expr.is_Integer) or (
                expr.is_Pow and expr.exp.is_Rational and expr.exp.is_negative):
            return self.mul(expr)
        if expr.is_Integer:
            return (f"{self.minus}{-expr}", _NEG) if expr.is_negative else (str(expr), _ATOM)
        if expr.is_Symbol:
            table = LATEX_NAMES if self.latex else DISPLAY
            return table.get(expr.name, expr.name), _ATOM
        if expr.is_Pow:
            return self.pow(expr)
        if expr == sp.E:
            return self.function("exp", sp.S.One)
        for cls, name in ((sp.tanh, "tanh"), (sp.exp, "exp"), (sp.log, "log")):
            if isinstance(expr, cls):
                return self.function(name, expr.args[0])
        if isinstance(expr, sp.Abs):
            inner = self.print(expr.args[0])[0]
            return (rf"\left|{inner}\right|" if self.latex else f"|{inner}|"), _ATOM
        if isinstance(expr, sp.Function) and expr.args:
            args = ", ".join(self.print(a)[0] for a in expr.args)
            name = type(expr).__name__
            return (rf"\operatorname{{{name}}}\left({args}\right)" if self.latex else f"{name}({args})"), _ATOM
        return (sp.latex(expr) if self.latex else sp.sstr(expr)), _ATOM

    def pow(self, expr: sp.Expr) -> tuple[str, int]:
        base, exp = expr.base, expr.exp
        whole = exp.is_Integer and exp.is_positive
        if whole:
            for cls, name in ((sp.tanh, "tanh"), (sp.log, "log")):
                if isinstance(base, cls):
                    return self.function(name, base.args[0], int(exp))
        text = self.wrap(base, _POW)
        if self.latex:
            return f"{text}^{{{self.print(exp)[0]}}}", _POW
        if whole:
            return text + _superscript(int(exp)), _POW
        return f"{text}^{self.wrap(exp, _POW)}", _POW

    def add(self, expr: sp.Expr) -> tuple[str, int]:
        out = ""
        for k, term in enumerate(sorted(sp.Add.make_args(expr), key=self.term_key)):
            negative = bool(term.as_coeff_Mul()[0].is_negative)
            text = self.print(-term if negative else term)[0]
            if k == 0:
                out = self.minus + text if negative else text
            else:
                out += f" {self.minus} {text}" if negative else f" + {text}"
        return out, _ADD

    def mul(self, expr: sp.Expr) -> tuple[str, int]:
        coeff, rest = expr.as_coeff_Mul()
        negative = bool(coeff.is_negative)
        coeff = -coeff if negative else coeff
        top: list[sp.Expr] = []
        bottom: list[sp.Expr] = []
        for factor in sp.Mul.make_args(rest):
            if factor == 1:
                continue
            if factor.is_Pow and factor.exp.is_Rational and factor.exp.is_negative and _sigma_of(factor) is None:
                bottom.append(sp.Pow(factor.base, -factor.exp))
            else:
                top.append(factor)
        p, q = int(coeff.p), int(coeff.q)
        if not bottom and q == 1 and p == 1 and len(top) == 1:
            text, prec = self.print(top[0])
        else:
            text, prec = self.product(p, top, bare=self.latex and bool(bottom or q != 1)), _MUL
            if bottom or q != 1:
                if self.latex:
                    text = rf"\frac{{{text}}}{{{self.product(q, bottom, bare=True)}}}"
                else:
                    single = (q == 1 and len(bottom) == 1) or not bottom
                    denominator = self.product(q, bottom, bare=False)
                    text = f"{text}/{denominator if single else self.paren(denominator)}"
        if negative:
            return self.minus + text, _NEG
        return text, prec

    def product(self, number: int, factors: list[sp.Expr], bare: bool) -> str:
        """``number·f1 ⊙ f2 ⊙ …`` (the number left out when it is 1) with the factors in a stable order;
        a lone factor is left without parentheses when ``bare``."""
        factors = sorted(factors, key=self.factor_key)
        if bare and number == 1 and len(factors) == 1:
            return self.print(factors[0])[0]
        text = self.times.join(self.wrap(f, _MUL) for f in factors)
        if number != 1 or not text:
            text = f"{number}{self.dot}{text}" if text else str(number)
        return text


def _as_expr(expr: object) -> sp.Expr:
    if isinstance(expr, sp.Basic):
        return expr
    if isinstance(expr, int):
        return sp.Integer(expr)
    raise TypeError(f"expected a sympy expression, got {type(expr).__name__}")


def to_notation(expr: sp.Expr) -> str:
    """``expr`` in the seed's Unicode notation: ``δh_t ⊙ o_t ⊙ (1 − tanh²(c_t)) + δc_{t+1} ⊙ f_t``."""
    return _Printer(latex=False).print(_as_expr(expr))[0]


def to_latex(expr: sp.Expr) -> str:
    """``expr`` in LaTeX for amsmath math mode: ``\\delta h_t \\odot \\tanh(c_t)``."""
    return _Printer(latex=True).print(_as_expr(expr))[0]

