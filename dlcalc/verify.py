"""The one judge: a claim against a Solution, using its topic's claim table and common mistakes.

A topic puts a :class:`~dlcalc.solution.ClaimTable` on its Solution: the quantities a claim may name
(``output_size``, ``kl``, ``layer_3``, ``di``), each with its correct value, how it is compared, and
the common mistakes that produce a wrong one (each a function giving the wrong value, with the
sentence that names it). :func:`judge` reads a claim the way a student writes it and returns a
:class:`~dlcalc.solution.Verdict`; it knows nothing of any topic. This module (and the claim parsers
it uses) is imported only when a claim is judged.

How a quantity is compared (its ``kind``):

* ``values``: one number or a list (``28``, ``7x7``, ``0.1, -0.2``), element by element; one claimed
  number stands for every element;
* ``shape``: the same, written ``10x10x16``; an image shape may also be claimed channels first;
* ``array``: a matrix or C×H×W array, cell by cell, wrong cells marked and diagnosed;
* a formula: a topic with formulas (lstm-grads) judges ``NAME = FORMULA`` itself, for all values.

The precision policy (CONTRACT.md, "Checking a claimed answer"):

* a claim written as a decimal with k places is right when the true value rounded to k places
  equals it, i.e. when the true value lies in ``[claim − ½·10^−k, claim + ½·10^−k)``;
* integers, fractions (``3/4``) and simple expressions (``27/4 + 1``) compare exactly against an
  exact answer (against a float answer with a relative tolerance of 1e-9);
* ``rtol``/``atol`` override all of that: ``|claim − true| ≤ atol + rtol·|true|``.

A wrong claim is diagnosed by trying the quantity's mistakes and naming the first that reproduces it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from dlcalc import show
from dlcalc.claims import ClaimTable, Mistake, Quantity, Verdict, mistake
from dlcalc.errors import InputError
from dlcalc.parse.arrays import array_shape, flatten
from dlcalc.parse.claims import Claim, looks_numeric, parse_claim_array, parse_claim_values
from dlcalc.parse.numbers import Number

if TYPE_CHECKING:
    from dlcalc.solution import Solution

__all__ = ["ClaimItem", "ClaimTable", "Mistake", "Quantity", "accepted_interval", "apply_claims", "check_array",
           "check_claim", "claim_matches", "claim_text", "combine", "compare", "judge", "judge_items", "mistake"]

FLOAT_RTOL = 1e-9

ClaimItem = tuple[str | None, Any] | tuple[str | None, Any, str]
"""One claim as the judge reads it: (the quantity it names, or None for the default; what is claimed),
and optionally the option it came from (for messages; ``--check`` when not given)."""


# ---------------------------------------------------------------------------------------------
# Reading a claim
# ---------------------------------------------------------------------------------------------


def claim_text(value: Any) -> str:
    """A claim given as a Python value (from a sheet, a batch line or the API) as the text a student writes:
    ``28``, ``7, 7`` for a list, ``1, 2; 3, 4`` for rows."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list):
        if value and all(isinstance(v, list) for v in value):
            return "; ".join(claim_text(v) for v in value)
        return ", ".join(claim_text(v) for v in value)
    return str(value)


_NAMED = re.compile(r"\s*([^\s=]+)\s*=(?!=)\s*(.*)", re.DOTALL)


def claim_items(claim: Any) -> list[ClaimItem]:
    """A claim as (name, text) items: a dict of named claims, ``NAME=VALUE``, or an unnamed value."""
    if isinstance(claim, dict):
        return [(str(name), value) for name, value in claim.items()]
    return [(None, claim)]


def judge(solution: Solution, claim: Any, *, rtol: float | None = None, atol: float | None = None,
          option: str = "--check") -> Verdict:
    """The verdict on ``claim`` (a value, ``NAME=VALUE`` text, or a dict of named claims) against a solution."""
    return judge_items(solution, claim_items(claim), rtol=rtol, atol=atol, option=option)


