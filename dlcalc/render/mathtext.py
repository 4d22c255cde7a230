"""Plain Unicode math -> display text and LaTeX source.

Solutions carry formulas as plain Unicode math (``O = ⌊(L + 2P − D(K−1) − 1)/S⌋ + 1``).
This module formats values for display (:func:`format_value`), translates formulas into
LaTeX math-mode source (:func:`to_latex`), prose into LaTeX text-mode source
(:func:`text_to_latex`), and values into LaTeX (:func:`latex_value`).

Every LaTeX string produced here is pure ASCII and compiles with ``amsmath`` and ``amssymb``:
unknown characters are transliterated or replaced, never passed through.

Only the standard library is imported, so the text and JSON renderers stay fast to load.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from dlcalc import show

__all__ = [
    "format_inline",
    "format_value",
    "is_matrix",
    "latex_value",
    "text_to_latex",
    "to_latex",
]

# --------------------------------------------------------------------------- display text


def plain(value: Any) -> Any:
    """Turn numpy arrays/scalars (anything with ``tolist``) into Python values."""
    if isinstance(value, (bool, int, float, str, Fraction, list, tuple, dict)) or value is None:
        return value
    preview = getattr(value, "preview", None)
    if callable(preview):  # a large result that shows people only its corners (conv-apply's Grid)
        return preview()
    tolist = getattr(value, "tolist", None)
    if callable(tolist):  # numpy, without importing numpy
        return tolist()
    return value


def is_matrix(value: Any) -> bool:
    """True for a non-empty list/tuple whose items are all lists/tuples (a 2-D table of values)."""
    value = plain(value)
    return (
        isinstance(value, (list, tuple))
        and len(value) > 0
        and all(isinstance(plain(row), (list, tuple)) for row in value)
    )


def format_inline(value: Any) -> str:
    """One-line form of a value; lists (also nested ones) as ``[1, 2]``."""
    value = plain(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(format_inline(v) for v in value) + "]"
    return format_value(value)


def _matrix_rows(rows: Sequence[Any]) -> list[str]:
    """Rows of a matrix as ``[ 1  19]`` strings with right-aligned columns."""
    cells = [[f"{cell:.6g}" if isinstance(cell, float) else format_inline(cell) for cell in plain(row)]
             for row in rows]
    ncols = max((len(r) for r in cells), default=0)
    widths = [max((len(r[j]) for r in cells if j < len(r)), default=0) for j in range(ncols)]
    return ["[" + "  ".join(cell.rjust(widths[j]) for j, cell in enumerate(r)) + "]" for r in cells]


def format_value(value: Any) -> str:
    """Format a value for text display.

    ``int`` -> digits; :class:`~fractions.Fraction` -> ``3/4``; ``float`` -> at most 10
    significant digits with trailing zeros trimmed (``0.1``, ``0.3333333333``, ``1e-12``, ``2``);
    ``bool`` -> ``yes``/``no``; ``None`` -> ``""``; a list of numbers -> ``[28, 28]``; a matrix
    (list of lists) -> one line per row with aligned columns, ``[ 1  19]\\n[26  64]`` (a single
    row stays inline, ``[[0, 0]]``);
    a ``dict`` -> ``a = 1, b = 2``; ``str`` unchanged.

    Args:
        value: the value to format.

    Returns:
        The display string (several lines only for a matrix).
    """
    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, (bool, int, Fraction, float)):
        return show.value(value)
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)):
        if value and all(is_matrix(v) or v == "…" for v in value):  # channels: one matrix each
            blocks = []
            for k, channel in enumerate(value):
                blocks.append("…" if channel == "…" else f"channel {k}:\n" + "\n".join(_matrix_rows(channel)))
            return "\n".join(blocks)
        if is_matrix(value) and len(value) > 1:
            return "\n".join(_matrix_rows(value))
        return format_inline(value)
    if isinstance(value, dict):
        return ", ".join(f"{k} = {format_inline(v)}" for k, v in value.items())
    if isinstance(value, complex):
        return str(value).strip("()")
    return str(value)


# --------------------------------------------------------------------------- symbol tables

GREEK: dict[str, str] = {
    "α": r"\alpha", "β": r"\beta", "γ": r"\gamma", "δ": r"\delta", "ε": r"\varepsilon",
    "ϵ": r"\epsilon", "ζ": r"\zeta", "η": r"\eta", "θ": r"\theta", "ϑ": r"\vartheta",
    "ι": r"\iota", "κ": r"\kappa", "λ": r"\lambda", "μ": r"\mu", "µ": r"\mu", "ν": r"\nu",
    "ξ": r"\xi", "π": r"\pi", "ρ": r"\rho", "σ": r"\sigma", "ς": r"\varsigma", "τ": r"\tau",
    "υ": r"\upsilon", "φ": r"\phi", "ϕ": r"\phi", "χ": r"\chi", "ψ": r"\psi", "ω": r"\omega",
    "Γ": r"\Gamma", "Δ": r"\Delta", "Θ": r"\Theta", "Λ": r"\Lambda", "Ξ": r"\Xi", "Π": r"\Pi",
    "Σ": r"\Sigma", "Υ": r"\Upsilon", "Φ": r"\Phi", "Ψ": r"\Psi", "Ω": r"\Omega",
}  # fmt: skip

# Unicode math symbol -> LaTeX math-mode source.
SYMBOLS: dict[str, str] = {
    "⌊": r"\lfloor", "⌋": r"\rfloor", "⌈": r"\lceil", "⌉": r"\rceil",
    "·": r"\cdot", "⋅": r"\cdot", "•": r"\cdot", "∙": r"\cdot", "×": r"\times", "÷": r"\div",
    "−": "-", "–": "-", "‐": "-", "‑": "-", "—": "-", "∗": "*", "∕": "/", "±": r"\pm", "∓": r"\mp",
    "≤": r"\le", "≥": r"\ge", "≠": r"\ne", "≈": r"\approx", "≡": r"\equiv", "≜": r"\triangleq",
    "≔": ":=", "∝": r"\propto", "∼": r"\sim", "≪": r"\ll", "≫": r"\gg", "⩽": r"\le", "⩾": r"\ge",
    "⊙": r"\odot", "⊗": r"\otimes", "⊕": r"\oplus", "∘": r"\circ", "°": r"^{\circ}",
    "√": r"\sqrt", "∑": r"\sum", "∏": r"\prod", "∫": r"\int", "∂": r"\partial", "∇": r"\nabla",
    "∞": r"\infty", "→": r"\to", "←": r"\leftarrow", "↦": r"\mapsto", "⇒": r"\Rightarrow",
    "⇐": r"\Leftarrow", "⇔": r"\Leftrightarrow", "↔": r"\leftrightarrow",
    "∈": r"\in", "∉": r"\notin", "⊂": r"\subset", "⊆": r"\subseteq", "∪": r"\cup", "∩": r"\cap",
    "∅": r"\emptyset", "∀": r"\forall", "∃": r"\exists", "¬": r"\neg", "∧": r"\wedge", "∨": r"\vee",
    "‖": r"\|", "∣": r"\mid", "⟨": r"\langle", "⟩": r"\rangle", "…": r"\ldots", "⋯": r"\cdots",
    "′": "'", "″": "''", "✓": r"\checkmark", "✔": r"\checkmark", "✗": r"\times", "✘": r"\times",
    "ℝ": r"\mathbb{R}", "ℕ": r"\mathbb{N}", "ℤ": r"\mathbb{Z}", "𝔼": r"\mathbb{E}", "ℓ": r"\ell",
    "∎": r"\blacksquare", "\u00a0": r"\ ", "\u2009": r"\,", "\u202f": r"\,",
    "½": r"\tfrac{1}{2}", "¼": r"\tfrac{1}{4}", "¾": r"\tfrac{3}{4}",
    **GREEK,
}  # fmt: skip

SUPERSCRIPTS: dict[str, str] = {
    "⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6", "⁷": "7", "⁸": "8",
    "⁹": "9", "⁺": "+", "⁻": "-", "⁼": "=", "⁽": "(", "⁾": ")", "ⁿ": "n", "ⁱ": "i", "ᵀ": "T",
    "ᵗ": "t", "ˣ": "x", "ʸ": "y", "ᵏ": "k", "ᵈ": "d", "ᵐ": "m", "ʲ": "j",
}  # fmt: skip

SUBSCRIPTS: dict[str, str] = {
    "₀": "0", "₁": "1", "₂": "2", "₃": "3", "₄": "4", "₅": "5", "₆": "6", "₇": "7", "₈": "8",
    "₉": "9", "₊": "+", "₋": "-", "₌": "=", "₍": "(", "₎": ")", "ₐ": "a", "ₑ": "e", "ₒ": "o",
    "ₓ": "x", "ₕ": "h", "ₖ": "k", "ₗ": "l", "ₘ": "m", "ₙ": "n", "ₚ": "p", "ₛ": "s", "ₜ": "t",
    "ᵢ": "i", "ⱼ": "j", "ᵣ": "r", "ᵤ": "u", "ᵥ": "v",
}  # fmt: skip

# Combining accents: applied to the preceding letter (x̂ -> \hat{x}).
ACCENTS: dict[str, str] = {
    "\u0302": r"\hat", "\u0304": r"\bar", "\u0305": r"\bar", "\u0303": r"\tilde",
    "\u0307": r"\dot", "\u0308": r"\ddot", "\u20d7": r"\vec",
}  # fmt: skip

# Words typeset as LaTeX's own operators (\ln, \log, ...).
FUNCTIONS = frozenset(
    "ln log exp tanh sinh cosh coth sin cos tan arcsin arccos arctan max min sup inf lim "
    "det dim arg ker deg gcd Pr".split()
)
# Words typeset with \operatorname (upright, operator spacing).
OPERATORS = frozenset(
    "softmax sigmoid relu ReLU argmax argmin KL Var Cov diag tr sign sgn mean clip floor ceil "
    "round logsumexp std".split()
)

_TEXT_SPECIALS: dict[str, str] = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "%": r"\%",
    "#": r"\#", "_": r"\_", "^": r"\textasciicircum{}", "~": r"\textasciitilde{}",
    "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}",
}  # fmt: skip

_TEXT_UNICODE: dict[str, str] = {
    "−": "$-$", "‐": "-", "‑": "-", "–": "--", "—": "---", "‘": "`", "’": "'", "“": "``", "”": "''",
    "…": r"\ldots{}", "\u00a0": "~", "\u2009": r"\,", "\u202f": r"\,", "✓": r"$\checkmark$",
    "✔": r"$\checkmark$", "✗": r"$\times$", "✘": r"$\times$", "·": r"$\cdot$", "•": r"\textbullet{}",
}  # fmt: skip

# --------------------------------------------------------------------------- math mode

_IDENT = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*")
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+(?![A-Za-z0-9]))?|\.[0-9]+")
# A run of prose: words (or numbers) separated by spaces, optional punctuation, hyphens, apostrophes.
_TEXT_RUN = re.compile(
    r"[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*"
    r"(?:(?:[,;:!?.]?[ ]+|[-'])(?:[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*|[0-9]+(?:\.[0-9]+)?(?![A-Za-z])))*"
)
_CONTROL_WORD_END = re.compile(r"\\[A-Za-z]+$")
_MATH_ESCAPES: dict[str, str] = {
    "%": r"\%", "#": r"\#", "&": r"\&", "$": r"\$", "{": r"\{", "}": r"\}", "~": r"\sim",
    "\\": r"\backslash", '"': "''",
}  # fmt: skip
_PAIRS = {"(": ")", "[": "]", "{": "}"}
_DIGITS = frozenset("0123456789")


class _Out:
    """Accumulates LaTeX pieces; puts a space between a control word and a following letter."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def add(self, piece: str) -> None:
        if not piece:
            return
        if self.parts and piece[0].isalpha() and _CONTROL_WORD_END.search(self.parts[-1]):
            self.parts.append(" ")
        self.parts.append(piece)

    def last(self) -> str:
        return self.parts[-1] if self.parts else ""

    def replace_last(self, piece: str) -> None:
        self.parts[-1] = piece

    def text(self) -> str:
        return "".join(self.parts)


