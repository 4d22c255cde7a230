"""conv-out's worked solution: the output size per axis, what the floor drops, and its checks; the
claim table and the common mistakes a wrong output size is diagnosed by.

Formulas in :mod:`dlcalc.core.conv.formulas`; the independent checks count window positions
(:mod:`dlcalc.core.conv.windows`) and, with ``symbolic``, evaluate the formula in sympy.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

from dlcalc import show
from dlcalc.core.conv.formulas import conv_output_size, effective_kernel, pool_output_size, transposed_output_size
from dlcalc.core.conv.spec import AXIS_NAMES, AXIS_UNITS, ConvSpec, axis_output
from dlcalc.core.conv.windows import count_transposed_positions, count_window_positions
from dlcalc.solution import ClaimTable, Mistake, Quantity, Solution


def _times(values: tuple) -> str:
    return "×".join(str(v) for v in values)


def _per_axis(values: tuple) -> str:
    """One value when every axis has it (``3``), else one per axis (``3×5``)."""
    return str(values[0]) if len(set(values)) == 1 else _times(values)



def axis_groups(spec: ConvSpec) -> list[list[int]]:
    """Axes grouped by identical parameters, so a square problem is worked once."""
    groups: dict[tuple, list[int]] = {}
    for i in range(spec.naxes):
        groups.setdefault(tuple(sorted(spec.axis(i).items())), []).append(i)
    return list(groups.values())


def axes_label(spec: ConvSpec, axes: list[int]) -> str:
    if spec.naxes == 1:
        return ""
    names = [AXIS_NAMES[spec.naxes][i] for i in axes]
    return " (" + (" and ".join(names) if len(names) <= 2 else ", ".join(names)) + ")"


def dropped_inputs(spec: ConvSpec, i: int, out: int) -> int:
    """Input positions at the end of axis ``i`` that no window reaches (0 for transposed)."""
    if spec.transposed:
        return 0
    left = spec.padding[i][0]
    last_covered = (out - 1) * spec.stride[i] - left + effective_kernel(spec.kernel[i], spec.dilation[i])
    return max(0, spec.size[i] - last_covered)


def conv_out(spec: ConvSpec) -> Solution:
    """Output size of a convolution, transposed convolution or pooling layer, worked per axis.

    Steps: SAME padding (if asked), the formula, the substitution, the division and what its floor
    drops, the result. Check: a brute-force count of window positions (sympy's, with
    :func:`dlcalc.symbolic.conv.check`).
    """
    kind = ("transposed convolution" if spec.transposed else
            f"{spec.pool} pooling" + (" (ceil mode)" if spec.ceil_mode else "") if spec.pool else
            "convolution")
    sol = Solution("conv-out", f"output size of a {kind}")
    sol.inputs = {
        "size": list(spec.size), "kernel": list(spec.kernel), "stride": list(spec.stride),
        "padding": [list(p) for p in spec.padding], "dilation": list(spec.dilation),
    }
    if spec.padding_mode != "explicit":
        sol.inputs["padding_mode"] = spec.padding_mode
        sol.inputs["convention"] = spec.convention
    if spec.transposed:
        sol.inputs["transposed"] = True
        sol.inputs["output_padding"] = list(spec.output_padding)
    if spec.pool:
        sol.inputs["pool"] = spec.pool
        sol.inputs["ceil_mode"] = spec.ceil_mode
    sol.display = {
        "size": _times(spec.size), "kernel": _per_axis(spec.kernel), "stride": _per_axis(spec.stride),
        "padding": _per_axis(tuple(str(a) if a == b else f"{a},{b}" for a, b in spec.padding)),
        "dilation": _per_axis(spec.dilation), "output_padding": _per_axis(spec.output_padding),
    }
    if spec.padding_mode != "explicit":
        sol.display["padding"] = f"{spec.padding_mode} → {sol.display['padding']}"

    outputs = [0] * spec.naxes
    dropped = [0] * spec.naxes
    for axes in axis_groups(spec):
        i = axes[0]
        where = axes_label(spec, axes)
        if spec.padding_mode == "same":
            _same_step(sol, spec, i, where)
        out = _output_steps(sol, spec, i, where, _units(spec, axes))
        for j in axes:
            outputs[j] = out
            dropped[j] = dropped_inputs(spec, j, out)
        _window_check(sol, spec, i, out, where)

    sol.result = {"output_size": outputs, "padding": [list(p) for p in spec.padding]}
    if not spec.transposed:
        sol.result["dropped"] = dropped
    sol.answer = f"output size {_times(tuple(outputs))}"
    sol.claims = ClaimTable({"output_size": Quantity(
        outputs, labels=list(AXIS_NAMES.get(spec.naxes, ())) or None, mistakes=lambda: common_mistakes(spec))},
        default="output_size", combine=False)
    return sol


def _same_step(sol: Solution, spec: ConvSpec, i: int, where: str) -> None:
    size, kernel, stride, dilation = spec.size[i], spec.kernel[i], spec.stride[i], spec.dilation[i]
    left, right = spec.padding[i]
    total = left + right
    if spec.convention == "torch":
        who = "PyTorch 'same'"
        sol.step(f"{who}: total padding{where}", "P = D(K−1)", f"{dilation}·({kernel}−1)", total,
                 note="the output keeps the input size (stride 1)")
    else:
        who = "TensorFlow SAME"
        out = -(-size // stride)
        sol.step(f"{who}: output size{where}", "O = ⌈L/S⌉", f"⌈{size}/{stride}⌉", out)
        sol.step(f"{who}: total padding{where}", "P = max((O−1)·S + D(K−1) + 1 − L, 0)",
                 f"max(({out}−1)·{stride} + {dilation}·({kernel}−1) + 1 − {size}, 0)", total)
    sol.step(f"{who}: split{where}", "P_left = ⌊P/2⌋, P_right = P − P_left",
             f"⌊{total}/2⌋ = {left}, {total} − {left} = {right}", [left, right],
             note=f"{who.split()[0]} puts the odd pixel on the right/bottom" if left != right else "")


def _units(spec: ConvSpec, axes: list[int]) -> tuple[str, str]:
    """What the input positions of these axes are called: ("row", "rows"), ("row or column", ...)."""
    names = [AXIS_UNITS[spec.naxes][j] for j in axes] if spec.naxes in AXIS_UNITS else ["positions"]
    return " or ".join(n[:-1] for n in names), " and ".join(names)


def _output_steps(sol: Solution, spec: ConvSpec, i: int, where: str, units: tuple[str, str]) -> int:
    size, kernel, stride, dilation = spec.size[i], spec.kernel[i], spec.stride[i], spec.dilation[i]
    left, right = spec.padding[i]
    one, many = units
    if spec.transposed:
        op = spec.output_padding[i]
        out = transposed_output_size(size, kernel, stride, left, dilation, op)
        sol.step(f"Output size{where}", "O = (L−1)·S − 2P + D(K−1) + OP + 1",
                 f"({size}−1)·{stride} − 2·{left} + {dilation}·({kernel}−1) + {op} + 1", out)
        return out
    pad_text = f"2·{left}" if left == right else f"{left} + {right}"
    pad_sym = "2P" if left == right else "P_l + P_r"
    numerator = size + left + right - dilation * (kernel - 1) - 1
    sub_num = f"{size} + {pad_text} − {dilation}·({kernel}−1) − 1"
    if spec.pool and spec.ceil_mode:
        raw = (numerator + stride - 1) // stride + 1
        out = pool_output_size(size, kernel, stride, left, dilation, ceil_mode=True)
        sol.step(f"Output size, ceil mode{where}", "O = ⌊(L + 2P − D(K−1) − 1 + (S−1))/S⌋ + 1",
                 f"⌊({sub_num} + ({stride}−1))/{stride}⌋ + 1 = ⌊{numerator + stride - 1}/{stride}⌋ + 1",
                 raw)
        last_start = (raw - 1) * stride
        rule = "the last window may not start in the right padding: (O−1)·S < L + P"
        if out != raw:
            sol.step(f"PyTorch's right-padding rule{where}", rule,
                     f"({raw}−1)·{stride} = {last_start} ≥ {size} + {left} = {size + left}, so O = {raw} − 1",
                     out, note=f"the last window would start in the right padding, so it is removed: "
                               f"{out}, not {raw}")
        else:
            sol.step(f"PyTorch's right-padding rule{where}", rule,
                     f"({raw}−1)·{stride} = {last_start} < {size} + {left} = {size + left}", out,
                     note="the last window starts inside the input or the left padding: none is removed")
        return out
    out = numerator // stride + 1
    note = ""
    if stride > 1:
        if numerator % stride == 0:
            note = f"{numerator}/{stride} = {numerator // stride} exactly: every input {one} is covered"
        else:
            lost = dropped_inputs(spec, i, out)
            pad_lost = numerator % stride - lost
            tail = f" (and {pad_lost} padding)" if pad_lost and lost else ""
            if lost:
                note = (f"{numerator}/{stride} = {show.quotient(numerator, stride)}: the floor drops "
                        f"{show.quotient(numerator % stride, stride)}, so the "
                        f"last {lost} input {many if lost > 1 else one}{tail} "
                        f"{'are' if lost > 1 else 'is'} never covered")
            else:
                note = (f"{numerator}/{stride} = {show.quotient(numerator, stride)}: the floor drops only "
                        f"{pad_lost} padding {many if pad_lost > 1 else one}; every input "
                        f"{one} is covered")
    sol.step(f"Output size{where}", f"O = ⌊(L + {pad_sym} − D(K−1) − 1)/S⌋ + 1",
             f"⌊({sub_num})/{stride}⌋ + 1 = ⌊{numerator}/{stride}⌋ + 1 = {numerator // stride} + 1",
             out, note=note)
    return out


def _window_check(sol: Solution, spec: ConvSpec, i: int, out: int, where: str) -> None:
    size, kernel, stride, dilation = spec.size[i], spec.kernel[i], spec.stride[i], spec.dilation[i]
    if spec.transposed:
        counted = count_transposed_positions(size, kernel, stride, spec.padding[i][0], dilation,
                                             spec.output_padding[i])
        sol.add_check(f"scatter count{where}", "brute force",
                  counted == out,
                  f"scattering {size} inputs through {kernel} taps touches a span that crops to {counted}")
        return
    counted = count_window_positions(size, kernel, stride, spec.padding[i], dilation, spec.ceil_mode)
    sol.add_check(f"window count{where}", "brute force", counted == out,
              f"sliding a {effective_kernel(kernel, dilation)}-wide window by {stride} over "
              f"{spec.padding[i][0]} + {size} + {spec.padding[i][1]} positions: {counted} positions")


# ---------------------------------------------------------------------------------------------
# Diagnosis of a wrong claim
# ---------------------------------------------------------------------------------------------


def _quotient(numerator: int, denominator: int) -> int | Fraction:
    """numerator/denominator exactly: an int when it divides."""
    if numerator % denominator == 0:
        return numerator // denominator
    return Fraction(numerator, denominator)


def common_mistakes(spec: ConvSpec) -> list[Mistake]:
    """Answers the usual slips produce, each with the output per axis it gives.

    Each is computed by the same formulas with one thing changed, so the diagnosis can say
    "28 is what stride 1 gives; with stride 4 the answer is 7".
    """
    found: list[Mistake] = []
    n = spec.naxes

    def attempt(description: str, make: Callable[[int], int | Fraction], context: str = "") -> None:
        found.append(Mistake(description, lambda: tuple(make(i) for i in range(n)), context))

    stride_text = f"with stride {_per_axis(spec.stride)}"
    if any(s != 1 for s in spec.stride):
        attempt("what stride 1 gives", lambda i: axis_output(spec.replace(stride=(1,) * n), i),
                stride_text)
    if spec.pool and spec.stride == (1,) * n and any(k != 1 for k in spec.kernel):
        attempt("what stride = kernel gives (PyTorch's default for pooling)",
                lambda i: axis_output(spec.replace(stride=spec.kernel), i), "with stride 1")
    if any(p != (0, 0) for p in spec.padding):
        pad_text = "with padding " + "×".join(
            str(left) if left == right else f"{left},{right}" for left, right in spec.padding)
        attempt("what no padding gives (the padding was forgotten)",
                lambda i: axis_output(spec.replace(padding=((0, 0),) * n), i), pad_text)
        if not spec.transposed:
            attempt("what padding on one side only gives (L + P instead of L + 2P)",
                    lambda i: conv_output_size(spec.size[i], spec.kernel[i], spec.stride[i],
                                               (spec.padding[i][0], 0), spec.dilation[i]), pad_text)
    if any(d != 1 for d in spec.dilation):
        dil_text = f"with dilation {_per_axis(spec.dilation)}"
        attempt("what ignoring the dilation gives (K instead of D(K−1)+1)",
                lambda i: axis_output(spec.replace(dilation=(1,) * n), i), dil_text)
        attempt("what D·K instead of D(K−1)+1 gives",
                lambda i: _raw(spec, i, span=spec.dilation[i] * spec.kernel[i]) // spec.stride[i] + 1,
                dil_text)
    if spec.transposed:
        attempt("the forward-convolution formula, not the transposed one",
                lambda i: conv_output_size(spec.size[i], spec.kernel[i], spec.stride[i],
                                           spec.padding[i], spec.dilation[i]))
        if any(spec.output_padding):
            attempt("what leaving out the output padding gives",
                    lambda i: axis_output(spec.replace(output_padding=(0,) * n), i))
        return found
    attempt("(L + 2P − D(K−1) − 1)/S + 1 without the floor",
            lambda i: _quotient(_raw(spec, i), spec.stride[i]) + 1,
            "a layer has a whole number of windows:")
    if any(d != 1 for d in spec.dilation):
        attempt("(L + 2P − K)/S + 1, without the floor or the dilation",
                lambda i: _quotient(_raw(spec, i, span=spec.kernel[i]), spec.stride[i]) + 1)
    attempt("rounding up instead of down (ceil instead of floor)",
            lambda i: -(-_raw(spec, i) // spec.stride[i]) + 1)
    attempt("what leaving out the + 1 gives", lambda i: _raw(spec, i) // spec.stride[i])
    attempt("the transposed-convolution formula, not the forward one",
            lambda i: transposed_output_size(spec.size[i], spec.kernel[i], spec.stride[i],
                                             spec.padding[i][0], spec.dilation[i]))
    if spec.pool and not spec.ceil_mode:
        attempt("what ceil mode gives", lambda i: pool_output_size(
            spec.size[i], spec.kernel[i], spec.stride[i], spec.padding[i][0], spec.dilation[i], True),
            "in floor mode (PyTorch's default)")
    if spec.pool and spec.ceil_mode:
        attempt("ceil mode without PyTorch's right-padding rule",
                lambda i: (_raw(spec, i) + spec.stride[i] - 1) // spec.stride[i] + 1)
        attempt("what floor mode gives",
                lambda i: conv_output_size(spec.size[i], spec.kernel[i], spec.stride[i],
                                           spec.padding[i], spec.dilation[i]), "in ceil mode")
    attempt("the input size itself, as if the layer kept the size", lambda i: spec.size[i])
    return found


def _raw(spec: ConvSpec, i: int, span: int | None = None) -> int:
    """``L + P_l + P_r − span`` with the default span ``D(K−1) + 1``."""
    if span is None:
        span = effective_kernel(spec.kernel[i], spec.dilation[i])
    left, right = spec.padding[i]
    return spec.size[i] + left + right - span


# ---------------------------------------------------------------------------------------------
# One conv-out request, as the command line states it
# ---------------------------------------------------------------------------------------------

