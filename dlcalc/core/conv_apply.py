"""Applying a kernel or a pooling window to a matrix, worked out cell by cell.

Definitions (PyTorch ``Conv2d``, ``MaxPool2d`` and ``AvgPool2d`` documentation; Goodfellow,
Bengio & Courville, *Deep Learning*, eq. 9.6 for cross-correlation):

* cross-correlation (what deep learning frameworks compute, the default):
  ``O[o,i,j] = b[o] + Σ_c Σ_a Σ_b x̃[c, i·S_h + a·D_h, j·S_w + b·D_w] · w[o,c,a,b]``
  where ``x̃`` is the padded input and ``c`` runs over the input channels of o's group;
* true convolution (``--flip``): the same with the kernel rotated by 180°;
* max pooling: the largest element of each window (padding never wins: PyTorch pads with −∞);
* average pooling: the window's sum over its size, counting padded zeros or not
  (PyTorch's ``count_include_pad``); in ceil mode a window overhanging the padded input is
  divided by the part inside it.

Two cores compute the output. Small problems typed as text (at most ``PLAIN_WORK`` products) are
computed here in plain Python, tap by tap on a padded copy, without importing numpy (whose import
alone would double the start-up). Inputs from ``.npy`` files and larger problems go to the
vectorised numpy core in :mod:`dlcalc.core.conv_kernels`, a block of output rows at a time. Either
way :class:`Direct` recomputes the cells window by window as the independent check. Integer and
fraction inputs are computed exactly: fractions are scaled to integers by the lowest common
denominator, and integers too large for int64 use Python integers; an exact input with a float
kernel (or the reverse) is computed in floats. The output size comes from
:mod:`dlcalc.core.conv`, the code behind ``conv-out``.
"""

from __future__ import annotations

import itertools
import math
import os
import random
from fractions import Fraction
from typing import Any

from dlcalc.core.conv import (
    ConvSpec,
    broadcast,
    conv_out,
    conv_output_size,
    parse_padding,
    pool_output_size,
    same_padding,
)
from dlcalc.errors import DlcalcError
from dlcalc.parse import array_shape, flatten, parse_int, parse_number_list, parse_numeric, parse_shape, term
from dlcalc.solution import Solution

PAD_MODES = ("zeros", "reflect", "replicate", "circular")
NUMPY_PAD = {"zeros": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}
INT64_SAFE = 2**62
BLOCK_ELEMENTS = 1 << 16  # padded-input elements per block of output rows (fits in cache)
DEFAULT_STEPS_ALL = 36  # show every cell up to this many; beyond, the first few and a summary
DEFAULT_STEPS_SOME = 6
MAX_TERMS_SHOWN = 16  # terms of one sum written out before "…"
DIRECT_CHECK_CELLS = 4096  # cells the direct loop recomputes (all of them, up to this many)
MAX_CELLS_WRITTEN = 100_000  # --steps beyond this is capped: nobody reads more worked sums
PLAIN_WORK = 250_000  # products up to which text input is computed in plain Python (~18 ms; no numpy import)


# ---------------------------------------------------------------------------------------------
# Exact and float arrays
# ---------------------------------------------------------------------------------------------


