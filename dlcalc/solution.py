"""The Solution model: what a command computed, how, and how it was checked.

A core function builds a :class:`Solution` while it computes (the micrograd habit:
record the steps as you go); the renderers in :mod:`dlcalc.render` only read it.

Text fields (``formula``, ``substituted``, ``detail``) are plain Unicode math such as
``O = ⌊(L + 2P − D(K−1) − 1)/S⌋ + 1``; the LaTeX renderer translates the symbols, or
uses ``Step.latex`` when a step supplies its own.

These are plain slotted classes rather than dataclasses: this module is on every command's
start-up path, and dataclass creation costs more than the rest of it.
"""

from __future__ import annotations

from typing import Any


class _Record:
    """Equality and repr from ``__slots__`` (what a dataclass would give)."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and all(
            getattr(self, name) == getattr(other, name) for name in self.__slots__)

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{type(self).__name__}({fields})"

    __hash__ = None  # type: ignore[assignment]


class Step(_Record):
    """One line of worked solution: formula, the numbers put in, and what it gives.

    ``latex`` is the full LaTeX of the line, for when the automatic translation won't do.
    """

    __slots__ = ("label", "formula", "substituted", "value", "note", "latex")

    def __init__(self, label: str, formula: str = "", substituted: str = "", value: Any = None,
                 note: str = "", latex: str | None = None) -> None:
        self.label = label
        self.formula = formula
        self.substituted = substituted
        self.value = value
        self.note = note
        self.latex = latex

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "formula": self.formula,
            "substituted": self.substituted,
            "value": jsonable(self.value),
            "note": self.note,
        }


class Check(_Record):
    """An independent confirmation of the result (sympy, brute force, exact arithmetic...)."""

    __slots__ = ("name", "method", "passed", "detail")

    def __init__(self, name: str, method: str, passed: bool, detail: str = "") -> None:
        self.name = name
        self.method = method
        self.passed = passed
        self.detail = detail

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "method": self.method, "passed": self.passed, "detail": self.detail}


class Verdict(_Record):
    """The outcome of ``--check``: the claim against the computed answer.

    ``diagnosis`` names the common mistake that reproduces a wrong claim, when one does.
    """

    __slots__ = ("claimed", "correct", "passed", "details", "diagnosis")

    def __init__(self, claimed: Any, correct: Any, passed: bool, details: list[str] | None = None,
                 diagnosis: str | None = None) -> None:
        self.claimed = claimed
        self.correct = correct
        self.passed = passed
        self.details = list(details or [])
        self.diagnosis = diagnosis

    def to_dict(self) -> dict[str, Any]:
        return {
            "claimed": jsonable(self.claimed),
            "correct": jsonable(self.correct),
            "passed": self.passed,
            "details": list(self.details),
            "diagnosis": self.diagnosis,
        }


class Table(_Record):
    """Rows of text under column headings, standing for the first ``covers`` steps."""

    __slots__ = ("columns", "rows", "covers", "right")

    def __init__(self, columns: list[str], rows: list[list[str]], covers: int = 0,
                 right: tuple[int, ...] = ()) -> None:
        self.columns, self.rows, self.covers, self.right = columns, rows, covers, right


class Solution(_Record):
    """Everything one command run produced; ``to_dict`` is the ``--json`` object.

    Args:
        command: the subcommand name, e.g. ``"conv-out"``.
        title: what was solved, e.g. ``"output size of a convolution"``.
        inputs: the inputs as JSON values.
        steps, result, checks, verdict: what was computed, how, and how it was judged.
        answer: one human line summarising the result, e.g. ``"output size 28×28"``.
        display: inputs as a person writes them (``"32×32"``), for the human renderers.
    """

    __slots__ = ("command", "title", "inputs", "steps", "result", "checks", "verdict", "answer", "display",
                 "table")

    def __init__(self, command: str, title: str, inputs: dict[str, Any] | None = None,
                 steps: list[Step] | None = None, result: dict[str, Any] | None = None,
                 checks: list[Check] | None = None, verdict: Verdict | None = None, answer: str = "",
                 display: dict[str, str] | None = None) -> None:
        self.command = command
        self.title = title
        self.inputs = dict(inputs or {})
        self.steps = list(steps or [])
        self.result = dict(result or {})
        self.checks = list(checks or [])
        self.verdict = verdict
        self.answer = answer
        self.display = dict(display or {})
        # A summary table (columns, rows of text) that the text, rich and Markdown renderers show
        # in place of the first ``covers`` steps (e.g. params' one row per layer); JSON and LaTeX
        # keep the steps themselves.
        self.table: Table | None = None

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


class Preview:
    """A long list: every item in JSON (``tolist``), its two ends for people (``preview``)."""

    __slots__ = ("items",)

    def __init__(self, items: list) -> None:
        self.items = list(items)

    def tolist(self) -> list:
        return self.items

    def preview(self) -> list:
        return self.items if len(self.items) <= 12 else [*self.items[:6], "…", *self.items[-3:]]


class Folded:
    """A value every part of which goes to JSON (``tolist``), shown to people as a short note."""

    __slots__ = ("value", "note")

    def __init__(self, value: Any, note: str) -> None:
        self.value, self.note = value, note

    def tolist(self) -> Any:
        return self.value

    def preview(self) -> str:
        return self.note


def plain_numbers(values: list | tuple) -> bool:
    """Every item exactly a float, or every item exactly an int (not bool, not a subclass): a row of
    numbers that JSON writing can take as it is."""
    kinds = set(map(type, values))
    return kinds == {float} or kinds == {int}


def jsonable(value: Any) -> Any:
    """Convert a value to something ``json.dumps`` writes faithfully.

    Fractions that are whole become ints, other fractions floats at full precision; tuples
    become lists; numpy scalars and arrays become Python numbers and lists (found by duck
    typing, so neither fractions nor numpy is imported here).
    """
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        if plain_numbers(value):  # a row of a large matrix: nothing to convert
            return list(value)
        return [jsonable(v) for v in value]
    if type(value).__name__ == "Fraction":
        return value.numerator if value.denominator == 1 else float(value)
    tolist = getattr(value, "tolist", None)
    if callable(tolist):  # numpy arrays and scalars
        return jsonable(tolist())
    return str(value)
