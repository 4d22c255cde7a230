"""An input or a kernel as conv-apply computes with it: exact numbers as scaled integers, or floats.

Integers and fractions are computed exactly: fractions are scaled to integers by their lowest common
denominator (``value = stored / scale``), and integers too large for int64 are kept as Python
integers (a numpy object array). As soon as a float appears the numbers are float64.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from dlcalc.parse.arrays import array_shape, flatten

INT64_SAFE = 2**62


def tidy(value: Fraction) -> int | Fraction:
    """A whole fraction as an int."""
    return value.numerator if value.denominator == 1 else value


@dataclass(slots=True)
class Numbers:
    """Stored numbers (``array``: int64, object for big integers, or float64) and how to read them:
    ``value = stored / scale`` exactly when ``exact``, else as floats."""

    array: np.ndarray
    scale: int = 1
    exact: bool = True

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.array.shape)

    @property
    def ndim(self) -> int:
        return self.array.ndim

    @property
    def size(self) -> int:
        return int(self.array.size)

    @property
    def big(self) -> bool:
        return self.array.dtype == object

    def value(self, raw: Any) -> int | Fraction | float:
        """A stored element as the number it stands for."""
        if not self.exact:
            return float(raw)
        return int(raw) if self.scale == 1 else tidy(Fraction(int(raw), self.scale))

    def number(self, index: tuple[int, ...]) -> int | Fraction | float:
        return self.value(self.array[index])

    def nested(self) -> list:
        """Every number (as :meth:`value` reads it) in nested lists of this shape."""
        values: list = [self.value(v) for v in self.array.reshape(-1).tolist()]
        for n in reversed(self.shape[1:]):
            values = [values[k:k + n] for k in range(0, len(values), n)]
        return values

    def max_abs(self) -> int | float:
        return abs(self.array).max().item() if self.array.size else 0

    def reshape(self, shape: tuple[int, ...]) -> Numbers:
        return Numbers(self.array.reshape(shape), self.scale, self.exact)

    def flipped(self) -> Numbers:
        """The last two axes reversed (the kernel rotated by 180°)."""
        return Numbers(np.ascontiguousarray(self.array[..., ::-1, ::-1]), self.scale, self.exact)

    def repeated(self, times: int) -> Numbers:
        """Each block along the first axis repeated ``times`` times (numpy.repeat on axis 0)."""
        return Numbers(np.repeat(self.array, times, axis=0), self.scale, self.exact)

    def as_floats(self) -> Numbers:
        """The same numbers as floats (for mixing with a float kernel or input)."""
        if self.big or self.scale != 1:
            flat = [float(self.value(v)) for v in self.array.reshape(-1).tolist()]
            return Numbers(np.array(flat, dtype=np.float64).reshape(self.shape), 1, exact=False)
        return Numbers(self.array.astype(np.float64), 1, exact=False)


def to_numbers(values: Any) -> Numbers:
    """Nested lists of ints/Fractions/floats, a number, or a numpy array as :class:`Numbers`."""
    if isinstance(values, np.ndarray):
        if values.dtype.kind == "f":
            return Numbers(np.asarray(values, dtype=np.float64), 1, exact=False)
        if values.dtype == object or (values.size and max(int(values.max()), -int(values.min())) >= INT64_SAFE):
            return Numbers(values.astype(object), 1, exact=True)
        return Numbers(values.astype(np.int64), 1, exact=True)
    flat = list(flatten(values))
    shape = array_shape(values)
    if any(isinstance(v, float) for v in flat):
        return Numbers(np.array([float(v) for v in flat], dtype=np.float64).reshape(shape), 1, exact=False)
    scale = 1
    for v in flat:
        if isinstance(v, Fraction):
            scale = scale * v.denominator // math.gcd(scale, v.denominator)
    ints = [int(v * scale) for v in flat]
    big = max((abs(v) for v in ints), default=0) >= INT64_SAFE
    array = np.array(ints, dtype=object if big else np.int64)
    return Numbers(array.reshape(shape), scale, exact=True)
