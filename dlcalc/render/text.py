"""Solution -> plain text: no colour, no ANSI codes, no rich (fast to import, safe in pipes).

Layout::

    conv-out: Output size of a convolution
    Inputs: size = 32, kernel = 5, stride = 4
    Steps:
      1. Output size
           O = ⌊(L + 2P − D(K−1) − 1)/S⌋ + 1
           = ⌊(32 + 2·0 − 1·(5−1) − 1)/4⌋ + 1
           = 7
           27/4 = 6.75: the last 3 input columns are never covered
    Result: output_size = 7
    Checks:
      ✓ brute force (sliding window): 7 window positions
    Verdict: ✗ wrong — 28
      ...
      Diagnosis: ...
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Any

from dlcalc.render.mathtext import format_value

if TYPE_CHECKING:
    from dlcalc.solution import Solution, Table

__all__ = ["to_text"]

CHECK_MARK = "✓"
CROSS_MARK = "✗"


def _wrap(text: str, indent: int, width: int, hanging: int = 0) -> list[str]:
    """Wrap prose to ``width`` columns, first line indented ``indent``, the rest ``indent + hanging``."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        wrapped = textwrap.wrap(
            paragraph,
            width=max(width, indent + hanging + 20),
            initial_indent=" " * indent,
            subsequent_indent=" " * (indent + hanging),
            break_long_words=False,
            break_on_hyphens=False,
        )
        lines.extend(wrapped or [" " * indent])
    return [line.rstrip() for line in lines]


def _multiline(value: Any) -> bool:
    return "\n" in format_value(value)


def _key_value(key: str, value: Any, indent: int) -> list[str]:
    """``key = value`` lines; a matrix goes on the following lines, indented ``indent + 2``."""
    formatted = format_value(value)
    if "\n" in formatted:
        return [f"{key} ="] + [" " * (indent + 2) + row for row in formatted.splitlines()]
    return [f"{key} = {formatted}"]


def _prefixed(prefix: str, text: str) -> list[str]:
    """``prefix`` on the first line; later lines of a multi-line ``text`` aligned under it."""
    lines = text.splitlines() or [""]
    pad = " " * len(prefix)
    return [(prefix + lines[0]).rstrip()] + [pad + line for line in lines[1:]]


def table_lines(table: Table) -> list[str]:
    """A table as aligned plain-text lines: headings, a rule, then the rows."""
    rows = [table.columns, *table.rows]
    widths = [max(len(row[c]) for row in rows) for c in range(len(table.columns))]

    def line(row: list[str]) -> str:
        return "  ".join(cell.rjust(widths[c]) if c in table.right else cell.ljust(widths[c])
                         for c, cell in enumerate(row)).rstrip()

    return [line(table.columns), "  ".join("─" * w for w in widths), *(line(r) for r in table.rows)]


def to_text(solution: Solution, width: int = 100) -> str:
    """Render a solution as plain text.

    Args:
        solution: the computed solution.
        width: the column at which prose (notes, check details, verdict details) wraps;
            formulas are never broken.

    Returns:
        The text, ending in a newline.
    """
    out: list[str] = [f"{solution.command}: {solution.title}"]

    inline = [(k, v) for k, v in solution.inputs_for_display().items() if not _multiline(v)]
    blocks = [(k, v) for k, v in solution.inputs_for_display().items() if _multiline(v)]
    if solution.inputs:
        line = "Inputs:"
        if inline:
            line += " " + ", ".join(f"{k} = {format_value(v)}" for k, v in inline)
        out.append(line)
        for key, value in blocks:
            first, *rest = _key_value(str(key), value, 2)
            out.append("  " + first)
            out.extend(rest)

    steps = solution.steps
    if solution.table is not None:
        out.append("Summary:")
        out.extend("  " + line for line in table_lines(solution.table))
        steps = steps[solution.table.covers:]
    if steps:
        out.append("Steps:")
        digits = len(str(len(steps)))
        for number, step in enumerate(steps, start=1):
            head = f"  {number:>{digits}}. "
            out.append((head + step.label).rstrip())
            body = " " * (len(head) + 2)
            lines: list[str] = []
            if step.formula:
                lines.extend(_prefixed(body, step.formula))
            if step.substituted and step.substituted != step.formula:
                lines.extend(_prefixed(body + ("= " if step.formula else ""), step.substituted))
            value = format_value(step.value)
            if value and value not in (step.substituted, step.formula):
                lines.extend(_prefixed(body + "= ", value))
            if step.note:
                lines.extend(_wrap(step.note, len(body), width))
            out.extend(lines)

    if solution.result:
        prefix = "Result: "
        for index, (key, value) in enumerate(solution.result.items()):
            lines = _key_value(str(key), value, len(prefix))
            lead = prefix if index == 0 else " " * len(prefix)
            out.append(lead + lines[0])
            out.extend(lines[1:])

    if solution.answer:
        out.extend(_wrap("Answer: " + solution.answer, 0, width, hanging=8))

    if solution.checks:
        out.append("Checks:")
        for check in solution.checks:
            mark = CHECK_MARK if check.passed else CROSS_MARK
            line = f"{mark} {check.name} ({check.method})"
            if check.detail:
                line += f": {check.detail}"
            out.extend(_wrap(line, 2, width, hanging=2))

    verdict = solution.verdict
    if verdict is not None:
        status = f"{CHECK_MARK} correct" if verdict.passed else f"{CROSS_MARK} wrong"
        claimed = format_value(verdict.claimed)
        if "\n" in claimed:
            out.append(f"Verdict: {status} —")
            out.extend("    " + row for row in claimed.splitlines())
        else:
            out.append(f"Verdict: {status} — {claimed}" if claimed else f"Verdict: {status}")
        for detail in verdict.details:
            out.extend(_wrap(str(detail), 2, width, hanging=2))
        if verdict.diagnosis:
            out.extend(_wrap(f"Diagnosis: {verdict.diagnosis}", 2, width, hanging=2))

    return "\n".join(out) + "\n"
