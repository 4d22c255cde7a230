"""conv-apply's worked solution: the output, each shown cell's sum written out, the independent check,
and the claim table whose cells a claimed output is judged by, with its common mistakes.

The output comes from the numpy core (:mod:`dlcalc.core.conv_apply.kernel`); the worked sums and the
check read the input window by window (:mod:`dlcalc.core.conv_apply.direct`). The output size and its
steps come from :mod:`dlcalc.core.conv`, the code behind conv-out.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from dlcalc import show
from dlcalc.core.conv import conv_out
from dlcalc.core.conv_apply import kernel as core
from dlcalc.core.conv_apply.direct import Direct, divide
from dlcalc.core.conv_apply.numbers import tidy
from dlcalc.core.conv_apply.spec import ApplySpec
from dlcalc.errors import InputError
from dlcalc.parse.arrays import array_shape
from dlcalc.solution import ClaimTable, Mistake, Quantity, Solution

DEFAULT_STEPS_ALL = 36  # show every cell up to this many; beyond, the first few and a summary
DEFAULT_STEPS_SOME = 6
MAX_TERMS_SHOWN = 16  # terms of one sum written out before "…"
DIRECT_CHECK_CELLS = 4096  # cells the direct loop recomputes (all of them, up to this many)
MAX_CELLS_WRITTEN = 100_000  # --steps beyond this is capped: nobody reads more worked sums
MISTAKE_INPUT = 250_000  # inputs up to this size are recomputed with each common mistake


def output_values(spec: ApplySpec) -> tuple[np.ndarray, Callable[[int, int, int], Any]]:
    """The whole output from the numpy core: (stored numbers, a function giving cell (o,i,j) as a number)."""
    stored = core.apply_pool(spec) if spec.pool else core.apply_kernel(spec)
    if spec.pool:
        divisors = core.avg_divisors(spec, *spec.output_size()) if spec.pool == "avg" else None

        def pooled(o: int, i: int, j: int) -> Any:
            number = spec.x.value(stored[o, i, j])
            return number if divisors is None else divide(number, divisors[i][j], spec.x.exact)

        return stored, pooled
    exact = spec.x.exact and spec.kernel.exact
    scale = spec.x.scale * spec.kernel.scale

    def value(o: int, i: int, j: int) -> Any:
        total = stored[o, i, j]
        number = (int(total) if scale == 1 else tidy(Fraction(int(total), scale))) if exact else float(total)
        if spec.bias:
            number = number + spec.bias[o]
            if isinstance(number, Fraction):
                number = tidy(number)
        return number

    return stored, value


def first_non_finite(spec: ApplySpec, stored: Any) -> tuple[int, int, int] | None:
    """The first output cell (o, i, j) that overflowed to ±inf or NaN (float inputs only), bias
    included; None when every cell is finite. Exact outputs never overflow."""
    if spec.x.exact and (spec.w is None or spec.w.exact) and not any(isinstance(b, float) for b in spec.bias):
        return None
    bias = spec.bias or (0.0,) * spec.out_channels
    with np.errstate(over="ignore", invalid="ignore"):
        for o in range(stored.shape[0]):
            plane = stored[o] + bias[o] if spec.bias else stored[o]
            bad = np.argwhere(~np.isfinite(plane))
            if bad.size:
                return o, int(bad[0][0]), int(bad[0][1])
    return None


@dataclass(slots=True)
class Grid:
    """The output: every cell as nested lists for JSON (``tolist``), and for people a preview
    that elides the middle of a large one (``preview``), so a 512×512 result prints in a blink."""

    spec: ApplySpec
    value: Callable[[int, int, int], Any]

    def tolist(self) -> list:
        return nested_output(self.spec, self.value)

    def preview(self, head: int = 8, tail: int = 2) -> list:
        ho, wo = self.spec.output_size()

        def keep(n: int) -> list:
            return list(range(n)) if n <= head + tail + 1 else [*range(head), -1, *range(n - tail, n)]

        def channel(o: int) -> list:
            return [["…" if i < 0 or j < 0 else self.value(o, i, j) for j in keep(wo)] for i in keep(ho)]

        if not self.spec.channels:
            return channel(0)
        return [channel(o) if o >= 0 else "…" for o in keep(self.spec.out_channels)]


def nested_output(spec: ApplySpec, value: Callable[[int, int, int], Any]) -> list:
    """The output as nested lists of numbers: H'×W' for a plain matrix, O×H'×W' with channels."""
    ho, wo = spec.output_size()
    channels = [[[value(o, i, j) for j in range(wo)] for i in range(ho)] for o in range(spec.out_channels)]
    return channels if spec.channels else channels[0]


def _index(o: int, i: int, j: int, channels: bool) -> str:
    return f"{o},{i},{j}" if channels else f"{i},{j}"


def _num(value: Any) -> str:
    """A number inside a worked sum: exact as it is, a float to 6 significant digits."""
    return show.term(value, 6)


def cell_step(spec: ApplySpec, direct: Direct, o: int, i: int, j: int) -> tuple[str, str, Any, str]:
    """The worked line of one cell: (formula with indices, with numbers, value, note)."""
    value, terms, extra = direct.cell(o, i, j)
    ch = spec.channels
    shown = terms[:MAX_TERMS_SHOWN]
    more = f" + … ({len(terms) - MAX_TERMS_SHOWN} more terms)" if len(terms) > MAX_TERMS_SHOWN else ""

    def xi(index: tuple[int, int, int]) -> str:
        return f"x[{_index(*index, ch)}]"

    if spec.pool == "max":
        formula = "max(" + ", ".join(xi(t[0]) for t in shown) + (", …" if more else "") + ")"
        numbers = "max(" + ", ".join("−∞" if (t[1] is None or not direct.real(t[0][1], t[0][2])) else
                                     _num(t[1]) for t in shown) + (", …" if more else "") + ")"
        return formula, numbers, value, f"the winner is {xi(extra)}"
    if spec.pool == "avg":
        formula = "(" + " + ".join(xi(t[0]) for t in shown) + more + f")/{extra}"
        numbers = "(" + " + ".join(_num(t[1]) if t[1] is not None else "·" for t in shown) + more + f")/{extra}"
        note = "" if spec.count_include_pad else "padded zeros are not counted"
        return formula, numbers, value, note
    def kernel(k: tuple[int, ...]) -> str:
        return f"w[{k[0]},{k[1]},{k[2]},{k[3]}]" if ch or spec.kernel.shape[0] > 1 else f"w[{k[2]},{k[3]}]"

    formula = " + ".join(f"{xi(t[0])}·{kernel(t[2])}" for t in shown) + more
    numbers = " + ".join(f"{_num(t[1])}·{_num(t[3])}" for t in shown) + more
    if spec.bias:
        formula += f" + b[{o}]" if ch else " + b"
        numbers += f" + {_num(spec.bias[o])}"
    return formula, numbers, value, ""


def conv_apply(spec: ApplySpec, *, cell: tuple[int, ...] | None = None, steps: int | None = None) -> Solution:
    """Apply the kernel (or pooling), with the worked sum of each shown cell and a direct check."""
    ho, wo = spec.output_size()
    what = ("max pooling" if spec.pool == "max" else "average pooling" if spec.pool else
            "a convolution (kernel flipped)" if spec.flip else "a cross-correlation")
    sol = Solution("conv-apply", f"apply {what}")
    sol.inputs = {"input_shape": list(spec.x.shape if spec.channels else spec.x.shape[1:])}
    if spec.w is not None:
        sol.inputs["kernel_shape"] = list(spec.w.shape if spec.channels or spec.groups > 1 else spec.w.shape[2:])
    sol.inputs.update({"stride": list(spec.stride), "padding": [list(p) for p in spec.padding],
                       "dilation": list(spec.dilation)})
    if not spec.pool:
        sol.inputs.update({"pad_mode": spec.pad_mode, "flip": spec.flip, "groups": spec.groups})
        if spec.bias:
            sol.inputs["bias"] = spec.bias
    else:
        sol.inputs.update({"pool": spec.pool, "kernel_size": list(spec.kernel_size), "ceil_mode": spec.ceil_mode})
        if spec.pool == "avg":
            sol.inputs["count_include_pad"] = spec.count_include_pad
    sol.display = {key: "×".join(map(str, v)) if isinstance(v, list) and all(isinstance(n, int) for n in v)
                   else ("yes" if v else "no") if isinstance(v, bool) else str(v)
                   for key, v in sol.inputs.items() if key != "padding"}
    for key, numbers in (("kernel", spec.w), ("input", spec.x)):  # prepended: input comes first
        if numbers is not None and numbers.size <= 10_000:  # small enough to repeat in --json
            values = numbers.nested()  # C×H×W input, O×(C/G)×Kh×Kw kernel
            if key == "input" and not spec.channels:
                values = values[0]
            elif key == "kernel" and not (spec.channels or spec.groups > 1):
                values = values[0][0]
            sol.inputs = {key: values, **sol.inputs}
            sol.display[key] = format_matrix_brief(values, array_shape(values))
    sol.display["padding"] = "×".join(str(a) if a == b else f"{a},{b}" for a, b in spec.padding) + (
        f" ({spec.pad_mode})" if not spec.pool else "")

    direct = Direct(spec)
    small = math.prod(direct.shape) <= 400
    if any(p != (0, 0) for p in spec.padding):
        (pt, pb), (pl, pr) = spec.padding
        note = (f"padding: the first {pt} and last {pb} rows, the first {pl} and last {pr} columns "
                f"({'−∞ for max pooling' if spec.pool == 'max' else 'zeros' if spec.pool else spec.pad_mode}); "
                "indices below are into this padded input")
        padded_value = _nested(direct, spec) if small else None
        sol.step("Padded input" + ("" if small else f" ({'×'.join(map(str, direct.shape[1:]))}, not shown)"),
                 value=padded_value, note=note)
    if not spec.pool:
        sol.step("Operation", "O[i,j] = Σ_a Σ_b x[i·S + a·D, j·S + b·D]·w[a,b]" + (" + b" if spec.bias else ""),
                 value="cross-correlation" if not spec.flip else "convolution",
                 note="cross-correlation, as deep learning frameworks compute it (no flip)" if not spec.flip else
                 "true convolution: the kernel is rotated by 180° first, w_flipped[a,b] = w[Kh−1−a, Kw−1−b]")
    elif spec.pool == "max":
        sol.step("Operation", "O[c,i,j] = max over the window of x[c, i·S + a·D, j·S + b·D]", value="max pooling",
                 note="padding is −∞ (PyTorch's implicit padding), so a padded position never wins")
    else:
        counted = ("padded zeros are counted in the divisor (count_include_pad=True, PyTorch's default)"
                   if spec.count_include_pad else
                   "padded zeros are not counted in the divisor (count_include_pad=False)")
        if spec.ceil_mode:
            counted += "; a ceil-mode window past the padded input divides by the part inside it"
        sol.step("Operation", "O[c,i,j] = (sum of the window of x[c, i·S + a, j·S + b]) / window size",
                 value="average pooling", note=counted)
    size_steps = conv_out(spec.conv_spec())
    for step in size_steps.steps:
        if not step.label.startswith(("TensorFlow", "PyTorch 'same'")):
            sol.steps.append(step)

    stored, value = output_values(spec)
    overflow = first_non_finite(spec, stored)
    if overflow is not None:
        raise InputError(f"the output overflows float64 at O[{_index(*overflow, spec.channels)}] (beyond ±1.8e308); "
                          "use smaller numbers", "--input")
    total_cells = spec.out_channels * ho * wo
    if cell is not None:
        chosen = [_cell_index(spec, cell, ho, wo)]
    else:
        limit = steps if steps is not None else (total_cells if total_cells <= DEFAULT_STEPS_ALL else
                                                  DEFAULT_STEPS_SOME)
        every = ((o, i, j) for o in range(spec.out_channels) for i in range(ho) for j in range(wo))
        chosen = list(itertools.islice(every, min(limit, MAX_CELLS_WRITTEN)))
    for o, i, j in chosen:
        formula, sums, cell_value, note = cell_step(spec, direct, o, i, j)
        sol.step(f"O[{_index(o, i, j, spec.channels)}]", formula, sums, cell_value, note=note)
    if cell is None and len(chosen) < total_cells:
        sol.step(f"… {total_cells - len(chosen):,} more cells", value=None,
                 note="computed the same way; --cell i,j shows any one, --steps N shows the first N")

    sol.result = {"output": Grid(spec, value), "output_size": [ho, wo] if not spec.channels else
                  [spec.out_channels, ho, wo]}
    sol.answer = f"output {'×'.join(map(str, sol.result['output_size']))}"
    _direct_check(sol, spec, direct, value, chosen)
    size_step = next(s for s in sol.steps if s.label.startswith("Output size"))
    sol.claims = ClaimTable({"output": Quantity(
        lambda: nested_output(spec, value), kind="array", shown=sol.result["output"],
        cell=lambda index: f"O[{','.join(map(str, index))}]",
        explain=lambda index: cell_step(spec, direct, *((0, *index) if len(index) == 2 else index))[1],
        why_shape=f"{size_step.substituted} = {size_step.value} per axis" if size_step.substituted else "",
        mistakes=lambda: alternatives(spec))}, default="output", combine=False)
    return sol


def format_matrix_brief(values: list, shape: tuple[int, ...]) -> str:
    """An input as people see it in the inputs line: the rows when small, else its shape."""
    if len(shape) == 2 and shape[0] * shape[1] <= 25:
        return "; ".join(" ".join(_num(v) for v in row) for row in values)
    return "×".join(map(str, shape)) + " array"


def _nested(direct: Direct, spec: ApplySpec) -> list:
    channels, rows, cols = direct.shape
    values = [[[direct.number(c, r, q) for q in range(cols)] for r in range(rows)] for c in range(channels)]
    return values if spec.channels else values[0]


def _cell_index(spec: ApplySpec, cell: tuple[int, ...], ho: int, wo: int) -> tuple[int, int, int]:
    if len(cell) == 2:
        if spec.out_channels > 1:
            raise InputError(f"the output has {spec.out_channels} channels: give o,i,j", "--cell")
        o, (i, j) = 0, cell
    elif len(cell) == 3:
        o, i, j = cell
    else:
        raise InputError("expected i,j (or o,i,j with channels)", "--cell")
    if not (0 <= o < spec.out_channels and 0 <= i < ho and 0 <= j < wo):
        raise InputError(f"cell {','.join(map(str, cell))} is outside the {spec.out_channels}×{ho}×{wo} output "
                          "(indices start at 0)" if spec.channels else
                          f"cell {i},{j} is outside the {ho}×{wo} output (indices start at 0)", "--cell")
    return o, i, j


def _direct_check(sol: Solution, spec: ApplySpec, direct: Direct, value, shown: list) -> None:
    """✓ line: the output (either core computes it tap by tap) against the window-by-window sums
    (every cell when there are at most DIRECT_CHECK_CELLS, else the shown cells, every border cell
    and a random sample)."""
    ho, wo = spec.output_size()
    every = [(o, i, j) for o in range(spec.out_channels) for i in range(ho) for j in range(wo)] \
        if spec.out_channels * ho * wo <= DIRECT_CHECK_CELLS else None
    if every is None:
        rng = random.Random(0)
        channels = range(spec.out_channels)
        border = {(o, i, j) for o in channels for i in (0, ho - 1) for j in range(0, wo, max(1, wo // 64))}
        border |= {(o, i, j) for o in channels for j in (0, wo - 1) for i in range(0, ho, max(1, ho // 64))}
        sample = {(rng.randrange(spec.out_channels), rng.randrange(ho), rng.randrange(wo)) for _ in range(1000)}
        cells = sorted(set(shown) | border | sample)
    else:
        cells = every
    exact = spec.x.exact and (spec.w is None or spec.w.exact) and all(
        not isinstance(b, float) for b in spec.bias)
    worst = 0.0
    bad = None
    for o, i, j in cells:
        direct_value = direct.cell(o, i, j)[0]
        core_value = value(o, i, j)
        if exact:
            same = direct_value == core_value
        else:
            scale = max(abs(float(direct_value)), 1e-300)
            gap = abs(float(direct_value) - float(core_value))
            worst = max(worst, gap / scale)
            same = gap <= 1e-9 * scale + 1e-12
        if not same and bad is None:
            bad = (o, i, j, direct_value, core_value)
    how = "exactly" if exact else ("to the last bit" if worst == 0 else f"to a relative error of {worst:.1e}")
    which = ("the one cell" if len(cells) == 1 else f"all {len(cells):,} cells") if every is not None else \
        f"{len(cells):,} cells (the shown ones, the borders and a sample)"
    detail = f"the output, computed tap by tap, equals the window-by-window sums {how} for {which}"
    if bad is not None:
        detail = f"cell {bad[:3]}: window-by-window sum {bad[3]} but tap by tap {bad[4]}"
    sol.add_check("direct loop over windows", "brute force", bad is None, detail)


# ---------------------------------------------------------------------------------------------
# Checking a claimed output
# ---------------------------------------------------------------------------------------------


def alternatives(spec: ApplySpec) -> list[Mistake]:
    """Whole outputs the usual slips produce: the kernel flipped (or not), stride 1, no padding,
    padding on one side only, the bias left out. Each is computed by the same core with one thing
    changed, when a claim is wrong; none for pooling, or for inputs too large to recompute cheaply."""
    if spec.pool or spec.x.size > MISTAKE_INPUT:
        return []

    def output(**changes: Any) -> Callable[[], list]:
        def make() -> list:
            changed = spec.replace(**changes)
            changed.output_size()
            stored, value = output_values(changed)
            if first_non_finite(changed, stored) is not None:
                raise InputError("the output overflows")
            return nested_output(changed, value)
        return make

    found = [Mistake("what cross-correlation gives (the kernel not flipped)" if spec.flip else
                     "what the flipped kernel gives (true convolution, not the cross-correlation frameworks compute)",
                     output(w=spec.kernel.flipped(), flip=not spec.flip))]
    if spec.stride != (1, 1):
        found.append(Mistake(f"what stride 1 gives (the window moved one step, not {'×'.join(map(str, spec.stride))})",
                             output(stride=(1, 1))))
    if any(p != (0, 0) for p in spec.padding):
        found.append(Mistake("what no padding gives", output(padding=((0, 0), (0, 0)))))
        found.append(Mistake("what padding only the top and left gives",
                             output(padding=tuple((p[0], 0) for p in spec.padding))))
    if spec.bias:
        found.append(Mistake("what leaving out the bias gives", output(bias=())))
    return found