class Numbers:
    """An input or kernel: stored numbers and how to read them, ``value = stored / scale`` exactly,
    or floats.

    ``exact`` numbers are stored as integers (the fractions they came from scaled by their lowest
    common denominator, ``scale``); ``big`` when some could overflow int64. The storage is either a
    flat Python list in C order (text input: small problems never import numpy) or a numpy array
    (``.npy`` input); ``array`` gives the numpy form, converting a list once when the vectorised
    core needs it.
    """

    __slots__ = ("flat", "_array", "shape", "scale", "exact", "big")

    def __init__(self, flat: list | None, shape: tuple[int, ...], scale: int = 1, exact: bool = True,
                 big: bool = False, array: Any = None) -> None:
        self.flat, self._array, self.shape = flat, array, tuple(shape)
        self.scale, self.exact, self.big = scale, exact, big

    @classmethod
    def from_array(cls, array: Any, scale: int = 1, exact: bool = True) -> Numbers:
        return cls(None, array.shape, scale, exact, big=array.dtype == object, array=array)

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return math.prod(self.shape)

    @property
    def array(self) -> Any:
        """The numbers as a numpy array (int64, object for big integers, or float64)."""
        if self._array is None:
            import numpy as np

            dtype = object if self.big else np.int64 if self.exact else np.float64
            self._array = np.array(self.flat, dtype=dtype).reshape(self.shape)
        return self._array

    def at(self, index: tuple[int, ...]) -> Any:
        """The stored element at a full index (for lists: the C-order offset)."""
        if self.flat is None:
            return self._array[index]
        offset = 0
        for k, n in zip(index, self.shape, strict=True):
            offset = offset * n + k
        return self.flat[offset]

    def value(self, raw: Any) -> int | Fraction | float:
        """A stored element as the number it stands for."""
        if not self.exact:
            return float(raw)
        return int(raw) if self.scale == 1 else _tidy(Fraction(int(raw), self.scale))

    def number(self, index: tuple[int, ...]) -> int | Fraction | float:
        return self.value(self.at(index))

    def nested(self) -> list:
        """Every number (as :meth:`value` reads it) in nested lists of this shape."""
        values = [self.value(v) for v in (self.flat if self.flat is not None else self._array.reshape(-1).tolist())]
        for n in reversed(self.shape[1:]):
            values = [values[k:k + n] for k in range(0, len(values), n)]
        return values

    def max_abs(self) -> int | float:
        if self.flat is not None:
            return max(map(abs, self.flat), default=0)
        return abs(self._array).max().item() if self._array.size else 0

    def _like(self, flat: list | None, shape: tuple[int, ...], array: Any = None) -> Numbers:
        return Numbers(flat, shape, self.scale, self.exact, self.big, array)

    def reshape(self, shape: tuple[int, ...]) -> Numbers:
        if self.flat is not None:
            return self._like(self.flat, shape)
        return self._like(None, shape, self._array.reshape(shape))

    def flipped(self) -> Numbers:
        """The last two axes reversed (the kernel rotated by 180°)."""
        if self.flat is None:
            import numpy as np

            return self._like(None, self.shape, np.ascontiguousarray(self._array[..., ::-1, ::-1]))
        plane = self.shape[-2] * self.shape[-1]
        flat = [v for k in range(0, len(self.flat), plane) for v in reversed(self.flat[k:k + plane])]
        return self._like(flat, self.shape)

    def repeated(self, times: int) -> Numbers:
        """Each block along the first axis repeated ``times`` times (numpy.repeat on axis 0)."""
        shape = (self.shape[0] * times, *self.shape[1:])
        if self.flat is None:
            import numpy as np

            return self._like(None, shape, np.repeat(self._array, times, axis=0))
        block = self.size // self.shape[0] if self.shape[0] else 0
        flat = [v for k in range(0, len(self.flat), block) for _ in range(times) for v in self.flat[k:k + block]]
        return self._like(flat, shape)

    def as_floats(self) -> Numbers:
        """The same numbers as floats (for mixing with a float kernel or input)."""
        if self.flat is not None:
            return Numbers([float(self.value(v)) for v in self.flat], self.shape, 1, exact=False)
        import numpy as np

        array = np.array([float(self.value(v)) for v in self._array.reshape(-1).tolist()]).reshape(self.shape) \
            if self.big or self.scale != 1 else self._array.astype(np.float64)
        return Numbers.from_array(array, 1, exact=False)


def _tidy(value: Fraction) -> int | Fraction:
    return value.numerator if value.denominator == 1 else value


def to_numbers(values: Any, option: str) -> Numbers:
    """Nested lists of ints/Fractions/floats (or a numpy array, from ``.npy``) as :class:`Numbers`."""
    if hasattr(values, "dtype"):  # a numpy array: numpy is imported already
        import numpy as np

        if values.dtype.kind == "f":
            return Numbers.from_array(np.asarray(values, dtype=np.float64), 1, exact=False)
        array = np.asarray(values)
        if array.dtype == object or int(abs(array).max()) >= INT64_SAFE:
            return Numbers.from_array(array.astype(object), 1, exact=True)
        return Numbers.from_array(array.astype(np.int64), 1, exact=True)
    flat = list(flatten(values))
    shape = array_shape(values)
    if any(isinstance(v, float) for v in flat):
        return Numbers([float(v) for v in flat], shape, 1, exact=False)
    scale = 1
    for v in flat:
        if isinstance(v, Fraction):
            scale = scale * v.denominator // math.gcd(scale, v.denominator)
    ints = [int(v * scale) for v in flat]
    big = max((abs(v) for v in ints), default=0) >= INT64_SAFE
    return Numbers(ints, shape, scale, exact=True, big=big)


# ---------------------------------------------------------------------------------------------
# The problem
# ---------------------------------------------------------------------------------------------


class ApplySpec:
    """A parsed and validated conv-apply problem (channels first: C×H×W, O×C/G×Kh×Kw)."""

    def __init__(self, x: Numbers, w: Numbers | None, bias: list, stride: tuple[int, int],
                 dilation: tuple[int, int], padding: tuple[tuple[int, int], tuple[int, int]],
                 padding_mode: str, pad_mode: str, groups: int, flip: bool, pool: str | None,
                 kernel_size: tuple[int, int], ceil_mode: bool, count_include_pad: bool,
                 channels: bool, convention: str) -> None:
        self.x, self.w, self.bias = x, w, bias
        self.stride, self.dilation, self.padding = stride, dilation, padding
        self.padding_mode, self.pad_mode, self.groups, self.flip = padding_mode, pad_mode, groups, flip
        self.pool, self.kernel_size, self.ceil_mode = pool, kernel_size, ceil_mode
        self.count_include_pad = count_include_pad
        self.channels = channels  # whether the input had a channel axis (3-D) or was a plain matrix
        self.convention = convention

    FIELDS = ("x", "w", "bias", "stride", "dilation", "padding", "padding_mode", "pad_mode", "groups", "flip",
              "pool", "kernel_size", "ceil_mode", "count_include_pad", "channels", "convention")

    def replace(self, **changes: Any) -> ApplySpec:
        """A copy with some fields changed (for trying out common mistakes), as ConvSpec.replace."""
        return ApplySpec(**{**{name: getattr(self, name) for name in self.FIELDS}, **changes})

    @property
    def in_channels(self) -> int:
        return self.x.shape[0]

    @property
    def out_channels(self) -> int:
        return self.in_channels if self.pool else self.w.shape[0]

    def output_size(self) -> tuple[int, int]:
        (kh, kw), (sh, sw), (dh, dw) = self.kernel_size, self.stride, self.dilation
        h, w = self.x.shape[1:]
        (pt, pb), (pl, pr) = self.padding
        if self.pool:
            return (pool_output_size(h, kh, sh, pt, dh, self.ceil_mode),
                    pool_output_size(w, kw, sw, pl, dw, self.ceil_mode))
        return conv_output_size(h, kh, sh, (pt, pb), dh), conv_output_size(w, kw, sw, (pl, pr), dw)

    def conv_spec(self) -> ConvSpec:
        """The same problem as conv-out sees it (for its output-size steps)."""
        return ConvSpec(tuple(self.x.shape[1:]), self.kernel_size, self.stride, self.padding, self.dilation,
                        self.padding_mode, self.convention, pool=self.pool, ceil_mode=self.ceil_mode)