def _ascii_fallback(ch: str) -> str:
    """Best ASCII stand-in for a character no table knows (é -> e), or ``?``."""
    decomposed = unicodedata.normalize("NFKD", ch)
    ascii_only = "".join(c for c in decomposed if c.isascii() and c.isprintable())
    return ascii_only or "?"


def _text_escape(text: str) -> str:
    return "".join(_TEXT_SPECIALS.get(c, c) for c in text)


def _matching(text: str, start: int) -> int:
    """Index just past the bracket group opening at ``text[start]`` (or end of text)."""
    opening = text[start]
    closing = _PAIRS[opening]
    depth = 0
    for j in range(start, len(text)):
        if text[j] == opening:
            depth += 1
        elif text[j] == closing:
            depth -= 1
            if depth == 0:
                return j + 1
    return len(text)


def _atom(text: str, i: int) -> tuple[str, int, bool]:
    """The operand of ``^``, ``_`` or ``√`` starting at ``text[i]``.

    Returns:
        (source of the operand, index after it, whether it was a bracketed group whose
        brackets were stripped).
    """
    n = len(text)
    if i >= n or text[i].isspace():
        return "", i, False
    start = i
    if text[i] in "-−+":  # a sign belongs to the operand: e^−x
        i += 1
        if i >= n:
            return text[start:i], i, False
    ch = text[i]
    if ch in "({" and start == i:
        end = _matching(text, i)
        inner = text[i + 1 : end - 1] if end - 1 > i and text[end - 1] == _PAIRS[ch] else text[i + 1 : end]
        return inner, end, True
    if ch in _DIGITS or ch == ".":
        m = re.compile(r"[0-9]*\.?[0-9]+").match(text, i)
        end = m.end() if m else i + 1
        return text[start:end], end, False
    if ch.isascii() and ch.isalpha():
        m = re.compile(r"[A-Za-z]+").match(text, i)
        end = m.end() if m else i + 1
        return text[start:end], end, False
    if ch == "(":
        end = _matching(text, i)
        return text[start:end], end, False
    return text[start : i + 1], i + 1, False


