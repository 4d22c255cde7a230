"""Claimed-vs-correct comparison: the ``--check`` of every command.

Rules (CONTRACT.md, "Checking a claimed answer"):

* A claim written as a decimal with k places is right when the true value rounded to k places
  equals it, i.e. when the true value lies in ``[claim − ½·10^−k, claim + ½·10^−k)``.
* Integers compare exactly; so do fractions (``3/4``) and simple expressions (``27/4 + 1``)
  against an exact answer (against a float answer they get a relative tolerance of 1e-9).
* ``--rtol``/``--atol`` override all of that: ``|claim − true| ≤ atol + rtol·|true|``.
* A wrong claim is diagnosed by trying the topic's common mistakes (``Mistake``) and naming the
  first that reproduces it.

Claims are parsed by a small recursive-descent grammar (numbers, + − * / ^, parentheses), never eval.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from dlcalc.errors import DlcalcError
from dlcalc.parse import LazyPattern, array_shape, flatten, is_fraction
from dlcalc.solution import Verdict, _Record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from fractions import Fraction

    Number = int | Fraction | float

# fractions (and the decimal module it imports) is loaded only when a claim or an answer needs
# it: 2 ms of start-up that an integer claim such as a shape or a parameter count never uses.


def _fraction(value: Number | str, denominator: int | None = None) -> Fraction:
    from fractions import Fraction

    return Fraction(value) if denominator is None else Fraction(value, denominator)

MAX_CLAIM_TEXT = 100_000
MAX_CLAIM_BITS = 4096  # exact claims beyond ~10^1200 are refused rather than computed
FLOAT_RTOL = 1e-9


class Claim(_Record):
    """One claimed number: its text, its value, and how many decimals it was written with
    (``decimals`` is set for a plain decimal literal such as 0.73 or 1.5e-3)."""

    __slots__ = ("text", "value", "decimals")

    def __init__(self, text: str, value: Number, decimals: int | None = None) -> None:
        self.text, self.value, self.decimals = text, value, decimals

    @property
    def exact(self) -> bool:
        return not isinstance(self.value, float)


class Mistake(_Record):
    """A common slip and the answer it produces (one value per element of the answer):
    ``description`` ("what stride 1 gives"), ``values``, and ``context`` ("with stride 4", said
    before the correct answer)."""

    __slots__ = ("description", "values", "context")

    def __init__(self, description: str, values: tuple, context: str = "") -> None:
        self.description, self.values, self.context = description, values, context


# ---------------------------------------------------------------------------------------------
# Parsing claims
# ---------------------------------------------------------------------------------------------

_TOKEN = LazyPattern(r"\s*(?:(\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|([-+*/^()−×·]))")


def parse_claim_number(text: str, option: str = "--check") -> Claim:
    """Parse one claimed number: ``7``, ``-0.73``, ``1.5e-3``, ``3/4``, ``27/4 + 1``, ``2^-1``."""
    source = text.strip()
    if not source:
        raise DlcalcError("expected a number, got nothing", option)
    if len(source) > 200:
        raise DlcalcError(f"a claimed number is limited to 200 characters, got {len(source)}", option)
    if source.isascii() and source.isdigit():  # a whole number, the commonest claim: no regex
        return Claim(source, int(source))
    literal = re.fullmatch(r"[-+−]?(\d+\.\d*|\.\d+|\d+)(?:[eE]([+-]?\d+))?", source)
    if literal:
        mantissa, exponent = literal.group(1), int(literal.group(2) or 0)
        if abs(exponent) > 400:
            raise DlcalcError(f"exponent out of range in {source!r}", option)
        negative = source[0] in "-−"
        body = source.lstrip("+-−")
        if "." in mantissa or literal.group(2):
            places = len(mantissa.split(".")[1]) if "." in mantissa else 0
            value = float(body.replace("−", "-"))
            if not math.isfinite(value):
                raise DlcalcError(f"{source!r} is out of the range of a float", option)
            return Claim(source, -value if negative else value, max(places - exponent, 0))
        return Claim(source, -int(body) if negative else int(body))
    value = _Expression(source, option).parse()
    return Claim(source, value)


class _Expression:
    """expr := term (('+'|'−') term)*; term := factor (('*'|'/') factor)*;
    factor := ('+'|'−') factor | atom ('^' factor)?; atom := number | '(' expr ')'."""

    def __init__(self, text: str, option: str) -> None:
        self.text, self.option = text, option
        self.tokens: list[tuple[str, int]] = []
        pos = 0
        while pos < len(text):
            match = _TOKEN.match(text, pos)
            if not match or match.end() == pos:
                if text[pos:].strip() == "":
                    break
                column = pos + 1 + (len(text[pos:]) - len(text[pos:].lstrip()))
                raise DlcalcError(f"unexpected {text[column - 1]!r} at column {column} of {text!r}; "
                                  "a claim is a number, a fraction or + − * / ^ ( ) of numbers", option)
            self.tokens.append((match.group(1) or match.group(2), match.end()))
            pos = match.end()
        self.i = 0
        self.depth = 0

    def _peek(self) -> str | None:
        return self.tokens[self.i][0] if self.i < len(self.tokens) else None

    def _next(self) -> str:
        token = self._peek()
        if token is None:
            raise DlcalcError(f"{self.text!r} ends too soon", self.option)
        self.i += 1
        return token

    def parse(self) -> Number:
        value = self._expr()
        if self._peek() is not None:
            raise DlcalcError(f"unexpected {self._peek()!r} in {self.text!r}", self.option)
        return _tidy(value)

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
                    raise DlcalcError(f"division by zero in {self.text!r}", self.option)
                value = _fraction(value) / _fraction(right) if _exact(value, right) else value / right
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
        if self._peek() == "^":
            self._next()
            power = self._factor()
            if not isinstance(power, int) and not (is_fraction(power) and power.denominator == 1):
                raise DlcalcError(f"only whole-number powers are allowed in {self.text!r}", self.option)
            if abs(power) > 64 or (base == 0 and power < 0):
                raise DlcalcError(f"power out of range in {self.text!r}", self.option)
            if _exact(base) and _bits(base) * abs(int(power)) > MAX_CLAIM_BITS:
                raise DlcalcError(f"{self.text!r} is too large a number to check", self.option)
            try:
                return self._finite(_fraction(base) ** int(power) if _exact(base) else base ** int(power))
            except OverflowError:
                raise DlcalcError(f"{self.text!r} is out of the range of a float", self.option) from None
        return base

    def _finite(self, value: Number) -> Number:
        """Refuse a float that overflowed, or an exact number too large to compare sensibly."""
        if isinstance(value, float) and not math.isfinite(value):
            raise DlcalcError(f"{self.text!r} is out of the range of a float", self.option)
        if not isinstance(value, float) and _bits(value) > MAX_CLAIM_BITS:
            raise DlcalcError(f"{self.text!r} is too large a number to check", self.option)
        return value

    def _atom(self) -> Number:
        token = self._next()
        if token == "(":
            self.depth += 1
            if self.depth > 50:
                raise DlcalcError(f"brackets nested too deeply in {self.text[:40]!r}", self.option)
            value = self._expr()
            if self._next() != ")":
                raise DlcalcError(f"missing ')' in {self.text!r}", self.option)
            self.depth -= 1
            return value
        if token[0].isdigit() or token[0] == ".":
            if any(c in token for c in ".eE"):
                value = float(token)
                if not math.isfinite(value):
                    raise DlcalcError(f"{token!r} is out of the range of a float", self.option)
                return value
            return int(token)
        raise DlcalcError(f"unexpected {token!r} in {self.text!r}", self.option)


def _bits(value: Number) -> int:
    """Size of an exact number in bits (numerator plus denominator)."""
    if isinstance(value, int):
        return value.bit_length() + 1
    return value.numerator.bit_length() + value.denominator.bit_length()


def _exact(*values: Number) -> bool:
    return not any(isinstance(v, float) for v in values)


def _tidy(value: Number) -> Number:
    if is_fraction(value) and value.denominator == 1:
        return int(value)
    return value


def parse_claim_values(text: str, option: str = "--check") -> list[Claim]:
    """Parse a claimed list: ``7``, ``7x7``, ``28×28``, ``7,7``, ``[7, 7]``, ``0.5 -1``."""
    if len(text) > MAX_CLAIM_TEXT:
        raise DlcalcError(f"a claim is limited to {MAX_CLAIM_TEXT} characters, got {len(text)}", option)
    body = text.strip()
    if body.startswith("[") and body.endswith("]"):
        body = body[1:-1]
    if not body.strip():
        raise DlcalcError("expected a value to check, got nothing", option)
    if body.isascii() and body.isdigit():
        parts = [body]
    elif re.search(r"\d\s*[x×]\s*[\d(]", body) or ("," in body):
        parts = re.split(r"\s*[x×,]\s*", body)
    elif re.fullmatch(r"\s*\S+(\s+\S+)+\s*", body) and all(
            re.fullmatch(r"[-+−]?[\d.]+(?:[eE][+-]?\d+)?(?:/\d+)?", p) for p in body.split()):
        parts = body.split()
    else:
        parts = [body]
    return [parse_claim_number(p, option) for p in parts]


# ---------------------------------------------------------------------------------------------
# Comparing
# ---------------------------------------------------------------------------------------------


def accepted_interval(claim: Claim, correct: Number, rtol: float | None = None,
                      atol: float | None = None) -> tuple[Fraction | float, Fraction | float, str]:
    """The interval the true value must lie in for the claim to pass, and how it was chosen."""
    if rtol is not None or atol is not None:
        tol = (atol or 0.0) + (rtol or 0.0) * abs(float(correct))
        c = float(claim.value)
        return c - tol, c + tol, f"|claim − true| ≤ {_short(atol or 0.0)} + {_short(rtol or 0.0)}·|true|"
    if claim.decimals is not None:
        half = _fraction(1, 2 * 10**claim.decimals)
        centre = _fraction(claim.text.replace("−", "-"))
        return centre - half, centre + half, f"the claim's {claim.decimals} decimal" + (
            "s" if claim.decimals != 1 else "")
    if isinstance(correct, float):
        c = float(claim.value)
        tol = FLOAT_RTOL * max(abs(correct), 1e-300)
        return c - tol, c + tol, "relative tolerance 1e-9 against a floating-point answer"
    return claim.value, claim.value, "exact"


def claim_matches(claim: Claim, correct: Number, rtol: float | None = None,
                  atol: float | None = None) -> bool:
    """Whether one claimed number is right by the precision rules above."""
    low, high, how = accepted_interval(claim, correct, rtol, atol)
    if how == "exact":
        if isinstance(claim.value, int) and isinstance(correct, int):
            return claim.value == correct
        return _fraction(claim.value) == _fraction(correct)
    true = _fraction(correct) if not isinstance(low, float) else float(correct)
    if claim.decimals is not None and rtol is None and atol is None:
        return low <= true < high
    return low <= true <= high


def _short(value: float) -> str:
    return f"{value:g}"


def _show(value: Number | Fraction) -> str:
    if is_fraction(value):
        if value.denominator == 1:
            return str(value.numerator)
        places = _terminating_places(value.denominator)
        if places is not None and places <= 12:
            return _decimal_text(value, places)
        if value.denominator <= 1000:
            return f"{value.numerator}/{value.denominator}"
        return f"{float(value):.10g}"
    if isinstance(value, float):
        return f"{value:.10g}"
    return str(value)


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


def _decimal_text(value: Fraction, places: int) -> str:
    scaled = value * 10**places
    sign = "-" if scaled < 0 else ""
    whole, frac = divmod(abs(scaled.numerator), 10**places)
    return f"{sign}{whole}.{frac:0{places}d}"


def _show_values(values: Sequence[Number], joiner: str) -> str:
    return joiner.join(_show(v) for v in values)


def check_claim(text: str, correct: Sequence[Number], *, option: str = "--check",
                rtol: float | None = None, atol: float | None = None,
                mistakes: Sequence[Mistake] = (), labels: Sequence[str] | None = None,
                joiner: str = "×") -> Verdict:
    """Compare a claimed answer (text) with the correct values and build the verdict.

    Args:
        text: the claim as typed, e.g. ``"28"``, ``"28x28"``, ``"0.73"``.
        correct: the correct values, one per element (axis, cell, ...).
        rtol, atol: tolerances that override the precision-aware rule.
        mistakes: common slips to try when the claim is wrong; the first that reproduces it is named.
        labels: names for the elements, used to say which one is wrong (e.g. ``["height", "width"]``).
        joiner: how to print a list of values (``×`` for shapes).
    """
    claims = parse_claim_values(text, option)
    broadcast = len(claims) == 1  # one number stands for every element
    if len(claims) == 1 and len(correct) > 1:
        claims = claims * len(correct)
    if len(claims) != len(correct):
        raise DlcalcError(f"expected 1 or {len(correct)} values, got {len(claims)} in {text!r}", option)
    claimed_values = [c.value for c in claims]
    ok = [claim_matches(c, v, rtol, atol) for c, v in zip(claims, correct, strict=False)]
    correct_text = _show_values(correct, joiner)
    claimed_text = text.strip()
    details: list[str] = []
    said_once = len({c.text for c in claims}) == 1 and len(set(map(str, correct))) == 1
    for k, (claim, value, good) in enumerate(zip(claims, correct, ok, strict=False)):
        if k > 0 and said_once:
            break  # a broadcast claim against equal values: say it once
        low, high, how = accepted_interval(claim, value, rtol, atol)
        where = f"{labels[k]}: " if labels and len(correct) > 1 and not said_once else ""
        mark = "✓" if good else "✗"
        if how == "exact":
            details.append(f"{mark} {where}claimed {claim.text}, correct {_show(value)} (compared exactly)")
        else:
            closed = "<" if claim.decimals is not None and rtol is None and atol is None else "≤"
            details.append(f"{mark} {where}claimed {claim.text}, correct {_show(value)}; accepted by "
                           f"{how}: {_show(low)} ≤ true {closed} {_show(high)}")
    passed = all(ok)
    diagnosis = None
    if not passed:
        for mistake in mistakes:
            if len(mistake.values) != len(claims):
                continue
            if all(_reproduces(c, v) for c, v in zip(claims, mistake.values, strict=False)):
                context = f"{mistake.context} " if mistake.context else ""
                diagnosis = (f"{claimed_text} is {mistake.description}; {context}the answer is "
                             f"{correct_text}")
                break
        if diagnosis is None:
            details.append(f"the correct answer is {correct_text}; no common mistake reproduces "
                           f"{claimed_text}")
    claimed_out = claimed_values[0] if len(correct) == 1 or broadcast else claimed_values
    correct_out = list(correct)[0] if len(correct) == 1 else list(correct)
    return Verdict(claimed_out, correct_out, passed, details, diagnosis)


def _reproduces(claim: Claim, value: Number) -> bool:
    """Whether a mistaken value explains a claim (by the same precision rules as a correct one)."""
    try:
        return claim_matches(claim, value)
    except (TypeError, ValueError, OverflowError):
        return False


# ---------------------------------------------------------------------------------------------
# Matrices, cell by cell
# ---------------------------------------------------------------------------------------------

_CLAIM_NUMBER = LazyPattern(r"[-+−]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?(?:/\d+)?")


class Alternative(_Record):
    """What a common mistake makes of the whole output (a nested list, any shape)."""

    __slots__ = ("description", "values")

    def __init__(self, description: str, values: list) -> None:
        self.description, self.values = description, values


def parse_claim_array(text: str, option: str = "--check") -> tuple[tuple[int, ...], list[Claim]]:
    """A claimed array (rows syntax, brackets, @file or -): its shape and one Claim per cell,
    keeping each cell's written decimals for the precision rule."""
    from dlcalc.parse import parse_array

    values = parse_array(text, option)
    shape = array_shape(values)
    flat = list(flatten(values))
    tokens = [] if text.strip().startswith(("@", "-")) else _CLAIM_NUMBER.findall(text)
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


