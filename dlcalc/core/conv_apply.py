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

The vectorised core works on numpy arrays, a block of output rows at a time (so the padded input
is never built whole and memory stays near the input's and output's own size). Integer and
fraction inputs are computed exactly: fractions are scaled to integers by the lowest common
denominator, and integers too large for int64 use Python integers. The output size comes from
:mod:`dlcalc.core.conv`, the code behind ``conv-out``.
"""

from __future__ import annotations

import itertools
import math
import os
import random
from fractions import Fraction
from typing import Any

import numpy as np

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


# ---------------------------------------------------------------------------------------------
# Exact and float arrays
# ---------------------------------------------------------------------------------------------


class Numbers:
    """A numpy array and how to read it: ``value = array / scale`` exactly, or floats.

    ``exact`` arrays hold integers (int64, or Python ints in an object array when they could
    overflow); ``scale`` is the common denominator of the fractions they came from.
    """

    __slots__ = ("array", "scale", "exact")

    def __init__(self, array: np.ndarray, scale: int = 1, exact: bool = True) -> None:
        self.array, self.scale, self.exact = array, scale, exact

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.array.shape)

    def value(self, raw: Any) -> int | Fraction | float:
        """A stored element as the number it stands for."""
        if not self.exact:
            return float(raw)
        return int(raw) if self.scale == 1 else _tidy(Fraction(int(raw), self.scale))

    def max_abs(self) -> int | float:
        return abs(self.array).max().item() if self.array.size else 0


def _tidy(value: Fraction) -> int | Fraction:
    return value.numerator if value.denominator == 1 else value


def to_numbers(values: Any, option: str) -> Numbers:
    """Nested lists of ints/Fractions/floats (or a numpy array) as :class:`Numbers`."""
    if isinstance(values, np.ndarray):
        if values.dtype.kind == "f":
            return Numbers(np.asarray(values, dtype=np.float64), 1, exact=False)
        array = np.asarray(values)
        if array.dtype == object or int(abs(array).max()) >= INT64_SAFE:
            return Numbers(array.astype(object), 1, exact=True)
        return Numbers(array.astype(np.int64), 1, exact=True)
    flat = list(flatten(values))
    shape = array_shape(values)
    if any(isinstance(v, float) for v in flat):
        return Numbers(np.array(flat, dtype=np.float64).reshape(shape), 1, exact=False)
    scale = 1
    for v in flat:
        if isinstance(v, Fraction):
            scale = scale * v.denominator // math.gcd(scale, v.denominator)
    ints = [int(v * scale) for v in flat]
    big = max((abs(v) for v in ints), default=0) >= INT64_SAFE
    array = np.array(ints, dtype=object if big else np.int64).reshape(shape)
    return Numbers(array, scale, exact=True)


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
    x = to_numbers(x_values if isinstance(x_values, (list, np.ndarray)) else [[x_values]], "--input")
    if x.array.ndim == 1:
        x = Numbers(x.array.reshape(1, -1), x.scale, x.exact)
    if x.array.ndim not in (2, 3):
        raise DlcalcError(f"expected a matrix (H×W) or channels (C×H×W), got {_dims(x.shape)}", "--input")
    channels = x.array.ndim == 3
    if not channels:
        x = Numbers(x.array.reshape((1, *x.shape)), x.scale, x.exact)

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
        w = to_numbers(w_values if isinstance(w_values, (list, np.ndarray)) else [[w_values]], "--kernel")
        if w.array.ndim == 1:
            w = Numbers(w.array.reshape(1, -1), w.scale, w.exact)
        w = _kernel_4d(w, channels, x.shape[0], groups)
        ksize = tuple(w.shape[2:])
        if flip:
            w = Numbers(np.ascontiguousarray(w.array[:, :, ::-1, ::-1]), w.scale, w.exact)

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
    array = w.array
    if array.ndim == 2:
        if channels and in_channels // groups != 1:
            raise DlcalcError(f"a {_dims(w.shape)} kernel fits one channel, but the input has {in_channels} "
                              f"channels in {groups} group(s); give O×{in_channels // groups}×Kh×Kw", "--kernel")
        array = array.reshape((1, 1, *array.shape))
        if groups > 1:  # one 2-D kernel for every channel of a depthwise convolution
            array = np.repeat(array, groups, axis=0)
    elif array.ndim == 3:
        if not channels:
            raise DlcalcError(f"a {_dims(w.shape)} kernel needs an input with channels (C×H×W)", "--kernel")
        array = array.reshape((1, *array.shape))
    elif array.ndim != 4:
        raise DlcalcError(f"expected a kernel Kh×Kw, C×Kh×Kw or O×C×Kh×Kw, got {_dims(w.shape)}", "--kernel")
    if array.ndim == 4 and not channels and array.shape[1] != 1:
        raise DlcalcError(f"the kernel has {array.shape[1]} input channels but the input is a single matrix",
                          "--kernel")
    out_channels, per_group = array.shape[0], array.shape[1]
    if per_group != in_channels // groups:
        raise DlcalcError(f"the kernel expects {per_group} input channel(s) per group but the input has "
                          f"{in_channels} channels in {groups} group(s) = {in_channels // groups} per group",
                          "--kernel")
    if out_channels % groups:
        raise DlcalcError(f"{groups} groups do not divide the kernel's {out_channels} output channels",
                          "--groups")
    return Numbers(array, w.scale, w.exact)


def _check_memory(spec: ApplySpec) -> None:
    limit_text = os.environ.get("DLCALC_MAX_BYTES", "")
    try:
        limit = int(limit_text) if limit_text else 2 * 1024**3
    except ValueError:
        raise DlcalcError(f"DLCALC_MAX_BYTES must be a number of bytes, got {limit_text!r}", "--input") from None
    ho, wo = spec.output_size()
    per = 8 if spec.x.array.dtype != object else 64
    width = spec.x.shape[2] + sum(spec.padding[1])
    need = per * (spec.x.array.size + 2 * spec.out_channels * ho * wo + spec.in_channels * width * 8)
    work = spec.out_channels * ho * wo * spec.x.shape[0] // max(spec.groups, 1) * spec.kernel_size[0] * \
        spec.kernel_size[1]
    if need > limit:
        raise DlcalcError(f"this needs about {need / 1024**3:.1f} GiB, more than the {limit / 1024**3:.1f} GiB "
                          "limit; raise it with DLCALC_MAX_BYTES=<bytes>", "--input")
    if spec.x.array.dtype == object and work > 50_000_000:
        raise DlcalcError(f"numbers this large are computed exactly with Python integers, and "
                          f"{work:,} products would take minutes; scale the input down", "--input")


# ---------------------------------------------------------------------------------------------
# Vectorised core
# ---------------------------------------------------------------------------------------------


def _source_index(positions: np.ndarray, size: int, before: int, mode: str) -> tuple[np.ndarray, np.ndarray]:
    """Map padded positions to input indices for a padding mode; also a mask of real elements
    (False for zero padding and for anything beyond the padded input)."""
    index = positions - before
    inside = (index >= 0) & (index < size)
    if mode == "reflect":
        index = np.abs(index)
        index = np.where(index >= size, 2 * (size - 1) - index, index)
        inside = np.ones_like(inside)
    elif mode == "replicate":
        index = np.clip(index, 0, size - 1)
        inside = np.ones_like(inside)
    elif mode == "circular":
        index = np.mod(index, size)
        inside = np.ones_like(inside)
    return np.clip(index, 0, size - 1), inside


def _padded_block(x: np.ndarray, rows: np.ndarray, cols: np.ndarray, padding, mode: str,
                  fill: Any) -> np.ndarray:
    """The padded input at the given padded rows and columns (C×len(rows)×len(cols)), gathered in
    one copy. Zero padding, and anything beyond the padded input (a ceil-mode pooling window
    overhanging it), is ``fill``."""
    (pt, _), (pl, _) = padding
    r_index, r_real = _source_index(rows, x.shape[1], pt, mode)
    c_index, c_real = _source_index(cols, x.shape[2], pl, mode)
    block = x[:, r_index[:, None], c_index[None, :]]
    if not r_real.all():
        block[:, ~r_real, :] = fill
    if not c_real.all():
        block[:, :, ~c_real] = fill
    return block


def apply_kernel(spec: ApplySpec) -> np.ndarray:
    """The output (O×H'×W') as stored integers (to be divided by the scale) or floats.

    A block of output rows at a time: the padded input rows that block needs are gathered, then
    each kernel tap adds ``w[:, :, a, b] · x̃[:, a·D + i·S, b·D + j·S]`` over the block (a matrix
    product over the channels of each group).
    """
    x, w = spec.x.array, spec.w.array
    if x.dtype == np.int64 and w.dtype == np.int64:
        bound = spec.x.max_abs() * spec.w.max_abs() * w.shape[1] * w.shape[2] * w.shape[3]
        if bound >= INT64_SAFE:  # sums could overflow int64: use Python integers
            x, w = x.astype(object), w.astype(object)
    if spec.stride == (1, 1) and x.dtype != object and w.dtype != object:
        return _apply_flat(spec, x, w)
    return _apply_strided(spec, x, w)


def _apply_flat(spec: ApplySpec, x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Stride 1: each tap is one matrix product on a view, no window copied.

    With stride 1 the padded rows a block needs, flattened per channel to C × (rows·Wp) with Wp
    the padded width, hold tap (a, b)'s window for the whole block as one slice starting at
    ``a·Dh·Wp + b·Dw``: output (i, j) sits at ``i·Wp + j``. The block is computed over the full
    padded width and the ``Wp − W'`` extra columns of each row are dropped. With no padding the
    block is a view of the input itself. (Measured in bench/conv_apply.py: 0.3× scipy's
    correlate2d on one channel, 1.0× an im2col matmul on 64 channels.)
    """
    c, h, width = x.shape
    ho, wo = spec.output_size()
    (dh, dw), (kh, kw) = spec.dilation, spec.kernel_size
    (pt, pb), (pl, pr) = spec.padding
    wp = width + pl + pr
    groups = spec.groups
    out_channels, per_group = w.shape[0], w.shape[1]
    out_per_group = out_channels // groups
    single = per_group == 1 and out_per_group == 1
    dtype = np.result_type(x.dtype, w.dtype)
    taps = np.ascontiguousarray(w.transpose(2, 3, 0, 1), dtype=dtype)  # Kh×Kw×O×(C/G)
    in_place = pt == pb == pl == pr == 0 and x.flags.c_contiguous
    if in_place and x.dtype != dtype:
        x = x.astype(dtype)
    out = np.empty((out_channels, ho, wo), dtype=dtype)
    rows_per_block = max(1, BLOCK_ELEMENTS // max(1, c * wp))
    cols = np.arange(wp)
    for r0 in range(0, ho, rows_per_block):
        r1 = min(ho, r0 + rows_per_block)
        n = r1 - r0
        if in_place:
            flat, base = x.reshape(c, h * width), r0 * wp
        else:
            span = n + dh * (kh - 1)
            block = _padded_block(x, np.arange(r0, r0 + span), cols, spec.padding, spec.pad_mode, 0)
            flat, base = block.astype(dtype, copy=False).reshape(c, span * wp), 0
        length = (n - 1) * wp + wo
        acc = np.zeros((out_channels, n * wp), dtype=dtype)
        scratch = np.empty((out_per_group, length), dtype=dtype)
        for g in range(groups):
            xg = flat[g * per_group:(g + 1) * per_group]
            ag = acc[g * out_per_group:(g + 1) * out_per_group, :length]
            for a in range(kh):
                for b in range(kw):
                    start = base + a * dh * wp + b * dw
                    view = xg[:, start:start + length]
                    if single:
                        np.multiply(view[0], taps[a, b, g, 0], out=scratch[0])
                    else:
                        np.matmul(taps[a, b, g * out_per_group:(g + 1) * out_per_group], view, out=scratch)
                    ag += scratch
        out[:, r0:r1] = acc.reshape(out_channels, n, wp)[:, :, :wo]
    return out


def _apply_strided(spec: ApplySpec, x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Any stride: each tap adds ``w[:, :, a, b] · x̃[:, a·D + i·S, b·D + j·S]`` over a block."""
    ho, wo = spec.output_size()
    (sh, sw), (dh, dw) = spec.stride, spec.dilation
    kh, kw = spec.kernel_size
    groups = spec.groups
    out_channels, per_group = w.shape[0], w.shape[1]
    out_per_group = out_channels // groups
    dtype = np.result_type(x.dtype, w.dtype)
    out = np.zeros((out_channels, ho, wo), dtype=dtype)
    cols = np.arange(0, (wo - 1) * sw + dw * (kw - 1) + 1)
    rows_per_block = max(1, BLOCK_ELEMENTS // max(1, x.shape[0] * len(cols) * sh))
    single = per_group == 1 and out_per_group == 1
    for r0 in range(0, ho, rows_per_block):
        r1 = min(ho, r0 + rows_per_block)
        rows = np.arange(r0 * sh, (r1 - 1) * sh + dh * (kh - 1) + 1)
        block = _padded_block(x, rows, cols, spec.padding, spec.pad_mode, 0)
        n = r1 - r0
        for g in range(groups):
            xg = block[g * per_group:(g + 1) * per_group]
            wg = w[g * out_per_group:(g + 1) * out_per_group]
            acc = out[g * out_per_group:(g + 1) * out_per_group, r0:r1]
            for a in range(kh):
                for b in range(kw):
                    xs = xg[:, a * dh: a * dh + sh * (n - 1) + 1: sh, b * dw: b * dw + sw * (wo - 1) + 1: sw]
                    if single:
                        acc[0] += wg[0, 0, a, b] * xs[0]
                    else:
                        acc += np.tensordot(wg[:, :, a, b], xs, axes=(1, 0))
    return out


def apply_pool(spec: ApplySpec) -> tuple[np.ndarray, np.ndarray | None]:
    """Max or average pooling (C×H'×W'): stored values, and for average pooling the divisor grid."""
    x = spec.x.array
    ho, wo = spec.output_size()
    (sh, sw), (dh, dw), (kh, kw) = spec.stride, spec.dilation, spec.kernel_size
    rows_all = np.arange(0, (ho - 1) * sh + dh * (kh - 1) + 1)
    cols = np.arange(0, (wo - 1) * sw + dw * (kw - 1) + 1)
    if spec.pool == "max":
        fill = -np.inf if x.dtype.kind == "f" else (x.min() - 1 if x.size else 0)
    else:
        fill = 0
    out = np.empty((x.shape[0], ho, wo), dtype=x.dtype if spec.pool == "max" else x.dtype)
    rows_per_block = max(1, BLOCK_ELEMENTS // max(1, x.shape[0] * len(cols) * sh))
    for r0 in range(0, ho, rows_per_block):
        r1 = min(ho, r0 + rows_per_block)
        rows = rows_all[r0 * sh:(r1 - 1) * sh + dh * (kh - 1) + 1]
        block = _padded_block(x, rows, cols, spec.padding, "zeros", fill)
        n = r1 - r0
        acc = None
        for a in range(kh):
            for b in range(kw):
                xs = block[:, a * dh: a * dh + sh * (n - 1) + 1: sh, b * dw: b * dw + sw * (wo - 1) + 1: sw]
                if acc is None:
                    acc = xs.copy()
                elif spec.pool == "max":
                    np.maximum(acc, xs, out=acc)
                else:
                    acc += xs
        out[:, r0:r1] = acc
    if spec.pool == "max":
        return out, None
    return out, _avg_divisors(spec, ho, wo)


def _avg_divisors(spec: ApplySpec, ho: int, wo: int) -> np.ndarray:
    """How many elements each average-pooling window divides by (PyTorch's AvgPool2d)."""
    sizes = []
    for axis, n_out in enumerate((ho, wo)):
        size, k, s = spec.x.shape[1 + axis], spec.kernel_size[axis], spec.stride[axis]
        pad = spec.padding[axis][0]
        start = np.arange(n_out) * s - pad
        end = np.minimum(start + k, size + pad)
        if spec.count_include_pad:
            sizes.append(end - start)
        else:
            sizes.append(np.minimum(end, size) - np.maximum(start, 0))
    return np.outer(sizes[0], sizes[1])


# ---------------------------------------------------------------------------------------------
# Direct, one window at a time (the worked sums and the independent check)
# ---------------------------------------------------------------------------------------------


class Direct:
    """The input read one window at a time in plain Python numbers: the worked sum of any cell,
    and the independent check of the vectorised core.

    The padded input is built by ``numpy.pad`` (not the core's index mapping); for an input over
    ``PAD_COPY_LIMIT`` elements, where a padded copy would cost another input's worth of memory,
    each padded position is instead mapped back by the padding modes' definitions, in Python.
    """

    PAD_COPY_LIMIT = 4_000_000

    def __init__(self, spec: ApplySpec) -> None:
        self.spec = spec
        x = spec.x.array
        (pt, pb), (pl, pr) = spec.padding
        self.shape = (x.shape[0], x.shape[1] + pt + pb, x.shape[2] + pl + pr)
        self.mode = "zeros" if spec.pool else spec.pad_mode
        self.padded = np.pad(x, ((0, 0), *spec.padding), mode=NUMPY_PAD[self.mode]) \
            if x.size <= self.PAD_COPY_LIMIT else None

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

    def _x(self, c: int, r: int, q: int) -> int | Fraction | float | None:
        """The padded input at (c, r, q) as a number; None beyond the padded input."""
        if r >= self.shape[1] or q >= self.shape[2]:
            return None
        if self.padded is not None:
            return self.spec.x.value(self.padded[c, r, q])
        (pt, _), (pl, _) = self.spec.padding
        i, j = self._source(r - pt, self.spec.x.shape[1]), self._source(q - pl, self.spec.x.shape[2])
        return 0 if i is None or j is None else self.spec.x.value(self.spec.x.array[c, i, j])

    def window(self, o: int, i: int, j: int) -> list[tuple[tuple[int, int, int], Any, tuple, Any]]:
        """The terms of cell (o, i, j): (input index, input value, kernel index, kernel value)."""
        spec = self.spec
        (sh, sw), (dh, dw), (kh, kw) = spec.stride, spec.dilation, spec.kernel_size
        terms = []
        if spec.pool:
            for a in range(kh):
                for b in range(kw):
                    r, q = i * sh + a * dh, j * sw + b * dw
                    terms.append(((o, r, q), self._x(o, r, q), None, None))
            return terms
        per_group = spec.w.shape[1]
        group = o // (spec.w.shape[0] // spec.groups)
        for cg in range(per_group):
            c = group * per_group + cg
            for a in range(kh):
                for b in range(kw):
                    r, q = i * sh + a * dh, j * sw + b * dw
                    terms.append(((c, r, q), self._x(c, r, q), (o, cg, a, b),
                                  spec.w.value(spec.w.array[o, cg, a, b])))
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


def output_values(spec: ApplySpec) -> tuple[np.ndarray, Any]:
    """The whole output, vectorised: (stored array, a function giving cell (o,i,j) as a number)."""
    if spec.pool:
        stored, divisors = apply_pool(spec)

        def value(o: int, i: int, j: int) -> Any:
            raw = spec.x.value(stored[o, i, j])
            return raw if divisors is None else _divide(raw, int(divisors[i, j]), spec.x.exact)

        return stored, value
    stored = apply_kernel(spec)
    exact = spec.x.exact and spec.w.exact
    scale = spec.x.scale * spec.w.scale

    def value(o: int, i: int, j: int) -> Any:
        raw = stored[o, i, j]
        number = (int(raw) if scale == 1 else _tidy(Fraction(int(raw), scale))) if exact else float(raw)
        if spec.bias:
            number = number + spec.bias[o]
            if isinstance(number, Fraction):
                number = _tidy(number)
        return number

    return stored, value


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
        if numbers is not None and numbers.array.size <= 10_000:  # small enough to repeat in --json
            values = [[[[numbers.value(v) for v in row] for row in plane] for plane in block]
                      for block in numbers.array.reshape((-1, *numbers.shape[-3:]) if numbers.array.ndim >= 3
                                                         else (1, 1, *numbers.shape))]
            if key == "input":
                values = values[0] if spec.channels else values[0][0]
            elif not (spec.channels or spec.groups > 1):
                values = values[0][0]
            sol.inputs = {key: values, **sol.inputs}
            sol.display[key] = format_matrix_brief(values, array_shape(values))
    sol.display["padding"] = "×".join(str(a) if a == b else f"{a},{b}" for a, b in spec.padding) + (
        f" ({spec.pad_mode})" if not spec.pool else "")

    direct = Direct(spec)
    small = direct.padded is not None and direct.padded.size <= 400
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
    values = [[[spec.x.value(v) for v in row] for row in channel] for channel in direct.padded]
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
    """✓ line: the vectorised output against the window-by-window sum (every cell when there are
    at most DIRECT_CHECK_CELLS, else the shown cells, every border cell and a random sample)."""
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
    which = f"all {len(cells):,} cells" if every is not None else \
        f"{len(cells):,} cells (the shown ones, the borders and a sample)"
    detail = f"the vectorised output equals the window-by-window sums {how} for {which}"
    if bad is not None:
        detail = f"cell {bad[:3]}: window-by-window sum {bad[3]} but vectorised {bad[4]}"
    sol.check("direct loop over windows", "brute force", bad is None, detail)


# ---------------------------------------------------------------------------------------------
# Checking a claimed output
# ---------------------------------------------------------------------------------------------


def alternatives(spec: ApplySpec) -> list:
    """Whole outputs the usual slips produce: the kernel flipped (or not), stride 1, no padding,
    padding on one side only. Computed by the same core with one thing changed; skipped for
    inputs too large to recompute cheaply."""
    from dlcalc.verify import Alternative

    if spec.pool or spec.x.array.size > 250_000:
        return []
    found = []

    def attempt(description: str, **changes: Any) -> None:
        changed = spec.replace(**changes)
        try:
            changed.output_size()
            stored, value = output_values(changed)
        except (DlcalcError, ValueError):
            return
        found.append(Alternative(description, nested_output(changed, value)))

    flipped = Numbers(np.ascontiguousarray(spec.w.array[:, :, ::-1, ::-1]), spec.w.scale, spec.w.exact)
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
