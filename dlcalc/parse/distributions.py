"""The distributions of ``gan-optimal-d`` as text, read by hand (never eval).

    density   := component ( '+' component )*
    component := ( NUMBER '*' )? NAME '(' NUMBER ',' NUMBER ')'      a weight, then a distribution
    NAME      := normal | gaussian | n | uniform | u | laplace        (any case)

For example ``normal(0,1)``, ``uniform(-1, 1)``, ``laplace(0, 0.5)``,
``0.5*normal(-2,1) + 0.5*normal(2,1)``. A list of numbers only (``0.2,0.5,0.3``, ``1e-3,0.999``) is a
discrete distribution instead. Points are a list (``--x``) or a grid ``START:STOP:COUNT``.

The parser builds :class:`~dlcalc.core.gan.densities.Density` objects, which check their own
parameters; every message names the option and, for the grammar, the column.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from difflib import get_close_matches
from typing import Any, TypeVar

from dlcalc.core.gan.densities import Component, Density
from dlcalc.errors import InputError

MAX_DENSITY_TEXT = 2000

_TOKEN = re.compile(r"\s*(?:(?P<number>[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)|(?P<name>[A-Za-z_]+)|"
                    r"(?P<punct>[(),*+]))")
KINDS = {"normal": "normal", "gaussian": "normal", "n": "normal", "uniform": "uniform", "u": "uniform",
         "laplace": "laplace"}

Built = TypeVar("Built", Component, Density)
Token = tuple[str, str, int]
"""(kind: number, name or punct; its text; its column, from 1)."""


def looks_discrete(text: str) -> bool:
    """Numbers only (an exponent such as 1e-3 included): a discrete distribution, not a density."""
    return not re.search(r"[A-Za-z]", re.sub(r"(?<=[\d.])[eE][-+]?\d", "", text))


def tokens(text: str, option: str) -> list[Token]:
    """The tokens of a density's text; an InputError at the first character that starts none."""
    found: list[Token] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if not match or match.lastgroup is None:
            column = pos + 1 + len(text[pos:]) - len(text[pos:].lstrip())
            raise InputError(f"unexpected {text[column - 1]!r} at column {column} of {text!r}; write e.g. "
                             "normal(0,1) or 0.5*normal(-2,1) + 0.5*normal(2,1)", option)
        kind = match.lastgroup
        found.append((kind, match.group(kind), match.start(kind) + 1))
        pos = match.end()
    return found


def parse_density(text: str, option: str) -> Density:
    """``normal(0,1)``, ``uniform(-1, 1)``, ``laplace(0, 0.5)``, or a weighted sum of them."""
    if len(text) > MAX_DENSITY_TEXT:
        raise InputError(f"a density is limited to 2,000 characters, got {len(text):,}", option)
    stream = tokens(text, option)
    i = 0

    def expect(what: str) -> Token:
        nonlocal i
        if i >= len(stream):
            raise InputError(f"{text!r} ends where {what} was expected", option)
        token = stream[i]
        i += 1
        return token

    components = []
    while True:
        weight = 1.0
        kind, value, column = expect("a distribution")
        if kind == "number":
            weight = float(value)
            star = expect("'*'")
            if star[1] != "*":
                raise InputError(f"expected '*' after the weight at column {star[2]} of {text!r}", option)
            kind, value, column = expect("a distribution")
        if kind != "name" or value.lower() not in KINDS:
            close = get_close_matches(value.lower(), list(KINDS), n=1)
            raise InputError(f"unknown distribution {value!r} at column {column}" +
                             (f"; did you mean {close[0]}?" if close else "") + " (normal, uniform, laplace)", option)
        name = KINDS[value.lower()]
        if expect("'('")[1] != "(":
            raise InputError(f"expected '(' after {value} at column {column + len(value)}", option)
        args = []
        while True:
            kind_a, arg, col = expect("a number")
            if kind_a != "number":
                raise InputError(f"expected a number at column {col} of {text!r}, got {arg!r}", option)
            args.append(float(arg))
            sep = expect("',' or ')'")
            if sep[1] == ")":
                break
            if sep[1] != ",":
                raise InputError(f"expected ',' or ')' at column {sep[2]} of {text!r}", option)
        if len(args) != 2:
            raise InputError(f"{name} takes 2 parameters, got {len(args)} at column {column}", option)
        a, b = args
        if not all(math.isfinite(v) for v in (a, b, weight)):
            raise InputError(f"parameters must be finite at column {column}", option)
        if weight <= 0:
            raise InputError(f"mixture weights must be positive, got {weight:g} at column {column}", option)
        components.append(_checked(Component, option, name, a, b, weight))
        if i >= len(stream):
            break
        plus = expect("'+'")
        if plus[1] != "+":
            raise InputError(f"expected '+' between components at column {plus[2]} of {text!r}", option)
    return _checked(Density, option, tuple(components), text)


def _checked(build: Callable[..., Built], option: str, *args: Any) -> Built:
    """A component or density built from parsed numbers; its own range checks then name ``option``."""
    try:
        return build(*args)
    except InputError as error:
        raise InputError(error.message, option) from None


def parse_grid(grid: str | Sequence[float], option: str = "--grid") -> list[float]:
    """``START:STOP:COUNT`` (or a (start, stop, count) triple): COUNT evenly spaced points, both ends included."""
    if not isinstance(grid, (str, list, tuple)):
        raise InputError(f"expected START:STOP:COUNT such as -4:4:81, got {grid!r}", option)
    parts = grid.split(":") if isinstance(grid, str) else list(grid)
    try:
        start, stop, count = float(parts[0]), float(parts[1]), int(parts[2])
    except (IndexError, ValueError, TypeError):
        raise InputError(f"expected START:STOP:COUNT such as -4:4:81, got {grid!r}", option) from None
    if len(parts) != 3 or not (math.isfinite(start) and math.isfinite(stop)) or stop <= start:
        raise InputError(f"expected START:STOP:COUNT with START < STOP, got {grid!r}", option)
    if not 2 <= count <= 100_000:
        raise InputError(f"expected 2 to 100,000 points, got {count}", option)
    return [start + (stop - start) * k / (count - 1) for k in range(count)]