def _at(values, index: tuple[int, ...]):
    for i in index:
        if not isinstance(values, list) or not 0 <= i < len(values):
            return None
        values = values[i]
    return values


def _indices(shape: tuple[int, ...]):
    if not shape:
        yield ()
        return
    for i in range(shape[0]):
        for rest in _indices(shape[1:]):
            yield (i, *rest)


def _without_leading_ones(shape: tuple[int, ...]) -> tuple[int, ...]:
    while shape and shape[0] == 1:
        shape = shape[1:]
    return shape


def check_array(text: str, correct: list, *, option: str = "--check", rtol: float | None = None,
                atol: float | None = None, label=None, explain=None, why_shape: str = "",
                alternatives: Sequence[Alternative] = (), max_listed: int = 12) -> Verdict:
    """Compare a claimed array with the correct one, cell by cell.

    Args:
        label: index -> the cell's name, e.g. ``O[0,1]``.
        explain: index -> the worked sum of the correct value (shown for each wrong cell).
        why_shape: how the correct shape follows (shown when the claim's shape differs).
        alternatives: whole outputs that common mistakes produce; a wrong cell (or a wrongly shaped
            claim) is diagnosed by the one that reproduces it, else by a neighbouring or mirrored cell.
    """
    label = label or (lambda index: "[" + ",".join(map(str, index)) + "]")
    shape, claims = parse_claim_array(text, option)
    want = array_shape(correct)
    if shape != want and _without_leading_ones(shape) == _without_leading_ones(want):
        shape = want  # the same numbers with fewer (or more) outer brackets: "7" for a 1×1 output, "1 2 3" for 1×3
    claimed_nested = _nest([c.value for c in claims], shape)
    if shape != want:
        details = [f"✗ expected a {'×'.join(map(str, want))} output{' (' + why_shape + ')' if why_shape else ''}, "
                   f"got {'×'.join(map(str, shape)) or 'a single number'}"]
        diagnosis = None
        for alt in alternatives:
            if array_shape(alt.values) == shape:
                same = all(claim_matches(c, v) for c, v in zip(claims, flatten(alt.values), strict=False))
                diagnosis = f"a {'×'.join(map(str, shape))} output is {alt.description}" + (
                    ", and the claimed values match it" if same else "")
                break
        return Verdict(claimed_nested, correct, False, details, diagnosis)
    wrong = []
    for index, claim in zip(_indices(shape), claims, strict=False):
        if not claim_matches(claim, _at(correct, index), rtol, atol):
            wrong.append((index, claim))
    if not wrong:
        details = [f"✓ all {len(claims)} cells match" if len(claims) != 1 else "✓ the one cell matches"]
        decimals = {c.decimals for c in claims if c.decimals is not None}
        if decimals:
            details.append(f"decimals are accepted at the precision written ({', '.join(map(str, sorted(decimals)))} "
                           "places: the true value rounded there equals the claim)")
        return Verdict(claimed_nested, correct, True, details, None)
    details = [f"✗ {len(wrong)} of {len(claims)} cells are wrong:"]
    if len(shape) == 2 and shape[0] * shape[1] <= 400:
        details += _marked_rows(claims, shape, {w[0] for w in wrong}, correct)
    diagnoses = []
    for index, claim in wrong[:max_listed]:
        true = _at(correct, index)
        line = f"✗ {label(index)}: claimed {claim.text}, correct {_show(true)}"
        if explain is not None:
            line += f" = {explain(index)}"
        details.append(line)
        reason = _diagnose_cell(index, claim, correct, alternatives, label)
        if reason:
            diagnoses.append(f"{label(index)} = {claim.text} is {reason}")
    if len(wrong) > max_listed:
        details.append(f"… and {len(wrong) - max_listed} more wrong cells")
    whole = next((alt.description for alt in alternatives if array_shape(alt.values) == shape and all(
        claim_matches(c, v) for c, v in zip(claims, flatten(alt.values), strict=False))), None)
    diagnosis = f"the claimed output is {whole}" if whole else ("; ".join(diagnoses) if diagnoses else None)
    return Verdict(claimed_nested, correct, False, details, diagnosis)


