"""Numbers as text: the one place that decides how dlcalc writes a number.

Each function has one use:

* :func:`value`: a result or a step's value for people: at most 10 significant digits
  (``0.3333333333``, ``1e-7``), a whole float without its ``.0``, fractions as ``3/4``;
* :func:`number`: a number quoted back exactly as it was read (messages, inputs): ``2.0``, ``1e-07``;
* :func:`term`: a number inside a worked sum, to ``digits`` significant digits, a negative one in
  parentheses (``(-0.5)``), a missing one as ``·``;
* :func:`fraction`: an exact answer as a person writes it: ``7``, ``0.75``, ``5/6``;
* :func:`quotient`: ``27/4`` as ``6.75`` (or ``≈0.3333``);
* :func:`thousands`: ``61,706``;
* :func:`short`: any claim or answer on one line, cut to a length.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any


def _int_text(value: int) -> str:
    """``str(value)``, also beyond Python's 4,300-digit limit on int-to-text conversion."""
    try:
        return str(value)
    except ValueError:  # more digits than sys.int_info.str_digits_check_threshold allows at once
        chunk = 10**1000
        parts: list[str] = []
        magnitude = abs(value)
        while magnitude:
            magnitude, low = divmod(magnitude, chunk)
            parts.append(str(low))
        text = parts[-1] + "".join(part.zfill(1000) for part in reversed(parts[:-1]))
        return "-" + text if value < 0 else text


def _significant_digits(text: str) -> int:
    mantissa = text.lstrip("+-").split("e")[0].replace(".", "")
    return len(mantissa.strip("0")) or 1


def value(x: Any) -> str:
    """A value for people: an int exactly, a fraction ``3/4``, a float to at most 10 significant
    digits with trailing zeros trimmed and a short exponent (``0.1``, ``0.3333333333``, ``1e-12``,
    ``2``); ``nan``, ``inf`` and ``-inf`` by name."""
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, int):
        return _int_text(x)
    if isinstance(x, Fraction):
        return str(x)
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == 0:
        return "0"  # also turns -0.0 into 0
    text = f"{x:.10g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{int(exponent)}"
    return text


def number(x: int | Fraction | float) -> str:
    """A number as it was read: ``3``, ``-3/4``, ``0.1``, ``2.0``, ``1e-07``; a float of more than 10
    significant digits rounded to 10 (``0.3333333333``)."""
    if isinstance(x, Fraction):
        if x.denominator == 1:
            return _int_text(x.numerator)
        return f"{_int_text(x.numerator)}/{_int_text(x.denominator)}"
    if isinstance(x, int):
        return _int_text(int(x))
    x = float(x)
    text = repr(x)
    if not math.isfinite(x) or _significant_digits(text) <= 10:
        return text
    text = f"{x:.10g}"
    if "." not in text and "e" not in text:
        text += ".0"
    return text


def term(x: Any, digits: int = 4) -> str:
    """A number as a term of a worked sum: a float to ``digits`` significant digits, an integer or
    fraction exactly, a negative one in parentheses (``(-0.5)``), a missing one as ``·``."""
    if x is None:
        return "·"
    text = f"{x:.{digits}g}" if isinstance(x, float) else number(x)
    return f"({text})" if text.startswith("-") else text


def _terminating_places(denominator: int) -> int | None:
    """Decimal places of 1/denominator when it terminates (only factors 2 and 5), else None."""
    twos = fives = 0
    while denominator % 2 == 0:
        denominator //= 2
        twos += 1
    while denominator % 5 == 0:
        denominator //= 5
        fives += 1
    return max(twos, fives) if denominator == 1 else None


def _decimal_text(x: Fraction, places: int) -> str:
    scaled = x * 10**places
    sign = "-" if scaled < 0 else ""
    whole, frac = divmod(abs(scaled.numerator), 10**places)
    return f"{sign}{whole}.{frac:0{places}d}"


def fraction(x: Any, max_denominator: int = 1000, digits: int = 10) -> str:
    """An exact answer as a person writes it: a whole number as digits, a fraction whose decimal ends
    within 12 places as that decimal (``0.75``), else ``a/b`` up to ``max_denominator``, else the
    decimal to ``digits`` significant digits. Floats to ``digits`` digits."""
    if isinstance(x, Fraction):
        if x.denominator == 1:
            return _int_text(x.numerator)
        places = _terminating_places(x.denominator)
        if places is not None and places <= 12:
            return _decimal_text(x, places)
        if x.denominator <= max_denominator:
            return f"{x.numerator}/{x.denominator}"
        return f"{float(x):.{digits}g}"
    if isinstance(x, float):
        return f"{x:.{digits}g}"
    return str(x)


def quotient(numerator: int, denominator: int) -> str:
    """``numerator/denominator`` (both ≥ 0) as a short decimal: exact when it ends within 4 places,
    else ``≈`` and 4 places. Integer arithmetic only."""

    def places(scaled: int, count: int) -> str:
        whole, frac = divmod(scaled, 10**count)
        return f"{whole}.{frac:0{count}d}" if count else str(whole)

    for count in range(5):
        scaled, rest = divmod(numerator * 10**count, denominator)
        if rest == 0:
            return places(scaled, count)
    return "≈" + places((numerator * 10**4 * 2 + denominator) // (2 * denominator), 4)


def thousands(n: int) -> str:
    """An integer with thousands separators: ``61,706``."""
    return f"{n:,}"


def short(x: Any, limit: int = 48) -> str:
    """A claim or an answer on one line, cut to ``limit`` characters."""
    if x is None:
        return ""
    if isinstance(x, float):
        text = f"{x:.6g}"
    elif isinstance(x, dict):
        text = "; ".join(f"{k} = {short(v, limit)}" for k, v in x.items())
    elif isinstance(x, list):
        text = "[" + ", ".join(short(v, limit) for v in x) + "]"
    else:
        text = " ".join(str(x).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"
