"""A conv-apply problem, channels first (C×H×W input, O×C/G×Kh×Kw kernel), and its rules.

The layer's rules (stride, padding, dilation, pooling) are conv-out's, in :mod:`dlcalc.core.conv.spec`;
here are the rest: the kernel's shape against the input's channels and the groups (PyTorch's
``Conv2d(groups=G)``), one bias per output channel, PyTorch's limits on reflect and circular padding,
and the memory the problem needs.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from dlcalc.core.conv import ConvSpec, layer
from dlcalc.core.conv.formulas import Pad
from dlcalc.core.conv_apply.numbers import Numbers, to_numbers
from dlcalc.errors import InputError
from dlcalc.parse.text import DEFAULT_MAX_BYTES, ENV_MAX_BYTES, env_limit

PAD_MODES = ("zeros", "reflect", "replicate", "circular")
NUMPY_PAD = {"zeros": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}


@dataclass(frozen=True, slots=True)
class ApplySpec:
    """A validated conv-apply problem. ``channels`` says whether the input had a channel axis (C×H×W)
    or was a plain matrix (then C = 1). ``bias`` has one number per output channel, or none."""

    x: Numbers
    w: Numbers | None
    bias: tuple[int | Fraction | float, ...]
    stride: tuple[int, ...]
    dilation: tuple[int, ...]
    padding: tuple[Pad, ...]
    padding_mode: str
    pad_mode: str
    groups: int
    flip: bool
    pool: str | None
    kernel_size: tuple[int, ...]
    ceil_mode: bool
    count_include_pad: bool
    channels: bool
    convention: str

    def replace(self, **changes: Any) -> ApplySpec:
        """A copy with some fields changed (for trying out common mistakes)."""
        return dataclasses.replace(self, **changes)

    @property
    def in_channels(self) -> int:
        return self.x.shape[0]

    @property
    def out_channels(self) -> int:
        return self.in_channels if self.pool or self.w is None else self.w.shape[0]

    @property
    def kernel(self) -> Numbers:
        """The kernel (a convolution always has one)."""
        assert self.w is not None
        return self.w

    def conv_spec(self) -> ConvSpec:
        """The same problem as conv-out sees it (for its output-size steps)."""
        return ConvSpec(tuple(self.x.shape[1:]), self.kernel_size, self.stride, self.padding, self.dilation,
                        self.padding_mode, self.convention, pool=self.pool, ceil_mode=self.ceil_mode)

    def output_size(self) -> tuple[int, int]:
        out = self.conv_spec().output_size()
        return out[0], out[1]


def _dims(shape: tuple[int, ...]) -> str:
    return "×".join(map(str, shape)) + f" array ({len(shape)}-D)"


def apply_spec(x_values: Any, w_values: Any = None, *, bias: list | None = None, stride: tuple[int, ...] | None = None,
               dilation: tuple[int, ...] = (1, 1), padding: str = "explicit", pads: tuple[Pad, ...] = ((0, 0), (0, 0)),
               pad_mode: str = "zeros", groups: int = 1, flip: bool = False, pool: str | None = None,
               kernel_size: tuple[int, ...] | None = None, ceil_mode: bool = False, count_include_pad: bool = True,
               convention: str = "torch") -> ApplySpec:
    """A validated problem from the input and kernel (nested lists, a number or a numpy array) and the
    layer's per-axis values (two axes); InputError names the option at fault."""
    if pad_mode not in PAD_MODES:
        raise InputError(f"expected one of {', '.join(PAD_MODES)}, got {pad_mode!r}", "--pad-mode")
    x = to_numbers(x_values if isinstance(x_values, list) or hasattr(x_values, "dtype") else [[x_values]])
    if x.ndim == 1:
        x = x.reshape((1, x.size))
    if x.ndim not in (2, 3):
        raise InputError(f"expected a matrix (H×W) or channels (C×H×W), got {_dims(x.shape)}", "--input")
    channels = x.ndim == 3
    if not channels:
        x = x.reshape((1, *x.shape))
    w = None
    if pool:
        if pool not in ("max", "avg"):
            raise InputError(f"expected max or avg, got {pool!r}", "--pool")
        if w_values is not None:
            raise InputError("pooling has no kernel matrix; give the window with --kernel-size", "--kernel")
        if kernel_size is None:
            raise InputError("is required with --pool: the pooling window, e.g. 2 or 3x3", "--kernel-size")
        if flip or bias is not None or groups != 1:
            what = "--flip" if flip else "--bias" if bias is not None else "--groups"
            raise InputError("applies to a convolution, not to pooling", what)
        if pad_mode != "zeros":
            raise InputError("pooling pads implicitly (−∞ for max, zeros for avg); --pad-mode is for convolutions",
                             "--pad-mode")
        window = kernel_size
    else:
        if kernel_size is not None:
            raise InputError("is for pooling (--pool max|avg); a convolution takes --kernel MATRIX", "--kernel-size")
        if ceil_mode:
            raise InputError("applies only to pooling (add --pool max or --pool avg)", "--ceil-mode")
        if w_values is None:
            raise InputError("is required: the kernel matrix, e.g. \"4 2; 5 1\" or @w.npy", "--kernel")
        w = to_numbers(w_values if isinstance(w_values, list) or hasattr(w_values, "dtype") else [[w_values]])
        if w.ndim == 1:
            w = w.reshape((1, w.size))
        w = _kernel_4d(w, channels, x.shape[0], groups)
        window = (w.shape[2], w.shape[3])
        if flip:
            w = w.flipped()
        if x.exact != w.exact:  # an exact input with a float kernel (or the reverse) is computed in floats
            x, w = (x.as_floats(), w) if w.exact is False else (x, w.as_floats())
    size = (x.shape[1], x.shape[2])
    window_spec = layer(size, window, stride, padding, dilation, pads=pads, convention=convention, pool=pool,
                        ceil_mode=ceil_mode, options={"kernel": "--kernel-size" if pool else "--kernel"})
    for axis, length in enumerate(size):
        side = max(window_spec.padding[axis])
        what = ("rows", "columns")[axis]
        if pad_mode == "reflect" and side >= length:
            raise InputError(f"reflect padding {side} must be smaller than the input's {length} {what} "
                             "(PyTorch's rule)", "--padding")
        if pad_mode == "circular" and side > length:
            raise InputError(f"circular padding {side} must be at most the input's {length} {what} (PyTorch's rule)",
                             "--padding")
    biases: tuple = ()
    if bias is not None:
        assert w is not None
        out_channels = w.shape[0]
        values = list(bias) * out_channels if len(bias) == 1 and out_channels > 1 else list(bias)
        if len(values) != out_channels:
            raise InputError(f"expected one bias per output channel ({out_channels}), got {len(values)}", "--bias")
        biases = tuple(values)
    spec = ApplySpec(x, w, biases, window_spec.stride, window_spec.dilation, window_spec.padding,
                     window_spec.padding_mode, pad_mode, groups, flip, pool, window, ceil_mode, count_include_pad,
                     channels, convention)
    _check_memory(spec)
    return spec


