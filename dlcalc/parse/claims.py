"""Claimed answers: a number, an exact expression, a list, a shape or a matrix, as a student writes it.

    claim      := number | expression | list | matrix
    expression := term (('+' | '−') term)*         27/4 + 1, 2^-1, (3 + 4)·2
    term       := factor (('*' | '×' | '·' | '/') factor)*
    factor     := ('+' | '−') factor | atom ('^' factor)?
    atom       := number | '(' expression ')'
    list       := claim (',' | 'x' | '×' | ' ') claim …    7x7, 28×28, 7,7, [7, 7], 0.5 -1

Numbers are those of :mod:`dlcalc.parse.numbers`. A decimal keeps the places it was written with
(``Claim.decimals``), which is the precision it is judged at; integers, fractions and expressions
are exact (an expression is evaluated with fractions, never eval).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction

from dlcalc.errors import InputError
from dlcalc.parse.arrays import array_shape, flatten
from dlcalc.parse.matrices import parse_array
from dlcalc.parse.numbers import UNSIGNED, Number, decimals

MAX_CLAIM_TEXT = 100_000
MAX_CLAIM_BITS = 4096  # exact claims beyond ~10^1200 are refused rather than computed
MAX_NESTING = 50

_TOKEN = re.compile(r"\s*(?:(" + UNSIGNED + r")|([-+*/^()−×·]))")
_LITERAL = re.compile(r"[-+−]?" + UNSIGNED)
_LIST_ITEM = re.compile(r"[-+−]?[\d.]+(?:[eE][+-]?\d+)?(?:/\d+)?")
_CELL_NUMBER = re.compile(r"[-+−]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?(?:/\d+)?")


@dataclass(slots=True)
class Claim:
    """One claimed number: its text, its value, and how many decimals it was written with
    (``decimals`` is set for a plain decimal literal such as 0.73 or 1.5e-3)."""

    text: str
    value: Number
    decimals: int | None = None

    @property
    def exact(self) -> bool:
        return not isinstance(self.value, float)


def parse_claim_number(text: str, option: str = "--check") -> Claim:
    """Parse one claimed number: ``7``, ``-0.73``, ``1.5e-3``, ``3/4``, ``27/4 + 1``, ``2^-1``."""
    source = text.strip()
    if not source:
        raise InputError("expected a number, got nothing", option)
    if len(source) > 200:
        raise InputError(f"a claimed number is limited to 200 characters, got {len(source)}", option)
    if source.isascii() and source.isdigit():  # a whole number, the commonest claim
        return Claim(source, int(source))
    if _LITERAL.fullmatch(source):
        negative = source[0] in "-−"
        body = source.lstrip("+-−")
        places = decimals(source)
        if places is None:  # an integer
            return Claim(source, -int(body) if negative else int(body))
        exponent = re.search(r"[eE]([-+]?\d+)$", body)
        if exponent and abs(int(exponent.group(1))) > 400:
            raise InputError(f"exponent out of range in {source!r}", option)
        value = float(body)
        if not math.isfinite(value):
            raise InputError(f"{source!r} is out of the range of a float", option)
        return Claim(source, -value if negative else value, places)
    return Claim(source, _Expression(source, option).parse())


def _bits(value: Number) -> int:
    """Size of an exact number in bits (numerator plus denominator)."""
    if isinstance(value, int):
        return value.bit_length() + 1
    return value.numerator.bit_length() + value.denominator.bit_length()  # type: ignore[union-attr]


def _exact(*values: Number) -> bool:
    return not any(isinstance(v, float) for v in values)


class _Expression:
    """The recursive-descent parser of the grammar above; exact numbers stay exact."""

    def __init__(self, text: str, option: str) -> None:
        self.text, self.option = text, option
        self.tokens: list[str] = []
        pos = 0
        while pos < len(text):
            match = _TOKEN.match(text, pos)
            if not match or match.end() == pos:
                if text[pos:].strip() == "":
                    break
                column = pos + 1 + (len(text[pos:]) - len(text[pos:].lstrip()))
                raise InputError(f"unexpected {text[column - 1]!r} at column {column} of {text!r}; "
                                 "a claim is a number, a fraction or + − * / ^ ( ) of numbers", option)
            self.tokens.append(match.group(1) or match.group(2))
            pos = match.end()
        self.i = 0
        self.depth = 0

    def _peek(self) -> str | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def _next(self) -> str:
        token = self._peek()
        if token is None:
            raise InputError(f"{self.text!r} ends too soon", self.option)
        self.i += 1
        return token

    def parse(self) -> Number:
        value = self._expr()
        if self._peek() is not None:
            raise InputError(f"unexpected {self._peek()!r} in {self.text!r}", self.option)
        return value.numerator if isinstance(value, Fraction) and value.denominator == 1 else value

    def _expr(self) -> Number:
        value = self._term()
        while self._peek() in ("+", "-", "−"):
            op = self._next()
            right = self._term()
            value = self._finite(value + right if op == "+" else value - right)
        return value

    def _term(self) -> Number:
        value = self._factor()
        while self._peek() in ("*", "/", "×", "·"):
            op = self._next()
            right = self._factor()
            if op == "/":
                if right == 0:
                    raise InputError(f"division by zero in {self.text!r}", self.option)
                value = Fraction(value) / Fraction(right) if _exact(value, right) else value / right
            else:
                value = value * right
            value = self._finite(value)
        return value

    def _factor(self) -> Number:
        if self._peek() in ("+", "-", "−"):
            op = self._next()
            value = self._factor()
            return -value if op != "+" else value
        base = self._atom()
        if self._peek() != "^":
            return base
        self._next()
        power = self._factor()
        if isinstance(power, Fraction) and power.denominator == 1:
            power = power.numerator
        if not isinstance(power, int):
            raise InputError(f"only whole-number powers are allowed in {self.text!r}", self.option)
        if abs(power) > 64 or (base == 0 and power < 0):
            raise InputError(f"power out of range in {self.text!r}", self.option)
        if _exact(base) and _bits(base) * abs(int(power)) > MAX_CLAIM_BITS:
            raise InputError(f"{self.text!r} is too large a number to check", self.option)
        try:
            return self._finite(Fraction(base) ** int(power) if _exact(base) else base ** int(power))
        except OverflowError:
            raise InputError(f"{self.text!r} is out of the range of a float", self.option) from None

    def _finite(self, value: Number) -> Number:
        """Refuse a float that overflowed, or an exact number too large to compare sensibly."""
        if isinstance(value, float) and not math.isfinite(value):
            raise InputError(f"{self.text!r} is out of the range of a float", self.option)
        if not isinstance(value, float) and _bits(value) > MAX_CLAIM_BITS:
            raise InputError(f"{self.text!r} is too large a number to check", self.option)
        return value

    def _atom(self) -> Number:
        token = self._next()
        if token == "(":
            self.depth += 1
            if self.depth > MAX_NESTING:
                raise InputError(f"brackets nested too deeply in {self.text[:40]!r}", self.option)
            value = self._expr()
            if self._next() != ")":
                raise InputError(f"missing ')' in {self.text!r}", self.option)
            self.depth -= 1
            return value
        if token[0].isdigit() or token[0] == ".":
            if not any(c in token for c in ".eE"):
                return int(token)
            value = float(token)
            if not math.isfinite(value):
                raise InputError(f"{token!r} is out of the range of a float", self.option)
            return value
        raise InputError(f"unexpected {token!r} in {self.text!r}", self.option)


def parse_claim_values(text: str, option: str = "--check") -> list[Claim]:
    """Parse a claimed list: ``7``, ``7x7``, ``28×28``, ``7,7``, ``[7, 7]``, ``0.5 -1``."""
    if len(text) > MAX_CLAIM_TEXT:
        raise InputError(f"a claim is limited to {MAX_CLAIM_TEXT} characters, got {len(text)}", option)
    body = text.strip()
    if body.startswith("[") and body.endswith("]"):
        body = body[1:-1]
    if not body.strip():
        raise InputError("expected a value to check, got nothing", option)
    if body.isascii() and body.isdigit():
        parts = [body]
    elif re.search(r"\d\s*[x×]\s*[\d(]", body) or ("," in body):
        parts = re.split(r"\s*[x×,]\s*", body)
    elif re.fullmatch(r"\s*\S+(\s+\S+)+\s*", body) and all(_LIST_ITEM.fullmatch(p) for p in body.split()):
        parts = body.split()
    else:
        parts = [body]
    return [parse_claim_number(p, option) for p in parts]


def looks_numeric(text: str) -> bool:
    """Whether a claim is numbers (a list of them, or an expression of them) rather than a formula."""
    return re.fullmatch(r"[\s\d.eE+\-−*/^()×·,;\[\]x]*", text) is not None and re.search(r"\d", text) is not None


def parse_claim_array(text: str, option: str = "--check") -> tuple[tuple[int, ...], list[Claim]]:
    """A claimed array (rows syntax, brackets, @file or -): its shape and one Claim per cell, keeping
    each cell's written decimals for the precision rule."""
    values = parse_array(text, option)
    shape = array_shape(values)
    flat = list(flatten(values))
    tokens = [] if text.strip().startswith(("@", "-")) else _CELL_NUMBER.findall(text)
    if len(tokens) == len(flat):
        return shape, [parse_claim_number(t, option) for t in tokens]
    claims = []
    for value in flat:
        if isinstance(value, float):
            written = repr(value)
            places = len(written.split(".")[1]) if "." in written and "e" not in written else None
            claims.append(Claim(written, value, places))
        else:
            claims.append(Claim(str(value), value))
    return shape, claims