def build_apply_spec(*, input_text: str | None, kernel_text: str | None, padding: str = "0",
                     stride: str | None = None, dilation: str = "1", bias: str | None = None,
                     flip: bool = False, pad_mode: str = "zeros", groups: int = 1,
                     pool: str | None = None, kernel_size: str | None = None, ceil_mode: bool = False,
                     count_include_pad: bool = True, convention: str = "torch", stdin=None) -> ApplySpec:
    """Parse and validate conv-apply's options (DlcalcError on bad input)."""
    if input_text is None:
        raise DlcalcError("is required: the input matrix, e.g. \"1 2; 3 4\" or @x.npy", "--input")
    if pad_mode not in PAD_MODES:
        raise DlcalcError(f"expected one of {', '.join(PAD_MODES)}, got {pad_mode!r}", "--pad-mode")
    if input_text.strip() == "-" and kernel_text is not None and kernel_text.strip() == "-":
        raise DlcalcError("only one of --input and --kernel can be read from stdin", "--kernel")
    x_values = parse_numeric(input_text, "--input", stdin=stdin)
    x = to_numbers(x_values if isinstance(x_values, list) or hasattr(x_values, "dtype") else [[x_values]],
                   "--input")
    if x.ndim == 1:
        x = x.reshape((1, x.size))
    if x.ndim not in (2, 3):
        raise DlcalcError(f"expected a matrix (H×W) or channels (C×H×W), got {_dims(x.shape)}", "--input")
    channels = x.ndim == 3
    if not channels:
        x = x.reshape((1, *x.shape))

    w = None
    if pool:
        if pool not in ("max", "avg"):
            raise DlcalcError(f"expected max or avg, got {pool!r}", "--pool")
        if kernel_text is not None:
            raise DlcalcError("pooling has no kernel matrix; give the window with --kernel-size", "--kernel")
        if kernel_size is None:
            raise DlcalcError("is required with --pool: the pooling window, e.g. 2 or 3x3", "--kernel-size")
        if flip or bias is not None or groups != 1:
            what = "--flip" if flip else "--bias" if bias is not None else "--groups"
            raise DlcalcError("applies to a convolution, not to pooling", what)
        ksize = broadcast(parse_shape(kernel_size, "--kernel-size", minimum=1), 2, "--kernel-size",
                          kernel_size, "2 axes")
    else:
        if kernel_size is not None:
            raise DlcalcError("is for pooling (--pool max|avg); a convolution takes --kernel MATRIX",
                              "--kernel-size")
        if ceil_mode:
            raise DlcalcError("applies only to pooling (add --pool max or --pool avg)", "--ceil-mode")
        if kernel_text is None:
            raise DlcalcError("is required: the kernel matrix, e.g. \"4 2; 5 1\" or @w.npy", "--kernel")
        w_values = parse_numeric(kernel_text, "--kernel", stdin=stdin)
        w = to_numbers(w_values if isinstance(w_values, list) or hasattr(w_values, "dtype") else [[w_values]],
                       "--kernel")
        if w.ndim == 1:
            w = w.reshape((1, w.size))
        w = _kernel_4d(w, channels, x.shape[0], groups)
        ksize = tuple(w.shape[2:])
        if flip:
            w = w.flipped()
        if x.exact != w.exact:  # an exact input with a float kernel (or the reverse) is computed in floats
            x, w = (x.as_floats(), w) if w.exact is False else (x, w.as_floats())

    strides = broadcast(parse_shape(stride, "--stride", minimum=1), 2, "--stride", stride, "2 axes") \
        if stride is not None else (ksize if pool else (1, 1))
    dilations = broadcast(parse_shape(dilation, "--dilation", minimum=1), 2, "--dilation", dilation, "2 axes")
    if pool == "avg" and dilations != (1, 1):
        raise DlcalcError("average pooling has no dilation (PyTorch's AvgPool has none)", "--dilation")
    mode, pads = parse_padding(padding, 2, "2 axes")
    h, wd = x.shape[1:]
    if mode == "same":
        if pool and convention == "torch":
            raise DlcalcError("PyTorch pooling has no padding='same'; use --convention tf", "--padding")
        if convention == "torch" and strides != (1, 1):
            raise DlcalcError(f"PyTorch refuses padding='same' with stride {strides[0]}x{strides[1]} "
                              "(it supports stride 1 only); use --convention tf for TensorFlow's SAME",
                              "--padding")
        pads = (same_padding(h, ksize[0], strides[0], dilations[0], convention),
                same_padding(wd, ksize[1], strides[1], dilations[1], convention))
    for axis, size in enumerate((h, wd)):
        left, right = pads[axis]
        span = dilations[axis] * (ksize[axis] - 1) + 1
        if span > size + left + right:
            raise DlcalcError(f"the kernel spans {span} {('rows', 'columns')[axis]} but the padded input "
                              f"has only {size} + {left} + {right} = {size + left + right}",
                              "--kernel-size" if pool else "--kernel")
        if pool and (left != right):
            raise DlcalcError(f"pooling takes the same padding on both sides, got {left},{right}", "--padding")
        if pool and mode == "explicit" and left > span // 2:
            raise DlcalcError(f"pool padding {left} is more than half the window ({span}//2 = {span // 2}); "
                              "PyTorch refuses it", "--padding")
        if pad_mode == "reflect" and max(left, right) >= size:
            raise DlcalcError(f"reflect padding {max(left, right)} must be smaller than the input's "
                              f"{size} {('rows', 'columns')[axis]} (PyTorch's rule)", "--padding")
        if pad_mode == "circular" and max(left, right) > size:
            raise DlcalcError(f"circular padding {max(left, right)} must be at most the input's {size} "
                              f"{('rows', 'columns')[axis]} (PyTorch's rule)", "--padding")
    if pool and pad_mode != "zeros":
        raise DlcalcError("pooling pads implicitly (−∞ for max, zeros for avg); --pad-mode is for "
                          "convolutions", "--pad-mode")

    bias_values: list = []
    if bias is not None:
        bias_values = parse_number_list(bias, "--bias")
        out_channels = w.shape[0]
        if len(bias_values) == 1 and out_channels > 1:
            bias_values = bias_values * out_channels
        if len(bias_values) != out_channels:
            raise DlcalcError(f"expected one bias per output channel ({out_channels}), got {len(bias_values)}",
                              "--bias")
    spec = ApplySpec(x, w, bias_values, strides, dilations, pads, mode, pad_mode, groups, flip, pool,
                     tuple(ksize), ceil_mode, count_include_pad, channels, convention)
    _check_memory(spec)
    return spec