def _kernel_4d(w: Numbers, channels: bool, in_channels: int, groups: int) -> Numbers:
    """The kernel as O×(C/G)×Kh×Kw, checking it against the input's channels and the groups."""
    if groups < 1:
        raise InputError(f"expected an integer ≥ 1, got {groups}", "--groups")
    if in_channels % groups:
        raise InputError(f"{groups} groups do not divide the {in_channels} input channels", "--groups")
    kernel = w
    if kernel.ndim == 2:
        if channels and in_channels // groups != 1:
            raise InputError(f"a {_dims(w.shape)} kernel fits one channel, but the input has {in_channels} "
                             f"channels in {groups} group(s); give O×{in_channels // groups}×Kh×Kw", "--kernel")
        kernel = kernel.reshape((1, 1, *kernel.shape))
        if groups > 1:  # one 2-D kernel for every channel of a depthwise convolution
            kernel = kernel.repeated(groups)
    elif kernel.ndim == 3:
        if not channels:
            raise InputError(f"a {_dims(w.shape)} kernel needs an input with channels (C×H×W)", "--kernel")
        kernel = kernel.reshape((1, *kernel.shape))
    elif kernel.ndim != 4:
        raise InputError(f"expected a kernel Kh×Kw, C×Kh×Kw or O×C×Kh×Kw, got {_dims(w.shape)}", "--kernel")
    if kernel.ndim == 4 and not channels and kernel.shape[1] != 1:
        raise InputError(f"the kernel has {kernel.shape[1]} input channels but the input is a single matrix",
                         "--kernel")
    out_channels, per_group = kernel.shape[0], kernel.shape[1]
    if per_group != in_channels // groups:
        raise InputError(f"the kernel expects {per_group} input channel(s) per group but the input has "
                         f"{in_channels} channels in {groups} group(s) = {in_channels // groups} per group", "--kernel")
    if out_channels % groups:
        raise InputError(f"{groups} groups do not divide the kernel's {out_channels} output channels", "--groups")
    return kernel


def _check_memory(spec: ApplySpec) -> None:
    """Refuse, before anything is allocated, a problem that needs more than ``DLCALC_MAX_BYTES``, or exact
    big integers too many to multiply in reasonable time."""
    limit = env_limit(ENV_MAX_BYTES, DEFAULT_MAX_BYTES, "--input")
    ho, wo = spec.output_size()
    per = 64 if spec.x.big else 8
    width = spec.x.shape[2] + sum(spec.padding[1])
    need = per * (spec.x.size + 2 * spec.out_channels * ho * wo + spec.in_channels * width * 8)
    work = spec.out_channels * ho * wo * spec.x.shape[0] // max(spec.groups, 1) * spec.kernel_size[0] * \
        spec.kernel_size[1]
    if need > limit:
        raise InputError(f"this needs about {need / 1024**3:.1f} GiB, more than the {limit / 1024**3:.1f} GiB "
                         f"limit; raise it with {ENV_MAX_BYTES}=<bytes>", "--input")
    if spec.x.big and work > 50_000_000:
        raise InputError(f"numbers this large are computed exactly with Python integers, and {work:,} products "
                         "would take minutes; scale the input down", "--input")
