"""Solution -> the ``--json`` object: exactly one JSON object, full-precision floats, no NaN."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dlcalc.solution import Solution

__all__ = ["dumps", "jsonable", "sanitize", "to_json"]


def jsonable(value: Any) -> Any:
    """A value as ``json.dumps`` writes it faithfully: fractions that are whole become ints, other
    fractions floats at full precision; tuples lists; numpy arrays and scalars, and anything else with
    ``tolist`` (the Preview and Grid wrappers), Python numbers and lists; anything else its ``str``."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, Fraction):
        return value.numerator if value.denominator == 1 else float(value)
    tolist = getattr(value, "tolist", None)
    if callable(tolist):
        return jsonable(tolist())
    return str(value)


def sanitize(value: Any) -> Any:
    """Make a value strictly JSON: :func:`dlcalc.solution.jsonable` (fractions, tuples, numpy values), and a
    non-finite float becomes the string ``"nan"``, ``"inf"`` or ``"-inf"`` (JSON has no NaN or Infinity).
    Finite floats are kept, so they keep full precision."""
    return _finite(jsonable(value))


def _finite(value: Any) -> Any:
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return value
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


def dumps(value: Any, indent: int | None = 2) -> str:
    """A JSON value (``Solution.to_dict()``, a batch result) as text; NaN and infinities as strings."""
    import json  # only to write JSON

    separators = None if indent is not None else (",", ":")
    try:
        return json.dumps(value, indent=indent, ensure_ascii=False, allow_nan=False, separators=separators)
    except ValueError:  # a non-finite float somewhere: only then walk the whole value
        return json.dumps(sanitize(value), indent=indent, ensure_ascii=False, separators=separators)


def to_json(solution: Solution) -> str:
    """The solution as one JSON object (``Solution.to_dict``), indented, ending in one newline."""
    return dumps(solution.to_dict()) + "\n"
