"""LSTM backward-pass formulas as students type them: a safe parser and two printers.

``parse_formula("di = dh*g")`` returns ``("di", dh*g)`` with the right side a sympy expression over
``sympy.Symbol(name, real=True)`` for the canonical names of :data:`NAMES`. Nothing here evaluates
text: a hand-written tokenizer and a recursive-descent parser build the expression with sympy
operations, and every bad input raises :class:`~dlcalc.errors.DlcalcError` with a one-line message
naming what was wrong and, for a syntax error, its 1-based column.

A formula is ``LEFT = RIGHT``. The left side is one gradient of :data:`LEFT`; the right side uses
the variables of :data:`NAMES`, numbers (``2``, ``0.5``, ``.5``; decimals are exact), parentheses and

* operators ``+ - * / ^ **``, unary minus; ``−`` (U+2212) and ``–`` are minus; ``⊙ · ⋅ ∙ ∘ × ∗``
  and LaTeX ``\\odot \\cdot \\circ \\times \\ast`` are ``*`` (everything is a scalar here, so the
  element-wise product is the product); ``÷`` and ``\\div`` are ``/``; superscript digits
  (``x²``, ``x⁻¹``) are powers; ``x^{2}`` takes a braced exponent and ``\\frac{a}{b}`` is ``a/b``;
* functions ``tanh``, ``sigma`` (also ``σ``, ``sigmoid``: the logistic ``1/(1+exp(-x))``), ``exp``,
  ``log`` (also ``ln``), with or without a backslash and in any letter case; a function needs
  parentheses, and a power written on the name applies to the value: ``tanh²(c)``, ``tanh^2(c)``
  and ``\\tanh^{2}(c_t)`` all mean ``tanh(c)^2``;
* ``\\operatorname{tanh}`` and ``\\mathrm{tanh}`` are ``tanh`` (and so for the other functions);
* LaTeX ``\\left(`` and ``\\right)`` are parentheses; the spacing commands ``\\, \\; \\: \\! \\quad
  \\qquad`` are ignored.

Implicit multiplication is refused (``2dh``, ``dh g``, ``dh(1-o)``): write the ``*``.

Accepted spellings of the names (each family may be mixed with the others):

=============  ================================================================================
canonical      also accepted
=============  ================================================================================
``dh``         ``dh_t``, ``δh_t``, ``δh``, ``\\delta h_t``, ``∂h_t``, ``\\partial h_t``,
               ``delta_h``, ``delta_h_t``
``dc_next``    ``dc_{t+1}``, ``dc_tp1``, ``δc_{t+1}``, ``\\delta c_{t+1}``, ``δcₜ₊₁``,
               ``delta_c_next``
``f_next``     ``f_{t+1}``, ``f_tp1``, ``fₜ₊₁``
``c_prev``     ``c_{t-1}``, ``c_{t−1}``, ``c_tm1``, ``cₜ₋₁`` (``h_prev`` alike)
``i``          ``i_t``, ``i_{t}``, ``iₜ`` (``f o g c h x`` alike)
``do``         ``do_t``, ``δo_t``, ``\\delta o_t``, ``delta_o`` (``di df dg dc`` alike)
``dc_prev``    ``dc_{t-1}``, ``δc_{t−1}``, ``dc_tm1``, ``\\delta c_{t-1}`` (left side only)
``di_hat``     ``di_hat_t``, ``dzi``, ``dz_i``, ``d\\hat{i}``, ``dî``, ``δî_t``,
               ``\\delta \\hat{i}_t``, ``\\delta\\widehat{i}_t`` (``df_hat do_hat dg_hat``
               alike; left side only)
=============  ================================================================================

Subscripts are ``_t`` (or none) for step t, ``_next``, ``_{t+1}``, ``_tp1`` for t+1 and ``_prev``,
``_{t-1}``, ``_tm1`` for t−1; braces are allowed only around subscripts, around an exponent after
``^`` and around the arguments of ``\\frac`` and ``\\hat``. ``dc_t+1`` is ``dc + 1``: write
``dc_{t+1}``. Names are case-sensitive; function names are not.

Limits, each refused with a message that says so: text over :data:`MAX_LENGTH` characters;
parentheses nested deeper than :data:`MAX_NESTING`, or parentheses and chained powers (``a^b^c``)
together deeper than :data:`MAX_LEVELS`; numeric exponents over :data:`MAX_EXPONENT` in size, and
numbers over it inside an ``exp`` (or ``σ``) of a ``log`` (sympy turns ``exp(k·log(a))`` into
``a^k`` at once); numbers over :data:`MAX_NUMBER_BITS` bits. Division by zero, ``log(0)`` and values
that are not real (``log(-1)``, ``(-8)^(1/3)``) are refused too.

:func:`to_notation` prints an expression in the Unicode notation above (``δc_t ⊙ g_t``,
``1 − tanh²(c_t)``, ``2·x_t``, ``σ(x_t)``); :func:`to_latex` prints the same in LaTeX for amsmath
math mode. Both outputs parse back with :func:`parse_formula` to the same value, except for an
absolute value ``|x_t|`` (sympy's form of a root of a square like ``(x^2)^(1/2)``).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass

import sympy as sp

from dlcalc.errors import DlcalcError

NAMES: dict[str, str] = {
    "dh": "δh_t",
    "dc": "δc_t",
    "dc_next": "δc_{t+1}",
    "f_next": "f_{t+1}",
    "i": "i_t",
    "f": "f_t",
    "o": "o_t",
    "g": "g_t",
    "c": "c_t",
    "c_prev": "c_{t−1}",
    "h_prev": "h_{t−1}",
    "x": "x_t",
    "h": "h_t",
    "do": "δo_t",
    "di": "δi_t",
    "df": "δf_t",
    "dg": "δg_t",
}
"""The variables a right side may use, canonical name → display in the seed's notation."""