def _ident_to_latex(ident: str) -> str:
    """A math-looking identifier: ``x``, ``x1``, ``W_hh`` -> ``W_{hh}``, ``ln`` -> ``\\ln``."""
    head, *subs = ident.split("_")
    if head in FUNCTIONS:
        base = "\\" + head
    elif head in OPERATORS:
        base = r"\operatorname{" + head + "}"
    else:
        base = head
    if subs:
        base += "_{" + ",".join(subs) + "}"
    return base


def _is_math_ident(ident: str) -> bool:
    """Identifiers typeset as math: one letter (plus digits), known functions, ``x_t``-style names."""
    head = ident.split("_")[0]
    letters = re.match(r"[A-Za-z]*", head)
    n_letters = len(letters.group(0)) if letters else 0
    return n_letters <= 1 or head in FUNCTIONS or head in OPERATORS


# Relations, operators and brackets next to which math mode already leaves the right space.
_OPERATORS = frozenset("=+-*/<>:,;|~≤≥≠≈≡∝∼·×⊙⊗÷±∓−→←⇒⇔↦∈")
_NO_SPACE_AFTER = _OPERATORS | frozenset("([{⌊⌈")
_NO_SPACE_BEFORE = _OPERATORS | frozenset(")]}⌋⌉.!?")


