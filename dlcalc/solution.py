"""The Solution: what a topic computed, how, how it was checked, and what a claim about it may name.

A topic builds a :class:`Solution` while it computes (the micrograd habit: record the steps as you
go), and puts on it a :class:`ClaimTable`: the quantities a claim may name, each with its correct
value, how it is compared, and its common mistakes. The renderers in :mod:`dlcalc.render` only
read a Solution, and :mod:`dlcalc.verify` judges claims against its table.

Text fields (``formula``, ``substituted``, ``detail``) are plain Unicode math such as
``O = ⌊(L + 2P − D(K−1) − 1)/S⌋ + 1``; the LaTeX renderer translates the symbols, or uses
``Step.latex`` when a step supplies its own.

In Python and in Jupyter a Solution is the answer itself::

    >>> import dlcalc
    >>> sol = dlcalc.conv_out(size=32, kernel=5, stride=4)
    >>> sol.result["output_size"]
    [7]
    >>> sol.check("28").diagnosis
    '28 is what stride 1 gives; with stride 4 the answer is 7'
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from difflib import get_close_matches
from fractions import Fraction
from typing import Any

from dlcalc.errors import InputError


@dataclass(slots=True)
class Step:
    """One line of worked solution: formula, the numbers put in, and what it gives.

    ``latex`` is the full LaTeX of the line, for when the automatic translation won't do.
    """

    label: str
    formula: str = ""
    substituted: str = ""
    value: Any = None
    note: str = ""
    latex: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "formula": self.formula, "substituted": self.substituted,
                "value": jsonable(self.value), "note": self.note}


@dataclass(slots=True)
class Check:
    """An independent confirmation of the result (brute force, exact arithmetic, finite differences, sympy)."""

    name: str
    method: str
    passed: bool
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "method": self.method, "passed": self.passed, "detail": self.detail}


@dataclass(slots=True)
class Verdict:
    """A claim judged against the computed answer; ``diagnosis`` names the common mistake that
    reproduces a wrong claim, when one does."""

    claimed: Any
    correct: Any
    passed: bool
    details: list[str] = field(default_factory=list)
    diagnosis: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"claimed": jsonable(self.claimed), "correct": jsonable(self.correct), "passed": self.passed,
                "details": list(self.details), "diagnosis": self.diagnosis}


@dataclass(slots=True)
class Table:
    """Rows of text under column headings, standing for the first ``covers`` steps."""

    columns: list[str]
    rows: list[list[str]]
    covers: int = 0
    right: tuple[int, ...] = ()


# ---------------------------------------------------------------------------------------------
# The claim table: what a claim about a Solution may name (judged by dlcalc.verify)
# ---------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Mistake:
    """A common slip: ``describe`` names it ("what stride 1 gives"), ``make`` computes the answer it
    produces (in the form of the quantity's correct value), ``context`` is said before the correct
    answer ("with stride 4"). ``make`` runs only when a wrong claim is diagnosed; a slip that does not
    apply to the problem raises InputError (or ZeroDivisionError) and is skipped."""

    describe: str
    make: Callable[[], Any]
    context: str = ""

    def value(self) -> Any:
        try:
            return self.make()
        except (InputError, ZeroDivisionError, ValueError, OverflowError):
            return None


def mistake(describe: str, value: Any, context: str = "") -> Mistake:
    """A Mistake whose wrong answer is already known."""
    return Mistake(describe, lambda: value, context)


@dataclass(slots=True)
class Quantity:
    """Something a claim may name, with its correct value and how a claim about it is compared.

    Args:
        correct: the correct value: a list of numbers (``values``, ``shape``) or nested lists (``array``),
            or a function that builds it.
        kind: ``values``, ``shape`` or ``array`` (see the module docstring).
        label: the prefix of its lines in a verdict about several claims (``"layer 3 (conv)"``).
        key: its key in such a verdict's ``claimed`` and ``correct`` (the name by default).
        labels: names of the elements, to say which is wrong (``["height", "width"]``).
        joiner: how a list of values is written (``×`` for shapes, ``, `` for vectors).
        mistakes: the common slips (or a function returning them, called only for a wrong claim).
        aliases: other names a claim may use (``v`` for ``value``).
        channels_last: an image shape H×W×C, which may also be claimed C×H×W.
        shown: what the verdict reports as the correct answer, when not ``correct`` (a large array's preview).
        cell, explain, why_shape: for arrays, a cell's name (``O[0,1]``), its worked sum, and how the
            shape follows.
    """

    correct: Any
    kind: str = "values"
    label: str | None = None
    key: str | None = None
    labels: Sequence[str] | None = None
    joiner: str = "×"
    mistakes: Sequence[Mistake] | Callable[[], Sequence[Mistake]] = ()
    aliases: tuple[str, ...] = ()
    channels_last: bool = False
    shown: Any = None
    cell: Callable[[tuple[int, ...]], str] | None = None
    explain: Callable[[tuple[int, ...]], str] | None = None
    why_shape: str = ""

    def slips(self) -> Sequence[Mistake]:
        return self.mistakes() if callable(self.mistakes) else self.mistakes

    def value(self) -> Any:
        """The correct value (computed now when ``correct`` is a function: a large output is built only
        when a claim needs it)."""
        return self.correct() if callable(self.correct) else self.correct


@dataclass(slots=True)
class ClaimTable:
    """The quantities of one Solution a claim may name.

    Args:
        quantities: name → quantity.
        default: the quantity an unnamed claim is about (None: every claim must name one).
        combine: whether a verdict's lines and values are labelled by quantity even for one claim.
        formula: for a topic whose quantities have formulas (lstm-grads): judges ``NAME = FORMULA``
            and returns the quantity's key and the verdict.
        formula_names: the names ``formula`` can judge.
        resolve: the topic's own spellings of names (``δi_t`` for ``di``): a name → the quantity's name.
        unnamed: what to say when an unnamed claim is given and there is no default.
    """

    quantities: dict[str, Quantity]
    default: str | None = None
    combine: bool = True
    formula: Callable[[str], tuple[str, Verdict]] | None = None
    formula_names: tuple[str, ...] = ()
    resolve: Callable[[str], str | None] | None = None
    unnamed: str = "name the quantity you claim: NAME=VALUE"

    def find(self, name: str, option: str) -> str:
        """The quantity a claimed name stands for (its name), or an InputError listing what can be checked."""
        if name in self.quantities or name in self.formula_names:
            return name
        for key, quantity in self.quantities.items():
            if name in quantity.aliases:
                return key
        lowered = name.lower()
        if lowered in self.quantities:
            return lowered
        if self.resolve is not None:
            found = self.resolve(name)
            if found is not None and (found in self.quantities or found in self.formula_names):
                return found
        family = re.fullmatch(r"([a-z]+)_(\d+)", lowered)
        if family:
            numbers = sorted(int(k.rsplit("_", 1)[1]) for k in self.quantities
                             if re.fullmatch(family.group(1) + r"_\d+", k))
            if numbers:
                raise InputError(f"there is no {family.group(1)} {family.group(2)}; the {family.group(1)}s are "
                                 f"numbered {numbers[0]} to {numbers[-1]}", option)
        names = [*self.quantities, *(a for q in self.quantities.values() for a in q.aliases)]
        close = get_close_matches(name, names, n=1)
        listed = ", ".join(self.quantities) if len(self.quantities) <= 24 else ", ".join(
            [*list(self.quantities)[:20], "…"])
        raise InputError(f"cannot check {name!r}: unknown quantity" + (f"; did you mean {close[0]}?" if close else "")
                         + f" (checkable: {listed})", option)


@dataclass(slots=True)
class Solution:
    """Everything one command run produced; :meth:`to_dict` is the ``--json`` object.

    Args:
        command: the command's name, e.g. ``"conv-out"``.
        title: what was solved, e.g. ``"output size of a convolution"``.
        inputs: the inputs as JSON values; ``display`` has some of them as a person writes them (``32×32``).
        steps, result, checks, verdict: what was computed, how, and how a claim was judged.
        answer: one human line summarising the result, e.g. ``"output size 28×28"``.
        table: a summary (params' one row per layer) that the text, rich and Markdown renderers show
            in place of the first ``table.covers`` steps; JSON and LaTeX keep the steps themselves.
        claims: the quantities a claim may name and how each is compared (see :mod:`dlcalc.verify`).
    """

    command: str
    title: str
    inputs: dict[str, Any] = field(default_factory=dict)
    steps: list[Step] = field(default_factory=list)
    result: dict[str, Any] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)
    verdict: Verdict | None = None
    answer: str = ""
    display: dict[str, str] = field(default_factory=dict)
    table: Table | None = None
    claims: ClaimTable | None = field(default=None, repr=False, compare=False)

    # ----------------------------------------------------------------- building it

    def step(self, label: str, formula: str = "", substituted: str = "", value: Any = None, note: str = "",
             latex: str | None = None) -> Step:
        """Record a step and return it."""
        new = Step(label, formula, substituted, value, note, latex)
        self.steps.append(new)
        return new

    def add_check(self, name: str, method: str, passed: bool, detail: str = "") -> Check:
        """Record an independent check and return it."""
        new = Check(name, method, passed, detail)
        self.checks.append(new)
        return new

    def inputs_for_display(self) -> dict[str, Any]:
        """The inputs for human renderers: the ``display`` text where given, else the value."""
        return {key: self.display.get(key, value) for key, value in self.inputs.items()}

    @property
    def all_checks_passed(self) -> bool:
        return all(c.passed for c in self.checks)

    # ----------------------------------------------------------------- using it

    def check(self, claim: Any, *, rtol: float | None = None, atol: float | None = None,
              option: str = "--check") -> Verdict:
        """Judge a claim against this solution, as ``--check`` does, and return the Verdict.

        ``claim`` is what a student writes: ``"28"``, ``"7x7"``, ``28``, ``"kl=0.4"``, a matrix
        ``"1 19 26; 19 99 92; 26 86 64"``, or named claims ``{"kl": 0.4, "elbo": -1.2}``.
        """
        from dlcalc.verify import judge

        return judge(self, claim, rtol=rtol, atol=atol, option=option)

    def checked(self, claim: Any = None, *, named: Sequence[tuple] = (), formulas: Sequence[str] = (),
                rtol: float | None = None, atol: float | None = None) -> Solution:
        """This solution with the verdict on the claims given, as ``--check`` prints it (itself when none is
        given, else a copy): ``claim`` is one claim or a list of claim texts, ``named`` (name, value[, option])
        items, ``formulas`` ``NAME = FORMULA`` texts. The judge (:mod:`dlcalc.verify`) is imported only then."""
        if claim is None and not named and not formulas:
            return self
        from dlcalc.verify import apply_claims

        return apply_claims(dataclasses.replace(self), claim, named=named, formulas=formulas, rtol=rtol, atol=atol)

    def to_dict(self) -> dict[str, Any]:
        """The ``--json`` object: command, inputs, result, steps, checks, verdict."""
        return {"command": self.command, "inputs": jsonable(self.inputs), "result": jsonable(self.result),
                "steps": [s.to_dict() for s in self.steps], "checks": [c.to_dict() for c in self.checks],
                "verdict": self.verdict.to_dict() if self.verdict else None}

    def text(self, width: int | None = None) -> str:
        """The worked solution as plain text (``width`` columns; default 100)."""
        from dlcalc.render.text import to_text

        return to_text(self, width or 100)

    def json(self) -> str:
        """The ``--json`` text."""
        from dlcalc.render.json import to_json

        return to_json(self)

    def latex(self) -> str:
        """The worked solution as a LaTeX ``align*`` fragment (needs amsmath and amssymb)."""
        from dlcalc.render.latex import to_latex

        return to_latex(self)

    def markdown(self) -> str:
        """The worked solution as Markdown with ``$…$`` math."""
        from dlcalc.render.markdown import to_markdown

        return to_markdown(self)

    def html(self) -> str:
        """The worked solution as an HTML fragment that reads well without MathJax."""
        from dlcalc.render.html import to_html

        return to_html(self)

    def __str__(self) -> str:
        return self.text()

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        """What Jupyter shows: the front end picks text/html, text/markdown, text/latex or text/plain."""
        latex = "\n".join(line for line in self.latex().splitlines()  # the align* blocks, for MathJax
                           if not line.startswith(("%", "\\setcounter")))
        return {"text/plain": self.text(), "text/markdown": self.markdown(), "text/latex": latex,
                "text/html": self.html()}


@dataclass(slots=True)
class Preview:
    """A long list: every item in JSON (``tolist``), its two ends for people (``preview``)."""

    items: list

    def tolist(self) -> list:
        return self.items

    def preview(self) -> list:
        return self.items if len(self.items) <= 12 else [*self.items[:6], "…", *self.items[-3:]]


@dataclass(slots=True)
class Folded:
    """A value every part of which goes to JSON (``tolist``), shown to people as a short note."""

    value: Any
    note: str

    def tolist(self) -> Any:
        return self.value

    def preview(self) -> str:
        return self.note


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


def non_finite_at(value: object, where: str = "") -> str | None:
    """Where in nested dicts and lists a float is ±inf or NaN (``"recon"``, ``"d_star[3]"``), or None."""
    if isinstance(value, float):
        return None if math.isfinite(value) else where
    if isinstance(value, dict):
        items = ((f"{where}.{key}" if where else str(key), v) for key, v in value.items())
    elif isinstance(value, (list, tuple)):
        items = ((f"{where}[{k}]", v) for k, v in enumerate(value))
    else:
        return None
    return next((found for path, v in items if (found := non_finite_at(v, path)) is not None), None)
