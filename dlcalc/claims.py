"""A claim table: the quantities a claim about a Solution may name, how each is compared, and the common
mistakes that give a wrong one; and the Verdict a claim gets. The judge is :mod:`dlcalc.verify`."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from difflib import get_close_matches
from typing import Any

from dlcalc.errors import InputError
from dlcalc.render.json import jsonable


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
        listed = ", ".join(self.quantities) if len(self.quantities) <= 32 else ", ".join(
            [*list(self.quantities)[:30], "…"])
        raise InputError(f"cannot check {name!r}: unknown quantity" + (f"; did you mean {close[0]}?" if close else "")
                         + f" (checkable: {listed})", option)
