"""Solution -> rich output for a terminal: title, inputs, a table of steps, checks, verdict.

This is the only renderer that imports rich; :mod:`dlcalc.render` imports it lazily.
Every string goes into a :class:`rich.text.Text`, so ``[brackets]`` in formulas are never
taken for console markup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Console, Group
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from dlcalc.render.mathtext import format_value

if TYPE_CHECKING:
    from dlcalc.solution import Solution

__all__ = ["print_rich", "solution_renderables"]


def _key_value(key: str, value: Any, style: str = "", indent: int = 0) -> Text:
    """``key = value``; a matrix goes on the following lines, indented ``indent + 2``."""
    formatted = format_value(value)
    if "\n" in formatted:
        text = Text(f"{key} =", style=style)
        pad = " " * (indent + 2)
        text.append("\n" + "\n".join(pad + row for row in formatted.splitlines()), style=style)
    else:
        text = Text(f"{key} = {formatted}", style=style)
    return text


def _summary_table(solution: Solution) -> Table:
    summary = solution.table
    assert summary is not None
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, header_style="bold")
    for c, column in enumerate(summary.columns):
        table.add_column(column, justify="right" if c in summary.right else "left", overflow="fold")
    for row in summary.rows:
        table.add_row(*row)
    return table


def _steps_table(solution: Solution) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, header_style="bold")
    table.add_column("#", justify="right", style="dim", no_wrap=True)
    table.add_column("Step", overflow="fold", max_width=24)
    table.add_column("Formula", overflow="fold")
    table.add_column("Substituted", overflow="fold")
    table.add_column("Value", overflow="fold", style="bold")
    skip = solution.table.covers if solution.table is not None else 0
    for number, step in enumerate(solution.steps[skip:], start=1):
        label = Text(step.label)
        if step.note:
            label.append("\n" + step.note, style="dim italic")
        substituted = step.substituted if step.substituted != step.formula else ""
        value = Text(format_value(step.value))
        table.add_row(str(number), label, Text(step.formula), Text(substituted), value)
    return table


def solution_renderables(solution: Solution) -> list[Any]:
    """The rich renderables for a solution, in order (title, inputs, steps, results, checks, verdict)."""
    parts: list[Any] = [Text(f"{solution.command}: {solution.title}", style="bold cyan")]

    if solution.inputs:
        inputs = Text("Inputs: ", style="bold")
        blocks = {k for k, v in solution.inputs_for_display().items() if "\n" in format_value(v)}
        scalars = [(k, v) for k, v in solution.inputs_for_display().items() if k not in blocks]
        inputs.append(", ".join(f"{k} = {format_value(v)}" for k, v in scalars))
        parts.append(inputs)
        for key, value in solution.inputs_for_display().items():
            if key in blocks:
                parts.append(Padding(_key_value(str(key), value), (0, 0, 0, 2)))

    if solution.table is not None:
        parts.append(_summary_table(solution))
    if solution.steps[solution.table.covers if solution.table is not None else 0:]:
        parts.append(_steps_table(solution))

    for index, (key, value) in enumerate(solution.result.items()):
        line = Text("Result: " if index == 0 else " " * len("Result: "), style="bold")
        line.append_text(_key_value(str(key), value, style="bold", indent=len("Result: ")))
        parts.append(line)

    if solution.answer:
        parts.append(Text.assemble(("Answer: ", "bold"), (solution.answer, "bold green")))

    for check in solution.checks:
        mark = Text("✓ ", style="bold green") if check.passed else Text("✗ ", style="bold red")
        line = mark + Text(check.name, style="bold") + Text(f" ({check.method})", style="dim")
        if check.detail:
            line.append(f": {check.detail}")
        parts.append(line)

    verdict = solution.verdict
    if verdict is not None:
        colour = "green" if verdict.passed else "red"
        body = Text("✓ correct" if verdict.passed else "✗ wrong", style=f"bold {colour}")
        claimed = format_value(verdict.claimed)
        if claimed:
            body.append(" — " + claimed if "\n" not in claimed else " —\n" + claimed)
        for detail in verdict.details:
            body.append("\n" + str(detail))
        if verdict.diagnosis:
            body.append("\nDiagnosis: ", style="bold")
            body.append(verdict.diagnosis)
        parts.append(Panel(body, title="Verdict", title_align="left", border_style=colour, expand=False))
    return parts


def print_rich(solution: Solution, console: Console | None = None) -> None:
    """Print a solution with rich (tables, colour) to ``console`` (default: a new stdout Console).

    Args:
        solution: the computed solution.
        console: where to print; tests pass ``Console(file=io.StringIO(), width=100)``.
    """
    console = console if console is not None else Console()
    console.print(Group(*solution_renderables(solution)), soft_wrap=False)
