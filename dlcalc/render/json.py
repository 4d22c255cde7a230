"""Solution -> the ``--json`` object: exactly one JSON object, full-precision floats, no NaN.

The writer is a few lines of its own rather than the ``json`` module, whose import alone costs
about 2 ms on the start-up path every script pays; a test checks it against ``json.loads``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from dlcalc.solution import jsonable

if TYPE_CHECKING:
    from dlcalc.solution import Solution

__all__ = ["sanitize", "to_json"]


def sanitize(value: Any) -> Any:
    """Make a value strictly JSON-serialisable.

    Non-finite floats become the strings ``"nan"``, ``"inf"`` and ``"-inf"`` (JSON has no
    NaN or Infinity); tuples become lists; anything else unknown goes through
    :func:`dlcalc.solution.jsonable` (numpy values, fractions) or, failing that, ``str``.
    Finite floats are kept as they are, so ``json.dumps`` writes them at full precision.

    Args:
        value: a value such as ``Solution.to_dict()``.

    Returns:
        The same structure with only ``dict``/``list``/``str``/``int``/finite ``float``/``bool``/``None``.
    """
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return value
    if isinstance(value, dict):
        return {str(k): sanitize(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [sanitize(v) for v in value]
    converted = jsonable(value)
    if converted is value or isinstance(converted, str):
        return str(value) if converted is value else converted
    return sanitize(converted)


def to_json(solution: Solution) -> str:
    """The solution as one JSON object (``Solution.to_dict``), indented, ending in one newline.

    Args:
        solution: the computed solution.

    Returns:
        The JSON text; ``json.loads`` of it gives back ``solution.to_dict()`` (non-finite
        floats replaced by strings).
    """
    return dumps(sanitize(solution.to_dict())) + "\n"


def dumps(value: Any, indent: int = 0) -> str:
    """JSON indented by two spaces per level, with lists of plain values kept on one line
    (``"output_size": [28, 28]``), a small matrix on one line and a large one a row per line.
    ``value`` must already be sanitized (finite floats only)."""
    pad, inner = "  " * indent, "  " * (indent + 1)
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f"{inner}{_string(str(k))}: {dumps(v, indent + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(value, list):
        if all(not isinstance(v, (dict, list)) for v in value):
            return "[" + ", ".join(_scalar(v) for v in value) + "]"
        if all(isinstance(v, list) and all(not isinstance(x, (dict, list)) for x in v) for v in value) and (
                len(value) <= 1 or sum(len(v) for v in value) <= 64):
            return "[" + ", ".join(dumps(v) for v in value) + "]"
        return "[\n" + ",\n".join(inner + dumps(v, indent + 1) for v in value) + "\n" + pad + "]"
    return _scalar(value)


_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def _string(text: str) -> str:
    """A JSON string literal, as ``json.dumps(text, ensure_ascii=False)`` writes it."""
    if text.isprintable() and '"' not in text and "\\" not in text:
        return f'"{text}"'
    out = []
    for char in text:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif char < " ":
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return float.__repr__(value)
    return _string(str(value))
