"""Convolution and pooling arithmetic: output sizes, SAME padding, transposed convolution.

Formulas (one axis; sizes in elements):

* convolution / pooling, floor mode (PyTorch ``Conv2d``/``MaxPool2d`` docs; Dumoulin & Visin,
  *A guide to convolution arithmetic for deep learning*, 2016, relationship 15):
  ``O = ⌊(L + P_l + P_r − D(K−1) − 1)/S⌋ + 1``
* pooling, ceil mode (PyTorch ``pooling_output_shape``): ``O = ⌊(L + 2P − D(K−1) − 1 + (S−1))/S⌋ + 1``,
  then one less when the last window would start in the right padding, ``(O−1)S ≥ L + P``.
* transposed convolution (PyTorch ``ConvTranspose2d`` docs):
  ``O = (L−1)S − 2P + D(K−1) + OP + 1`` with ``OP < max(S, D)``.
* TensorFlow SAME (``tf.nn.convolution`` docs): ``O = ⌈L/S⌉``, total padding
  ``max((O−1)S + D(K−1) + 1 − L, 0)``, the odd pixel on the right/bottom.
* PyTorch ``padding='same'`` (stride 1 only): total padding ``D(K−1)``, the odd pixel on the right.

Every function here is pure Python (no numpy, no sympy) so that ``dlcalc conv-out`` starts fast;
the sympy cross-checks live in :mod:`dlcalc.symbolic.conv`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dlcalc.errors import DlcalcError
from dlcalc.parse import parse_int, parse_shape
from dlcalc.solution import Solution

if TYPE_CHECKING:
    from fractions import Fraction

    from dlcalc.verify import Mistake

Pad = tuple[int, int]

AXIS_NAMES = {1: ("length",), 2: ("height", "width"), 3: ("depth", "height", "width")}
AXIS_UNITS = {1: ("positions",), 2: ("rows", "columns"), 3: ("slices", "rows", "columns")}


# ---------------------------------------------------------------------------------------------
# The formulas, one axis at a time
# ---------------------------------------------------------------------------------------------


def effective_kernel(kernel: int, dilation: int = 1) -> int:
    """The span of a dilated kernel: ``D(K−1) + 1``."""
    return dilation * (kernel - 1) + 1


def conv_output_size(size: int, kernel: int, stride: int = 1, padding: int | Pad = 0,
                     dilation: int = 1) -> int:
    """Output length of a convolution along one axis.

    ``O = ⌊(L + P_l + P_r − D(K−1) − 1)/S⌋ + 1`` (PyTorch ``Conv2d`` documentation), with
    ``P_l = P_r = P`` for symmetric padding. Raises DlcalcError when the kernel does not fit.
    """
    left, right = _sides(padding)
    span = size + left + right - dilation * (kernel - 1) - 1
    if span < 0:
        raise DlcalcError(
            f"the kernel spans {effective_kernel(kernel, dilation)} but the padded input has only "
            f"{size + left + right}", "--kernel")
    return span // stride + 1


def pool_output_size(size: int, kernel: int, stride: int | None = None, padding: int = 0,
                     dilation: int = 1, ceil_mode: bool = False) -> int:
    """Output length of max/avg pooling along one axis, exactly as PyTorch computes it.

    Floor mode is the convolution formula; ceil mode is
    ``⌊(L + 2P − D(K−1) − 1 + (S−1))/S⌋ + 1``, less one when ``(O−1)S ≥ L + P``
    (the last window may not start in the right padding; ATen ``pooling_output_shape``).
    The stride defaults to the kernel size.
    """
    stride = kernel if stride is None else stride
    span = size + 2 * padding - dilation * (kernel - 1) - 1
    if span < 0:
        raise DlcalcError(
            f"the window spans {effective_kernel(kernel, dilation)} but the padded input has only "
            f"{size + 2 * padding}", "--kernel")
    if not ceil_mode:
        return span // stride + 1
    out = (span + stride - 1) // stride + 1
    if (out - 1) * stride >= size + padding:
        out -= 1
    return out


def transposed_output_size(size: int, kernel: int, stride: int = 1, padding: int = 0,
                           dilation: int = 1, output_padding: int = 0) -> int:
    """Output length of a transposed convolution along one axis.

    ``O = (L−1)S − 2P + D(K−1) + OP + 1`` (PyTorch ``ConvTranspose2d`` documentation).
    """
    return (size - 1) * stride - 2 * padding + dilation * (kernel - 1) + output_padding + 1


def same_padding(size: int, kernel: int, stride: int = 1, dilation: int = 1,
                 convention: str = "tf") -> Pad:
    """Padding (left, right) that SAME adds along one axis.

    TensorFlow: ``O = ⌈L/S⌉``, total ``max((O−1)S + D(K−1) + 1 − L, 0)``, left ``⌊total/2⌋``.
    PyTorch (stride 1 only): total ``D(K−1)``, left ``⌊total/2⌋``; the rest on the right.
    """
    if convention == "torch":
        total = dilation * (kernel - 1)
    else:
        out = -(-size // stride)
        total = max((out - 1) * stride + effective_kernel(kernel, dilation) - size, 0)
    return total // 2, total - total // 2


def _sides(padding: int | Pad) -> Pad:
    return (padding, padding) if isinstance(padding, int) else padding


# ---------------------------------------------------------------------------------------------
# Independent methods: brute-force counts of window positions
# ---------------------------------------------------------------------------------------------


def window_allowed(index: int, size: int, span: int, stride: int, padding: Pad,
                   ceil_mode: bool = False) -> bool:
    """Whether window ``index`` (starting at ``index·S`` in padded coordinates) may stand.

    It may when it fits inside the padded input; in ceil mode also when it overhangs the end,
    provided the window before it left part of the padded input uncovered and it does not start
    in the right padding (PyTorch's rule). No output-size formula is used.
    """
    left, right = padding
    padded = size + left + right
    start = index * stride
    if start + span <= padded:
        return True
    return ceil_mode and start - stride + span < padded and start < size + left


def count_window_positions(size: int, kernel: int, stride: int, padding: Pad, dilation: int = 1,
                           ceil_mode: bool = False, walk_limit: int = 100_000) -> int:
    """Count the windows that may stand on the padded axis, by trying window after window.

    The allowed windows are always the first n (a window that does not fit rules out the ones
    after it), so past ``walk_limit`` windows the end is found by doubling and bisection on
    :func:`window_allowed` instead of walking, which keeps a 10⁹-long axis instant.
    """
    span = effective_kernel(kernel, dilation)
    if not window_allowed(0, size, span, stride, padding, ceil_mode):
        return 0
    count = 1
    while count < walk_limit and window_allowed(count, size, span, stride, padding, ceil_mode):
        count += 1
    if count < walk_limit:
        return count
    low, high = count - 1, count  # window low is allowed; find one that is not
    while window_allowed(high, size, span, stride, padding, ceil_mode):
        low, high = high, 2 * high
    while high - low > 1:
        middle = (low + high) // 2
        if window_allowed(middle, size, span, stride, padding, ceil_mode):
            low = middle
        else:
            high = middle
    return high


def count_transposed_positions(size: int, kernel: int, stride: int, padding: int, dilation: int = 1,
                               output_padding: int = 0, scatter_limit: int = 1_000_000) -> int:
    """Scatter every input element through every kernel tap and measure the touched span.

    Input position ``i`` and tap ``k`` write to ``i·S + k·D`` of the full output; the result is
    the full span, cropped by ``padding`` on each side, plus ``output_padding`` on one side.
    Beyond ``scatter_limit`` writes only the first and last input elements are scattered (they
    bound the span).
    """
    inputs = range(size) if size * kernel <= scatter_limit else (0, size - 1)
    touched = {i * stride + k * dilation for i in inputs for k in range(kernel)}
    return max(touched) - min(touched) + 1 - 2 * padding + output_padding


# ---------------------------------------------------------------------------------------------
# The configuration of a conv-out run
# ---------------------------------------------------------------------------------------------


class ConvSpec:
    """One conv-out problem, per axis. ``padding`` holds (left, right) pairs after SAME is resolved.

    A plain class rather than a dataclass, to keep ``dlcalc conv-out`` quick to start.
    """

    __slots__ = ("size", "kernel", "stride", "padding", "dilation", "padding_mode", "convention",
                 "transposed", "output_padding", "pool", "ceil_mode")

    def __init__(self, size: tuple[int, ...], kernel: tuple[int, ...], stride: tuple[int, ...],
                 padding: tuple[Pad, ...], dilation: tuple[int, ...], padding_mode: str = "explicit",
                 convention: str = "torch", transposed: bool = False,
                 output_padding: tuple[int, ...] | None = None, pool: str | None = None,
                 ceil_mode: bool = False) -> None:
        self.size, self.kernel, self.stride = size, kernel, stride
        self.padding, self.dilation = padding, dilation
        self.padding_mode = padding_mode  # explicit | same | valid
        self.convention = convention
        self.transposed = transposed
        self.output_padding = output_padding if output_padding is not None else (0,) * len(size)
        self.pool = pool
        self.ceil_mode = ceil_mode

    def replace(self, **changes: object) -> ConvSpec:
        """A copy with some fields changed (for trying out common mistakes)."""
        fields = {name: getattr(self, name) for name in self.__slots__}
        fields.update(changes)
        return ConvSpec(**fields)  # type: ignore[arg-type]

    @property
    def naxes(self) -> int:
        return len(self.size)

    def axis(self, i: int) -> dict[str, int | Pad]:
        return {"size": self.size[i], "kernel": self.kernel[i], "stride": self.stride[i],
                "padding": self.padding[i], "dilation": self.dilation[i],
                "output_padding": self.output_padding[i]}

    def output_size(self) -> tuple[int, ...]:
        return tuple(axis_output(self, i) for i in range(self.naxes))


def axis_output(spec: ConvSpec, i: int) -> int:
    """The output length of axis ``i`` by the formula that fits the spec."""
    size, kernel, stride = spec.size[i], spec.kernel[i], spec.stride[i]
    (left, right), dilation = spec.padding[i], spec.dilation[i]
    if spec.transposed:
        return transposed_output_size(size, kernel, stride, left, dilation, spec.output_padding[i])
    if spec.pool and spec.ceil_mode:
        return pool_output_size(size, kernel, stride, left, dilation, ceil_mode=True)
    return conv_output_size(size, kernel, stride, (left, right), dilation)


def broadcast(values: tuple, naxes: int, option: str, text: str, size_text: str) -> tuple:
    """Repeat a one-axis value over every axis; refuse a count of axes that disagrees."""
    if len(values) == naxes:
        return values
    if len(values) == 1:
        return values * naxes
    raise DlcalcError(
        f"has {len(values)} axes ({text}) but --size has {naxes} ({size_text}); "
        f"give one value or one per axis", option)


def parse_padding(text: str, naxes: int, size_text: str) -> tuple[str, tuple[Pad, ...]]:
    """Parse ``--padding``: ``same``/``valid``, ``1`` (all sides), ``1x2`` (per axis),
    ``1,2`` (left 1, right 2 on every axis) or ``1,2x0,1`` (per axis, per side)."""
    word = text.strip().lower()
    if word in ("same", "valid"):
        return word, ((0, 0),) * naxes
    axes = []
    for part in text.replace("×", "x").replace("X", "x").split("x"):
        sides = [parse_int(s, "--padding", minimum=0) for s in part.split(",")]
        if len(sides) == 1:
            axes.append((sides[0], sides[0]))
        elif len(sides) == 2:
            axes.append((sides[0], sides[1]))
        else:
            raise DlcalcError(f"expected one value or 'left,right' per axis, got {part.strip()!r}",
                              "--padding")
    return "explicit", broadcast(tuple(axes), naxes, "--padding", text, size_text)


def build_spec(size: str, kernel: str, stride: str | None = None, padding: str = "0",
               dilation: str = "1", *, convention: str = "torch", transposed: bool = False,
               output_padding: str = "0", pool: str | None = None, ceil_mode: bool = False) -> ConvSpec:
    """Parse and validate conv-out's options into a :class:`ConvSpec` (DlcalcError when invalid)."""
    sizes = parse_shape(size, "--size", minimum=1)
    n = len(sizes)
    kernels = broadcast(parse_shape(kernel, "--kernel", minimum=1), n, "--kernel", kernel, size)
    if stride is None:
        strides = kernels if pool else (1,) * n
    else:
        strides = broadcast(parse_shape(stride, "--stride", minimum=1), n, "--stride", stride, size)
    dilations = broadcast(parse_shape(dilation, "--dilation", minimum=1), n, "--dilation", dilation, size)
    mode, pads = parse_padding(padding, n, size)
    ops = broadcast(parse_shape(output_padding, "--output-padding", minimum=0), n,
                    "--output-padding", output_padding, size)
    if convention not in ("torch", "tf"):
        raise DlcalcError(f"expected torch or tf, got {convention!r}", "--convention")
    if any(ops) and not transposed:
        raise DlcalcError("applies only to a transposed convolution (add --transposed)", "--output-padding")
    if ceil_mode and not pool:
        raise DlcalcError("applies only to pooling (add --pool max or --pool avg)", "--ceil-mode")
    if transposed and pool:
        raise DlcalcError("a layer is either transposed convolution or pooling, not both", "--pool")
    if pool and pool not in ("max", "avg"):
        raise DlcalcError(f"expected max or avg, got {pool!r}", "--pool")
    if pool == "avg" and any(d != 1 for d in dilations):
        raise DlcalcError("average pooling has no dilation (PyTorch's AvgPool has none)", "--dilation")

    if mode != "explicit" and transposed:
        raise DlcalcError(f"'{mode}' is not defined for a transposed convolution; give numbers",
                          "--padding")
    if mode == "same":
        if convention == "torch":
            if pool:
                raise DlcalcError("PyTorch pooling has no padding='same'; use --convention tf for "
                                  "TensorFlow's SAME", "--padding")
            if any(s != 1 for s in strides):
                raise DlcalcError(
                    f"PyTorch refuses padding='same' with stride {'x'.join(map(str, strides))} "
                    "(it supports stride 1 only); use --convention tf for TensorFlow's SAME",
                    "--padding")
        pads = tuple(same_padding(sizes[i], kernels[i], strides[i], dilations[i], convention)
                     for i in range(n))

    for i in range(n):
        left, right = pads[i]
        if (transposed or pool) and left != right:
            what = "a transposed convolution" if transposed else "pooling"
            raise DlcalcError(f"{what} takes the same padding on both sides, got {left},{right}",
                              "--padding")
        span = effective_kernel(kernels[i], dilations[i])
        if pool and mode == "explicit" and left > span // 2:
            raise DlcalcError(
                f"pool padding {left} is more than half the window ({span}//2 = {span // 2}); "
                "PyTorch refuses it", "--padding")
        if transposed:
            if ops[i] >= max(strides[i], dilations[i]):
                raise DlcalcError(
                    f"output padding {ops[i]} must be smaller than max(stride, dilation) = "
                    f"{max(strides[i], dilations[i])} (PyTorch's rule)", "--output-padding")
        elif span > sizes[i] + left + right:
            raise DlcalcError(
                f"the kernel spans {span} (D(K−1)+1 = {dilations[i]}·({kernels[i]}−1)+1) but the "
                f"padded input is only {sizes[i]} + {left} + {right} = {sizes[i] + left + right}",
                "--kernel")
    spec = ConvSpec(sizes, kernels, strides, pads, dilations, mode, convention, transposed, ops,
                    pool, ceil_mode)
    if transposed:
        for i in range(n):
            if axis_output(spec, i) < 1:
                raise DlcalcError(f"padding {pads[i][0]} crops the whole output (size "
                                  f"{axis_output(spec, i)}); use less padding", "--padding")
    return spec


# ---------------------------------------------------------------------------------------------
# The worked solution
# ---------------------------------------------------------------------------------------------


def _times(values: tuple) -> str:
    return "×".join(str(v) for v in values)


def _per_axis(values: tuple) -> str:
    """One value when every axis has it (``3``), else one per axis (``3×5``)."""
    return str(values[0]) if len(set(values)) == 1 else _times(values)


def _decimal(numerator: int, denominator: int) -> str:
    """``numerator/denominator`` (both ≥ 0) as a short decimal: exact when it ends within
    4 places, else ``≈`` and 4 places. Integer arithmetic only."""
    for places in range(5):
        scaled, rest = divmod(numerator * 10**places, denominator)
        if rest == 0:
            return _places(scaled, places)
    return "≈" + _places((numerator * 10**4 * 2 + denominator) // (2 * denominator), 4)


def _places(scaled: int, places: int) -> str:
    whole, frac = divmod(scaled, 10**places)
    return f"{whole}.{frac:0{places}d}" if places else str(whole)


def _axis_groups(spec: ConvSpec) -> list[list[int]]:
    """Axes grouped by identical parameters, so a square problem is worked once."""
    groups: dict[tuple, list[int]] = {}
    for i in range(spec.naxes):
        groups.setdefault(tuple(sorted(spec.axis(i).items())), []).append(i)
    return list(groups.values())


def _axes_label(spec: ConvSpec, axes: list[int]) -> str:
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


def conv_out(spec: ConvSpec, symbolic: bool = True) -> Solution:
    """Output size of a convolution, transposed convolution or pooling layer, worked per axis.

    Steps: SAME padding (if asked), the formula, the substitution, the division and what its floor
    drops, the result. Checks: a brute-force count of window positions and, when ``symbolic``,
    the formula evaluated by sympy.
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
    for axes in _axis_groups(spec):
        i = axes[0]
        where = _axes_label(spec, axes)
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
    if symbolic:
        from dlcalc.symbolic.conv import check_output_size

        for axes in _axis_groups(spec):
            check_output_size(sol, spec, axes[0], outputs[axes[0]], _axes_label(spec, axes))
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
                note = (f"{numerator}/{stride} = {_decimal(numerator, stride)}: the floor drops "
                        f"{_decimal(numerator % stride, stride)}, so the "
                        f"last {lost} input {many if lost > 1 else one}{tail} "
                        f"{'are' if lost > 1 else 'is'} never covered")
            else:
                note = (f"{numerator}/{stride} = {_decimal(numerator, stride)}: the floor drops only "
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
        sol.check(f"scatter count{where}", "brute force",
                  counted == out,
                  f"scattering {size} inputs through {kernel} taps touches a span that crops to {counted}")
        return
    counted = count_window_positions(size, kernel, stride, spec.padding[i], dilation, spec.ceil_mode)
    sol.check(f"window count{where}", "brute force", counted == out,
              f"sliding a {effective_kernel(kernel, dilation)}-wide window by {stride} over "
              f"{spec.padding[i][0]} + {size} + {spec.padding[i][1]} positions: {counted} positions")


# ---------------------------------------------------------------------------------------------
# Diagnosis of a wrong claim
# ---------------------------------------------------------------------------------------------


def _quotient(numerator: int, denominator: int) -> int | Fraction:
    """numerator/denominator exactly: an int when it divides (fractions is imported only when not)."""
    if numerator % denominator == 0:
        return numerator // denominator
    from fractions import Fraction

    return Fraction(numerator, denominator)


def common_mistakes(spec: ConvSpec) -> list[Mistake]:
    """Answers the usual slips produce, each with the output per axis it gives.

    Each is computed by the same formulas with one thing changed, so the diagnosis can say
    "28 is what stride 1 gives; with stride 4 the answer is 7".
    """
    from dlcalc.verify import Mistake

    found: list[Mistake] = []
    n = spec.naxes

    def attempt(description: str, make, context: str = "") -> None:
        try:
            values = tuple(make(i) for i in range(n))
        except (DlcalcError, ZeroDivisionError):
            return
        found.append(Mistake(description, values, context))

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


def conv_out_request(*, size: str | None, kernel: str | None, stride: str | None = None,
                     padding: str = "0", dilation: str = "1", convention: str = "torch",
                     transposed: bool = False, output_padding: str = "0", pool: str | None = None,
                     ceil_mode: bool = False, solve: str | None = None, out: str | None = None,
                     symbolic: bool = True, check: str | None = None, rtol: float | None = None,
                     atol: float | None = None) -> Solution:
    """conv-out from its option texts: compute (or solve), cross-check, and judge a claim."""
    if solve is not None:
        return _solve_request(size, kernel, stride, padding, dilation, transposed, output_padding,
                              pool, ceil_mode, solve, out, check)
    if out is not None:
        raise DlcalcError("is the target of --solve; add --solve padding|stride|kernel|dilation|size",
                          "--out")
    if size is None:
        raise DlcalcError("is required (the input size, e.g. 32 or 32x32)", "--size")
    if kernel is None:
        raise DlcalcError("is required (the kernel size, e.g. 5 or 3x3)", "--kernel")
    spec = build_spec(size, kernel, stride, padding, dilation, convention=convention,
                      transposed=transposed, output_padding=output_padding, pool=pool,
                      ceil_mode=ceil_mode)
    sol = conv_out(spec, symbolic=symbolic)
    if check is not None:
        from dlcalc.verify import check_claim

        sol.verdict = check_claim(check, sol.result["output_size"], rtol=rtol, atol=atol,
                                  mistakes=common_mistakes(spec),
                                  labels=list(AXIS_NAMES.get(spec.naxes, ())) or None)
    return sol


def _solve_request(size: str | None, kernel: str | None, stride: str | None, padding: str,
                   dilation: str, transposed: bool, output_padding: str, pool: str | None,
                   ceil_mode: bool, unknown: str, out: str | None, check: str | None) -> Solution:
    if out is None:
        raise DlcalcError("--solve needs the output size wanted, e.g. --out 32", "--out")
    if pool or ceil_mode:
        raise DlcalcError("solving is for convolutions; pooling's stride and ceil mode are not solved",
                          "--solve")
    target = parse_shape(out, "--out", minimum=1)
    n = len(target)
    given = {"size": size, "kernel": kernel, "stride": stride or "1", "padding": padding,
             "dilation": dilation}
    if given[unknown] not in (None, "0", "1") and unknown != "size" and unknown != "kernel":
        raise DlcalcError(f"--{unknown} is the unknown; leave it out", f"--{unknown}")
    for name in ("size", "kernel"):
        if name != unknown and given[name] is None:
            raise DlcalcError(f"is required to solve for the {unknown}", f"--{name}")
        if name == unknown and given[name] is not None:
            raise DlcalcError("is the unknown; leave it out", f"--{name}")
    values: dict[str, tuple[int, ...]] = {}
    for name, text in given.items():
        if name == unknown:
            continue
        if name == "padding":
            mode, pads = parse_padding(text, n, out)
            if mode != "explicit" or any(left != right for left, right in pads):
                raise DlcalcError("--solve takes a number for the padding, the same on both sides",
                                  "--padding")
            values[name] = tuple(left for left, _ in pads)
        else:
            values[name] = broadcast(parse_shape(text, f"--{name}", minimum=1), n, f"--{name}", text, out)
    ops = broadcast(parse_shape(output_padding, "--output-padding", minimum=0), n, "--output-padding",
                    output_padding, out)
    if check is not None:
        raise DlcalcError("checks a computed output; with --solve, check the unknown by running "
                          "conv-out with it", "--check")
    from dlcalc.symbolic.conv import solve as symbolic_solve

    return symbolic_solve(values, unknown, target, transposed=transposed, output_padding=ops)
