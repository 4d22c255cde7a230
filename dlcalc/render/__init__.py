"""Renderers: Solution -> rich table | plain text | JSON | LaTeX | Markdown.

The renderer modules are imported lazily inside the functions below, so importing
:mod:`dlcalc.render` costs nothing; only :mod:`dlcalc.render.table` imports rich.

Modes:

- ``"rich"``: tables and colour for a terminal (:func:`dlcalc.render.table.print_rich`);
- ``"text"``: plain text, no ANSI codes (:func:`dlcalc.render.text.to_text`);
- ``"json"``: exactly one JSON object (:func:`dlcalc.render.json.to_json`);
- ``"latex"``: an ``align*`` fragment for a document with amsmath and amssymb
  (:func:`dlcalc.render.latex.to_latex`);
- ``"markdown"``: Markdown with ``$...$`` math (:func:`dlcalc.render.markdown.to_markdown`);
- ``"auto"``: ``"rich"`` when the output is a terminal, ``NO_COLOR`` is unset or empty and
  ``TERM`` is not ``dumb``; ``"text"`` otherwise.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from dlcalc.solution import Solution

__all__ = ["MODES", "STRING_MODES", "render", "render_to_string", "resolve_mode"]

STRING_MODES: tuple[str, ...] = ("json", "latex", "markdown", "text")
MODES: tuple[str, ...] = ("auto", "rich", *STRING_MODES)


def _isatty(file: Any) -> bool:
    try:
        return bool(file.isatty())
    except (AttributeError, ValueError, OSError):  # no isatty, or a closed file
        return False


def resolve_mode(mode: str, file: Any = None) -> str:
    """Resolve ``"auto"`` to ``"rich"`` or ``"text"`` for ``file``; check other modes.

    Args:
        mode: one of :data:`MODES`.
        file: the stream the output goes to (default ``sys.stdout``).

    Returns:
        A concrete mode (never ``"auto"``).

    Raises:
        ValueError: for an unknown mode.
    """
    if mode not in MODES:
        raise ValueError(f"unknown output mode {mode!r}; expected one of {', '.join(MODES)}")
    if mode != "auto":
        return mode
    stream = sys.stdout if file is None else file
    colour_ok = not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"
    return "rich" if colour_ok and _isatty(stream) else "text"


def render_to_string(solution: Solution, mode: str) -> str:
    """Render to a string in one of :data:`STRING_MODES` (``json``, ``latex``, ``markdown``, ``text``).

    Raises:
        ValueError: for ``"rich"``, ``"auto"`` (they depend on the output stream) or an unknown mode.
    """
    if mode == "json":
        from dlcalc.render.json import to_json

        return to_json(solution)
    if mode == "text":
        from dlcalc.render.text import to_text

        return to_text(solution)
    if mode == "latex":
        from dlcalc.render.latex import to_latex

        return to_latex(solution)
    if mode == "markdown":
        from dlcalc.render.markdown import to_markdown

        return to_markdown(solution)
    raise ValueError(f"render_to_string: mode must be one of {', '.join(STRING_MODES)}, not {mode!r}")


def _write(file: TextIO, text: str) -> None:
    """Write ``text``; a stream that cannot encode a character (✓ on a latin-1 pipe) gets ``?``."""
    try:
        file.write(text)
    except UnicodeEncodeError:
        encoding = getattr(file, "encoding", None) or "ascii"
        file.write(text.encode(encoding, errors="replace").decode(encoding))


def render(solution: Solution, mode: str = "auto", file: TextIO | None = None) -> None:
    """Write a solution to ``file`` (default ``sys.stdout``) in the given output mode.

    Args:
        solution: the computed solution.
        mode: ``"auto"``, ``"rich"``, ``"text"``, ``"json"``, ``"latex"`` or ``"markdown"``.
        file: the output stream.

    Raises:
        ValueError: for an unknown mode.
    """
    out = sys.stdout if file is None else file
    concrete = resolve_mode(mode, out)
    if concrete == "rich":
        from rich.console import Console

        from dlcalc.render.table import print_rich

        print_rich(solution, Console(file=out))
    else:
        _write(out, render_to_string(solution, concrete))
    try:
        out.flush()
    except (AttributeError, ValueError, OSError):
        pass
