"""conv-apply cell by cell, one window at a time, in plain Python: each shown cell's worked sum, and the
independent check of the numpy core (:mod:`dlcalc.core.conv_apply.kernel`).

Definitions (PyTorch ``Conv2d``, ``MaxPool2d`` and ``AvgPool2d``): a cell is the sum over its window of
input × kernel (plus the bias), its window's largest element (padding never wins), or its window's sum
over the window size, counting padded zeros or not (``count_include_pad``); in ceil mode a window
overhanging the padded input is divided by the part inside it.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from dlcalc.core.conv_apply.numbers import tidy
from dlcalc.core.conv_apply.spec import ApplySpec

Term = tuple[tuple[int, int, int], Any, tuple[int, ...] | None, Any]
"""One term of a cell's window: (input index, input value, kernel index, kernel value)."""


class Direct:
    """The input read one window at a time in plain Python numbers: the worked sum of any cell,
    and the independent check of the numpy core.

    Each padded position is mapped back to the input by the padding modes' definitions, in Python
    (:meth:`_source`; not the core's way of padding), and the sums are Python's, exact for exact inputs.
    """

    COPY_LIMIT = 1_000_000  # inputs up to this size are read once into Python lists
    KERNEL_VALUES = 100_000  # kernels up to this size are read once into Python numbers

    def __init__(self, spec: ApplySpec) -> None:
        self.spec = spec
        channels, h, w = spec.x.shape
        (pt, pb), (pl, pr) = spec.padding
        self.shape = (channels, h + pt + pb, w + pl + pr)
        self.mode = "zeros" if spec.pool else spec.pad_mode
        self.data = spec.x.array.tolist() if spec.x.size <= self.COPY_LIMIT else None  # data[c][i][j], stored
        # where each padded row and column comes from (None: zero padding), tabulated once per axis
        self.rows = [self._source(r - pt, h) for r in range(self.shape[1])]
        self.cols = [self._source(q - pl, w) for q in range(self.shape[2])]
        small_kernel = spec.w is not None and spec.w.size <= self.KERNEL_VALUES
        self.kernel = spec.kernel.nested() if small_kernel else None  # kernel[o][c][a][b] as numbers

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
        i, j = self.rows[r], self.cols[q]
        if i is None or j is None:
            return 0
        return x.value(self.data[c][i][j] if self.data is not None else x.array[c, i, j])

    def window(self, o: int, i: int, j: int) -> list[Term]:
        """The terms of cell (o, i, j): (input index, input value, kernel index, kernel value)."""
        spec = self.spec
        (sh, sw), (dh, dw), (kh, kw) = spec.stride, spec.dilation, spec.kernel_size
        terms: list[Term] = []
        if spec.pool:
            for a in range(kh):
                for b in range(kw):
                    r, q = i * sh + a * dh, j * sw + b * dw
                    terms.append(((o, r, q), self.number(o, r, q), None, None))
            return terms
        per_group = spec.kernel.shape[1]
        group = o // (spec.kernel.shape[0] // spec.groups)
        for cg in range(per_group):
            c = group * per_group + cg
            for a in range(kh):
                for b in range(kw):
                    r, q = i * sh + a * dh, j * sw + b * dw
                    weight = self.kernel[o][cg][a][b] if self.kernel is not None else spec.kernel.number((o, cg, a, b))
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
            assert best is not None  # a window never lies wholly in the padding (at most half of it pads)
            return best[1], terms, best[0]
        if spec.pool == "avg":
            inside = [t for t in terms if t[1] is not None]
            counted = inside if spec.count_include_pad else [t for t in inside if self.real(t[0][1], t[0][2])]
            window_sum = sum((t[1] for t in inside), start=0)
            return divide(window_sum, len(counted), spec.x.exact), terms, len(counted)
        total: Any = 0
        for _, xv, _, wv in terms:
            total = total + xv * wv
        if spec.bias:
            total = total + spec.bias[o]
        return total, terms, None


def divide(total: Any, divisor: int, exact: bool) -> Any:
    if exact:
        return tidy(Fraction(total) / divisor)
    return total / divisor
