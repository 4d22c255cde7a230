"""Shapes and per-axis values: ``32x32``, ``3x5``, and padding such as ``1``, ``1,2`` or ``same``.

Each also comes from Python as it is: ``32``, ``(32, 32)``, ``[(1, 2), (0, 1)]``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from dlcalc.errors import InputError
from dlcalc.parse.numbers import parse_int
from dlcalc.parse.text import quote

MAX_SHAPE_AXES = 8
"""The most axes accepted by :func:`parse_shape`."""

Pad = tuple[int, int]

_SEPARATOR_RE = re.compile(r"[xX×,*]")


def parse_shape(text: str, option: str | None = None, *, minimum: int = 1) -> tuple[int, ...]:
    """Parse a shape such as ``32``, ``32x32`` or ``16x32x32``.

    Axes are separated by ``x``, ``X``, ``×``, ``,`` or ``*``, with optional spaces; each axis
    is an integer ≥ ``minimum``; at most 8 axes.
    """
    if not isinstance(text, str):
        raise InputError(f"expected shape text, got {type(text).__name__}", option)
    stripped = text.strip()
    if not stripped:
        raise InputError("expected a shape like 32 or 3x32x32, got empty text", option)
    parts = _SEPARATOR_RE.split(stripped, maxsplit=MAX_SHAPE_AXES)
    if len(parts) > MAX_SHAPE_AXES:
        raise InputError(f"expected at most {MAX_SHAPE_AXES} axes, got more in {quote(stripped)}", option)
    shape: list[int] = []
    for axis, part in enumerate(parts, start=1):
        if not part.strip():
            raise InputError(f"expected a shape like 32 or 3x32x32, got {quote(stripped)} (axis {axis} is empty)",
                             option)
        try:
            shape.append(parse_int(part, option, minimum=minimum))
        except InputError as error:
            raise InputError(f"{error.message} (axis {axis} of {quote(stripped)})", option) from None
    return tuple(shape)


def as_shape(value: object, option: str, *, minimum: int = 1) -> tuple[int, ...]:
    """A shape given as text (``32x32``), one int (``32``) or a sequence of ints (``(32, 32)``)."""
    if isinstance(value, str):
        return parse_shape(value, option, minimum=minimum)
    items = (value,) if isinstance(value, int) else value
    if not isinstance(items, Sequence) or not items or len(items) > MAX_SHAPE_AXES or any(
            isinstance(v, bool) or not isinstance(v, int) for v in items):
        raise InputError(f"expected a shape like 32, 32x32 or (32, 32), got {value!r}", option)
    if any(v < minimum for v in items):
        raise InputError(f"expected integers ≥ {minimum}, got {value!r}", option)
    return tuple(items)


def shape_text(value: object) -> str:
    """How a per-axis value was given, for a message: ``3x5``, ``32``."""
    if isinstance(value, (tuple, list)):
        return "x".join(map(str, value))
    return str(value)


def broadcast(values: tuple, naxes: int, option: str, text: str, size_text: str) -> tuple:
    """Repeat a one-axis value over every axis; refuse a count of axes that disagrees with the size."""
    if len(values) == naxes:
        return values
    if len(values) == 1:
        return values * naxes
    raise InputError(f"has {len(values)} axes ({text}) but --size has {naxes} ({size_text}); "
                     "give one value or one per axis", option)


def per_axis(value: object, naxes: int, option: str, size_text: str, *, minimum: int = 1) -> tuple[int, ...]:
    """One value for every axis, or one per axis: ``3``, ``3x5``, ``(3, 5)``."""
    return broadcast(as_shape(value, option, minimum=minimum), naxes, option, shape_text(value), size_text)


def parse_padding(text: str, naxes: int, size_text: str, option: str = "--padding") -> tuple[str, tuple[Pad, ...]]:
    """``same``/``valid``, ``1`` (all sides), ``1x2`` (per axis), ``1,2`` (left 1, right 2 on every
    axis) or ``1,2x0,1`` (per axis, per side): the mode and (left, right) per axis."""
    word = text.strip().lower()
    if word in ("same", "valid"):
        return word, ((0, 0),) * naxes
    axes = []
    for part in text.replace("×", "x").replace("X", "x").split("x"):
        sides = [parse_int(s, option, minimum=0) for s in part.split(",")]
        if len(sides) == 1:
            axes.append((sides[0], sides[0]))
        elif len(sides) == 2:
            axes.append((sides[0], sides[1]))
        else:
            raise InputError(f"expected one value or 'left,right' per axis, got {part.strip()!r}", option)
    return "explicit", broadcast(tuple(axes), naxes, option, text, size_text)


def as_padding(value: object, naxes: int, size_text: str, option: str = "--padding") -> tuple[str, tuple[Pad, ...]]:
    """Padding given as text (:func:`parse_padding`), an int, or per axis as ints or (left, right) pairs."""
    if isinstance(value, str):
        return parse_padding(value, naxes, size_text, option)
    items = (value,) if isinstance(value, int) else value
    pads: list[Pad] = []
    if isinstance(items, Sequence) and items:
        for item in items:
            pair = (item, item) if isinstance(item, int) else tuple(item) if isinstance(item, Sequence) else ()
            if len(pair) != 2 or any(isinstance(v, bool) or not isinstance(v, int) or v < 0 for v in pair):
                pads = []
                break
            pads.append((pair[0], pair[1]))
    if not pads:
        raise InputError(f"expected padding like 1, (1, 2), [(1, 2), (0, 1)] or 'same', got {value!r}", option)
    return "explicit", broadcast(tuple(pads), naxes, option, shape_text(value), size_text)
