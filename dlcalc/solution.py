"""The Solution model: what a command computed, how, and how it was checked.

A core function builds a :class:`Solution` while it computes (the micrograd habit:
record the steps as you go); the renderers in :mod:`dlcalc.render` only read it.

Text fields (``formula``, ``substituted``, ``detail``) are plain Unicode math such as
``O = ⌊(L + 2P − D(K−1) − 1)/S⌋ + 1``; the LaTeX renderer translates the symbols, or
uses ``Step.latex`` when a step supplies its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any


@dataclass
class Step:
    """One line of worked solution: formula, the numbers put in, and what it gives."""

    label: str
    formula: str = ""
    substituted: str = ""
    value: Any = None
    note: str = ""
    latex: str | None = None  # full LaTeX for the line, when the automatic translation won't do

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "formula": self.formula,
            "substituted": self.substituted,
            "value": jsonable(self.value),
            "note": self.note,
        }


@dataclass
class Check:
    """An independent confirmation of the result (sympy, brute force, exact arithmetic...)."""

    name: str
    method: str
    passed: bool
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "method": self.method, "passed": self.passed, "detail": self.detail}


@dataclass
class Verdict:
    """The outcome of ``--check``: the claim against the computed answer."""

    claimed: Any
    correct: Any
    passed: bool
    details: list[str] = field(default_factory=list)
    diagnosis: str | None = None  # the named mistake that reproduces a wrong claim

    def to_dict(self) -> dict[str, Any]:
        return {
            "claimed": jsonable(self.claimed),
            "correct": jsonable(self.correct),
            "passed": self.passed,
            "details": list(self.details),
            "diagnosis": self.diagnosis,
        }


@dataclass
class Solution:
    """Everything one command run produced; ``to_dict`` is the ``--json`` object."""

    command: str
    title: str
    inputs: dict[str, Any] = field(default_factory=dict)
    steps: list[Step] = field(default_factory=list)
    result: dict[str, Any] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)
    verdict: Verdict | None = None
    answer: str = ""  # one human line summarising the result, e.g. "output size 28×28"
    display: dict[str, str] = field(default_factory=dict)  # inputs as a person writes them: "32×32"

    def inputs_for_display(self) -> dict[str, Any]:
        """The inputs for human renderers: the ``display`` text where given, else the value."""
        return {key: self.display.get(key, value) for key, value in self.inputs.items()}

    def step(self, label: str, formula: str = "", substituted: str = "", value: Any = None,
             note: str = "", latex: str | None = None) -> Step:
        """Record a step and return it."""
        new = Step(label, formula, substituted, value, note, latex)
        self.steps.append(new)
        return new

    def check(self, name: str, method: str, passed: bool, detail: str = "") -> Check:
        """Record an independent check and return it."""
        new = Check(name, method, passed, detail)
        self.checks.append(new)
        return new

    @property
    def all_checks_passed(self) -> bool:
        return all(c.passed for c in self.checks)

    def to_dict(self) -> dict[str, Any]:
        return {
            "command": self.command,
            "inputs": jsonable(self.inputs),
            "result": jsonable(self.result),
            "steps": [s.to_dict() for s in self.steps],
            "checks": [c.to_dict() for c in self.checks],
            "verdict": self.verdict.to_dict() if self.verdict else None,
        }


def jsonable(value: Any) -> Any:
    """Convert a value to something ``json.dumps`` writes faithfully.

    Fractions that are whole become ints; other fractions become floats at full precision
    (their exact form is kept as a string under the key's ``_exact`` sibling by callers
    that need it). Tuples become lists; numpy scalars and arrays become Python numbers and lists.
    """
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, float):
        return value
    if isinstance(value, Fraction):
        return value.numerator if value.denominator == 1 else float(value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    tolist = getattr(value, "tolist", None)
    if callable(tolist):  # numpy arrays and scalars, without importing numpy
        return jsonable(tolist())
    return str(value)
