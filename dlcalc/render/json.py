"""Solution -> the ``--json`` object: exactly one JSON object, full-precision floats, no NaN.

The writer is a few lines of its own rather than the ``json`` module, whose import alone costs
about 2 ms on the start-up path every script pays; a test checks it against ``json.loads``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from dlcalc.solution import jsonable, plain_numbers

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from dlcalc.solution import Solution

__all__ = ["sanitize", "to_json", "write_json"]


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
        if plain_numbers(value) and all(map(math.isfinite, value)):
            return list(value)  # the common large case, a row of finite numbers: nothing to change
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
    return "".join(chunks(sanitize(solution.to_dict()))) + "\n"


def write_json(solution: Solution, write: Callable[[str], Any], batch: int = 1 << 16) -> None:
    """:func:`to_json` written out a piece at a time (about ``batch`` characters each), so a result
    with millions of numbers is never one string in memory. Everything is computed and sanitized
    before the first piece is written."""
    value = sanitize(solution.to_dict())
    pending: list[str] = []
    size = 0
    for piece in chunks(value):
        pending.append(piece)
        size += len(piece)
        if size >= batch:
            write("".join(pending))
            pending, size = [], 0
    write("".join(pending) + "\n")


def dumps(value: Any, indent: int = 0) -> str:
    """:func:`chunks` joined: the JSON text of one (sanitized) value."""
    return "".join(chunks(value, indent))


def chunks(value: Any, indent: int = 0) -> Iterator[str]:
    """JSON indented by two spaces per level, with lists of plain values kept on one line
    (``"output_size": [28, 28]``), a small matrix on one line and a large one a row per line, in
    pieces of about a row each. ``value`` must already be sanitized (finite floats only)."""
    pad, inner = "  " * indent, "  " * (indent + 1)
    if isinstance(value, dict):
        if not value:
            yield "{}"
            return
        yield "{\n"
        for k, (key, item) in enumerate(value.items()):
            yield f"{',' + chr(10) if k else ''}{inner}{_string(str(key))}: "
            yield from chunks(item, indent + 1)
        yield "\n" + pad + "}"
        return
    if isinstance(value, list):
        if plain_numbers(value):  # a row of a large matrix: repr each, no dispatch per element
            yield "[" + ", ".join(map(repr, value)) + "]"
            return
        if all(not isinstance(v, (dict, list)) for v in value):
            yield "[" + ", ".join(_scalar(v) for v in value) + "]"
            return
        if all(isinstance(v, list) and all(not isinstance(x, (dict, list)) for x in v) for v in value) and (
                len(value) <= 1 or sum(len(v) for v in value) <= 64):
            yield "[" + ", ".join(dumps(v) for v in value) + "]"
            return
        yield "[\n"
        for k, item in enumerate(value):
            yield (",\n" if k else "") + inner
            yield from chunks(item, indent + 1)
        yield "\n" + pad + "]"
        return
    yield _scalar(value)


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