def _nest(flat: list, shape: tuple[int, ...]):
    if not shape:
        return flat[0]
    step = len(flat) // shape[0]
    return [_nest(flat[k * step:(k + 1) * step], shape[1:]) for k in range(shape[0])]


def _marked_rows(claims: list[Claim], shape: tuple[int, int], wrong: set, correct: list) -> list[str]:
    """The claimed matrix with each wrong cell shown as ``claimed✗(right)``."""
    cells = []
    for r in range(shape[0]):
        row = []
        for c in range(shape[1]):
            claim = claims[r * shape[1] + c]
            row.append(f"{claim.text}✗({_show(_at(correct, (r, c)))})" if (r, c) in wrong else claim.text)
        cells.append(row)
    widths = [max(len(row[c]) for row in cells) for c in range(shape[1])]
    return ["  [" + "  ".join(cell.rjust(widths[c]) for c, cell in enumerate(row)) + "]" for row in cells]


def _diagnose_cell(index: tuple[int, ...], claim: Claim, correct: list, alternatives: Sequence[Alternative],
                   label) -> str | None:
    for alt in alternatives:
        value = _at(alt.values, index)
        if value is not None and not isinstance(value, list) and _reproduces(claim, value):
            return f"{alt.description} at this cell"
    if len(index) >= 2:
        *lead, i, j = index
        mirrored = (*lead, j, i)
        value = _at(correct, mirrored)
        if mirrored != index and value is not None and not isinstance(value, list) and _reproduces(claim, value):
            return f"the value of {label(mirrored)}, the cell mirrored across the diagonal"
        for di, dj in ((0, -1), (0, 1), (-1, 0), (1, 0)):
            near = (*lead, i + di, j + dj)
            if min(near) < 0:
                continue
            value = _at(correct, near)
            if value is not None and not isinstance(value, list) and _reproduces(claim, value):
                return f"the value of the neighbouring cell {label(near)}"
    return None


