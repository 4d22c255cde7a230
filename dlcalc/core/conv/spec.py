"""One convolution or pooling layer, per axis, and the one set of rules it must obey.

The rules are PyTorch's (``Conv2d``, ``ConvTranspose2d``, ``MaxPool2d``, ``AvgPool2d``), and
conv-out, conv-apply and params all check a layer here:

* output padding only for a transposed convolution, ``OP < max(S, D)``; ceil mode only for pooling;
* ``same`` and ``valid`` are not defined for a transposed convolution; PyTorch's ``same`` needs
  stride 1 and does not exist for pooling (TensorFlow's SAME has neither limit);
* pooling and transposed convolution pad both sides alike, and pooling at most half its window;
* average pooling has no dilation;
* the (dilated) kernel must fit in the padded input; a transposed convolution's output must not
  be cropped away.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from dlcalc.core.conv.formulas import (
    Pad,
    conv_output_size,
    effective_kernel,
    pool_output_size,
    same_padding,
    transposed_output_size,
)
from dlcalc.errors import InputError

AXIS_NAMES = {1: ("length",), 2: ("height", "width"), 3: ("depth", "height", "width")}
AXIS_UNITS = {1: ("positions",), 2: ("rows", "columns"), 3: ("slices", "rows", "columns")}

OPTIONS = {"size": "--size", "kernel": "--kernel", "stride": "--stride", "padding": "--padding",
           "dilation": "--dilation", "output_padding": "--output-padding", "pool": "--pool",
           "ceil_mode": "--ceil-mode", "convention": "--convention"}
"""Which option each part of a layer came from, for messages (conv-apply's pooling window is ``--kernel-size``;
params has no ``--convention``, so its messages do not point to it)."""


@dataclass(frozen=True, slots=True)
class ConvSpec:
    """One layer, per axis. ``padding`` holds (left, right) pairs, after SAME is resolved.

    ``padding_mode`` is ``explicit``, ``same`` or ``valid``; ``convention`` says whose ``same``
    (``torch`` or ``tf``); ``pool`` is ``max``, ``avg`` or None.
    """

    size: tuple[int, ...]
    kernel: tuple[int, ...]
    stride: tuple[int, ...]
    padding: tuple[Pad, ...]
    dilation: tuple[int, ...]
    padding_mode: str = "explicit"
    convention: str = "torch"
    transposed: bool = False
    output_padding: tuple[int, ...] = ()
    pool: str | None = None
    ceil_mode: bool = False

    def __post_init__(self) -> None:
        if not self.output_padding:
            object.__setattr__(self, "output_padding", (0,) * len(self.size))

    def replace(self, **changes: Any) -> ConvSpec:
        """A copy with some fields changed (for trying out common mistakes)."""
        return dataclasses.replace(self, **changes)

    @property
    def naxes(self) -> int:
        return len(self.size)

    def axis(self, i: int) -> dict[str, int | Pad]:
        return {"size": self.size[i], "kernel": self.kernel[i], "stride": self.stride[i],
                "padding": self.padding[i], "dilation": self.dilation[i], "output_padding": self.output_padding[i]}

    def output_size(self) -> tuple[int, ...]:
        return tuple(axis_output(self, i) for i in range(self.naxes))


def axis_output(spec: ConvSpec, i: int) -> int:
    """The output length of axis ``i`` by the formula that fits the layer."""
    size, kernel, stride = spec.size[i], spec.kernel[i], spec.stride[i]
    (left, right), dilation = spec.padding[i], spec.dilation[i]
    if spec.transposed:
        return transposed_output_size(size, kernel, stride, left, dilation, spec.output_padding[i])
    if spec.pool and spec.ceil_mode:
        return pool_output_size(size, kernel, stride, left, dilation, ceil_mode=True)
    return conv_output_size(size, kernel, stride, (left, right), dilation)


def layer(size: tuple[int, ...], kernel: tuple[int, ...], stride: tuple[int, ...] | None = None,
          padding: str | tuple[Pad, ...] = "explicit", dilation: tuple[int, ...] | None = None, *,
          pads: tuple[Pad, ...] | None = None, convention: str = "torch", transposed: bool = False,
          output_padding: tuple[int, ...] | None = None, pool: str | None = None, ceil_mode: bool = False,
          options: dict[str, str] | None = None) -> ConvSpec:
    """A validated layer from per-axis values (each as long as ``size``). ``padding`` is the mode
    (``explicit``, ``same``, ``valid``) and ``pads`` the explicit (left, right) pairs; ``stride``
    defaults to 1, or to the window for pooling. InputError names the option at fault."""
    names = {**OPTIONS, **(options or {})}
    tf_hint = f"; use {names['convention']} tf for TensorFlow's SAME" if names["convention"] else ""
    n = len(size)
    mode = padding if isinstance(padding, str) else "explicit"
    pairs = pads if pads is not None else padding if not isinstance(padding, str) else ((0, 0),) * n
    stride = stride if stride is not None else kernel if pool else (1,) * n
    dilation = dilation if dilation is not None else (1,) * n
    ops = output_padding if output_padding is not None else (0,) * n
    if convention not in ("torch", "tf"):
        raise InputError(f"expected torch or tf, got {convention!r}", names["convention"] or None)
    if pool not in (None, "max", "avg"):
        raise InputError(f"expected max or avg, got {pool!r}", names["pool"])
    if any(ops) and not transposed:
        raise InputError("applies only to a transposed convolution (add --transposed)", names["output_padding"])
    if ceil_mode and not pool:
        raise InputError("applies only to pooling (add --pool max or --pool avg)", names["ceil_mode"])
    if transposed and pool:
        raise InputError("a layer is either transposed convolution or pooling, not both", names["pool"])
    if pool == "avg" and any(d != 1 for d in dilation):
        raise InputError("average pooling has no dilation (PyTorch's AvgPool has none)", names["dilation"])
    if mode != "explicit" and transposed:
        raise InputError(f"'{mode}' is not defined for a transposed convolution; give numbers", names["padding"])
    if mode == "same":
        if convention == "torch":
            if pool:
                raise InputError(f"PyTorch pooling has no padding='same'{tf_hint}", names["padding"])
            if any(s != 1 for s in stride):
                raise InputError(f"PyTorch refuses padding='same' with stride {'x'.join(map(str, stride))} "
                                 f"(it supports stride 1 only){tf_hint}", names["padding"])
        pairs = tuple(same_padding(size[i], kernel[i], stride[i], dilation[i], convention) for i in range(n))
    for i in range(n):
        left, right = pairs[i]
        if (transposed or pool) and left != right:
            what = "a transposed convolution" if transposed else "pooling"
            raise InputError(f"{what} takes the same padding on both sides, got {left},{right}", names["padding"])
        span = effective_kernel(kernel[i], dilation[i])
        if pool and mode == "explicit" and left > span // 2:
            raise InputError(f"pool padding {left} is more than half the window ({span}//2 = {span // 2}); "
                             "PyTorch refuses it", names["padding"])
        if transposed:
            if ops[i] >= max(stride[i], dilation[i]):
                raise InputError(f"output padding {ops[i]} must be smaller than max(stride, dilation) = "
                                 f"{max(stride[i], dilation[i])} (PyTorch's rule)", names["output_padding"])
        elif span > size[i] + left + right:
            where = f" ({AXIS_NAMES[n][i]})" if n in AXIS_NAMES and n > 1 else ""
            raise InputError(f"the kernel spans {span}{where} (D(K−1)+1 = {dilation[i]}·({kernel[i]}−1)+1) but the "
                             f"padded input is only {size[i]} + {left} + {right} = {size[i] + left + right}",
                             names["kernel"])
    spec = ConvSpec(size, kernel, stride, tuple(pairs), dilation, mode, convention, transposed, ops, pool, ceil_mode)
    if transposed:
        for i in range(n):
            if axis_output(spec, i) < 1:
                raise InputError(f"padding {pairs[i][0]} crops the whole output (size {axis_output(spec, i)}); "
                                 "use less padding", names["padding"])
    return spec
