"""The tokenizer of gradient formulas: names in any accepted spelling, numbers, operators, LaTeX."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from dlcalc.errors import InputError
from dlcalc.parse.formula.names import (
    CANDIDATES,
    COMBINING_HAT,
    FUNCTIONS,
    HAT_LETTERS,
    KEYS,
    LATEX_OPS,
    LATEX_SPACES,
    MAX_DIGITS,
    MAX_EXPONENT,
    MAX_NESTING,
    MAX_NUMBER_BITS,
    MINUS,
    ORDER,
    PAIRS,
    SUBSCRIPTS,
    SUPERSCRIPTS,
    TIMES,
    TIMES_OPS,
)


@dataclass(frozen=True)
class Token:
    kind: str  # num name func op ( ) { } = sup frac end
    text: str  # the spelling, for messages
    col: int  # 1-based column of its first character
    value: object = None  # number, canonical name, function, operator or exponent


def show(text: str) -> str:
    """``text`` quoted on one line for a message, shortened when long."""
    flat = " ".join(text.split()) or text
    if len(flat) > 40:
        flat = flat[:37] + "..."
    return repr(flat) if not flat.isprintable() else f"'{flat}'"


def describe(tok: Token) -> str:
    return "the end of the formula" if tok.kind == "end" else f"{show(tok.text)} at column {tok.col}"


# --------------------------------------------------------------------------- tokenizer


class Lexer:
    def __init__(self, text: str, option: str) -> None:
        self.text = text
        self.option = option
        self.toks: list[Token] = []

    def error(self, message: str) -> InputError:
        return InputError(message, self.option)

    def add(self, kind: str, start: int, end: int, value: object = None) -> None:
        self.toks.append(Token(kind, self.text[start:end], start + 1, value))

    def run(self) -> list[Token]:
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
            elif (ch.isascii() and ch.isalpha()) or ch in "δ∂" or ch in HAT_LETTERS:
                i = self.name(i)
            elif ch == "σ":
                self.add("func", i, i + 1, "sigma")
                i += 1
            elif ch == "*" and text.startswith("**", i):
                self.add("op", i, i + 2, "^")
                i += 2
            elif ch in TIMES_OPS:
                self.add("op", i, i + 1, "*")
                i += 1
            elif ch in "/÷":
                self.add("op", i, i + 1, "/")
                i += 1
            elif ch in MINUS or ch in "+^":
                self.add("op", i, i + 1, "-" if ch in MINUS else ch)
                i += 1
            elif ch in SUPERSCRIPTS or ch == "⁻":
                i = self.superscript(i)
            elif ch in "(){}=":
                self.add(ch, i, i + 1)
                i += 1
            elif ch in "'\"`":
                raise self.error(f"unexpected quote at column {i + 1}: strings are not allowed in a formula")
            elif ch in "[]":
                raise self.error(f"unexpected {ch!r} at column {i + 1}: use parentheses ( ) for grouping")
            elif ch in SUBSCRIPTS:
                raise self.error(f"unexpected subscript {ch!r} at column {i + 1}: a subscript follows a name")
            else:
                raise self.error(f"unexpected character {show(ch)} at column {i + 1}")
        self.toks.append(Token("end", "", n + 1))
        self.check_brackets()
        return self.toks

    def check_brackets(self) -> None:
        stack: list[Token] = []
        for tok in self.toks:
            if tok.kind in ("(", "{"):
                stack.append(tok)
                if len(stack) > MAX_NESTING:
                    raise self.error(f"parentheses (or braces) nested deeper than {MAX_NESTING} levels at column "
                                     f"{tok.col}")
            elif tok.kind in (")", "}"):
                if not stack:
                    raise self.error(f"{tok.kind!r} at column {tok.col} has no matching {PAIRS[tok.kind]!r}")
                opened = stack.pop()
                if opened.kind != PAIRS[tok.kind]:
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
            if nxt in LATEX_SPACES:
                return i + 2
            raise self.error(f"unexpected {show(text[i:i + 2])} at column {i + 1}")
        end = i + 1 + len(word)
        lower = word.lower()
        if word in LATEX_SPACES:
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
        if word in LATEX_OPS:
            self.add("op", i, end, LATEX_OPS[word])
            return end
        if word in ("frac", "dfrac", "tfrac"):
            self.add("frac", i, end)
            return end
        if word in ("delta", "partial", "hat", "widehat"):
            return self.name(i)
        if lower in FUNCTIONS:
            self.add("func", i, end, FUNCTIONS[lower])
            return end
        if word in ("operatorname", "mathrm", "text", "textrm"):
            close = text.find("}", end)
            inner = text[end + 1:close].strip().lower() if text.startswith("{", end) and close > 0 else ""
            if inner not in FUNCTIONS:
                raise self.error(f"expected a function name in braces after \\{word} at column {i + 1}, like "
                                 f"\\{word}{{tanh}}")
            self.add("func", i, close + 1, FUNCTIONS[inner])
            return close + 1
        raise self.error(f"unknown LaTeX command {show(text[i:end])} at column {i + 1}")

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
        if len(whole) + len(frac) > MAX_DIGITS:
            raise self.error(f"the number at column {i + 1} has more than {MAX_DIGITS} digits")
        scale = 10 ** len(frac)
        import sympy as sp  # the lexer reads names without sympy; a number is already a sympy value

        value = sp.Rational(int(whole or "0") * scale + int(frac or "0"), scale)
        if max(value.p.bit_length(), value.q.bit_length()) > MAX_NUMBER_BITS:
            raise self.error(f"the number at column {i + 1} is too large (over {MAX_NUMBER_BITS} bits)")
        self.add("num", i, j, value)
        return j

    def superscript(self, i: int) -> int:
        text = self.text
        j = i + 1 if text[i] == "⁻" else i
        digits = ""
        while j < len(text) and text[j] in SUPERSCRIPTS:
            digits += str(SUPERSCRIPTS.index(text[j]))
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
        elif i < n and ((text[i].isascii() and text[i].isalpha()) or text[i] in HAT_LETTERS):
            while i < n:
                ch = text[i]
                if ch.isascii() and ch.isalnum():
                    word += ch
                elif ch in HAT_LETTERS:
                    word += HAT_LETTERS[ch]
                    hat = True
                elif ch == COMBINING_HAT and word:
                    hat = True
                else:
                    break
                i += 1
            if word in ("d", "delta") and (text.startswith("\\hat", i) or text.startswith("\\widehat", i)):
                letter, i = self.hat(i)
                word, hat = word + letter, True
        else:
            raise self.error(f"expected a variable letter after {show(text[start:i].strip())} at column "
                             f"{start + 1}")
        if not delta and not hat and word.lower() in FUNCTIONS and not text.startswith("_", i):
            self.add("func", start, i, FUNCTIONS[word.lower()])
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
            elif text[i] in SUBSCRIPTS:
                j = i
                while j < n and text[j] in SUBSCRIPTS:
                    j += 1
                subs.append("".join(SUBSCRIPTS[ch] for ch in text[i:j]))
                i = j
            else:
                break
        canonical = self.canonical(delta, word, hat, subs)
        if canonical is None:
            raw = text[start:i]
            matches = difflib.get_close_matches(self.guess(delta, word.lower(), hat, subs), CANDIDATES, n=1,
                                                cutoff=0.6)
            hint = f"did you mean '{matches[0]}'?" if matches else "the names are " + ", ".join(ORDER)
            raise self.error(f"unknown name {show(raw)} at column {start + 1}; {hint}")
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
            elif sub in TIMES and (time == 0 or TIMES[sub] in (0, time)):
                time = time or TIMES[sub]
            else:
                return None
        return KEYS.get((delta, word, hat, time))

    def guess(self, delta: bool, word: str, hat: bool, subs: list[str]) -> str:
        """An ASCII spelling of an unknown name, to find the nearest valid one."""
        delta, word, hat, subs = self.split(delta, word, hat, subs)
        rest = "".join("_" + {1: "next", -1: "prev"}.get(TIMES.get(s, 0), s) for s in subs if s != "t")
        return ("d" if delta else "") + word + ("_hat" if hat else "") + rest