def _is_ordinary(ch: str, excluded: frozenset[str]) -> bool:
    """Whether a word next to ``ch`` needs an explicit space (math mode ignores source spaces)."""
    return bool(ch) and ch not in excluded


def _convert_math(text: str) -> str:
    out = _Out()
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            if out.last() != " ":
                out.add(" ")
            i += 1
        elif ch.isascii() and ch.isalpha():
            m = _IDENT.match(text, i)
            assert m is not None
            ident = m.group(0)
            if _is_math_ident(ident):
                out.add(_ident_to_latex(ident))
                i = m.end()
            else:
                run = _TEXT_RUN.match(text, i)
                assert run is not None
                end = run.end()
                # Math mode drops source spaces: keep a space inside \text where an ordinary
                # symbol (a letter, digit, closing bracket) would otherwise touch the words.
                before, after = text[:i], text[end:]
                spaced_before = before[-1:].isspace() and _is_ordinary(before.rstrip()[-1:], _NO_SPACE_AFTER)
                spaced_after = after[:1].isspace() and _is_ordinary(after.lstrip()[:1], _NO_SPACE_BEFORE)
                lead, trail = (" " if spaced_before else ""), (" " if spaced_after else "")
                out.add(r"\text{" + lead + _text_escape(run.group(0)) + trail + "}")
                i = end
        elif ch in _DIGITS or (ch == "." and i + 1 < n and text[i + 1] in _DIGITS):
            m = _NUMBER.match(text, i)
            assert m is not None
            number = m.group(0)
            if "e" in number.lower():
                mantissa, exponent = re.split("[eE]", number)
                exponent = str(int(exponent))
                out.add(("" if mantissa == "1" else mantissa + r" \times ") + "10^{" + exponent + "}")
            else:
                out.add(number)
            i = m.end()
        elif ch in "^_":
            operand, end, _ = _atom(text, i + 1)
            if operand:
                out.add(ch + "{" + _convert_math(operand) + "}")
            else:
                out.add(r"\text{\textasciicircum}" if ch == "^" else r"\_")
            i = end
        elif ch == "√":
            operand, end, _ = _atom(text, i + 1)
            out.add(r"\sqrt{" + _convert_math(operand) + "}" if operand else r"\surd")
            i = end
        elif ch in SUPERSCRIPTS or ch in SUBSCRIPTS:
            table, mark = (SUPERSCRIPTS, "^") if ch in SUPERSCRIPTS else (SUBSCRIPTS, "_")
            j = i
            while j < n and text[j] in table:
                j += 1
            out.add(mark + "{" + _convert_math("".join(table[c] for c in text[i:j])) + "}")
            i = j
        elif ch in ACCENTS:
            last = out.last()
            if (len(last) == 1 and last.isalpha()) or (last.startswith("\\") and last[1:].isalpha()):
                out.replace_last(ACCENTS[ch] + "{" + last + "}")
            i += 1
        elif ch in SYMBOLS:
            out.add(SYMBOLS[ch])
            i += 1
        elif ch in _MATH_ESCAPES:
            out.add(_MATH_ESCAPES[ch])
            i += 1
        elif ch.isascii():
            if ch.isprintable():
                out.add(ch)
            i += 1
        else:
            fallback = _ascii_fallback(ch)
            out.add(_convert_math(fallback) if fallback != "?" else "?")
            i += 1
    return out.text()


