"""conv-apply's core: numpy, a block of output rows at a time, tap by tap.

The padded input
is never built whole: each block gathers the padded rows it needs through the padding modes'
index mapping, so memory stays near the input's and output's own size. Integers too large for
int64 use Python integers (object arrays). The definitions are in :mod:`dlcalc.core.conv_apply`;
:mod:`dlcalc.core.conv_apply.direct` recomputes the cells window by window as the independent check.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dlcalc.core.conv_apply.numbers import INT64_SAFE
from dlcalc.core.conv_apply.spec import ApplySpec

BLOCK_ELEMENTS = 1 << 16  # padded-input elements per block of output rows (fits in cache)


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
    x, w = spec.x.array, spec.kernel.array
    if x.dtype == np.int64 and w.dtype == np.int64:
        bound = spec.x.max_abs() * spec.kernel.max_abs() * w.shape[1] * w.shape[2] * w.shape[3]
        if bound >= INT64_SAFE:  # sums could overflow int64: use Python integers
            x, w = x.astype(object), w.astype(object)
    with np.errstate(over="ignore", invalid="ignore"):  # a float overflow is reported by the caller, by cell
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


def apply_pool(spec: ApplySpec) -> np.ndarray:
    """Max or average pooling (C×H'×W'): the window maxima, or the window sums (the divisors are
    :func:`dlcalc.core.conv_apply.direct.avg_divisors`)."""
    with np.errstate(over="ignore", invalid="ignore"):  # an overflowing sum is reported by the caller
        return _pool(spec)


def _pool(spec: ApplySpec) -> np.ndarray:
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
    return out


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

