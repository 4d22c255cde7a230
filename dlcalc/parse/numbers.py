"""The one number grammar: what every option, matrix entry and claim accepts as a number.

    number   := sign? ( digits '/' digits          an exact fraction, 3/4 (4/2 is the integer 2)
                      | digits                     an integer, 28
                      | decimal exponent? )        a float, 0.5  .5  2.  1.5e-3  2e3
    sign     := '+' | '-' | '−' (U+2212)

ASCII digits only; no ``nan``/``inf``, no underscores, no hex. A number is at most
:data:`MAX_NUMBER_CHARS` characters. Integers give ``int``, fractions an exact ``Fraction`` and
decimals a ``float``; :func:`decimals` says how many places a decimal was written with (the
precision a claim is judged at).
"""

from __future__ import annotations

import math
import re
from fractions import Fraction

from dlcalc.errors import InputError
from dlcalc.parse.text import quote

Number = int | Fraction | float
"""A parsed number: integer text gives ``int``, ``a/b`` an exact ``Fraction``, decimals a ``float``."""

MAX_NUMBER_CHARS = 100
"""The longest text accepted for one number."""

UNSIGNED = r"(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)(?:[eE][-+]?[0-9]+)?"
"""An unsigned integer or decimal, as a regular expression (for the tokenizers of expressions)."""

NUMBER_RE = re.compile(r"(?P<sign>[-+−]?)(?:(?P<int>[0-9]+)/(?P<den>[0-9]+)|(?P<float>" + UNSIGNED + "))")
_NONFINITE_RE = re.compile(r"[-+−]?(?:nan|inf|infinity)", re.IGNORECASE)


def to_number(text: str, option: str | None = None) -> Number:
    """One already-stripped number token; InputError naming ``option`` if it is not one."""
    digits = text[1:] if text[:1] in ("+", "-") else text
    if digits.isascii() and digits.isdigit() and len(text) <= MAX_NUMBER_CHARS:  # an integer: no regex
        return int(text)
    match = NUMBER_RE.fullmatch(text)
    if match is None:
        if not text:
            raise InputError("expected a number, got empty text", option)
        if _NONFINITE_RE.fullmatch(text):
            raise InputError(f"expected a finite number, got {quote(text)}", option)
        raise InputError(f"expected a number (like 3, -0.5, 2e-3 or 3/4), got {quote(text)}", option)
    if len(text) > MAX_NUMBER_CHARS:
        raise InputError(f"expected a number of at most {MAX_NUMBER_CHARS} characters, "
                         f"got {quote(text)} ({len(text):,} characters)", option)
    negative = match.group("sign") in ("-", "−")
    numerator, denominator, decimal = match.group("int", "den", "float")
    if denominator is None:
        if "." in decimal or "e" in decimal or "E" in decimal:
            value = float(decimal)
            if not math.isfinite(value):
                raise InputError(f"expected a number that fits in a float, got {quote(text)} "
                                 "(it overflows to infinity)", option)
            return -value if negative else value
        return -int(decimal) if negative else int(decimal)
    den = int(denominator)
    if den == 0:
        raise InputError(f"expected a nonzero denominator, got {quote(text)}", option)
    fraction = Fraction(-int(numerator) if negative else int(numerator), den)
    return fraction.numerator if fraction.denominator == 1 else fraction


def decimals(text: str) -> int | None:
    """The decimal places a number was written with (``0.73`` → 2, ``1.5e-3`` → 4, ``2e3`` → 0), or None
    for an integer or a fraction, which are exact."""
    match = NUMBER_RE.fullmatch(text.strip())
    if match is None or match.group("float") is None:
        return None
    body = match.group("float")
    mantissa, _, exponent = body.replace("E", "e").partition("e")
    if "." not in mantissa and not exponent:
        return None
    places = len(mantissa.split(".")[1]) if "." in mantissa else 0
    return max(places - int(exponent or 0), 0)


def parse_number(text: str, option: str | None = None) -> Number:
    """Parse one number (the grammar above); surrounding whitespace is ignored.

    Raises:
        InputError: empty, longer than 100 characters, nan/inf, overflowing, ``1/0``, or anything that
            is not a number (``0x10``, ``1_000``, ...).
    """
    if not isinstance(text, str):
        raise InputError(f"expected number text, got {type(text).__name__}", option)
    return to_number(text.strip(), option)


def parse_int(text: str, option: str | None = None, *, minimum: int | None = None) -> int:
    """Parse an integer (``3``, ``+3``, ``-3``; a whole fraction such as ``4/2`` too), at least ``minimum``."""
    value = parse_number(text, option)
    if isinstance(value, Fraction):
        raise InputError(f"expected an integer, got a fraction {quote(text.strip())}", option)
    if isinstance(value, float):
        raise InputError(f"expected an integer, got {quote(text.strip())}", option)
    if minimum is not None and value < minimum:
        raise InputError(f"expected an integer ≥ {minimum}, got {value}", option)
    return value


def as_int(value: object, option: str, *, minimum: int | None = None) -> int:
    """An integer given as a Python int or as text (the API takes either)."""
    if isinstance(value, bool):
        raise InputError(f"expected an integer, got {value}", option)
    if isinstance(value, int):
        if minimum is not None and value < minimum:
            raise InputError(f"expected an integer ≥ {minimum}, got {value}", option)
        return value
    if isinstance(value, str):
        return parse_int(value, option, minimum=minimum)
    raise InputError(f"expected an integer, got {type(value).__name__}", option)


def as_float(value: object, option: str) -> float:
    """A finite float given as a Python number or as text."""
    if isinstance(value, bool):
        raise InputError(f"expected a number, got {value}", option)
    number = parse_number(value, option) if isinstance(value, str) else value
    if not isinstance(number, (int, float, Fraction)):
        raise InputError(f"expected a number, got {type(value).__name__}", option)
    try:
        result = float(number)
    except OverflowError:
        result = math.inf
    if not math.isfinite(result):
        raise InputError(f"expected a finite number, got {result}", option)
    return result