def to_latex(text: str) -> str:
    """Translate a plain Unicode formula into LaTeX math-mode source (pure ASCII).

    ``⌊ ⌋ ⌈ ⌉`` -> ``\\lfloor \\rfloor \\lceil \\rceil``, ``·`` -> ``\\cdot``, ``×`` -> ``\\times``,
    ``−`` -> ``-``, ``≤ ≥ ≠ ≈``, ``⊙``, ``√x`` -> ``\\sqrt{x}``, ``∑``, Greek letters, ``x²`` ->
    ``x^{2}``, ``h₀`` -> ``h_{0}``, ``✓``/``✗``, ``→``, ``∞``; standalone ``ln log exp tanh ...``
    become ``\\ln`` etc.; ``x_t``/``e^(−x)`` become sub/superscripts; other words of two or more
    letters (notes in English, ``output_size``) are set in ``\\text{...}`` with specials escaped.

    Args:
        text: the plain formula.

    Returns:
        LaTeX source for math mode (without the surrounding ``$`` or environment).
    """
    return _convert_math(_normalize(text)).strip()


def _normalize(text: str) -> str:
    """Replace characters no table knows by ASCII stand-ins (naïve -> naive) before translating."""
    known = (SYMBOLS, SUPERSCRIPTS, SUBSCRIPTS, ACCENTS)
    return "".join(
        c if c.isascii() or any(c in table for table in known) else _ascii_fallback(c) for c in text
    )