def judge_items(solution: Solution, items: Sequence[ClaimItem], *, rtol: float | None = None,
                atol: float | None = None, option: str = "--check", formulas: Sequence[str] = ()) -> Verdict:
    """One verdict for several claims: each (name or None, value); ``formulas`` are ``NAME = FORMULA`` texts."""
    table = solution.claims
    if table is None:
        raise InputError(f"{solution.command} computes nothing a claim can be checked against", option)
    rtol, atol = _tolerance(rtol, "--rtol"), _tolerance(atol, "--atol")
    parts: list[tuple[str, str | None, Verdict]] = []
    for item in items:
        parts.append(_judge_one(table, item[0], item[1], rtol, atol, item[2] if len(item) > 2 else option))
    for text in formulas:
        if table.formula is None:
            raise InputError("this topic has no formulas to check", option)
        key, verdict = table.formula(text)
        parts.append((key, None, verdict))
    if not parts:
        raise InputError("expected a claim to check, got none", option)
    if len(parts) == 1 and not table.combine:
        return parts[0][2]
    return combine(parts)


def _judge_one(table: ClaimTable, name: str | None, value: Any, rtol: float | None, atol: float | None,
               option: str) -> tuple[str, str | None, Verdict]:
    text = claim_text(value).strip()
    if name is None:
        named = _NAMED.fullmatch(text)
        if named and (_is_name(table, named.group(1)) or re.fullmatch(r"[A-Za-z_]\w*", named.group(1))):
            name, text = named.group(1), named.group(2).strip()  # an unknown plain name is reported as such
    if name is None and table.formula is not None and "=" in text:  # "\delta i_t = ...": the formula's own names
        key, verdict = table.formula(text)
        return key, None, verdict
    if name is None:
        if table.default is None:
            raise InputError(table.unnamed, option)
        name = table.default
    found = table.find(name.replace("δ", "d"), option)
    if table.formula is not None and found in table.formula_names and (
            found not in table.quantities or not looks_numeric(text)):
        key, verdict = table.formula(f"{found} = {text}")
        return key, None, verdict
    quantity = table.quantities[found]
    verdict = compare(quantity, text, rtol=rtol, atol=atol, option=option)
    return quantity.key or found, quantity.label if quantity.label is not None else found, verdict


def _is_name(table: ClaimTable, name: str) -> bool:
    try:
        table.find(name.replace("δ", "d"), "--check")
    except InputError:
        return False
    return True


def compare(quantity: Quantity, text: str, *, rtol: float | None = None, atol: float | None = None,
            option: str = "--check") -> Verdict:
    """A claim (text) against one quantity, by its kind."""
    if quantity.kind == "array":
        return check_array(text, quantity, rtol=rtol, atol=atol, option=option)
    correct = list(quantity.value())
    verdict = check_claim(text, correct, option=option, rtol=rtol, atol=atol, mistakes=quantity.slips(),
                          labels=quantity.labels, joiner=quantity.joiner)
    if quantity.channels_last and not verdict.passed:
        first = check_claim(text, [correct[-1], *correct[:-1]], option=option, joiner=quantity.joiner)
        if first.passed:
            first.details.append("written channels first (C×H×W, PyTorch's order); dlcalc writes H×W×C")
            return first
    return verdict


# ---------------------------------------------------------------------------------------------
# The precision policy
# ---------------------------------------------------------------------------------------------


def accepted_interval(claim: Claim, correct: Number, rtol: float | None = None,
                      atol: float | None = None) -> tuple[Fraction | float, Fraction | float, str]:
    """The interval the true value must lie in for the claim to pass, and how it was chosen."""
    if rtol is not None or atol is not None:
        tol = (atol or 0.0) + (rtol or 0.0) * abs(float(correct))
        c = float(claim.value)
        return c - tol, c + tol, f"|claim − true| ≤ {atol or 0.0:g} + {rtol or 0.0:g}·|true|"
    if claim.decimals is not None:
        half = Fraction(1, 2 * 10**claim.decimals)
        centre = Fraction(claim.text.replace("−", "-"))
        return centre - half, centre + half, f"the claim's {claim.decimals} decimal" + (
            "s" if claim.decimals != 1 else "")
    if isinstance(correct, float):
        c = float(claim.value)
        tol = FLOAT_RTOL * max(abs(correct), 1e-300)
        return c - tol, c + tol, "relative tolerance 1e-9 against a floating-point answer"
    return claim.value, claim.value, "exact"


