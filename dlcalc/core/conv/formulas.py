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

Pure Python, exact integer arithmetic; the sympy cross-checks live in :mod:`dlcalc.symbolic.conv`.
"""

from __future__ import annotations

from dlcalc.errors import InputError

Pad = tuple[int, int]


def effective_kernel(kernel: int, dilation: int = 1) -> int:
    """The span of a dilated kernel: ``D(K−1) + 1``."""
    return dilation * (kernel - 1) + 1


def conv_output_size(size: int, kernel: int, stride: int = 1, padding: int | Pad = 0,
                     dilation: int = 1) -> int:
    """Output length of a convolution along one axis.

    ``O = ⌊(L + P_l + P_r − D(K−1) − 1)/S⌋ + 1`` (PyTorch ``Conv2d`` documentation), with
    ``P_l = P_r = P`` for symmetric padding. Raises InputError when the kernel does not fit.
    """
    left, right = _sides(padding)
    span = size + left + right - dilation * (kernel - 1) - 1
    if span < 0:
        raise InputError(
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
        raise InputError(
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


