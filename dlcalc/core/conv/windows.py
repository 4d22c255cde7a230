"""Independent methods for conv-out: window positions counted one by one, and a transposed convolution's
scatter measured; no output-size formula is used."""

from __future__ import annotations

from dlcalc.core.conv.formulas import Pad, effective_kernel


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
