"""Solution -> an HTML fragment for notebooks: tables and Unicode math, readable without MathJax.

VS Code's notebook renders no LaTeX inside HTML output, so nothing here needs MathJax: formulas are
the solution's own Unicode math (``O = ⌊(L + 2P − D(K−1) − 1)/S⌋ + 1``), matrices are small
tables, and the colours are only the green ✓ and red ✗ (the rest inherits the notebook's theme).
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

from dlcalc.render.mathtext import format_value, is_matrix, plain

if TYPE_CHECKING:
    from dlcalc.solution import Solution

__all__ = ["to_html"]

_GOOD = '<span style="color:#1a7f37;font-weight:bold">✓</span>'
_BAD = '<span style="color:#cf222e;font-weight:bold">✗</span>'
_CELL = 'style="text-align:left;vertical-align:top;padding:2px 8px"'
_MATH = 'style="font-family:serif;white-space:pre-wrap"'


def _matrix(rows: list) -> str:
    body = "".join("<tr>" + "".join(f'<td style="text-align:right;padding:0 4px">{escape(format_value(cell))}</td>'
                                    for cell in plain(row)) + "</tr>" for row in rows)
    return ('<table style="display:inline-table;border-left:1px solid;border-right:1px solid;'
            f'border-collapse:separate;margin:2px 0">{body}</table>')


def _value(value: Any) -> str:
    """A value as HTML: a matrix as a small table (a C×H×W array as one per channel), else its text."""
    value = plain(value)
    if isinstance(value, (list, tuple)) and value and all(is_matrix(v) or v == "…" for v in value):
        return " ".join("…" if v == "…" else f"channel {k}: {_matrix(list(v))}" for k, v in enumerate(value))
    if is_matrix(value) and len(value) > 1:
        return _matrix(list(value))
    return f"<span {_MATH}>{escape(format_value(value))}</span>"


def _summary(solution: Solution) -> str:
    table = solution.table
    assert table is not None
    head = "".join(f"<th {_CELL}>{escape(c)}</th>" for c in table.columns)
    rows = "".join("<tr>" + "".join(
        f'<td style="text-align:{"right" if c in table.right else "left"};padding:2px 8px">{escape(cell)}</td>'
        for c, cell in enumerate(row)) + "</tr>" for row in table.rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _steps(solution: Solution) -> str:
    skip = solution.table.covers if solution.table is not None else 0
    rows = []
    for number, step in enumerate(solution.steps[skip:], start=1):
        label = escape(step.label) + (f"<br><small><i>{escape(step.note)}</i></small>" if step.note else "")
        substituted = step.substituted if step.substituted != step.formula else ""
        rows.append(f"<tr><td {_CELL}>{number}</td><td {_CELL}>{label}</td>"
                    f"<td {_CELL}><span {_MATH}>{escape(step.formula)}</span></td>"
                    f"<td {_CELL}><span {_MATH}>{escape(substituted)}</span></td>"
                    f"<td {_CELL}><b>{_value(step.value)}</b></td></tr>")
    head = "".join(f"<th {_CELL}>{name}</th>" for name in ("#", "Step", "Formula", "Substituted", "Value"))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def to_html(solution: Solution) -> str:
    """Render a solution as an HTML fragment (one ``<div>``)."""
    out = [f"<p><b>{escape(solution.command)}</b>: {escape(solution.title)}</p>"]
    if solution.inputs:
        shown = ", ".join(f"{escape(str(k))} = {_value(v)}" for k, v in solution.inputs_for_display().items()
                          if "\n" not in format_value(v))
        blocks = "".join(f"<br>{escape(str(k))} = {_value(v)}" for k, v in solution.inputs_for_display().items()
                         if "\n" in format_value(v))
        out.append(f"<p><b>Inputs:</b> {shown}{blocks}</p>")
    if solution.table is not None:
        out.append(_summary(solution))
    if solution.steps[solution.table.covers if solution.table is not None else 0:]:
        out.append(_steps(solution))
    if solution.result:
        items = "".join(f"<li>{escape(str(k))} = {_value(v)}</li>" for k, v in solution.result.items())
        out.append(f"<p><b>Result:</b></p><ul>{items}</ul>")
    if solution.answer:
        out.append(f"<p><b>Answer:</b> {escape(solution.answer)}</p>")
    if solution.checks:
        items = "".join(f"<li>{_GOOD if c.passed else _BAD} <b>{escape(c.name)}</b> ({escape(c.method)})"
                        + (f": {escape(c.detail)}" if c.detail else "") + "</li>" for c in solution.checks)
        out.append(f"<p><b>Checks:</b></p><ul>{items}</ul>")
    verdict = solution.verdict
    if verdict is not None:
        colour = "#1a7f37" if verdict.passed else "#cf222e"
        status = f"{_GOOD} correct" if verdict.passed else f"{_BAD} wrong"
        claimed = _value(verdict.claimed)
        lines = "".join(f"<br>{escape(str(d))}" for d in verdict.details)
        diagnosis = f"<br><b>Diagnosis:</b> {escape(verdict.diagnosis)}" if verdict.diagnosis else ""
        out.append(f'<div style="border-left:4px solid {colour};padding:4px 10px;margin:6px 0">'
                   f"<b>Verdict:</b> {status} — {claimed}<span {_MATH}>{lines}</span>{diagnosis}</div>")
    return '<div class="dlcalc">' + "\n".join(out) + "</div>\n"