LEFT: dict[str, str] = {
    "do": "δo_t",
    "dc": "δc_t",
    "di": "δi_t",
    "df": "δf_t",
    "dg": "δg_t",
    "dc_prev": "δc_{t−1}",
    "di_hat": "δî_t",
    "df_hat": "δf̂_t",
    "do_hat": "δô_t",
    "dg_hat": "δĝ_t",
}
"""The gradients a formula may define (its left side), canonical name → display. ``di_hat`` is the
gradient of the pre-activation of ``i`` (before the sigmoid), and likewise for the other hats."""

MAX_LENGTH = 2000
"""The longest formula text accepted, in characters."""

MAX_NESTING = 50
"""The deepest nesting of parentheses (and braces) accepted."""

MAX_LEVELS = 64
"""The deepest nesting of parentheses and chained powers (``a^b^c``) together."""

MAX_EXPONENT = 100
"""The largest absolute value of a numeric exponent (and of the numbers in ``exp`` of a ``log``)."""

MAX_NUMBER_BITS = 1024
"""The most bits of the numerator or denominator of any number in the result."""

_MAX_DIGITS = 320  # enough for any number of MAX_NUMBER_BITS bits

# (is a gradient, letter, has a hat, time offset) → canonical name
_KEYS: dict[tuple[bool, str, bool, int], str] = {
    (True, "h", False, 0): "dh",
    (True, "c", False, 0): "dc",
    (True, "c", False, 1): "dc_next",
    (True, "c", False, -1): "dc_prev",
    (False, "f", False, 1): "f_next",
    (False, "c", False, -1): "c_prev",
    (False, "h", False, -1): "h_prev",
    **{(False, v, False, 0): v for v in "ifogchx"},
    **{(True, v, False, 0): "d" + v for v in "ofig"},
    **{(True, v, True, 0): f"d{v}_hat" for v in "ifog"},
}

_LATEX_NAMES: dict[str, str] = {
    "dh": r"\delta h_t",
    "dc": r"\delta c_t",
    "dc_next": r"\delta c_{t+1}",
    "dc_prev": r"\delta c_{t-1}",
    "f_next": "f_{t+1}",
    "c_prev": "c_{t-1}",
    "h_prev": "h_{t-1}",
    **{v: f"{v}_t" for v in "ifogchx"},
    **{"d" + v: rf"\delta {v}_t" for v in "ofig"},
    **{f"d{v}_hat": rf"\delta \hat{{{v}}}_t" for v in "ifog"},
}

_DISPLAY: dict[str, str] = {**NAMES, **LEFT}
_ORDER: list[str] = list(NAMES) + [name for name in LEFT if name not in NAMES]
_RANK: dict[str, int] = {name: k for k, name in enumerate(_ORDER)}

_FUNCTIONS: dict[str, str] = {"tanh": "tanh", "sigma": "sigma", "sigmoid": "sigma", "exp": "exp", "log": "log",
                              "ln": "log"}
_TIMES: dict[str, int] = {"t": 0, "next": 1, "t+1": 1, "tp1": 1, "prev": -1, "t-1": -1, "tm1": -1}
_HAT_LETTERS: dict[str, str] = {"î": "i", "ô": "o", "ĝ": "g"}
_COMBINING_HAT = "\u0302"
_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUBSCRIPTS: dict[str, str] = {"ₜ": "t", "₊": "+", "₋": "-", **{chr(0x2080 + d): str(d) for d in range(10)}}
_TIMES_OPS = "*⊙·⋅∙∘×∗"
_MINUS = "-−–"
_LATEX_OPS: dict[str, str] = {"odot": "*", "cdot": "*", "circ": "*", "times": "*", "ast": "*", "div": "/"}
_LATEX_SPACES = {",", ";", ":", "!", " ", "quad", "qquad"}
_CANDIDATES: list[str] = list(dict.fromkeys([*_ORDER, *_FUNCTIONS]))

_PAIRS = {")": "(", "}": "{"}
_STARTS = {"num", "name", "func", "(", "frac"}


@dataclass(frozen=True)
class _Tok:
    kind: str  # num name func op ( ) { } = sup frac end
    text: str  # the spelling, for messages
    col: int  # 1-based column of its first character
    value: object = None  # number, canonical name, function, operator or exponent


def _show(text: str) -> str:
    """``text`` quoted on one line for a message, shortened when long."""
    flat = " ".join(text.split()) or text
    if len(flat) > 40:
        flat = flat[:37] + "..."
    return repr(flat) if not flat.isprintable() else f"'{flat}'"


def _describe(tok: _Tok) -> str:
    return "the end of the formula" if tok.kind == "end" else f"{_show(tok.text)} at column {tok.col}"


# --------------------------------------------------------------------------- tokenizer