# ---------------------------------------------------------------------------------------------
# Several claims at once
# ---------------------------------------------------------------------------------------------


def split_named(text: str, option: str, example: str, form: str = "NAME=VALUE") -> tuple[str, str]:
    """``NAME=VALUE`` → (name, value); a DlcalcError that shows ``form`` and ``example`` when there
    is no ``=``."""
    if "=" not in text:
        raise DlcalcError(f"expected {form} such as {example}, got {text!r}", option)
    name, value = (part.strip() for part in text.split("=", 1))
    return name, value


def combine(parts: Sequence[tuple[str, str | None, Verdict]]) -> Verdict:
    """One verdict for several claims, each ``(key, label, verdict)``: it passes when every part
    does; each part's detail lines and diagnosis are prefixed with its label (none when None)."""
    claimed, correct, details, diagnoses = {}, {}, [], []
    for key, label, verdict in parts:
        claimed[key], correct[key] = verdict.claimed, verdict.correct
        details += [f"{label}: {line}" if label else line for line in verdict.details]
        if verdict.diagnosis:
            diagnoses.append(f"{label}: {verdict.diagnosis}" if label else verdict.diagnosis)
    return Verdict(claimed, correct, all(v.passed for _, _, v in parts), details, "; ".join(diagnoses) or None)