# --------------------------------------------------------------------------- text mode


def text_to_latex(text: str) -> str:
    """Make prose (English with numbers and a few math symbols) safe for LaTeX text mode.

    Specials ``\\ { } $ & % # _ ^ ~ < > |`` are escaped; Unicode math symbols become inline
    math (``·`` -> ``$\\cdot$``, ``⌊`` -> ``$\\lfloor$``, ``≤`` -> ``$\\le$``); ``−`` -> ``-``.

    Args:
        text: the prose.

    Returns:
        Pure-ASCII LaTeX source for text mode.
    """
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in _TEXT_SPECIALS:
            out.append(_TEXT_SPECIALS[ch])
        elif ch in ("\n", "\r", "\t"):
            out.append(" ")
        elif ch.isascii():
            if ch.isprintable():
                out.append(ch)
        elif ch in _TEXT_UNICODE:
            out.append(_TEXT_UNICODE[ch])
        elif ch in SUPERSCRIPTS or ch in SUBSCRIPTS:
            table, mark = (SUPERSCRIPTS, "^") if ch in SUPERSCRIPTS else (SUBSCRIPTS, "_")
            j = i
            while j < n and text[j] in table:
                j += 1
            out.append("$" + mark + "{" + _convert_math("".join(table[c] for c in text[i:j])) + "}$")
            i = j
            continue
        elif ch in SYMBOLS:
            out.append("$" + SYMBOLS[ch] + "$")
        elif ch in ACCENTS:
            pass
        else:
            out.append(_text_escape(_ascii_fallback(ch)))
        i += 1
    return "".join(out)


# --------------------------------------------------------------------------- values


def _latex_number(value: Any) -> str:
    if isinstance(value, bool):
        return r"\text{yes}" if value else r"\text{no}"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Fraction):
        if value.denominator == 1:
            return str(value.numerator)
        sign = "-" if value < 0 else ""
        return sign + r"\frac{" + str(abs(value.numerator)) + "}{" + str(value.denominator) + "}"
    if isinstance(value, float):
        if math.isnan(value):
            return r"\text{NaN}"
        if math.isinf(value):
            return r"\infty" if value > 0 else r"-\infty"
        text = show.value(value)
        if "e" in text:
            mantissa, exponent = text.split("e")
            if mantissa in ("1", "-1"):
                return mantissa[:-1] + "10^{" + exponent + "}"
            return mantissa + r" \times 10^{" + exponent + "}"
        return text
    raise TypeError


def latex_value(value: Any) -> str:
    """A value as LaTeX math-mode source.

    Numbers as digits (``\\frac{3}{4}``, ``-\\frac{3}{4}`` for fractions, ``1.5 \\times 10^{-7}``
    for small floats), vectors as ``(28, 28)``, matrices as
    ``\\begin{bmatrix} 1 & 2 \\\\ 3 & 4 \\end{bmatrix}``, strings through :func:`to_latex`.

    Args:
        value: the value.

    Returns:
        LaTeX source ("" for ``None``).
    """
    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, (bool, int, Fraction, float)):
        return _latex_number(value)
    if isinstance(value, str):
        return to_latex(value)
    if isinstance(value, (list, tuple)):
        if value and all(is_matrix(v) or v == "…" for v in value):  # channels: a matrix each
            return r",\ ".join(r"\dots" if v == "…" else latex_value(v) for v in value)
        if is_matrix(value):
            rows = [" & ".join(r"\dots" if cell == "…" else latex_value(cell) for cell in plain(row))
                    for row in value]
            return r"\begin{bmatrix} " + r" \\ ".join(rows) + r" \end{bmatrix}"
        return "(" + ", ".join(latex_value(v) for v in value) + ")"
    if isinstance(value, dict):
        return ",\\ ".join(f"{to_latex(str(k))} = {latex_value(v)}" for k, v in value.items())
    return to_latex(format_value(value))