def claim_matches(claim: Claim, correct: Number, rtol: float | None = None, atol: float | None = None) -> bool:
    """Whether one claimed number is right by the precision policy."""
    low, high, how = accepted_interval(claim, correct, rtol, atol)
    if how == "exact":
        if isinstance(claim.value, int) and isinstance(correct, int):
            return claim.value == correct
        return Fraction(claim.value) == Fraction(correct)
    true = Fraction(correct) if not isinstance(low, float) else float(correct)
    if claim.decimals is not None and rtol is None and atol is None:
        return low <= true < high
    return low <= true <= high


def _reproduces(claim: Claim, value: Any) -> bool:
    """Whether a mistaken value explains a claim (by the same precision rules as a correct one)."""
    try:
        return claim_matches(claim, value)
    except (TypeError, ValueError, OverflowError, ZeroDivisionError):
        return False


# ---------------------------------------------------------------------------------------------
# Values: one number, or one per element
# ---------------------------------------------------------------------------------------------


def check_claim(text: str, correct: Sequence[Number], *, option: str = "--check", rtol: float | None = None,
                atol: float | None = None, mistakes: Sequence[Mistake] = (), labels: Sequence[str] | None = None,
                joiner: str = "×") -> Verdict:
    """Compare a claimed answer (text) with the correct values and build the verdict.

    Args:
        text: the claim as typed, e.g. ``"28"``, ``"28x28"``, ``"0.73"``.
        correct: the correct values, one per element (axis, cell, ...).
        mistakes: common slips to try when the claim is wrong; the first that reproduces it is named.
        labels: names for the elements, used to say which one is wrong (e.g. ``["height", "width"]``).
        joiner: how to print a list of values (``×`` for shapes).
    """
    claims = parse_claim_values(text.replace(";", ","), option)
    broadcast = len(claims) == 1  # one number stands for every element
    if len(claims) == 1 and len(correct) > 1:
        claims = claims * len(correct)
    if len(claims) != len(correct):
        expected = "1 value" if len(correct) == 1 else f"1 or {len(correct)} values"
        raise InputError(f"expected {expected}, got {len(claims)} in {text!r}", option)
    ok = [claim_matches(c, v, rtol, atol) for c, v in zip(claims, correct, strict=True)]
    correct_text = joiner.join(show.fraction(v) for v in correct)
    details: list[str] = []
    said_once = len({c.text for c in claims}) == 1 and len(set(map(str, correct))) == 1
    for k, (claim, value, good) in enumerate(zip(claims, correct, ok, strict=True)):
        if k > 0 and said_once:
            break  # a broadcast claim against equal values: say it once
        low, high, how = accepted_interval(claim, value, rtol, atol)
        where = f"{labels[k]}: " if labels and len(correct) > 1 and not said_once else ""
        mark = "✓" if good else "✗"
        if how == "exact":
            details.append(f"{mark} {where}claimed {claim.text}, correct {show.fraction(value)} (compared exactly)")
        else:
            closed = "<" if claim.decimals is not None and rtol is None and atol is None else "≤"
            details.append(f"{mark} {where}claimed {claim.text}, correct {show.fraction(value)}; accepted by "
                           f"{how}: {show.fraction(low)} ≤ true {closed} {show.fraction(high)}")
    passed = all(ok)
    diagnosis = None
    if not passed:
        for slip in mistakes:
            values = slip.value()
            if values is None or len(values) != len(claims):
                continue
            if all(_reproduces(c, v) for c, v in zip(claims, values, strict=True)):
                context = f"{slip.context} " if slip.context else ""
                diagnosis = f"{text.strip()} is {slip.describe}; {context}the answer is {correct_text}"
                break
        if diagnosis is None:
            details.append(f"the correct answer is {correct_text}; no common mistake reproduces {text.strip()}")
    claimed_values = [c.value for c in claims]
    claimed_out = claimed_values[0] if len(correct) == 1 or broadcast else claimed_values
    correct_out = list(correct)[0] if len(correct) == 1 else list(correct)
    return Verdict(claimed_out, correct_out, passed, details, diagnosis)