def _dims(shape: tuple[int, ...]) -> str:
    return "×".join(map(str, shape)) + f" array ({len(shape)}-D)"


def _kernel_4d(w: Numbers, channels: bool, in_channels: int, groups: int) -> Numbers:
    """The kernel as O×(C/G)×Kh×Kw, checking it against the input's channels and the groups."""
    if groups < 1:
        raise DlcalcError(f"expected an integer ≥ 1, got {groups}", "--groups")
    if in_channels % groups:
        raise DlcalcError(f"{groups} groups do not divide the {in_channels} input channels", "--groups")
    kernel = w
    if kernel.ndim == 2:
        if channels and in_channels // groups != 1:
            raise DlcalcError(f"a {_dims(w.shape)} kernel fits one channel, but the input has {in_channels} "
                              f"channels in {groups} group(s); give O×{in_channels // groups}×Kh×Kw", "--kernel")
        kernel = kernel.reshape((1, 1, *kernel.shape))
        if groups > 1:  # one 2-D kernel for every channel of a depthwise convolution
            kernel = kernel.repeated(groups)
    elif kernel.ndim == 3:
        if not channels:
            raise DlcalcError(f"a {_dims(w.shape)} kernel needs an input with channels (C×H×W)", "--kernel")
        kernel = kernel.reshape((1, *kernel.shape))
    elif kernel.ndim != 4:
        raise DlcalcError(f"expected a kernel Kh×Kw, C×Kh×Kw or O×C×Kh×Kw, got {_dims(w.shape)}", "--kernel")
    if kernel.ndim == 4 and not channels and kernel.shape[1] != 1:
        raise DlcalcError(f"the kernel has {kernel.shape[1]} input channels but the input is a single matrix",
                          "--kernel")
    out_channels, per_group = kernel.shape[0], kernel.shape[1]
    if per_group != in_channels // groups:
        raise DlcalcError(f"the kernel expects {per_group} input channel(s) per group but the input has "
                          f"{in_channels} channels in {groups} group(s) = {in_channels // groups} per group",
                          "--kernel")
    if out_channels % groups:
        raise DlcalcError(f"{groups} groups do not divide the kernel's {out_channels} output channels",
                          "--groups")
    return kernel


def _check_memory(spec: ApplySpec) -> None:
    limit_text = os.environ.get("DLCALC_MAX_BYTES", "")
    try:
        limit = int(limit_text) if limit_text else 2 * 1024**3
    except ValueError:
        raise DlcalcError(f"DLCALC_MAX_BYTES must be a number of bytes, got {limit_text!r}", "--input") from None
    ho, wo = spec.output_size()
    per = 64 if spec.x.big else 8
    width = spec.x.shape[2] + sum(spec.padding[1])
    need = per * (spec.x.size + 2 * spec.out_channels * ho * wo + spec.in_channels * width * 8)
    work = spec.out_channels * ho * wo * spec.x.shape[0] // max(spec.groups, 1) * spec.kernel_size[0] * \
        spec.kernel_size[1]
    if need > limit:
        raise DlcalcError(f"this needs about {need / 1024**3:.1f} GiB, more than the {limit / 1024**3:.1f} GiB "
                          "limit; raise it with DLCALC_MAX_BYTES=<bytes>", "--input")
    if spec.x.big and work > 50_000_000:
        raise DlcalcError(f"numbers this large are computed exactly with Python integers, and "
                          f"{work:,} products would take minutes; scale the input down", "--input")


