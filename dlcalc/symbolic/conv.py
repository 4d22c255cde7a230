"""Sympy side of conv-out: the formula evaluated symbolically, and solving for an unknown.

Imported only when a check or ``--solve`` needs sympy, so ``dlcalc conv-out --json`` starts fast.
"""

from __future__ import annotations

import sympy as sp

from dlcalc.core.conv import ConvSpec, axis_output, effective_kernel
from dlcalc.core.conv.formulas import conv_output_size
from dlcalc.core.conv.output_size import axes_label, axis_groups
from dlcalc.errors import InputError
from dlcalc.solution import Solution

L, K, S, P, Pl, Pr, D, OP = sp.symbols("L K S P P_l P_r D OP", integer=True)


def output_size_expression(transposed: bool = False, ceil_mode: bool = False) -> sp.Expr:
    """The output-size formula as a sympy expression in L, K, S, P_l, P_r, D, OP."""
    if transposed:
        return (L - 1) * S - Pl - Pr + D * (K - 1) + OP + 1
    if ceil_mode:
        raw = sp.floor((L + Pl + Pr - D * (K - 1) - 1 + (S - 1)) / S) + 1
        return sp.Piecewise((raw - 1, (raw - 1) * S >= L + Pl), (raw, True))
    return sp.floor((L + Pl + Pr - D * (K - 1) - 1) / S) + 1


def _values(spec: ConvSpec, i: int) -> dict[sp.Symbol, int]:
    left, right = spec.padding[i]
    return {L: spec.size[i], K: spec.kernel[i], S: spec.stride[i], Pl: left, Pr: right,
            D: spec.dilation[i], OP: spec.output_padding[i]}


def check(sol: Solution, spec: ConvSpec) -> None:
    """Add a ✓ line per group of alike axes: the symbolic formula, evaluated by sympy, gives the output size."""
    for axes in axis_groups(spec):
        check_output_size(sol, spec, axes[0], sol.result["output_size"][axes[0]], axes_label(spec, axes))


def check_output_size(sol: Solution, spec: ConvSpec, i: int, out: int, where: str) -> None:
    """Add a ✓ line: the symbolic formula, evaluated by sympy, gives the same output size."""
    expr = output_size_expression(spec.transposed, bool(spec.pool and spec.ceil_mode))
    value = expr.subs(_values(spec, i))
    at = ", ".join(f"{symbol}={number}" for symbol, number in _values(spec, i).items()
                   if symbol in expr.free_symbols)
    sol.add_check(f"symbolic formula{where}", "sympy", bool(value == out),
              f"the formula as a sympy expression, evaluated at {at}, gives {value}")
    if spec.padding_mode == "same" and spec.convention == "tf":
        total = sp.Max((sp.ceiling(L / S) - 1) * S + D * (K - 1) + 1 - L, 0).subs(_values(spec, i))
        got = sum(spec.padding[i])
        sol.add_check(f"SAME padding{where}", "sympy", bool(total == got),
                  f"max((⌈L/S⌉−1)·S + D(K−1) + 1 − L, 0) = {total}")


_LOWER = {"padding": 0, "stride": 1, "kernel": 1, "dilation": 1, "size": 1}


def solve_axis(unknown: str, target: int, known: dict[str, int], transposed: bool = False,
               output_padding: int = 0, search_limit: int = 100_000) -> tuple[list[int], int | None]:
    """Every integer value of ``unknown`` that gives output ``target``; ``(values, open_from)``.

    The floor makes ``O = ⌊N/S⌋ + 1`` equivalent to ``S(O−1) ≤ N ≤ S·O − 1`` with
    ``N = L + 2P − D(K−1) − 1``; both sides are linear in each unknown, so sympy reduces the pair
    to an interval. ``open_from`` is set when every integer from there on works (e.g. any stride
    larger than N gives one output).
    """
    symbol = sp.Symbol(unknown, integer=True)
    env = {"size": L, "kernel": K, "stride": S, "padding": P, "dilation": D}
    subs = {env[name]: value for name, value in known.items()}
    subs[env[unknown]] = symbol
    if transposed:
        expr = ((L - 1) * S - 2 * P + D * (K - 1) + output_padding + 1).subs(subs)
        conditions = [sp.Eq(expr, target), symbol >= _LOWER[unknown]]
    else:
        numerator = (L + 2 * P - D * (K - 1) - 1).subs(subs)
        stride = S.subs(subs)
        conditions = [stride * (target - 1) <= numerator, numerator <= stride * target - 1,
                      numerator >= 0, symbol >= _LOWER[unknown]]
    if transposed:
        roots = sp.solve(conditions[0], symbol)
        values = [int(r) for r in roots if r.is_integer and r >= _LOWER[unknown]]
        if not roots and sp.simplify(conditions[0].lhs - conditions[0].rhs) == 0:
            return [], _LOWER[unknown]
        return values, None
    region = sp.reduce_inequalities(conditions, [symbol])
    if region is sp.false:
        return [], None
    interval = region.as_set() if hasattr(region, "as_set") else region
    interval = interval.intersect(sp.Interval(_LOWER[unknown], sp.oo))
    if interval.is_empty:
        return [], None
    low = interval.inf
    high = interval.sup
    start = int(sp.ceiling(low))
    if low in interval and low.is_integer:
        start = int(low)
    elif low.is_integer:
        start = int(low) + 1
    if high == sp.oo:
        return [], start
    stop = int(sp.floor(high))
    if high.is_integer and high not in interval:
        stop = int(high) - 1
    if stop - start > search_limit:
        raise InputError(f"more than {search_limit} solutions; narrow the problem", "--solve")
    return list(range(start, stop + 1)), None


