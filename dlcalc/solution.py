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
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from dlcalc.claims import ClaimTable, Mistake, Quantity, Verdict, mistake
from dlcalc.render.json import jsonable

__all__ = ["Check", "ClaimTable", "Folded", "Mistake", "Preview", "Quantity", "Solution", "Step", "Table", "Verdict",
           "jsonable", "mistake", "non_finite_at"]


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
class Table:
    """Rows of text under column headings, standing for the first ``covers`` steps."""

    columns: list[str]
    rows: list[list[str]]
    covers: int = 0
    right: tuple[int, ...] = ()


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
