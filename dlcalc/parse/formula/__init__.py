"""LSTM backward-pass formulas as students type them: a safe parser and two printers.

``parse_formula("di = dh*g")`` returns ``("di", dh*g)`` with the right side a sympy expression over
``sympy.Symbol(name, real=True)`` for the canonical names of :data:`NAMES`. Nothing here evaluates
text: a hand-written tokenizer and a recursive-descent parser build the expression with sympy
operations, and every bad input raises :class:`~dlcalc.errors.InputError` with a one-line message
naming what was wrong and, for a syntax error, its 1-based column.

A formula is ``LEFT = RIGHT``. The left side is one gradient of :data:`LEFT`; the right side uses
the variables of :data:`NAMES`, numbers (``2``, ``0.5``, ``.5``; decimals are exact), parentheses and

* operators ``+ - * / ^ **``, unary minus; ``−`` (U+2212) and ``–`` are minus; ``⊙ · ⋅ ∙ ∘ × ∗``
  and LaTeX ``\\odot \\cdot \\circ \\times \\ast`` are ``*`` (everything is a scalar here, so the
  element-wise product is the product); ``÷`` and ``\\div`` are ``/``; superscript digits
  (``x²``, ``x⁻¹``) are powers; ``x^{2}`` takes a braced exponent and ``\\frac{a}{b}`` is ``a/b``;
* functions ``tanh``, ``sigma`` (also ``σ``, ``sigmoid``: the logistic ``1/(1+exp(-x))``), ``exp``,
  ``log`` (also ``ln``), with or without a backslash and in any letter case; a function needs
  parentheses, and a power written on the name applies to the value: ``tanh²(c)``, ``tanh^2(c)``
  and ``\\tanh^{2}(c_t)`` all mean ``tanh(c)^2``;
* ``\\operatorname{tanh}`` and ``\\mathrm{tanh}`` are ``tanh`` (and so for the other functions);
* LaTeX ``\\left(`` and ``\\right)`` are parentheses; the spacing commands ``\\, \\; \\: \\! \\quad
  \\qquad`` are ignored.

Implicit multiplication is refused (``2dh``, ``dh g``, ``dh(1-o)``): write the ``*``.

Accepted spellings of the names (each family may be mixed with the others):

=============  ================================================================================
canonical      also accepted
=============  ================================================================================
``dh``         ``dh_t``, ``δh_t``, ``δh``, ``\\delta h_t``, ``∂h_t``, ``\\partial h_t``,
               ``delta_h``, ``delta_h_t``
``dc_next``    ``dc_{t+1}``, ``dc_tp1``, ``δc_{t+1}``, ``\\delta c_{t+1}``, ``δcₜ₊₁``,
               ``delta_c_next``
``f_next``     ``f_{t+1}``, ``f_tp1``, ``fₜ₊₁``
``c_prev``     ``c_{t-1}``, ``c_{t−1}``, ``c_tm1``, ``cₜ₋₁`` (``h_prev`` alike)
``i``          ``i_t``, ``i_{t}``, ``iₜ`` (``f o g c h x`` alike)
``do``         ``do_t``, ``δo_t``, ``\\delta o_t``, ``delta_o`` (``di df dg dc`` alike)
``dc_prev``    ``dc_{t-1}``, ``δc_{t−1}``, ``dc_tm1``, ``\\delta c_{t-1}`` (left side only)
``di_hat``     ``di_hat_t``, ``dzi``, ``dz_i``, ``d\\hat{i}``, ``dî``, ``δî_t``,
               ``\\delta \\hat{i}_t``, ``\\delta\\widehat{i}_t`` (``df_hat do_hat dg_hat``
               alike; left side only)
=============  ================================================================================

Subscripts are ``_t`` (or none) for step t, ``_next``, ``_{t+1}``, ``_tp1`` for t+1 and ``_prev``,
``_{t-1}``, ``_tm1`` for t−1; braces are allowed only around subscripts, around an exponent after
``^`` and around the arguments of ``\\frac`` and ``\\hat``. ``dc_t+1`` is ``dc + 1``: write
``dc_{t+1}``. Names are case-sensitive; function names are not.

Limits, each refused with a message that says so: text over :data:`MAX_LENGTH` characters;
parentheses nested deeper than :data:`MAX_NESTING`, or parentheses and chained powers (``a^b^c``)
together deeper than :data:`MAX_LEVELS`; numeric exponents over :data:`MAX_EXPONENT` in size, and
numbers over it inside an ``exp`` (or ``σ``) of a ``log`` (sympy turns ``exp(k·log(a))`` into
``a^k`` at once); numbers over :data:`MAX_NUMBER_BITS` bits. Division by zero, ``log(0)`` and values
that are not real (``log(-1)``, ``(-8)^(1/3)``) are refused too.

:func:`to_notation` prints an expression in the Unicode notation above (``δc_t ⊙ g_t``,
``1 − tanh²(c_t)``, ``2·x_t``, ``σ(x_t)``); :func:`to_latex` prints the same in LaTeX for amsmath
math mode. Both outputs parse back with :func:`parse_formula` to the same value, except for an
absolute value ``|x_t|`` (sympy's form of a root of a square like ``(x^2)^(1/2)``).
"""


from __future__ import annotations

from typing import TYPE_CHECKING

from dlcalc.parse.formula.names import LEFT, MAX_LENGTH, NAMES

if TYPE_CHECKING:
    import sympy as sp

__all__ = ["LEFT", "MAX_LENGTH", "NAMES", "parse_formula"]


def parse_formula(text: str, option: str = "--check-formula") -> tuple[str, sp.Expr]:
    """``LEFT = RIGHT`` as the canonical name of the left side and the right side in sympy (see above);
    sympy is imported only now, so the names can be read without it."""
    from dlcalc.parse.formula.parser import parse_formula as parse

    return parse(text, option)