# ---------------------------------------------------------------------------------------------
# Arrays, cell by cell
# ---------------------------------------------------------------------------------------------


def _at(values: Any, index: tuple[int, ...]) -> Any:
    for i in index:
        if not isinstance(values, list) or not 0 <= i < len(values):
            return None
        values = values[i]
    return values


def _indices(shape: tuple[int, ...]) -> Iterator[tuple[int, ...]]:
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


def _nest(flat: list, shape: tuple[int, ...]) -> Any:
    if not shape:
        return flat[0]
    step = len(flat) // shape[0]
    return [_nest(flat[k * step:(k + 1) * step], shape[1:]) for k in range(shape[0])]


def check_array(text: str, quantity: Quantity, *, option: str = "--check", rtol: float | None = None,
                atol: float | None = None, max_listed: int = 12) -> Verdict:
    """Compare a claimed array with the correct one, cell by cell.

    A wrong cell (or a wrongly shaped claim) is diagnosed by the mistake whose whole output reproduces
    it, else by a neighbouring or mirrored cell copied.
    """
    correct = quantity.value()
    label = quantity.cell or (lambda index: "[" + ",".join(map(str, index)) + "]")
    slips = [(slip, slip.value()) for slip in quantity.slips()]
    slips = [(slip, values) for slip, values in slips if values is not None]
    shape, claims = parse_claim_array(text, option)
    want = array_shape(correct)
    if shape != want and _without_leading_ones(shape) == _without_leading_ones(want):
        shape = want  # the same numbers with fewer (or more) outer brackets: "7" for a 1×1 output, "1 2 3" for 1×3
    shown = quantity.shown if quantity.shown is not None else correct
    claimed_nested = _nest([c.value for c in claims], shape)
    if shape != want:
        why = f" ({quantity.why_shape})" if quantity.why_shape else ""
        got = "×".join(map(str, shape)) or "a single number"
        details = [f"✗ expected a {'×'.join(map(str, want))} output{why}, got {got}"]
        diagnosis = None
        for slip, values in slips:
            if array_shape(values) == shape:
                same = all(claim_matches(c, v) for c, v in zip(claims, flatten(values), strict=False))
                diagnosis = f"a {'×'.join(map(str, shape))} output is {slip.describe}" + (
                    ", and the claimed values match it" if same else "")
                break
        return Verdict(claimed_nested, shown, False, details, diagnosis)
    wrong = [(index, claim) for index, claim in zip(_indices(shape), claims, strict=False)
             if not claim_matches(claim, _at(correct, index), rtol, atol)]
    if not wrong:
        details = [f"✓ all {len(claims)} cells match" if len(claims) != 1 else "✓ the one cell matches"]
        places = {c.decimals for c in claims if c.decimals is not None}
        if places:
            details.append(f"decimals are accepted at the precision written ({', '.join(map(str, sorted(places)))} "
                           "places: the true value rounded there equals the claim)")
        return Verdict(claimed_nested, shown, True, details, None)
    details = [f"✗ {len(wrong)} of {len(claims)} cells are wrong:"]
    if len(shape) == 2 and shape[0] * shape[1] <= 400:
        details += _marked_rows(claims, (shape[0], shape[1]), {w[0] for w in wrong}, correct)
    diagnoses = []
    for index, claim in wrong[:max_listed]:
        line = f"✗ {label(index)}: claimed {claim.text}, correct {show.fraction(_at(correct, index))}"
        if quantity.explain is not None:
            line += f" = {quantity.explain(index)}"
        details.append(line)
        reason = _diagnose_cell(index, claim, correct, slips, label)
        if reason:
            diagnoses.append(f"{label(index)} = {claim.text} is {reason}")
    if len(wrong) > max_listed:
        details.append(f"… and {len(wrong) - max_listed} more wrong cells")
    whole = next((slip.describe for slip, values in slips if array_shape(values) == shape and all(
        claim_matches(c, v) for c, v in zip(claims, flatten(values), strict=False))), None)
    diagnosis = f"the claimed output is {whole}" if whole else ("; ".join(diagnoses) if diagnoses else None)
    return Verdict(claimed_nested, shown, False, details, diagnosis)