class _Lexer:
    def __init__(self, text: str, option: str) -> None:
        self.text = text
        self.option = option
        self.toks: list[_Tok] = []

    def error(self, message: str) -> DlcalcError:
        return DlcalcError(message, self.option)

    def add(self, kind: str, start: int, end: int, value: object = None) -> None:
        self.toks.append(_Tok(kind, self.text[start:end], start + 1, value))

    def run(self) -> list[_Tok]:
        text = self.text
        n = len(text)
        i = 0
        while i < n:
            ch = text[i]
            if ch.isspace():
                i += 1
            elif ch == "\\":
                i = self.command(i)
            elif "0" <= ch <= "9" or (ch == "." and i + 1 < n and "0" <= text[i + 1] <= "9"):
                i = self.number(i)
            elif ch == ".":
                raise self.error(f"unexpected '.' at column {i + 1}: only numbers like 0.5 may contain a dot "
                                 "(attribute access is not allowed)")
            elif (ch.isascii() and ch.isalpha()) or ch in "δ∂" or ch in _HAT_LETTERS:
                i = self.name(i)
            elif ch == "σ":
                self.add("func", i, i + 1, "sigma")
                i += 1
            elif ch == "*" and text.startswith("**", i):
                self.add("op", i, i + 2, "^")
                i += 2
            elif ch in _TIMES_OPS:
                self.add("op", i, i + 1, "*")
                i += 1
            elif ch in "/÷":
                self.add("op", i, i + 1, "/")
                i += 1
            elif ch in _MINUS or ch in "+^":
                self.add("op", i, i + 1, "-" if ch in _MINUS else ch)
                i += 1
            elif ch in _SUPERSCRIPTS or ch == "⁻":
                i = self.superscript(i)
            elif ch in "(){}=":
                self.add(ch, i, i + 1)
                i += 1
            elif ch in "'\"`":
                raise self.error(f"unexpected quote at column {i + 1}: strings are not allowed in a formula")
            elif ch in "[]":
                raise self.error(f"unexpected {ch!r} at column {i + 1}: use parentheses ( ) for grouping")
            elif ch in _SUBSCRIPTS:
                raise self.error(f"unexpected subscript {ch!r} at column {i + 1}: a subscript follows a name")
            else:
                raise self.error(f"unexpected character {_show(ch)} at column {i + 1}")
        self.toks.append(_Tok("end", "", n + 1))
        self.check_brackets()
        return self.toks

    def check_brackets(self) -> None:
        stack: list[_Tok] = []
        for tok in self.toks:
            if tok.kind in ("(", "{"):
                stack.append(tok)
                if len(stack) > MAX_NESTING:
                    raise self.error(f"parentheses (or braces) nested deeper than {MAX_NESTING} levels at column "
                                     f"{tok.col}")
            elif tok.kind in (")", "}"):
                if not stack:
                    raise self.error(f"{tok.kind!r} at column {tok.col} has no matching {_PAIRS[tok.kind]!r}")
                opened = stack.pop()
                if opened.kind != _PAIRS[tok.kind]:
                    raise self.error(f"{tok.kind!r} at column {tok.col} does not match {opened.kind!r} "
                                     f"at column {opened.col}")
        if stack:
            raise self.error(f"{stack[-1].kind!r} at column {stack[-1].col} is never closed")

    def word_at(self, i: int) -> str:
        """The run of ASCII letters starting at ``i``."""
        j = i
        while j < len(self.text) and self.text[j].isascii() and self.text[j].isalpha():
            j += 1
        return self.text[i:j]

    def command(self, i: int) -> int:
        text = self.text
        word = self.word_at(i + 1)
        if not word:
            nxt = text[i + 1] if i + 1 < len(text) else ""
            if nxt in _LATEX_SPACES:
                return i + 2
            raise self.error(f"unexpected {_show(text[i:i + 2])} at column {i + 1}")
        end = i + 1 + len(word)
        lower = word.lower()
        if word in _LATEX_SPACES:
            return end
        if word in ("left", "right"):
            j = end
            while j < len(text) and text[j].isspace():
                j += 1
            want = "(" if word == "left" else ")"
            if j >= len(text) or text[j] != want:
                raise self.error(f"\\{word} at column {i + 1} must be followed by '{want}'")
            self.add(want, i, j + 1)
            return j + 1
        if word in _LATEX_OPS:
            self.add("op", i, end, _LATEX_OPS[word])
            return end
        if word in ("frac", "dfrac", "tfrac"):
            self.add("frac", i, end)
            return end
        if word in ("delta", "partial", "hat", "widehat"):
            return self.name(i)
        if lower in _FUNCTIONS:
            self.add("func", i, end, _FUNCTIONS[lower])
            return end
        if word in ("operatorname", "mathrm", "text", "textrm"):
            close = text.find("}", end)
            inner = text[end + 1:close].strip().lower() if text.startswith("{", end) and close > 0 else ""
            if inner not in _FUNCTIONS:
                raise self.error(f"expected a function name in braces after \\{word} at column {i + 1}, like "
                                 f"\\{word}{{tanh}}")
            self.add("func", i, close + 1, _FUNCTIONS[inner])
            return close + 1
        raise self.error(f"unknown LaTeX command {_show(text[i:end])} at column {i + 1}")

    def number(self, i: int) -> int:
        text = self.text
        j = i
        while j < len(text) and "0" <= text[j] <= "9":
            j += 1
        whole = text[i:j]
        frac = ""
        if j < len(text) and text[j] == ".":
            k = j + 1
            while k < len(text) and "0" <= text[k] <= "9":
                k += 1
            frac = text[j + 1:k]
            j = k
        if len(whole) + len(frac) > _MAX_DIGITS:
            raise self.error(f"the number at column {i + 1} has more than {_MAX_DIGITS} digits")
        scale = 10 ** len(frac)
        value = sp.Rational(int(whole or "0") * scale + int(frac or "0"), scale)
        if max(value.p.bit_length(), value.q.bit_length()) > MAX_NUMBER_BITS:
            raise self.error(f"the number at column {i + 1} is too large (over {MAX_NUMBER_BITS} bits)")
        self.add("num", i, j, value)
        return j

    def superscript(self, i: int) -> int:
        text = self.text
        j = i + 1 if text[i] == "⁻" else i
        digits = ""
        while j < len(text) and text[j] in _SUPERSCRIPTS:
            digits += str(_SUPERSCRIPTS.index(text[j]))
            j += 1
        if not digits:
            raise self.error(f"expected superscript digits after '⁻' at column {i + 1}")
        if len(digits) > 4:
            raise self.error(f"the exponent at column {i + 1} is too large (at most {MAX_EXPONENT})")
        self.add("sup", i, j, -int(digits) if text[i] == "⁻" else int(digits))
        return j

    def hat(self, i: int) -> tuple[str, int]:
        """Read ``\\hat{x}`` or ``\\hat x`` at ``i``; returns the letter and the end."""
        text = self.text
        j = i + len(self.word_at(i + 1)) + 1
        if j < len(text) and text[j] == "{":
            close = text.find("}", j)
            inner = text[j + 1:close].strip() if close > 0 else ""
            if close < 0 or not (len(inner) == 1 and inner.isascii() and inner.isalpha()):
                raise self.error(f"expected one letter in braces after \\hat at column {i + 1}, like \\hat{{i}}")
            return inner, close + 1
        while j < len(text) and text[j] == " ":
            j += 1
        if j < len(text) and text[j].isascii() and text[j].isalpha():
            return text[j], j + 1
        raise self.error(f"expected a letter after \\hat at column {i + 1}, like \\hat{{i}}")

    def name(self, i: int) -> int:
        """Read one variable (or function) name starting at ``i`` in any of the accepted spellings."""
        text = self.text
        n = len(text)
        start = i
        delta = hat = False
        if text.startswith("\\delta", i) or text.startswith("\\partial", i):
            delta = True
            i += 6 if text.startswith("\\delta", i) else 8
        elif text[i] in "δ∂":
            delta = True
            i += 1
        if delta:
            while i < n and text[i].isspace():
                i += 1
        word = ""
        if text.startswith("\\hat", i) or text.startswith("\\widehat", i):
            word, i = self.hat(i)
            hat = True
        elif i < n and ((text[i].isascii() and text[i].isalpha()) or text[i] in _HAT_LETTERS):
            while i < n:
                ch = text[i]
                if ch.isascii() and ch.isalnum():
                    word += ch
                elif ch in _HAT_LETTERS:
                    word += _HAT_LETTERS[ch]
                    hat = True
                elif ch == _COMBINING_HAT and word:
                    hat = True
                else:
                    break
                i += 1
            if word in ("d", "delta") and (text.startswith("\\hat", i) or text.startswith("\\widehat", i)):
                letter, i = self.hat(i)
                word, hat = word + letter, True
        else:
            raise self.error(f"expected a variable letter after {_show(text[start:i].strip())} at column "
                             f"{start + 1}")
        if not delta and not hat and word.lower() in _FUNCTIONS and not text.startswith("_", i):
            self.add("func", start, i, _FUNCTIONS[word.lower()])
            return i
        subs: list[str] = []
        while i < n:
            if text[i] == "_":
                if i + 1 < n and text[i + 1] == "{":
                    close = text.find("}", i + 2)
                    inner = text[i + 2:close] if close >= 0 else ""
                    if close < 0 or "{" in inner:
                        raise self.error(f"the subscript brace at column {i + 2} is never closed")
                    subs.append(inner)
                    i = close + 1
                    continue
                j = i + 1
                while j < n and text[j].isascii() and text[j].isalnum():
                    j += 1
                if j == i + 1:
                    raise self.error(f"expected a subscript after '_' at column {i + 1}, like _t or _{{t-1}}")
                subs.append(text[i + 1:j])
                i = j
            elif text[i] in _SUBSCRIPTS:
                j = i
                while j < n and text[j] in _SUBSCRIPTS:
                    j += 1
                subs.append("".join(_SUBSCRIPTS[ch] for ch in text[i:j]))
                i = j
            else:
                break
        canonical = self.canonical(delta, word, hat, subs)
        if canonical is None:
            raw = text[start:i]
            close = difflib.get_close_matches(self.guess(delta, word.lower(), hat, subs), _CANDIDATES, n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'?" if close else "the names are " + ", ".join(_ORDER)
            raise self.error(f"unknown name {_show(raw)} at column {start + 1}; {hint}")
        self.add("name", start, i, canonical)
        return i

    @staticmethod
    def split(delta: bool, word: str, hat: bool, subs: list[str]) -> tuple[bool, str, bool, list[str]]:
        """Undo the ASCII prefixes: ``delta_h`` and ``dh`` → δ h, ``dzi`` and ``dz_i`` → δ î."""
        subs = ["".join(s.split()).replace("−", "-").replace("–", "-").lower() for s in subs]
        if not delta and word.startswith("delta"):
            delta, word = True, word[5:]
            if not word and subs:
                word = subs.pop(0)
        elif not delta and len(word) >= 2 and word[0] == "d":
            delta, word = True, word[1:]
        if delta and not hat and word.startswith("z") and (len(word) == 2 or (word == "z" and subs)):
            hat, word = True, word[1:] or subs.pop(0)
        return delta, word, hat, subs

    def canonical(self, delta: bool, word: str, hat: bool, subs: list[str]) -> str | None:
        delta, word, hat, subs = self.split(delta, word, hat, subs)
        time = 0
        for sub in subs:
            if sub == "hat" and not hat:
                hat = True
            elif sub in _TIMES and (time == 0 or _TIMES[sub] in (0, time)):
                time = time or _TIMES[sub]
            else:
                return None
        return _KEYS.get((delta, word, hat, time))

    def guess(self, delta: bool, word: str, hat: bool, subs: list[str]) -> str:
        """An ASCII spelling of an unknown name, to find the nearest valid one."""
        delta, word, hat, subs = self.split(delta, word, hat, subs)
        rest = "".join("_" + {1: "next", -1: "prev"}.get(_TIMES.get(s, 0), s) for s in subs if s != "t")
        return ("d" if delta else "") + word + ("_hat" if hat else "") + rest


# --------------------------------------------------------------------------- parser


class _Parser:
    def __init__(self, toks: list[_Tok], option: str) -> None:
        self.toks = toks
        self.pos = 0
        self.option = option
        self.level = 0

    def error(self, message: str) -> DlcalcError:
        return DlcalcError(message, self.option)

    def peek(self) -> _Tok:
        return self.toks[self.pos]

    def take(self) -> _Tok:
        tok = self.toks[self.pos]
        if tok.kind != "end":
            self.pos += 1
        return tok

    def is_op(self, ops: str) -> bool:
        tok = self.peek()
        return tok.kind == "op" and str(tok.value) in ops

    def enter(self, tok: _Tok) -> None:
        self.level += 1
        if self.level > MAX_LEVELS:
            raise self.error(f"the formula is nested too deeply at column {tok.col} (more than {MAX_LEVELS} "
                             "levels of parentheses and powers)")

    def expect(self, kind: str, after: _Tok, what: str) -> _Tok:
        tok = self.take()
        if tok.kind != kind:
            raise self.error(f"expected {what} after {_describe(after)}, got {_describe(tok)}")
        return tok

    def right_side(self) -> sp.Expr:
        value = self.expr()
        tok = self.peek()
        if tok.kind != "end":
            raise self.error(f"unexpected {_describe(tok)}")
        return value

    def expr(self) -> sp.Expr:
        value = self.term()
        while self.is_op("+-"):
            op = self.take()
            value = self.apply(str(op.value), value, self.term(), op)
        return value

    def term(self) -> sp.Expr:
        value = self.unary()
        while True:
            tok = self.peek()
            if tok.kind == "op" and tok.value in ("*", "/"):
                self.take()
                value = self.apply(str(tok.value), value, self.unary(), tok)
            elif tok.kind in _STARTS:
                before = self.toks[self.pos - 1]
                raise self.error(f"missing operator between {_show(before.text)} and {_show(tok.text)} at column "
                                 f"{tok.col}: write * to multiply")
            else:
                return value

    def signs(self) -> int:
        sign = 1
        while self.is_op("+-"):
            if self.take().value == "-":
                sign = -sign
        return sign

    def unary(self) -> sp.Expr:
        sign = self.signs()
        value = self.power()
        return -value if sign < 0 else value

    def power(self) -> sp.Expr:
        operands = [self.postfix()]
        signs = [1]
        ops: list[_Tok] = []
        entered = 0
        while self.is_op("^"):
            op = self.take()
            self.enter(op)
            entered += 1
            signs.append(self.signs())
            if self.peek().kind == "{":
                operands.append(self.braced(self.take()))
            else:
                operands.append(self.postfix())
            ops.append(op)
        self.level -= entered
        value = operands[-1]
        for k in range(len(operands) - 1, 0, -1):
            value = -value if signs[k] < 0 else value
            value = self.apply("^", operands[k - 1], value, ops[k - 1])
        return value

    def postfix(self) -> sp.Expr:
        value = self.atom()
        while self.peek().kind == "sup":
            tok = self.take()
            value = self.apply("^", value, sp.Integer(int(tok.value)), tok)  # type: ignore[call-overload]
        return value

    def braced(self, brace: _Tok) -> sp.Expr:
        """The expression inside ``{ }`` whose ``{`` was just taken."""
        self.enter(brace)
        value = self.expr()
        self.expect("}", brace, "'}' closing the '{' at column " + str(brace.col) + " and")
        self.level -= 1
        return value

    def group(self, paren: _Tok) -> sp.Expr:
        """The expression inside ``( )`` whose ``(`` was just taken."""
        if self.peek().kind == ")":
            raise self.error(f"empty parentheses at column {paren.col}")
        self.enter(paren)
        value = self.expr()
        tok = self.take()
        if tok.kind != ")":
            raise self.error(f"expected ')' or an operator, got {_describe(tok)}")
        self.level -= 1
        return value

    def atom(self) -> sp.Expr:
        tok = self.take()
        if tok.kind == "num":
            return tok.value  # type: ignore[return-value]
        if tok.kind == "name":
            name = str(tok.value)
            if self.peek().kind == "(":
                raise self.error(f"{tok.text}(…) at column {tok.col} is not a function; write {tok.text}*(…) "
                                 "to multiply")
            if name not in NAMES:
                raise self.error(f"{_show(tok.text)} at column {tok.col} is {LEFT[name]}, which can only be "
                                 "defined on the left side, not used on the right")
            return sp.Symbol(name, real=True)
        if tok.kind == "func":
            return self.call(tok)
        if tok.kind == "(":
            return self.group(tok)
        if tok.kind == "frac":
            num = self.braced(self.expect("{", tok, "'{' (\\frac{a}{b})"))
            den = self.braced(self.expect("{", tok, "a second '{' (\\frac{a}{b})"))
            return self.apply("/", num, den, tok)
        if tok.kind == "{":
            raise self.error(f"unexpected '{{' at column {tok.col}: braces only go around subscripts (c_{{t-1}}), "
                             "exponents (x^{2}) and \\frac arguments; use parentheses for grouping")
        if tok.kind == "end":
            before = self.toks[self.pos - 1] if self.pos else tok
            raise self.error(f"the formula ends too early after {_describe(before)}: expected a number, a name "
                             "or '('")
        raise self.error(f"unexpected {_describe(tok)}: expected a number, a name or '('")

    def call(self, func: _Tok) -> sp.Expr:
        power: int | None = None
        if self.peek().kind == "sup":
            power = int(self.take().value)  # type: ignore[call-overload]
        elif self.is_op("^"):
            self.take()
            tok = self.take()
            if tok.kind == "{":
                inner = self.take()
                closing = self.take()
                if inner.kind != "num" or closing.kind != "}":
                    raise self.error(f"expected a whole number in braces after {func.text}^ at column {tok.col}")
                tok = inner
            if tok.kind != "num":
                raise self.error(f"expected a whole number after {func.text}^ at column {tok.col}, got "
                                 f"{_describe(tok)}")
            value = tok.value
            if not (isinstance(value, sp.Integer) and int(value) >= 1):
                raise self.error(f"the power of {func.text} at column {tok.col} must be a whole number ≥ 1")
            power = int(value)
        if power is not None and not 1 <= power <= MAX_EXPONENT:
            raise self.error(f"the power of {func.text} at column {func.col} must be a whole number from 1 to "
                             f"{MAX_EXPONENT}")
        paren = self.take()
        if paren.kind != "(":
            raise self.error(f"{func.text} at column {func.col} needs its argument in parentheses, like "
                             f"{func.text}(c_t)")
        arg = self.group(paren)
        name = str(func.value)
        if name in ("exp", "sigma") and arg.has(sp.log):
            self.small_numbers(arg, f"{func.text}(…) of a logarithm", func)
        value = self.guard(lambda: _FUNC_BUILD[name](arg), func)
        self.check(value, func)
        if power is not None:
            value = self.apply("^", value, sp.Integer(power), func)
        return value

    def apply(self, op: str, left: sp.Expr, right: sp.Expr, tok: _Tok) -> sp.Expr:
        """``left op right`` with sympy, refusing what is undefined, not real or too large."""
        if op == "/" and right == 0:
            raise self.error(f"division by zero at column {tok.col}")
        if op == "^":
            if right.is_Rational:
                if abs(right) > MAX_EXPONENT:
                    raise self.error(f"the exponent at column {tok.col} is too large (at most {MAX_EXPONENT})")
                if not right.is_Integer and left.is_Number and left.is_negative:
                    raise self.error(f"a negative number to a fractional power at column {tok.col} is not real")
                bits = _bits(left)
                if bits * abs(right) > 4 * MAX_NUMBER_BITS:
                    raise self.error(f"the power at column {tok.col} makes a number too large "
                                     f"(over {MAX_NUMBER_BITS} bits)")
            if right.has(sp.log):
                self.small_numbers(right, "an exponent holding a logarithm", tok)
        build = {"+": lambda: left + right, "-": lambda: left - right, "*": lambda: left * right,
                 "/": lambda: left / right, "^": lambda: left**right}[op]
        value = self.guard(build, tok)
        self.check(value, tok)
        return value

    def guard(self, build: Callable[[], sp.Expr], tok: _Tok) -> sp.Expr:
        try:
            return build()
        except DlcalcError:
            raise
        except (ArithmeticError, TypeError, ValueError) as err:
            raise self.error(f"cannot compute the value at column {tok.col}: {type(err).__name__}") from None

    def small_numbers(self, expr: sp.Expr, what: str, tok: _Tok) -> None:
        """Refuse numbers over :data:`MAX_EXPONENT` in ``expr``: sympy turns ``exp(k·log(a))`` into ``a**k`` at once."""
        for number in expr.atoms(sp.Rational):
            if abs(number.p) > MAX_EXPONENT or number.q > MAX_EXPONENT:
                raise self.error(f"{what} at column {tok.col} may only hold numbers up to {MAX_EXPONENT}")

    def check(self, value: sp.Expr, tok: _Tok) -> None:
        for atom in value.atoms():
            if atom in (sp.zoo, sp.nan, sp.oo, -sp.oo):
                raise self.error(f"the value at column {tok.col} is undefined (a division by zero or log(0))")
            if atom == sp.I:
                raise self.error(f"the value at column {tok.col} is not a real number (a log or root of a "
                                 "negative number)")
            if atom.is_Rational and max(abs(atom.p).bit_length(), atom.q.bit_length()) > MAX_NUMBER_BITS:
                raise self.error(f"a number at column {tok.col} is too large (over {MAX_NUMBER_BITS} bits)")


def _sigma(arg: sp.Expr) -> sp.Expr:
    return 1 / (1 + sp.exp(-arg))


_FUNC_BUILD = {"tanh": sp.tanh, "sigma": _sigma, "exp": sp.exp, "log": sp.log}


def _bits(expr: sp.Expr) -> int:
    """The most bits of any numerator or denominator in ``expr``."""
    return max((max(abs(r.p).bit_length(), r.q.bit_length()) for r in expr.atoms(sp.Rational)), default=0)


def parse_formula(text: str, option: str = "--check-formula") -> tuple[str, sp.Expr]:
    """Parse ``LEFT = RIGHT`` into the canonical name of the left side and the right side in sympy.

    Args:
        text: the formula, like ``"di = dh*g"`` or ``"δc_t = δh_t ⊙ o_t ⊙ (1 − tanh²(c_t))"``.
        option: the command-line option the text came from, for error messages.

    Returns:
        ``(name, expr)``: ``name`` a key of :data:`LEFT`, ``expr`` over ``sympy.Symbol(n, real=True)``
        for keys ``n`` of :data:`NAMES`.

    Raises:
        DlcalcError: for any text that is not such a formula (see the module docstring).
    """
    if not isinstance(text, str):
        raise DlcalcError(f"expected formula text, got {type(text).__name__}", option)
    if len(text) > MAX_LENGTH:
        raise DlcalcError(f"the formula is longer than the limit of {MAX_LENGTH:,} characters "
                          f"({len(text):,} characters)", option)
    if not text.strip():
        raise DlcalcError("expected a formula like 'di = dh*g', got empty text", option)
    toks = _Lexer(text, option).run()
    equals = [tok for tok in toks if tok.kind == "="]
    if not equals:
        raise DlcalcError("expected a formula 'LEFT = RIGHT' like 'di = dh*g', but it has no '='", option)
    if len(equals) > 1:
        raise DlcalcError(f"a formula has exactly one '=', but there is another at column {equals[1].col}", option)
    split = toks.index(equals[0])
    left, right = toks[:split], toks[split + 1:]
    if not left:
        raise DlcalcError("the left side is missing before '=': write the gradient it defines, like 'di = dh*g'",
                          option)
    if len(left) != 1 or left[0].kind != "name":
        raise DlcalcError(f"the left side must be one gradient name like 'di', got {_show(text[:equals[0].col - 1])}",
                          option)
    name = str(left[0].value)
    if name not in LEFT:
        raise DlcalcError(f"{_show(left[0].text)} ({_DISPLAY[name]}) cannot be defined by a formula: the left side "
                          f"must be one of {', '.join(LEFT)}", option)
    if right[0].kind == "end":
        raise DlcalcError(f"the right side is missing after '=' at column {equals[0].col}", option)
    parser = _Parser(right, option)
    try:
        return name, parser.right_side()
    except RecursionError:
        raise DlcalcError("the formula is nested too deeply", option) from None


# --------------------------------------------------------------------------- printers

_ADD, _NEG, _MUL, _POW, _ATOM = 10, 15, 20, 30, 40


def _superscript(n: int) -> str:
    return "".join(_SUPERSCRIPTS[int(d)] for d in str(n))


def _sigma_of(expr: sp.Expr) -> tuple[sp.Expr, int] | None:
    """``(x, n)`` when ``expr`` is ``σ(x)**n``, i.e. ``(1 + exp(-x))**-n``, for a whole ``n ≥ 1``."""
    if not (expr.is_Pow and expr.exp.is_Integer and expr.exp.is_negative):
        return None
    base = expr.base
    if base.is_Add and len(base.args) == 2 and sp.S.One in base.args:
        other = base.args[0] if base.args[1] == sp.S.One else base.args[1]
        if isinstance(other, sp.exp):
            return -other.args[0], int(-expr.exp)
    return None


class _Printer:
    def __init__(self, latex: bool) -> None:
        self.latex = latex
        self.memo: dict[sp.Expr, tuple[str, int]] = {}
        self.minus = "-" if latex else "−"
        self.times = r" \odot " if latex else " ⊙ "
        self.dot = r" \cdot " if latex else "·"

    def paren(self, text: str) -> str:
        return rf"\left({text}\right)" if self.latex else f"({text})"

    def wrap(self, expr: sp.Expr, above: int) -> str:
        """``expr`` in parentheses unless it binds tighter than ``above``."""
        text, prec = self.print(expr)
        return text if prec > above else self.paren(text)

    def function(self, name: str, arg: sp.Expr, power: int = 1) -> tuple[str, int]:
        inner = self.print(arg)[0]
        if self.latex:
            sup = f"^{{{power}}}" if power != 1 else ""
            return f"\\{name}{sup}({inner})", _ATOM
        return f"{'σ' if name == 'sigma' else name}{_superscript(power) if power != 1 else ''}({inner})", _ATOM

    def factor_key(self, factor: sp.Expr) -> tuple:
        """Sort key of a product's factor: gradients first, then variables (in :data:`NAMES` order), then the rest."""
        if factor.is_Pow and _sigma_of(factor) is None and factor.base.is_Symbol:
            factor = factor.base
        if factor.is_Symbol:
            name = factor.name
            return (0 if name.startswith("d") else 1, _RANK.get(name, len(_RANK)), name)
        return (3 if factor.is_Add else 2, 0, self.print(factor)[0])

    def term_key(self, term: sp.Expr) -> tuple:
        if term.is_Number:
            return (0, ())
        _, rest = term.as_coeff_Mul()
        return (1, tuple(sorted(self.factor_key(f) for f in sp.Mul.make_args(rest))))

    def print(self, expr: sp.Expr) -> tuple[str, int]:
        """``expr`` printed, with its precedence."""
        if expr not in self.memo:
            self.memo[expr] = self.print_new(expr)
        return self.memo[expr]

    def print_new(self, expr: sp.Expr) -> tuple[str, int]:
        sigma = _sigma_of(expr)
        if sigma is not None:
            return self.function("sigma", *sigma)
        if expr.is_Add:
            return self.add(expr)
        if expr.is_Mul or (expr.is_Rational and not expr.is_Integer) or (
                expr.is_Pow and expr.exp.is_Rational and expr.exp.is_negative):
            return self.mul(expr)
        if expr.is_Integer:
            return (f"{self.minus}{-expr}", _NEG) if expr.is_negative else (str(expr), _ATOM)
        if expr.is_Symbol:
            table = _LATEX_NAMES if self.latex else _DISPLAY
            return table.get(expr.name, expr.name), _ATOM
        if expr.is_Pow:
            return self.pow(expr)
        if expr == sp.E:
            return self.function("exp", sp.S.One)
        for cls, name in ((sp.tanh, "tanh"), (sp.exp, "exp"), (sp.log, "log")):
            if isinstance(expr, cls):
                return self.function(name, expr.args[0])
        if isinstance(expr, sp.Abs):
            inner = self.print(expr.args[0])[0]
            return (rf"\left|{inner}\right|" if self.latex else f"|{inner}|"), _ATOM
        if isinstance(expr, sp.Function) and expr.args:
            args = ", ".join(self.print(a)[0] for a in expr.args)
            name = type(expr).__name__
            return (rf"\operatorname{{{name}}}\left({args}\right)" if self.latex else f"{name}({args})"), _ATOM
        return (sp.latex(expr) if self.latex else sp.sstr(expr)), _ATOM

    def pow(self, expr: sp.Expr) -> tuple[str, int]:
        base, exp = expr.base, expr.exp
        whole = exp.is_Integer and exp.is_positive
        if whole:
            for cls, name in ((sp.tanh, "tanh"), (sp.log, "log")):
                if isinstance(base, cls):
                    return self.function(name, base.args[0], int(exp))
        text = self.wrap(base, _POW)
        if self.latex:
            return f"{text}^{{{self.print(exp)[0]}}}", _POW
        if whole:
            return text + _superscript(int(exp)), _POW
        return f"{text}^{self.wrap(exp, _POW)}", _POW

    def add(self, expr: sp.Expr) -> tuple[str, int]:
        out = ""
        for k, term in enumerate(sorted(sp.Add.make_args(expr), key=self.term_key)):
            negative = bool(term.as_coeff_Mul()[0].is_negative)
            text = self.print(-term if negative else term)[0]
            if k == 0:
                out = self.minus + text if negative else text
            else:
                out += f" {self.minus} {text}" if negative else f" + {text}"
        return out, _ADD

    def mul(self, expr: sp.Expr) -> tuple[str, int]:
        coeff, rest = expr.as_coeff_Mul()
        negative = bool(coeff.is_negative)
        coeff = -coeff if negative else coeff
        top: list[sp.Expr] = []
        bottom: list[sp.Expr] = []
        for factor in sp.Mul.make_args(rest):
            if factor == 1:
                continue
            if factor.is_Pow and factor.exp.is_Rational and factor.exp.is_negative and _sigma_of(factor) is None:
                bottom.append(sp.Pow(factor.base, -factor.exp))
            else:
                top.append(factor)
        p, q = int(coeff.p), int(coeff.q)
        if not bottom and q == 1 and p == 1 and len(top) == 1:
            text, prec = self.print(top[0])
        else:
            text, prec = self.product(p, top, bare=self.latex and bool(bottom or q != 1)), _MUL
            if bottom or q != 1:
                if self.latex:
                    text = rf"\frac{{{text}}}{{{self.product(q, bottom, bare=True)}}}"
                else:
                    single = (q == 1 and len(bottom) == 1) or not bottom
                    denominator = self.product(q, bottom, bare=False)
                    text = f"{text}/{denominator if single else self.paren(denominator)}"
        if negative:
            return self.minus + text, _NEG
        return text, prec

    def product(self, number: int, factors: list[sp.Expr], bare: bool) -> str:
        """``number·f1 ⊙ f2 ⊙ …`` (the number left out when it is 1) with the factors in a stable order;
        a lone factor is left without parentheses when ``bare``."""
        factors = sorted(factors, key=self.factor_key)
        if bare and number == 1 and len(factors) == 1:
            return self.print(factors[0])[0]
        text = self.times.join(self.wrap(f, _MUL) for f in factors)
        if number != 1 or not text:
            text = f"{number}{self.dot}{text}" if text else str(number)
        return text


def _as_expr(expr: object) -> sp.Expr:
    if isinstance(expr, sp.Basic):
        return expr  # type: ignore[return-value]
    if isinstance(expr, int):
        return sp.Integer(expr)
    raise TypeError(f"expected a sympy expression, got {type(expr).__name__}")


def to_notation(expr: sp.Expr) -> str:
    """``expr`` in the seed's Unicode notation: ``δh_t ⊙ o_t ⊙ (1 − tanh²(c_t)) + δc_{t+1} ⊙ f_t``."""
    return _Printer(latex=False).print(_as_expr(expr))[0]


def to_latex(expr: sp.Expr) -> str:
    """``expr`` in LaTeX for amsmath math mode: ``\\delta h_t \\odot \\tanh(c_t)``."""
    return _Printer(latex=True).print(_as_expr(expr))[0]
