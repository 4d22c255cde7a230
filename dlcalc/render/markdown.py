"""Solution -> Markdown with ``$...$`` math (GitHub, Jupyter, Obsidian, pandoc).

Layout::

    ### conv-out: Output size of a convolution

    **Inputs**

    - size = $32$

    **Steps**

    1. Output size: $O = \\lfloor (L + 2P - D(K-1) - 1)/S\\rfloor + 1 = ... = 7$
       *27/4 = 6.75: the last 3 input columns are never covered*

    **Result**

    - output\\_size = $7$

    **Checks**

    - ✓ brute force (sliding window) — 7 window positions

    **Verdict:** ✗ wrong — $28$
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dlcalc.render.latex import step_math
from dlcalc.render.mathtext import latex_value

if TYPE_CHECKING:
    from dlcalc.solution import Solution

__all__ = ["escape", "to_markdown"]

_SPECIALS = set("\\`*_[]<>$|")


def escape(text: str) -> str:
    """Backslash-escape Markdown punctuation so prose shows literally (and ``$`` starts no math)."""
    return "".join("\\" + c if c in _SPECIALS else c for c in " ".join(text.split()))


def _math(value: Any) -> str:
    source = latex_value(value)
    return f"${source}$" if source else ""


def to_markdown(solution: Solution) -> str:
    """Render a solution as Markdown.

    Args:
        solution: the computed solution.

    Returns:
        The Markdown text, ending in a newline.
    """
    out: list[str] = [f"### {escape(solution.command)}: {escape(solution.title)}", ""]

    if solution.inputs:
        out += ["**Inputs**", ""]
        out += [f"- {escape(str(k))} = {_math(v)}" for k, v in solution.inputs_for_display().items()]
        out.append("")

    steps = solution.steps
    if solution.table is not None:
        table = solution.table
        out += ["**Summary**", "", "| " + " | ".join(escape(c) for c in table.columns) + " |",
                "|" + "|".join("---:" if c in table.right else "---" for c in range(len(table.columns))) + "|"]
        out += ["| " + " | ".join(escape(cell) for cell in row) + " |" for row in table.rows]
        out.append("")
        steps = steps[table.covers:]
    if steps:
        out += ["**Steps**", ""]
        for number, step in enumerate(steps, start=1):
            head = f"{number}. "
            math = step_math(step)
            line = head + escape(step.label)
            if math:
                line += f": ${math}$" if step.label else f"${math}$"
            out.append(line)
            if step.note.strip():
                out.append(" " * len(head) + f"*{escape(step.note.strip())}*")
        out.append("")

    if solution.result:
        out += ["**Result**", ""]
        out += [f"- {escape(str(k))} = {_math(v)}" for k, v in solution.result.items()]
        out.append("")

    if solution.answer:
        out += [f"**Answer:** {escape(solution.answer)}", ""]

    if solution.checks:
        out += ["**Checks**", ""]
        for check in solution.checks:
            line = f"- {'✓' if check.passed else '✗'} {escape(check.name)} ({escape(check.method)})"
            if check.detail:
                line += f" — {escape(check.detail)}"
            out.append(line)
        out.append("")

    verdict = solution.verdict
    if verdict is not None:
        line = "**Verdict:** " + ("✓ correct" if verdict.passed else "✗ wrong")
        claimed = _math(verdict.claimed)
        if claimed:
            line += f" — {claimed}"
        out += [line, ""]
        details = [escape(str(d)) for d in verdict.details]
        if verdict.diagnosis:
            details.append(f"Diagnosis: {escape(verdict.diagnosis)}")
        if details:
            out += [f"- {d}" for d in details] + [""]

    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"