def _marked_rows(claims: list[Claim], shape: tuple[int, int], wrong: set, correct: list) -> list[str]:
    """The claimed matrix with each wrong cell shown as ``claimed✗(right)``."""
    cells = []
    for r in range(shape[0]):
        row = []
        for c in range(shape[1]):
            claim = claims[r * shape[1] + c]
            row.append(f"{claim.text}✗({show.fraction(_at(correct, (r, c)))})" if (r, c) in wrong else claim.text)
        cells.append(row)
    widths = [max(len(row[c]) for row in cells) for c in range(shape[1])]
    return ["  [" + "  ".join(cell.rjust(widths[c]) for c, cell in enumerate(row)) + "]" for row in cells]


def _diagnose_cell(index: tuple[int, ...], claim: Claim, correct: list, slips: list[tuple[Mistake, Any]],
                   label: Callable[[tuple[int, ...]], str]) -> str | None:
    for slip, values in slips:
        value = _at(values, index)
        if value is not None and not isinstance(value, list) and _reproduces(claim, value):
            return f"{slip.describe} at this cell"
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


def combine(parts: Sequence[tuple[str, str | None, Verdict]]) -> Verdict:
    """One verdict for several claims, each ``(key, label, verdict)``: it passes when every part
    does; each part's detail lines and diagnosis are prefixed with its label (none when None)."""
    claimed: dict[str, Any] = {}
    correct: dict[str, Any] = {}
    details: list[str] = []
    diagnoses: list[str] = []
    for key, label, verdict in parts:
        claimed[key], correct[key] = verdict.claimed, verdict.correct
        details += [f"{label}: {line}" if label else line for line in verdict.details]
        if verdict.diagnosis:
            diagnoses.append(f"{label}: {verdict.diagnosis}" if label else verdict.diagnosis)
    return Verdict(claimed, correct, all(v.passed for _, _, v in parts), details, "; ".join(diagnoses) or None)


def apply_claims(solution: Solution, check: Any = None, *, named: Sequence[ClaimItem] = (),
                 formulas: Sequence[str] = (), rtol: float | None = None, atol: float | None = None) -> Solution:
    """The solution with the verdict on the claims given (unchanged when none): ``check`` is one claim or a
    list of them (each a value, ``NAME=VALUE`` text or a dict), ``named`` (name, value[, option]) items,
    ``formulas`` ``NAME = FORMULA`` texts."""
    items: list[ClaimItem] = []
    for claim in (check if isinstance(check, (list, tuple)) and _several(check) else [check] if check is not None
                  else []):
        items += claim_items(claim)
    items += list(named)
    if not items and not formulas:
        return solution
    solution.verdict = judge_items(solution, items, rtol=rtol, atol=atol, formulas=formulas)
    return solution


def _tolerance(value: Any, option: str) -> float | None:
    """A tolerance given as a number or text (None: none), which must be ≥ 0."""
    from dlcalc.parse.numbers import as_float

    if value is None:
        return None
    tolerance = as_float(value, option)
    if tolerance < 0:
        raise InputError(f"expected a tolerance ≥ 0, got {tolerance:g}", option)
    return tolerance


def _several(claims: Sequence[Any]) -> bool:
    """Whether a list passed as ``check`` is several claims (texts or dicts) rather than one claimed list."""
    return all(isinstance(c, (str, dict)) for c in claims)