def avg_divisors(spec: ApplySpec, ho: int, wo: int) -> list[list[int]]:
    """How many elements each average-pooling window divides by (PyTorch's AvgPool2d): the window
    clipped to the padded input (ceil mode can overhang it), and without ``count_include_pad`` to
    the input itself; the product of the two axes' counts."""
    sizes = []
    for axis, n_out in enumerate((ho, wo)):
        size, k, s = spec.x.shape[1 + axis], spec.kernel_size[axis], spec.stride[axis]
        pad = spec.padding[axis][0]
        counts = []
        for i in range(n_out):
            start = i * s - pad
            end = min(start + k, size + pad)
            counts.append(end - start if spec.count_include_pad else min(end, size) - max(start, 0))
        sizes.append(counts)
    return [[rows * cols for cols in sizes[1]] for rows in sizes[0]]


# ---------------------------------------------------------------------------------------------
# Plain-Python core (small problems given as text: no numpy to import)
# ---------------------------------------------------------------------------------------------


def _plain(spec: ApplySpec) -> bool:
    """Whether the plain-Python core computes this problem: text input (lists, not ``.npy``) and at
    most PLAIN_WORK products, which it does faster than numpy can be imported."""
    ho, wo = spec.output_size()
    taps = spec.kernel_size[0] * spec.kernel_size[1] * (1 if spec.pool else spec.w.shape[1])
    lists = spec.x.flat is not None and (spec.w is None or spec.w.flat is not None)
    return lists and spec.out_channels * ho * wo * taps <= PLAIN_WORK


def _pad_line(line: list, before: int, after: int, mode: str, fill: Any) -> list:
    """A row (or a list of rows) padded the way ``numpy.pad`` builds it, by concatenation: constant
    ``fill`` (zeros), mirrored without repeating the edge (reflect), the edge repeated (replicate),
    or wrapped around (circular)."""
    if mode == "zeros":
        return [fill] * before + line + [fill] * after
    if mode == "replicate":
        return [line[0]] * before + line + [line[-1]] * after
    if mode == "circular":
        return line[len(line) - before:] + line + line[:after]
    return line[1:before + 1][::-1] + line + line[::-1][1:after + 1]


def plain_padded(spec: ApplySpec, fill: Any) -> list[list[list]]:
    """The padded input's stored numbers, channel by channel (C×Hp×Wp nested lists), extended by
    ``fill`` where a ceil-mode pooling window overhangs it."""
    channels, h, w = spec.x.shape
    (pt, pb), (pl, pr) = spec.padding
    mode = "zeros" if spec.pool else spec.pad_mode
    ho, wo = spec.output_size()
    (sh, sw), (dh, dw), (kh, kw) = spec.stride, spec.dilation, spec.kernel_size
    need_rows, need_cols = (ho - 1) * sh + dh * (kh - 1) + 1, (wo - 1) * sw + dw * (kw - 1) + 1
    extra_cols = max(0, need_cols - (w + pl + pr))
    planes = []
    for c in range(channels):
        rows = [_pad_line(spec.x.flat[(c * h + r) * w:(c * h + r + 1) * w], pl, pr, mode, fill) + [fill] * extra_cols
                for r in range(h)]
        padded = _pad_line(rows, pt, pb, mode, [fill] * len(rows[0]))
        planes.append(padded + [[fill] * len(rows[0])] * max(0, need_rows - len(padded)))
    return planes


