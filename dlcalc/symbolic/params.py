"""Sympy side of params (``--symbolic``): each layer's parameter formula written symbolically and evaluated."""

from __future__ import annotations

import sympy as sp

from dlcalc.core.params import Row
from dlcalc.solution import Solution

K, C_in, g, C_out, b, N_in, N_out, C, k, H, I_, L, dirs, nb, gates, E = sp.symbols(
    "K C_in g C_out b N_in N_out C k H I L dirs nb gates E", positive=True, integer=True)

FORMULAS = {
    "conv": C_out * (K * C_in / g + b),
    "convtranspose": C_in * (C_out / g) * K + b * C_out,
    "fc": (N_in + b) * N_out,
    "batchnorm": k * C,
    # the first layer reads I features; each further one reads the H·dirs outputs of the one below
    "recurrent": dirs * gates * (H * I_ + H * H + nb * H) + (L - 1) * dirs * gates * (H * H * dirs + H * H + nb * H),
    "mha": 4 * E**2 + 4 * b * E,
}

LISTED_CHECKS = 24  # as the array check: one line per layer up to this many rows, else one line


def check_rows(sol: Solution, rows: list[Row]) -> None:
    """One ✓ line per layer (or one for them all when there are many): sympy's value of the
    layer's formula against the count. ``rows`` are the counted rows (:func:`dlcalc.core.params.counted`)."""
    results = []
    for row in rows:
        if row.symbolic is None:
            continue
        kind, values = row.symbolic
        expr = FORMULAS[kind]
        renamed = {"g": gates} if kind == "recurrent" else {}  # g is the gates there, the groups elsewhere
        got = expr.subs({renamed.get(name, sp.Symbol(name, positive=True, integer=True)): value
                         for name, value in values.items()})
        results.append((row, expr, got, got == row.params))
    if len(results) <= LISTED_CHECKS:
        for row, expr, got, ok in results:
            sol.add_check(f"layer {row.index} symbolically", "sympy", bool(ok), f"{sp.sstr(expr)} evaluates to {got}")
    else:
        bad = [f"{row.index}. {row.name}" for row, _, _, ok in results if not ok]
        sol.add_check("every layer symbolically", "sympy", not bad,
                      f"the symbolic formulas of all {len(results)} layers evaluate to the counts" if not bad else
                      "differs at " + ", ".join(bad))