def solve(spec_values: dict[str, tuple[int, ...]], unknown: str, target: tuple[int, ...],
          transposed: bool = False, output_padding: tuple[int, ...] = (0,)) -> Solution:
    """``--solve``: the unknown's integer values per axis, with the inequality shown and each
    solution plugged back into the forward formula as a check."""
    n = len(target)
    sol = Solution("conv-out", f"solve for the {unknown} that gives output size "
                   f"{'×'.join(map(str, target))}")
    sol.inputs = {k: list(v) for k, v in spec_values.items()}
    sol.inputs["solve"] = unknown
    sol.inputs["out"] = list(target)
    sol.display = {k: "×".join(map(str, v)) if len(set(v)) > 1 else str(v[0]) for k, v in sol.inputs.items()
                   if isinstance(v, list)}
    per_axis: list[dict] = []
    symbols = {"size": "L", "kernel": "K", "stride": "S", "padding": "P", "dilation": "D"}
    x = symbols[unknown]
    for i in range(n):
        known = {k: v[i] for k, v in spec_values.items()}
        where = "" if n == 1 else f" (axis {i + 1})"
        values, open_from = solve_axis(unknown, target[i], known, transposed, output_padding[i])
        sub = {k: str(v) for k, v in known.items()}
        sub[unknown] = x
        if transposed:
            formula = "O = (L−1)·S − 2P + D(K−1) + OP + 1"
            substituted = (f"{target[i]} = ({sub['size']}−1)·{sub['stride']} − 2·{sub['padding']} + "
                           f"{sub['dilation']}·({sub['kernel']}−1) + {output_padding[i]} + 1")
        else:
            formula = "O = ⌊N/S⌋ + 1  ⇔  S·(O−1) ≤ N ≤ S·O − 1,  N = L + 2P − D(K−1) − 1"
            n_text = (f"{sub['size']} + 2·{sub['padding']} − {sub['dilation']}·({sub['kernel']}−1) − 1")
            substituted = (f"{sub['stride']}·({target[i]}−1) ≤ {n_text} ≤ {sub['stride']}·{target[i]} − 1")
        if open_from is not None:
            shown = f"every {unknown} ≥ {open_from}"
        elif values:
            shown = ", ".join(map(str, values))
        else:
            shown = "no integer solution"
        sol.step(f"Solve for {x}{where}", formula, substituted, shown)
        # check: plug each solution (and the first values past the ends) into the forward formula
        tried = values[:50] if open_from is None else [open_from, open_from + 1, open_from + 7]
        good = True
        for value in tried:
            full = dict(known)
            full[unknown] = value
            spec = ConvSpec((full["size"],), (full["kernel"],), (full["stride"],),
                        ((full["padding"], full["padding"]),), (full["dilation"],),
                        transposed=transposed, output_padding=(output_padding[i],))
            try:
                good &= _forward(spec) == target[i]
            except InputError:
                good = False
        if tried:
            sol.add_check(f"plugged back{where}", "forward formula", good,
                      f"{x} = {', '.join(map(str, tried))} each give output {target[i]}")
        elif not transposed:
            sol.add_check(f"no solution{where}", "brute force",
                      _brute_none(unknown, known, target[i]),
                      f"no {unknown} from {_LOWER[unknown]} to 512 gives output {target[i]}")
        per_axis.append({"values": values, "from": open_from})
    sol.result = {"output_size": list(target), "unknown": unknown,
                  "solutions": [a["values"] for a in per_axis],
                  "unbounded_from": [a["from"] for a in per_axis]}
    answers = []
    for a in per_axis:
        if a["from"] is not None:
            answers.append(f"any {unknown} ≥ {a['from']}")
        else:
            answers.append(", ".join(map(str, a["values"])) or "no integer solution")
    sol.answer = f"{unknown}: " + " | ".join(answers)
    return sol


def _forward(spec: ConvSpec) -> int:
    if not spec.transposed and effective_kernel(spec.kernel[0], spec.dilation[0]) > spec.size[0] + 2 * \
            spec.padding[0][0]:
        raise InputError("kernel does not fit")
    return axis_output(spec, 0)


def _brute_none(unknown: str, known: dict[str, int], target: int) -> bool:
    for value in range(_LOWER[unknown], 513):
        full = dict(known)
        full[unknown] = value
        if effective_kernel(full["kernel"], full["dilation"]) > full["size"] + 2 * full["padding"]:
            continue
        if conv_output_size(full["size"], full["kernel"], full["stride"], full["padding"],
                            full["dilation"]) == target:
            return False
    return True
