"""lstm-grads' results as people and JSON see them: vectors and matrices, and element-wise substitutions."""

from __future__ import annotations

from typing import Any

import numpy as np

from dlcalc import show

SHOW_ELEMENTS = 3  # vectors up to this long are worked element by element


def _ends(n: int) -> list[int]:
    """The indices shown of a long axis: the first four, −1 for "…" when more than six, the last two."""
    return list(range(min(4, n))) + ([-1] if n > 6 else []) + list(range(max(4, n - 2), n))


class Vector:
    """A vector or matrix result (a float64 numpy array): every number for JSON (``tolist``), a short
    form for people (``preview``: the ends of a long vector, the corners of a large matrix)."""

    __slots__ = ("array",)

    def __init__(self, array: Any) -> None:
        self.array = np.asarray(array, dtype=np.float64)

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.array.shape)

    def flat(self) -> list[float]:
        """Every number, row by row."""
        return self.array.reshape(-1).tolist()

    def tolist(self) -> Any:
        return self.array.tolist()

    def preview(self) -> Any:
        a, shape = self.array, self.shape
        if len(shape) == 1:
            return self.tolist() if shape[0] <= 8 else [*a[:4].tolist(), "…", *a[-2:].tolist()]
        if shape[0] <= 8 and shape[1] <= 8:
            return self.tolist()
        return [["…" if r < 0 or c < 0 else float(a[r, c]) for c in _ends(shape[1])] for r in _ends(shape[0])]


def elements(*arrays: np.ndarray, joiner: str = "·", template: str | None = None, bare: bool = False) -> str:
    """The element-wise substitution for short vectors (``0.5·0.3004; …``), else "". ``bare``
    numbers are for a function's argument (``σ(-0.49)``), the others parenthesise a negative."""
    if arrays[0].size > SHOW_ELEMENTS:
        return ""
    parts = []
    for values in zip(*(a.reshape(-1).tolist() for a in arrays), strict=True):
        numbers = [f"{x:.4g}" if bare else show.term(x) for x in values]
        parts.append(template.format(*numbers) if template else joiner.join(numbers))
    return "; ".join(parts)


def value(array: np.ndarray) -> Any:
    """One number as a float, more as a :class:`Vector`."""
    return float(array.reshape(-1)[0]) if array.size == 1 else Vector(array)
