"""Solution -> the ``--json`` object: exactly one JSON object, full-precision floats, no NaN."""

from __future__ import annotations

import json
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
    data = sanitize(solution.to_dict())
    return json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n"