def plain_kernel(spec: ApplySpec) -> list[list[list]]:
    """The output (O×H'×W' nested lists) as stored numbers, tap by tap: every kernel tap (c, a, b)
    adds ``w[o,c,a,b] · x̃[c, a·D + i·S, b·D + j·S]`` to every cell at once (the order of the
    vectorised core, on a padded copy built by concatenation; the check reads window by window)."""
    planes = plain_padded(spec, 0)
    ho, wo = spec.output_size()
    (sh, sw), (dh, dw), (kh, kw) = spec.stride, spec.dilation, spec.kernel_size
    out_channels, per_group = spec.w.shape[0], spec.w.shape[1]
    out_per_group = out_channels // spec.groups
    out = []
    for o in range(out_channels):
        acc = [[0] * wo for _ in range(ho)]
        first = (o // out_per_group) * per_group
        for cg in range(per_group):
            plane = planes[first + cg]
            for a in range(kh):
                for b in range(kw):
                    weight = spec.w.at((o, cg, a, b))
                    end = b * dw + sw * (wo - 1) + 1
                    for i in range(ho):
                        row = plane[i * sh + a * dh][b * dw:end:sw]
                        acc[i] = [total + weight * v for total, v in zip(acc[i], row, strict=True)]
        out.append(acc)
    return out


def plain_pool(spec: ApplySpec) -> list[list[list]]:
    """Max pooling's window maxima (padding never wins) or average pooling's window sums, tap by tap
    (C×H'×W' nested lists of stored numbers; the divisors are :func:`avg_divisors`)."""
    biggest = spec.pool == "max"
    planes = plain_padded(spec, None if biggest else 0)
    ho, wo = spec.output_size()
    (sh, sw), (dh, dw), (kh, kw) = spec.stride, spec.dilation, spec.kernel_size
    out = []
    for plane in planes:
        acc: list[list] = [[None if biggest else 0] * wo for _ in range(ho)]
        for a in range(kh):
            for b in range(kw):
                end = b * dw + sw * (wo - 1) + 1
                for i in range(ho):
                    row = plane[i * sh + a * dh][b * dw:end:sw]
                    if biggest:
                        acc[i] = [best if v is None or (best is not None and best >= v) else v
                                  for best, v in zip(acc[i], row, strict=True)]
                    else:
                        acc[i] = [total + v for total, v in zip(acc[i], row, strict=True)]
        out.append(acc)
    return out


# ---------------------------------------------------------------------------------------------
# Direct, one window at a time (the worked sums and the independent check)
# ---------------------------------------------------------------------------------------------


class Direct:
    """The input read one window at a time in plain Python numbers: the worked sum of any cell,
    and the independent check of the vectorised core.

    Each padded position is mapped back to the input by the padding modes' definitions, in Python
    (:meth:`_source`; neither core's way of padding). For a numpy input of up to ``PAD_COPY_LIMIT``
    elements, whose cells the vectorised core computed, the padded input is instead one
    ``numpy.pad`` copy, which is faster to read.
    """

    PAD_COPY_LIMIT = 4_000_000
    KERNEL_VALUES = 100_000  # kernels up to this size are read once into Python numbers

    def __init__(self, spec: ApplySpec) -> None:
        self.spec = spec
        channels, h, w = spec.x.shape
        (pt, pb), (pl, pr) = spec.padding
        self.shape = (channels, h + pt + pb, w + pl + pr)
        self.mode = "zeros" if spec.pool else spec.pad_mode
        self.padded = None
        if spec.x.flat is None and spec.x.size <= self.PAD_COPY_LIMIT:
            import numpy as np

            self.padded = np.pad(spec.x.array, ((0, 0), *spec.padding), mode=NUMPY_PAD[self.mode])
        # where each padded row and column comes from (None: zero padding), tabulated once per axis
        self.rows = [self._source(r - pt, h) for r in range(self.shape[1])]
        self.cols = [self._source(q - pl, w) for q in range(self.shape[2])]
        small_kernel = spec.w is not None and spec.w.size <= self.KERNEL_VALUES
        self.kernel = spec.w.nested() if small_kernel else None  # kernel[o][c][a][b] as numbers

    def real(self, r: int, q: int) -> bool:
        """Whether padded position (r, q) is an input element rather than padding."""
        (pt, _), (pl, _) = self.spec.padding
        h, w = self.spec.x.shape[1:]
        return 0 <= r - pt < h and 0 <= q - pl < w

    def _source(self, index: int, size: int) -> int | None:
        if self.mode == "zeros":
            return index if 0 <= index < size else None
        if self.mode == "replicate":
            return min(max(index, 0), size - 1)
        if self.mode == "circular":
            return index % size
        while not 0 <= index < size:  # reflect: mirror at the edge element, which is not repeated
            index = -index if index < 0 else 2 * (size - 1) - index
        return index

    def number(self, c: int, r: int, q: int) -> int | Fraction | float | None:
        """The padded input at (c, r, q) as a number; None beyond the padded input."""
        if r >= self.shape[1] or q >= self.shape[2]:
            return None
        x = self.spec.x
        if self.padded is not None:
            return x.value(self.padded[c, r, q])
        i, j = self.rows[r], self.cols[q]
        if i is None or j is None:
            return 0
        if x.flat is not None:
            _, h, w = x.shape
            return x.value(x.flat[(c * h + i) * w + j])
        return x.number((c, i, j))

    def window(self, o: int, i: int, j: int) -> list[tuple[tuple[int, int, int], Any, tuple, Any]]:
        """The terms of cell (o, i, j): (input index, input value, kernel index, kernel value)."""
        spec = self.spec
        (sh, sw), (dh, dw), (kh, kw) = spec.stride, spec.dilation, spec.kernel_size
        terms = []
        if spec.pool:
            for a in range(kh):
                for b in range(kw):
                    r, q = i * sh + a * dh, j * sw + b * dw
                    terms.append(((o, r, q), self.number(o, r, q), None, None))
            return terms
        per_group = spec.w.shape[1]
        group = o // (spec.w.shape[0] // spec.groups)
        for cg in range(per_group):
            c = group * per_group + cg
            for a in range(kh):
                for b in range(kw):
                    r, q = i * sh + a * dh, j * sw + b * dw
                    weight = self.kernel[o][cg][a][b] if self.kernel is not None else spec.w.number((o, cg, a, b))
                    terms.append(((c, r, q), self.number(c, r, q), (o, cg, a, b), weight))
        return terms

    def cell(self, o: int, i: int, j: int) -> tuple[Any, list, Any]:
        """The value of cell (o, i, j) computed from its window, the terms, and (pooling) the winner."""
        spec = self.spec
        terms = self.window(o, i, j)
        if spec.pool == "max":
            best = None
            for term in terms:
                index, value = term[0], term[1]
                if value is None or not self.real(index[1], index[2]):
                    continue
                if best is None or value > best[1]:
                    best = (index, value)
            return best[1], terms, best[0]
        if spec.pool == "avg":
            inside = [t for t in terms if t[1] is not None]
            counted = inside if spec.count_include_pad else [t for t in inside if self.real(t[0][1], t[0][2])]
            total = sum((t[1] for t in inside), start=0)
            divisor = len(counted)
            return _divide(total, divisor, spec.x.exact), terms, divisor
        total: Any = 0
        for _, xv, _, wv in terms:
            total = total + xv * wv
        if spec.bias:
            total = total + spec.bias[o]
        return total, terms, None


def _divide(total: Any, divisor: int, exact: bool) -> Any:
    if exact:
        return _tidy(Fraction(total) / divisor)
    return total / divisor


# ---------------------------------------------------------------------------------------------
# The worked solution
# ---------------------------------------------------------------------------------------------


def output_values(spec: ApplySpec) -> tuple[Any, Any]:
    """The whole output: (stored numbers, a function giving cell (o,i,j) as a number). Small
    problems given as text are computed by the plain-Python core, the rest by the numpy core."""
    if _plain(spec):
        stored = plain_pool(spec) if spec.pool else plain_kernel(spec)

        def raw(o: int, i: int, j: int) -> Any:
            return stored[o][i][j]
    else:
        from dlcalc.core import conv_kernels

        stored = conv_kernels.apply_pool(spec) if spec.pool else conv_kernels.apply_kernel(spec)

        def raw(o: int, i: int, j: int) -> Any:
            return stored[o, i, j]

    if spec.pool:
        divisors = avg_divisors(spec, *spec.output_size()) if spec.pool == "avg" else None

        def value(o: int, i: int, j: int) -> Any:
            number = spec.x.value(raw(o, i, j))
            return number if divisors is None else _divide(number, divisors[i][j], spec.x.exact)

        return stored, value
    exact = spec.x.exact and spec.w.exact
    scale = spec.x.scale * spec.w.scale

    def value(o: int, i: int, j: int) -> Any:
        total = raw(o, i, j)
        number = (int(total) if scale == 1 else _tidy(Fraction(int(total), scale))) if exact else float(total)
        if spec.bias:
            number = number + spec.bias[o]
            if isinstance(number, Fraction):
                number = _tidy(number)
        return number

    return stored, value


def first_non_finite(spec: ApplySpec, stored: Any) -> tuple[int, int, int] | None:
    """The first output cell (o, i, j) that overflowed to ±inf or NaN (float inputs only), bias
    included; None when every cell is finite. Exact outputs never overflow."""
    if spec.x.exact and (spec.w is None or spec.w.exact) and not any(isinstance(b, float) for b in spec.bias):
        return None
    bias = spec.bias or [0.0] * spec.out_channels
    if isinstance(stored, list):
        for o, plane in enumerate(stored):
            for i, row in enumerate(plane):
                for j, total in enumerate(row):
                    if not math.isfinite(float(total) + bias[o]):
                        return o, i, j
        return None
    import numpy as np

    with np.errstate(over="ignore", invalid="ignore"):
        for o in range(stored.shape[0]):
            plane = stored[o] + bias[o] if spec.bias else stored[o]
            bad = np.argwhere(~np.isfinite(plane))
            if bad.size:
                return o, int(bad[0][0]), int(bad[0][1])
    return None


class Grid:
    """The output: every cell as nested lists for JSON (``tolist``), and for people a preview
    that elides the middle of a large one (``preview``), so a 512×512 result prints in a blink."""

    __slots__ = ("spec", "value")

    def __init__(self, spec: ApplySpec, value) -> None:
        self.spec, self.value = spec, value

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


def nested_output(spec: ApplySpec, value) -> list:
    """The output as nested lists of numbers: H'×W' for a plain matrix, O×H'×W' with channels."""
    ho, wo = spec.output_size()
    channels = [[[value(o, i, j) for j in range(wo)] for i in range(ho)] for o in range(spec.out_channels)]
    return channels if spec.channels else channels[0]


def _index(o: int, i: int, j: int, channels: bool) -> str:
    return f"{o},{i},{j}" if channels else f"{i},{j}"


def _num(value: Any) -> str:
    """A number inside a worked sum: exact as it is, a float to 6 significant digits."""
    return term(value, 6)


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
    kernel = (lambda k: f"w[{k[0]},{k[1]},{k[2]},{k[3]}]") if ch or spec.w.shape[0] > 1 else (
        lambda k: f"w[{k[2]},{k[3]}]")
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
    size_steps = conv_out(spec.conv_spec(), symbolic=False)
    for step in size_steps.steps:
        if not step.label.startswith(("TensorFlow", "PyTorch 'same'")):
            sol.steps.append(step)

    stored, value = output_values(spec)
    overflow = first_non_finite(spec, stored)
    if overflow is not None:
        raise DlcalcError(f"the output overflows float64 at O[{_index(*overflow, spec.channels)}] (beyond ±1.8e308); "
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
        formula, numbers, cell_value, note = cell_step(spec, direct, o, i, j)
        sol.step(f"O[{_index(o, i, j, spec.channels)}]", formula, numbers, cell_value, note=note)
    if cell is None and len(chosen) < total_cells:
        sol.step(f"… {total_cells - len(chosen):,} more cells", value=None,
                 note="computed the same way; --cell i,j shows any one, --steps N shows the first N")

    sol.result = {"output": Grid(spec, value), "output_size": [ho, wo] if not spec.channels else
                  [spec.out_channels, ho, wo]}
    sol.answer = f"output {'×'.join(map(str, sol.result['output_size']))}"
    _direct_check(sol, spec, direct, value, chosen)
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
            raise DlcalcError(f"the output has {spec.out_channels} channels: give o,i,j", "--cell")
        o, (i, j) = 0, cell
    elif len(cell) == 3:
        o, i, j = cell
    else:
        raise DlcalcError("expected i,j (or o,i,j with channels)", "--cell")
    if not (0 <= o < spec.out_channels and 0 <= i < ho and 0 <= j < wo):
        raise DlcalcError(f"cell {','.join(map(str, cell))} is outside the {spec.out_channels}×{ho}×{wo} output "
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
    sol.check("direct loop over windows", "brute force", bad is None, detail)


# ---------------------------------------------------------------------------------------------
# Checking a claimed output
# ---------------------------------------------------------------------------------------------


def alternatives(spec: ApplySpec) -> list:
    """Whole outputs the usual slips produce: the kernel flipped (or not), stride 1, no padding,
    padding on one side only. Computed by the same core with one thing changed; skipped for
    inputs too large to recompute cheaply."""
    from dlcalc.verify import Alternative

    if spec.pool or spec.x.size > 250_000:
        return []
    found = []

    def attempt(description: str, **changes: Any) -> None:
        changed = spec.replace(**changes)
        try:
            changed.output_size()
            stored, value = output_values(changed)
        except (DlcalcError, ValueError):
            return
        if first_non_finite(changed, stored) is not None:
            return
        found.append(Alternative(description, nested_output(changed, value)))

    flipped = spec.w.flipped()
    attempt("what cross-correlation gives (the kernel not flipped)" if spec.flip else
            "what the flipped kernel gives (true convolution, not the cross-correlation frameworks compute)",
            w=flipped, flip=not spec.flip)
    if spec.stride != (1, 1):
        attempt("what stride 1 gives (the window moved one step, not "
                f"{'×'.join(map(str, spec.stride))})", stride=(1, 1))
    if any(p != (0, 0) for p in spec.padding):
        attempt("what no padding gives", padding=((0, 0), (0, 0)))
        attempt("what padding only the top and left gives", padding=tuple((p[0], 0) for p in spec.padding))
    if spec.bias:
        attempt("what leaving out the bias gives", bias=[])
    return found


def conv_apply_request(*, input_text: str | None, kernel_text: str | None, padding: str = "0",
                       stride: str | None = None, dilation: str = "1", bias: str | None = None,
                       flip: bool = False, pad_mode: str = "zeros", groups: int = 1, pool: str | None = None,
                       kernel_size: str | None = None, ceil_mode: bool = False, count_include_pad: bool = True,
                       convention: str = "torch", cell: str | None = None, steps: int | None = None,
                       check: str | None = None, rtol: float | None = None, atol: float | None = None,
                       stdin=None) -> Solution:
    """conv-apply from its option texts: compute, show the work, check a claimed output."""
    spec = build_apply_spec(input_text=input_text, kernel_text=kernel_text, padding=padding, stride=stride,
                            dilation=dilation, bias=bias, flip=flip, pad_mode=pad_mode, groups=groups,
                            pool=pool, kernel_size=kernel_size, ceil_mode=ceil_mode,
                            count_include_pad=count_include_pad, convention=convention, stdin=stdin)
    if steps is not None and steps < 0:
        raise DlcalcError(f"expected a number of cells ≥ 0, got {steps}", "--steps")
    sol = conv_apply(spec, cell=parse_cell(cell) if cell is not None else None, steps=steps)
    if check is not None:
        from dlcalc.verify import check_array

        direct = Direct(spec)
        grid = sol.result["output"]
        correct = grid.tolist()
        ho, wo = spec.output_size()
        size_step = next(s for s in sol.steps if s.label.startswith("Output size"))
        sol.verdict = check_array(
            check, correct, rtol=rtol, atol=atol,
            label=lambda index: f"O[{','.join(map(str, index))}]",
            explain=lambda index: cell_step(spec, direct, *((0, *index) if len(index) == 2 else index))[1],
            why_shape=f"{size_step.substituted} = {size_step.value} per axis" if size_step.substituted else "",
            alternatives=alternatives(spec))
        sol.verdict.correct = grid
    return sol


def parse_cell(text: str) -> tuple[int, ...]:
    """``--cell 0,1`` (or ``0,1,2`` with channels)."""
    parts = list(text.replace("[", " ").replace("]", " ").replace(",", " ").split())
    if len(parts) not in (2, 3):
        raise DlcalcError(f"expected i,j (or o,i,j), got {text!r}", "--cell")
    return tuple(parse_int(p, "--cell", minimum=0) for p in parts)
