"""Solution -> a LaTeX fragment: one ``align*`` block a student pastes into a document.

The fragment needs ``\\usepackage{amsmath}`` and ``\\usepackage{amssymb}`` (for
``\\checkmark``) and is pure ASCII, so it compiles with plain ``pdflatex``::

    \\documentclass{article}
    \\usepackage{amsmath}
    \\usepackage{amssymb}
    \\begin{document}
    % dlcalc conv-out: ...
    \\begin{align*}
    &\\text{Output size:} && O = \\lfloor (L + 2P - D(K-1) - 1)/S\\rfloor + 1 = ... = 7 \\\\
    & && \\text{27/4 = 6.75: the last 3 input columns are never covered} \\\\
    \\intertext{$\\checkmark$\\ brute force (sliding window): 7 window positions}
    \\end{align*}
    \\end{document}

One row per step: the label, then formula = substituted = value (empty or repeated parts left
out; ``Step.latex`` replaces the math when a step supplies it). A step's note gets a row of
its own. Result, answer, checks and verdict are prose, set in one ``\\intertext`` at the end
so long details wrap instead of widening the alignment.
"""

from __future__ import annotations

import re
import textwrap
from typing import TYPE_CHECKING, Any

from dlcalc.render.mathtext import format_inline, latex_value, text_to_latex
from dlcalc.render.mathtext import to_latex as math_to_latex

if TYPE_CHECKING:
    from dlcalc.solution import Solution, Step

__all__ = ["PREAMBLE", "step_math", "to_latex", "wrap_document"]

PREAMBLE = "\\documentclass{article}\n\\usepackage{amsmath}\n\\usepackage{amssymb}\n"

_CHECK = r"$\checkmark$"
_CROSS = r"$\times$"
ROWS_PER_BLOCK = 60  # rows of one align* block
_LONG = 48  # characters of formula + substitution above which the substitution gets its own row


def step_math(step: Step) -> str:
    """A step's math as LaTeX: ``formula = substituted = value`` (or ``Step.latex`` verbatim)."""
    return " = ".join(_step_parts(step))


def _step_parts(step: Step) -> list[str]:
    if step.latex:
        return [step.latex]
    parts: list[str] = []
    for piece in (
        math_to_latex(step.formula) if step.formula else "",
        math_to_latex(step.substituted) if step.substituted else "",
        latex_value(step.value),
    ):
        if piece and piece not in parts:
            parts.append(piece)
    return parts


def _step_rows(step: Step) -> list[str]:
    """One align row for a step, or two when formula and substitution together are long."""
    label = text_to_latex(step.label)
    parts = _step_parts(step)
    if not parts:
        return [rf"&\text{{{label}}}"]
    first = rf"&\text{{{label}:}} &&" if label else "& &&"
    if len(parts) > 1 and not step.latex and len(step.formula) + len(step.substituted) > _LONG:
        return [f"{first} {parts[0]}", "& && = " + " = ".join(parts[1:])]
    return [f"{first} {' = '.join(parts)}"]


def _math_inline(value: Any) -> str:
    source = latex_value(value)
    return f"${source}$" if source else ""


def _prose(solution: Solution) -> list[str]:
    """The lines after the steps: result, answer, checks, verdict (LaTeX text mode)."""
    lines: list[str] = []
    for key, value in solution.result.items():
        lines.append(r"\textbf{Result:} " + text_to_latex(str(key)) + " $= " + latex_value(value) + "$")
    if solution.answer:
        lines.append(r"\textbf{Answer:} " + text_to_latex(solution.answer))
    for check in solution.checks:
        line = (_CHECK if check.passed else _CROSS) + r"\ " + text_to_latex(f"{check.name} ({check.method})")
        if check.detail:
            line += ": " + text_to_latex(check.detail)
        lines.append(line)
    verdict = solution.verdict
    if verdict is not None:
        status = f"{_CHECK}\\ correct" if verdict.passed else f"{_CROSS}\\ wrong"
        line = r"\textbf{Verdict:} " + status
        claimed = _math_inline(verdict.claimed)
        if claimed:
            line += " --- " + claimed
        lines.append(line)
        lines.extend(r"\hspace*{1em}" + text_to_latex(str(detail)) for detail in verdict.details)
        if verdict.diagnosis:
            lines.append(r"\hspace*{1em}Diagnosis: " + text_to_latex(verdict.diagnosis))
    return lines


def to_latex(solution: Solution) -> str:
    """Render a solution as a LaTeX fragment (comment header and one ``align*`` block).

    Args:
        solution: the computed solution.

    Returns:
        Pure-ASCII LaTeX that compiles inside a document with amsmath and amssymb, ending
        in a newline.
    """
    header = [f"% dlcalc {text_to_latex(solution.command)}: {text_to_latex(solution.title)}"]
    if solution.inputs:
        inputs = ", ".join(f"{k} = {format_inline(v)}" for k, v in solution.inputs_for_display().items())
        header.append("% inputs: " + text_to_latex(inputs))
    header.append("% needs \\usepackage{amsmath} and \\usepackage{amssymb}")

    rows: list[str] = []
    for step in solution.steps:
        rows.extend(_step_rows(step))
        if step.note:  # long notes go on several rows: one \text{} box cannot break a line
            for piece in textwrap.wrap(step.note, 110, break_long_words=True, break_on_hyphens=False):
                rows.append(rf"& && \text{{{text_to_latex(piece)}}}")

    prose = _prose(solution)
    # Long solutions (a ResNet's layers) are split into several align* blocks: TeX cannot measure
    # one alignment taller than about 5.7 m ("Dimension too large").
    chunks = [rows[k:k + ROWS_PER_BLOCK] for k in range(0, len(rows), ROWS_PER_BLOCK)] or [[]]
    bodies = [" \\\\\n".join(chunk) for chunk in chunks]
    if prose:
        intertext = "\\intertext{" + "\\newline\n".join(prose) + "}"
        bodies[-1] = f"{bodies[-1]} \\\\\n{intertext}" if bodies[-1] else intertext
    everything = "\n".join(bodies)
    widest = max((row.count("&") + 1 for matrix in re.findall(r"\\begin\{bmatrix\}(.*?)\\end\{bmatrix\}",
                                                                everything)
                  for row in matrix.split("\\\\")), default=0)
    if widest > 10:  # amsmath's bmatrix takes 10 columns unless told otherwise
        header.append(f"\\setcounter{{MaxMatrixCols}}{{{widest}}}")
    blocks = [line for body in bodies if body for line in ("\\begin{align*}", body, "\\end{align*}")]
    return "\n".join([*header, *(blocks or ["\\begin{align*}", "\\end{align*}"])]) + "\n"


def wrap_document(fragment: str) -> str:
    """A complete document around a fragment (for trying it out with ``pdflatex``)."""
    return PREAMBLE + "\\begin{document}\n" + fragment + "\\end{document}\n"
