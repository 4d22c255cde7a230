"""Safe parsing of what a user types: numbers, integers, shapes, number lists and arrays.

Nothing here evaluates text: a small hand-written tokenizer and an iterative parser
turn strings into Python numbers (``int``, exact ``Fraction``, ``float``) and nested lists.
Every bad input raises :class:`~dlcalc.errors.DlcalcError` with a one-line message that
says what was expected and quotes what was got.

Array text comes in these forms (see :func:`parse_array`)::

    1 2; 3 4                 rows separated by ';' or newlines, entries by spaces and/or commas
    [[1, 2], [3, 4]]         brackets, any depth up to 6 (numpy's "[[1 2] [3 4]]" works too)
    @weights.npy             a file: .npy, .csv or .json
    -                        read the text from standard input

numpy is imported only when a ``.npy`` file is loaded; ``json`` only for ``.json`` files.
"""

from __future__ import annotations

import math
import os
import re
import sys

from dlcalc.errors import DlcalcError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from fractions import Fraction
    from typing import Any, TextIO

    # fractions is imported only when a fraction is parsed: it costs 2 ms of every start-up.
    Number = int | Fraction | float
    """A parsed number: integer text gives ``int``, ``a/b`` an exact ``Fraction``, decimals a ``float``."""

    Array = int | Fraction | float | list
    """A parsed array: a bare number, or rectangular nested lists of numbers."""

MAX_NUMBER_CHARS = 100
"""The longest text accepted for one number."""

MAX_DEPTH = 6
"""The most array dimensions (bracket nesting levels) accepted."""

MAX_SHAPE_AXES = 8
"""The most axes accepted by :func:`parse_shape`."""

DEFAULT_MAX_ELEMENTS = 4_000_000
DEFAULT_MAX_TEXT = 64_000_000
DEFAULT_MAX_BYTES = 2 * 1024**3
ENV_MAX_ELEMENTS = "DLCALC_MAX_ELEMENTS"
ENV_MAX_TEXT = "DLCALC_MAX_TEXT"
ENV_MAX_BYTES = "DLCALC_MAX_BYTES"

_QUOTE_LIMIT = 40


class LazyPattern:
    """A regular expression compiled on its first use, not at import: start-up (a TAB completion,
    a one-line answer) pays only for the patterns the run needs. Used as the compiled pattern."""

    __slots__ = ("_args", "_compiled")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._args, self._compiled = (pattern, flags), None

    def __getattr__(self, name: str) -> Any:  # match, fullmatch, finditer, sub, split, …
        if self._compiled is None:
            self._compiled = re.compile(*self._args)
        return getattr(self._compiled, name)


# One number: integer, fraction of integers, or decimal/exponent text. ASCII digits only.
_NUMBER_RE = LazyPattern(
    r"(?P<int>[+-]?[0-9]+)(?:/(?P<den>[0-9]+))?"
    r"|(?P<float>[+-]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)(?:[eE][+-]?[0-9]+)?)"
)
_NONFINITE_RE = LazyPattern(r"[+-]?(?:nan|inf|infinity)", re.IGNORECASE)

# Rows syntax: rows end at ';' and newlines.
_ROW_SPLIT_RE = LazyPattern(r"[;\n]")
_SHAPE_SEPARATOR_RE = LazyPattern(r"[xX×,*]")


# --------------------------------------------------------------------------- messages


def _escape(text: str) -> str:
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


def _clip(text: str, limit: int = _QUOTE_LIMIT) -> str:
    """``text`` on one line (control characters escaped), cut to ``limit`` characters with an ellipsis."""
    if len(text) <= limit and text.isprintable():
        return text
    pieces: list[str] = []
    size = 0
    for char in text[: limit + 1]:
        piece = _escape(char)
        pieces.append(piece)
        size += len(piece)
        if size > limit:
            break
    else:
        return "".join(pieces)
    while size > limit - 1:
        size -= len(pieces.pop())
    return "".join(pieces) + "…"


def _quote(text: str, mark: str = "'") -> str:
    """``text`` in quotes, one line, cut to about 40 characters with an ellipsis."""
    return mark + _clip(text) + mark


def _excerpt(text: str, pos: int) -> str:
    """``text`` in double quotes; when long, a window of about 40 characters around ``pos``."""
    width = _QUOTE_LIMIT
    while True:
        start = max(0, min(pos - width // 2, len(text) - width))
        end = start + width
        shown = _escape(text[start:end])
        if len(shown) <= _QUOTE_LIMIT + 20 or width <= 8:
            break
        width //= 2
    head = "…" if start > 0 else ""
    tail = "…" if end < len(text) else ""
    return '"' + head + _clip(shown, _QUOTE_LIMIT + 20) + tail + '"'


def _where(text: str, pos: int, source: str | None) -> str:
    """``column 7 of "..."`` (or ``line 2, column 3 of stdin``) for 0-based offset ``pos``."""
    column = pos - (text.rfind("\n", 0, pos) + 1) + 1
    place = f"column {column}"
    if "\n" in text:
        place = f"line {text.count(chr(10), 0, pos) + 1}, {place}"
    return f"{place} of {source if source is not None else _excerpt(text, pos)}"


def _format_shape(shape: tuple[int, ...]) -> str:
    return "x".join(str(n) for n in shape)


def _describe(shape: tuple[int, ...]) -> str:
    if not shape:
        return "a single number"
    if len(shape) == 1:
        return f"a list of {shape[0]} number{'s' if shape[0] != 1 else ''}"
    return f"a {_format_shape(shape)} array"


def _n_entries(n: int) -> str:
    return f"{n} entr{'ies' if n != 1 else 'y'}"


def _ragged(path: list[int], k: int, got: tuple[int, ...], first: tuple[int, ...]) -> str:
    """The message for item ``k`` (0-based) of the list at ``path`` not matching item 0."""
    if len(got) == 1 and len(first) == 1:
        if path:
            here = "$" + "".join(f"[{i}]" for i in path)
            return f"ragged array: {here}[{k}] has {_n_entries(got[0])} but {here}[0] has {first[0]}"
        return f"ragged array: row {k + 1} has {_n_entries(got[0])} but row 1 has {first[0]}"
    if path:
        here = "$" + "".join(f"[{i}]" for i in path)
        return f"ragged array: {here}[{k}] is {_describe(got)} but {here}[0] is {_describe(first)}"
    return f"ragged array: item {k + 1} is {_describe(got)} but item 1 is {_describe(first)}"


# --------------------------------------------------------------------------- limits


def env_limit(name: str, default: int, option: str | None = None) -> int:
    """A limit from the environment variable ``name`` (a positive integer), else ``default``."""
    return _env_limit(name, default, option)


def _env_limit(name: str, default: int, option: str | None) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw) if len(raw) <= 30 else -1
    except ValueError:
        value = -1
    if value < 1:
        raise DlcalcError(f"expected a positive integer in the environment variable {name}, "
                          f"got {_quote(raw)}", option)
    return value


def _check_text_length(length: int, option: str | None, what: str = "input text") -> None:
    limit = _env_limit(ENV_MAX_TEXT, DEFAULT_MAX_TEXT, option)
    if length > limit:
        raise DlcalcError(f"{what} is longer than the limit of {limit:,} characters "
                          f"(set {ENV_MAX_TEXT} to raise it)", option)


def _too_many(limit: int, option: str | None) -> DlcalcError:
    return DlcalcError(f"array has more than the limit of {limit:,} elements "
                       f"(set {ENV_MAX_ELEMENTS} to raise it)", option)


def _too_deep(option: str | None, where: str) -> DlcalcError:
    return DlcalcError(f"expected at most {MAX_DEPTH} nested levels, got deeper nesting at {where}", option)


# --------------------------------------------------------------------------- numbers


def non_finite_at(value: object, where: str = "") -> str | None:
    """Where in nested dicts and lists a float is ±inf or NaN (``"recon"``, ``"d_star[3]"``), or None."""
    if isinstance(value, float):
        return None if math.isfinite(value) else where
    if isinstance(value, dict):
        items = ((f"{where}.{key}" if where else str(key), v) for key, v in value.items())
    elif isinstance(value, (list, tuple)):
        items = ((f"{where}[{k}]", v) for k, v in enumerate(value))
    else:
        return None
    return next((found for path, v in items if (found := non_finite_at(v, path)) is not None), None)


def is_fraction(value: object) -> bool:
    """Whether a value is a ``fractions.Fraction``, without importing fractions (2 ms of start-up)."""
    return type(value).__name__ == "Fraction"


def _to_number(text: str, option: str | None) -> Number:
    """Convert one already-stripped number token; raise DlcalcError naming ``option``."""
    digits = text[1:] if text[:1] in ("+", "-") else text
    if digits.isascii() and digits.isdigit() and len(text) <= MAX_NUMBER_CHARS:  # an integer: no regex
        return int(text)
    match = _NUMBER_RE.fullmatch(text)
    if match is None:
        if not text:
            raise DlcalcError("expected a number, got empty text", option)
        if _NONFINITE_RE.fullmatch(text):
            raise DlcalcError(f"expected a finite number, got {_quote(text)}", option)
        raise DlcalcError(f"expected a number (like 3, -0.5, 2e-3 or 3/4), got {_quote(text)}", option)
    if len(text) > MAX_NUMBER_CHARS:
        raise DlcalcError(f"expected a number of at most {MAX_NUMBER_CHARS} characters, "
                          f"got {_quote(text)} ({len(text):,} characters)", option)
    numerator, denominator, decimal = match.group("int", "den", "float")
    if decimal is not None:
        value = float(decimal)
        if not math.isfinite(value):
            raise DlcalcError(f"expected a number that fits in a float, got {_quote(text)} "
                              "(it overflows to infinity)", option)
        return value
    if denominator is None:
        return int(numerator)
    den = int(denominator)
    if den == 0:
        raise DlcalcError(f"expected a nonzero denominator, got {_quote(text)}", option)
    from fractions import Fraction

    fraction = Fraction(int(numerator), den)
    return fraction.numerator if fraction.denominator == 1 else fraction


def parse_number(text: str, option: str | None = None) -> Number:
    """Parse one number.

    Integer text gives an ``int``; ``a/b`` an exact ``Fraction`` (an ``int`` when whole, so
    ``4/2`` gives 2); decimal or exponent text (``0.5``, ``-1e-3``, ``.5``, ``2.``) a ``float``.

    Args:
        text: the text; surrounding whitespace is ignored.
        option: the command-line option it came from, for the error message.

    Raises:
        DlcalcError: empty, longer than 100 characters, nan/inf, overflowing, ``1/0``,
            or anything that is not a number (``0x10``, ``1_000``, ...).
    """
    if not isinstance(text, str):
        raise DlcalcError(f"expected number text, got {type(text).__name__}", option)
    return _to_number(text.strip(), option)


def parse_int(text: str, option: str | None = None, *, minimum: int | None = None) -> int:
    """Parse an integer (``3``, ``+3``, ``-3``), optionally at least ``minimum``.

    A fraction that is whole (``4/2``) is accepted; other fractions and decimals are not.

    Raises:
        DlcalcError: not a number, not an integer, or smaller than ``minimum``.
    """
    value = parse_number(text, option)
    if is_fraction(value):
        raise DlcalcError(f"expected an integer, got a fraction {_quote(text.strip())}", option)
    if isinstance(value, float):
        raise DlcalcError(f"expected an integer, got {_quote(text.strip())}", option)
    if minimum is not None and value < minimum:
        raise DlcalcError(f"expected an integer ≥ {minimum}, got {value}", option)
    return value


def parse_shape(text: str, option: str | None = None, *, minimum: int = 1) -> tuple[int, ...]:
    """Parse a shape such as ``32``, ``32x32`` or ``16x32x32``.

    Axes are separated by ``x``, ``X``, ``×``, ``,`` or ``*``, with optional spaces; each axis
    is an integer ≥ ``minimum``; at most 8 axes.

    Raises:
        DlcalcError: an empty or bad axis, too many axes, or an axis below ``minimum``.
    """
    if not isinstance(text, str):
        raise DlcalcError(f"expected shape text, got {type(text).__name__}", option)
    stripped = text.strip()
    if not stripped:
        raise DlcalcError("expected a shape like 32 or 3x32x32, got empty text", option)
    parts = _SHAPE_SEPARATOR_RE.split(stripped, maxsplit=MAX_SHAPE_AXES)
    if len(parts) > MAX_SHAPE_AXES:
        raise DlcalcError(f"expected at most {MAX_SHAPE_AXES} axes, got more in {_quote(stripped)}", option)
    shape: list[int] = []
    for axis, part in enumerate(parts, start=1):
        if not part.strip():
            raise DlcalcError(f"expected a shape like 32 or 3x32x32, got {_quote(stripped)} "
                              f"(axis {axis} is empty)", option)
        try:
            shape.append(parse_int(part, option, minimum=minimum))
        except DlcalcError as error:
            raise DlcalcError(f"{error.message} (axis {axis} of {_quote(stripped)})", option) from None
    return tuple(shape)


# --------------------------------------------------------------------------- inline arrays
#
# Runs of entries (a row, or the text between two brackets) are split on whitespace and commas
# and converted in chunks: int()/float(), given only the characters [0-9.eE+-], accept exactly
# the number syntax above, so a chunk of plain numbers converts at C speed. Any other chunk
# (fractions, bad entries, overflow) goes entry by entry through _to_number, and an error is
# located (column) only once it is known to exist.

_PLAIN_CHARS_RE = LazyPattern(r"[0-9.eE+\-]*")
_PIECE_WORD_RE = LazyPattern(r"[^\s,\[\]]+")
_COMMA_OR_WORD_RE = LazyPattern(r",|[^\s,]+")
# Misplaced commas and empty rows in the rows syntax. Each pattern starts with a literal so that
# the search skips through long text quickly.
_ROW_START_COMMA_RE = LazyPattern(r"[;\n][^\S\n]*,")
_COMMA_AFTER_RE = LazyPattern(r",[^\S\n]*(?:(?P<double>,)|(?=[;\n])|\Z)")
_EMPTY_ROW_RE = LazyPattern(r"[;\n][^\S\n]*;")
_LEADING_SPACE_RE = LazyPattern(r"[^\S\n]*")
_NOT_WORD_CHAR_RE = LazyPattern(r"[^0-9A-Za-z_.+\-/]")
_BRACKET_SPLIT_RE = LazyPattern(r"([\[\]])")
_SPACE_RE = LazyPattern(r"\s*")
_CHUNK = 4096


def _convert_plain(words: list[str]) -> list[Number] | None:
    """Words -> numbers at C speed when all are plain ints/decimals, else None."""
    joined = "".join(words)
    if not _PLAIN_CHARS_RE.fullmatch(joined) or max(map(len, words), default=0) > MAX_NUMBER_CHARS:
        return None
    try:
        if "." in joined or "e" in joined or "E" in joined:
            values: list[Number] = [float(w) if "." in w or "e" in w or "E" in w else int(w) for w in words]
            return values if all(map(math.isfinite, values)) else None
        return list(map(int, words))
    except ValueError:
        return None


def _commas_between(segment: str) -> bool:
    """Every comma sits between two entries: none at either end and no two in a row."""
    return all(part.strip() for part in segment.split(","))


def _explain_commas(text: str, start: int, end: int, option: str | None, source: str | None) -> DlcalcError:
    """The error for a misplaced comma in ``text[start:end]`` (known to have one)."""
    after_entry = False
    comma = start
    for match in _COMMA_OR_WORD_RE.finditer(text, start, end):
        if match.group() != ",":
            after_entry = True
        elif not after_entry:
            return DlcalcError(f"unexpected ',' at {_where(text, match.start(), source)}", option)
        else:
            after_entry = False
            comma = match.start()
    where = _where(text, comma, source)
    return DlcalcError(f"unexpected ',' at {where} (a row cannot end with a comma)", option)


def _convert_words(words: list[str], option: str | None,
                   locate: Callable[[DlcalcError, str], DlcalcError]) -> list[Number]:
    """Convert entry words in chunks; ``locate(error, word)`` adds where the first bad entry is."""
    values: list[Number] = []
    for first in range(0, len(words), _CHUNK):
        chunk = words[first : first + _CHUNK]
        converted = _convert_plain(chunk)
        if converted is None:
            converted = []
            for word in chunk:
                try:
                    converted.append(_to_number(word, option))
                except DlcalcError as error:
                    raise locate(error, word) from None
        values.extend(converted)
    return values


def _entries(text: str, start: int, end: int, option: str | None, source: str | None) -> list[Number]:
    """The numbers in the bracket piece ``text[start:end]``, separated by whitespace and/or single commas."""
    segment = text[start:end]
    if "," in segment:
        if not _commas_between(segment):
            raise _explain_commas(text, start, end, option, source)
        segment = segment.replace(",", " ")

    def locate(error: DlcalcError, word: str) -> DlcalcError:
        return _bad_entry(error, text, start, end, word, source, ",", brackets=True)

    return _convert_words(segment.split(), option, locate)


def _bad_entry(error: DlcalcError, text: str, start: int, end: int, word: str, source: str | None,
               separators: str, brackets: bool) -> DlcalcError:
    """Add to ``error`` where the first bad entry ``word`` of ``text[start:end]`` is.

    Entries are converted in order and conversion is deterministic, so the first whole-entry
    occurrence of ``word`` is the one that failed.
    """
    pos = text.find(word, start, end)
    while pos >= 0:
        after = pos + len(word)
        if (pos == start or text[pos - 1] in separators or text[pos - 1].isspace()) and (
            after == end or text[after] in separators or text[after].isspace()
        ):
            break
        pos = text.find(word, pos + 1, end)
    pos = max(pos, start)
    bad_char = _NOT_WORD_CHAR_RE.search(word) if brackets else None
    if bad_char is not None:
        where = _where(text, pos + bad_char.start(), source)
        return DlcalcError(f"unexpected {_quote(bad_char.group())} at {where}", error.option)
    return DlcalcError(f"{error.message} at {_where(text, pos, source)}", error.option)


def _shape_rows(rows: list[list[Number]]) -> Array:
    """One entry gives a number, one row a flat list, several rows a list of rows."""
    if len(rows) == 1:
        return rows[0][0] if len(rows[0]) == 1 else rows[0]
    return rows


def _first_of(text: str, after_row_start: re.Pattern[str], char: str) -> int:
    """Offset of the first ``char`` that starts a row (after only spaces), or -1."""
    start = _LEADING_SPACE_RE.match(text)
    first = start.end() if start is not None else 0
    if text.startswith(char, first):
        return first
    match = after_row_start.search(text)
    return match.end() - 1 if match is not None else -1


def _check_row_commas(text: str, option: str | None, source: str | None) -> None:
    """Raise for the first comma that is not between two entries of a row."""
    leading = _first_of(text, _ROW_START_COMMA_RE, ",")
    after = _COMMA_AFTER_RE.search(text)
    if after is None and leading < 0:
        return
    if after is not None and (leading < 0 or after.start() < leading):
        if after.group("double") is not None:
            raise DlcalcError(f"unexpected ',' at {_where(text, after.start('double'), source)}", option)
        where = _where(text, after.start(), source)
        raise DlcalcError(f"unexpected ',' at {where} (a row cannot end with a comma)", option)
    raise DlcalcError(f"unexpected ',' at {_where(text, leading, source)}", option)


def _parse_rows(text: str, option: str | None, max_elements: int, *, source: str | None = None,
                semicolons: bool = True) -> list[list[Number]]:
    """Rows separated by ';' or newlines (blank lines skipped), checked to be rectangular.

    The checks run over the whole text at once: misplaced commas, empty rows before ';',
    the element limit, the entries, and last the row lengths.
    """
    if ";" in text:
        if not semicolons:
            raise DlcalcError(f"unexpected ';' at {_where(text, text.index(';'), source)}", option)
        empty = _first_of(text, _EMPTY_ROW_RE, ";")
        if empty >= 0:
            raise DlcalcError(f"expected numbers before ';' at {_where(text, empty, source)}, "
                              "got an empty row", option)
    if "," in text:
        _check_row_commas(text, option, source)
        text_words = text.replace(",", " ")
    else:
        text_words = text
    words = (text_words.replace(";", " ") if ";" in text_words else text_words).split()
    if len(words) > max_elements:
        raise _too_many(max_elements, option)

    def locate(error: DlcalcError, word: str) -> DlcalcError:
        return _bad_entry(error, text, 0, len(text), word, source, ",;", brackets=False)

    values = _convert_words(words, option, locate)
    lengths = [n for n in map(len, map(str.split, _ROW_SPLIT_RE.split(text_words))) if n]
    if not lengths:
        return []
    width = lengths[0]
    if lengths.count(width) != len(lengths):
        k = next(k for k, n in enumerate(lengths) if n != width)
        raise DlcalcError(_ragged([], k, (lengths[k],), (width,)), option)
    return [values[i : i + width] for i in range(0, len(values), width)]


class _Frame:
    """An open '[' in the bracket parser."""

    __slots__ = ("items", "first", "pos", "index", "state")

    def __init__(self, pos: int, index: int) -> None:
        self.items: list[Array] = []
        self.first: tuple[int, ...] | None = None  # shape of the first item
        self.pos = pos
        self.index = index  # position in the parent list
        self.state = 0  # 0 just opened, 1 after ',', 2 after an item


class _BracketParser:
    """Nested ``[...]`` lists, iteratively (no recursion), at most MAX_DEPTH deep and rectangular.

    The text is cut at its brackets; the pieces between them are runs of entries (with perhaps
    a comma before and after), converted in bulk by :func:`_entries`. Syntax errors win over a
    ragged shape: the first ragged list is reported once the whole text is known to be well formed.
    """

    def __init__(self, text: str, option: str | None, max_elements: int, source: str | None) -> None:
        self.text = text
        self.option = option
        self.max_elements = max_elements
        self.source = source
        self.stack: list[_Frame] = []
        self.root: Array | None = None
        self.count = 0
        self.space = False  # the last piece ended with whitespace
        self.ragged: DlcalcError | None = None

    def fail(self, message: str, pos: int) -> DlcalcError:
        return DlcalcError(f"{message} at {_where(self.text, pos, self.source)}", self.option)

    def shown(self, pos: int) -> str:
        word = _PIECE_WORD_RE.match(self.text, pos)
        return _quote(word.group() if word else self.text[pos])

    def parse(self) -> Array:
        text = self.text
        stack = self.stack
        parts = _BRACKET_SPLIT_RE.split(text)  # piece, bracket, piece, bracket, ..., piece
        pos = 0
        for i in range(0, len(parts), 2):
            piece = parts[i]
            if not piece:
                self.space = False
            elif piece == "," and stack and stack[-1].state == 2:
                stack[-1].state = 1
                self.space = False
            elif piece.isdigit() and piece.isascii() and stack and stack[-1].state != 2 and len(piece) <= 20:
                self.count += 1
                if self.count > self.max_elements:
                    raise _too_many(self.max_elements, self.option)
                self.add([int(piece)], ())
                self.space = False
            else:
                self.piece(pos, pos + len(piece))
            pos += len(piece)
            if i + 1 == len(parts):
                break
            if parts[i + 1] == "[":
                self.open(pos)
            else:
                self.close(pos)
            pos += 1
        if stack:
            where = _where(text, stack[-1].pos, self.source)
            raise DlcalcError(f"expected ']' to close the '[' at {where}, got the end of the text",
                              self.option)
        if self.ragged is not None:
            raise self.ragged
        if self.root is None:  # pragma: no cover - the text starts with '['
            raise DlcalcError(f"expected an array of numbers, got {_excerpt(text, 0)}", self.option)
        return self.root

    def add(self, values: list[Array], shape: tuple[int, ...]) -> None:
        """Append items of the same ``shape`` to the innermost open list (or make the root)."""
        if not self.stack:
            self.root = values[0]
            return
        top = self.stack[-1]
        if top.first is None:
            top.first = shape
        elif shape != top.first and self.ragged is None:
            path = [frame.index for frame in self.stack[1:]]
            self.ragged = DlcalcError(_ragged(path, len(top.items), shape, top.first), self.option)
        top.items.extend(values)
        top.state = 2

    def open(self, pos: int) -> None:
        if not self.stack:
            if self.root is not None:
                raise self.fail("unexpected '[' after the end of the array", pos)
            self.stack.append(_Frame(pos, 0))
            return
        top = self.stack[-1]
        if top.state == 2 and not self.space:
            raise self.fail("expected ',' or ']', got '['", pos)
        if len(self.stack) >= MAX_DEPTH:
            raise _too_deep(self.option, _where(self.text, pos, self.source))
        self.stack.append(_Frame(pos, len(top.items)))

    def close(self, pos: int) -> None:
        if not self.stack:
            after = " after the end of the array" if self.root is not None else ""
            raise self.fail(f"unexpected ']'{after}", pos)
        top = self.stack[-1]
        if top.state == 0:
            raise self.fail("expected a number or '[', got an empty list", pos)
        if top.state == 1:
            raise self.fail("expected a number or '[' after ',', got ']'", pos)
        self.stack.pop()
        assert top.first is not None
        self.add([top.items], (len(top.items), *top.first))
        self.space = False

    def piece(self, start: int, end: int) -> None:
        """The text between two brackets: ``[,] entries [,]`` with whitespace anywhere."""
        text = self.text
        i = _skip_space(text, start, end)
        self.space = end > start and text[end - 1].isspace()
        if i == end:
            return
        if not self.stack:
            raise self.fail(f"unexpected {self.shown(i)} after the end of the array", i)
        top = self.stack[-1]
        if text[i] == ",":
            if top.state != 2:
                raise self.fail("unexpected ','", i)
            top.state = 1
            i = _skip_space(text, i + 1, end)
            if i == end:
                return
            if text[i] == ",":
                raise self.fail("unexpected ','", i)
        elif top.state == 2 and i == start:
            raise self.fail(f"expected ',' or ']', got {self.shown(i)}", i)
        j = i + len(text[i:end].rstrip())
        trailing = text[j - 1] == ","
        if trailing:
            k = i + len(text[i : j - 1].rstrip())
            if text[k - 1] == ",":
                raise self.fail("unexpected ','", j - 1)
            j = k
        values = _entries(text, i, j, self.option, self.source)
        self.count += len(values)
        if self.count > self.max_elements:
            raise _too_many(self.max_elements, self.option)
        self.add(list(values), ())
        if trailing:
            top.state = 1


def _skip_space(text: str, start: int, end: int) -> int:
    match = _SPACE_RE.match(text, start, end)
    return match.end() if match is not None else start


def _parse_inline(text: str, option: str | None, max_elements: int, source: str | None = None) -> Array:
    """Rows syntax or bracket syntax; the text is already within the length limit."""
    stripped = text.strip()
    if not stripped:
        where = f" on {source}" if source else ""
        raise DlcalcError(f"expected an array of numbers{where}, got empty text", option)
    if stripped[0] == "[":
        return _BracketParser(text, option, max_elements, source).parse()
    return _shape_rows(_parse_rows(text, option, max_elements, source=source))


# --------------------------------------------------------------------------- files and stdin


def _read_text_file(path: str, shown: str, option: str | None) -> str:
    limit = _env_limit(ENV_MAX_TEXT, DEFAULT_MAX_TEXT, option)
    try:
        with open(path, encoding="utf-8-sig") as handle:
            text = handle.read(limit + 1)
    except UnicodeDecodeError as error:
        raise DlcalcError(f"expected UTF-8 text in {shown}, got {error.reason} at byte {error.start}",
                          option) from None
    except OSError as error:
        raise DlcalcError(f"cannot read {shown}: {error.strerror or error}", option) from None
    except ValueError as error:  # e.g. a NUL byte in the path
        raise DlcalcError(f"cannot read {shown}: {error}", option) from None
    _check_text_length(len(text), option, f"file {shown}")
    return text


def _load_csv(path: str, shown: str, option: str | None, max_elements: int) -> Array:
    text = _read_text_file(path, shown, option)
    lines = text.split("\n")
    # Blank out comment lines (keeping the line numbers right for messages).
    if "#" in text:
        lines = ["" if line.lstrip().startswith("#") else line for line in lines]
    text = "\n".join(lines)
    if not text.strip():
        raise DlcalcError(f"expected rows of numbers in {shown}, got no data", option)
    rows = _parse_rows(text, option, max_elements, source=shown, semicolons=False)
    return _shape_rows(rows)


def _json_kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _convert_json(value: object, path: str, depth: int, count: list[int], shown: str,
                  option: str | None, max_elements: int) -> tuple[Array, tuple[int, ...]]:
    """JSON value -> (array, shape); recursion is bounded by MAX_DEPTH."""
    if isinstance(value, (int, float, str)) and not isinstance(value, bool):
        count[0] += 1
        if count[0] > max_elements:
            raise _too_many(max_elements, option)
        if isinstance(value, str):
            try:
                return _to_number(value.strip(), option), ()
            except DlcalcError as error:
                raise DlcalcError(f"{error.message} at {path} in {shown}", option) from None
        if isinstance(value, float) and not math.isfinite(value):
            raise DlcalcError(f"expected a finite number at {path} in {shown}, got {value}", option)
        if isinstance(value, int) and abs(value) >= 10**MAX_NUMBER_CHARS:
            raise DlcalcError(f"expected a number of at most {MAX_NUMBER_CHARS} digits at {path} in {shown}, "
                              f"got one with {len(str(value))}", option)
        return value, ()
    if not isinstance(value, list):
        raise DlcalcError(f"expected a number or a list at {path} in {shown}, got {_json_kind(value)}",
                          option)
    if depth >= MAX_DEPTH:
        raise _too_deep(option, f"{path} in {shown}")
    if not value:
        raise DlcalcError(f"expected a number or a list at {path}[0] in {shown}, got an empty list", option)
    items: list[Array] = []
    first: tuple[int, ...] | None = None
    for k, item in enumerate(value):
        converted, shape = _convert_json(item, f"{path}[{k}]", depth + 1, count, shown, option, max_elements)
        if first is None:
            first = shape
        elif shape != first:
            indices = [int(i) for i in re.findall(r"\[(\d+)\]", path)]
            raise DlcalcError(f"{_ragged(indices, k, shape, first)} in {shown}", option)
        items.append(converted)
    assert first is not None
    return items, (len(items), *first)


def _load_json(path: str, shown: str, option: str | None, max_elements: int) -> Array:
    import json

    text = _read_text_file(path, shown, option)

    def no_constant(name: str) -> float:
        raise DlcalcError(f"expected a finite number in {shown}, got {name}", option)

    try:
        data = json.loads(text, parse_constant=no_constant)
    except json.JSONDecodeError as error:
        raise DlcalcError(f"expected valid JSON in {shown}, got a syntax error ({error.msg}) "
                          f"at line {error.lineno}, column {error.colno}", option) from None
    except RecursionError:
        raise _too_deep(option, shown) from None
    except DlcalcError:
        raise
    except ValueError:  # an integer with thousands of digits
        raise DlcalcError(f"expected numbers of at most {MAX_NUMBER_CHARS} digits in {shown}, "
                          "got a longer one", option) from None
    value, _shape = _convert_json(data, "$", 0, [0], shown, option, max_elements)
    return value


def _load_npy(path: str, shown: str, option: str | None, max_elements: int) -> Array:
    array = _open_npy(path, shown, option, max_elements)
    result: Array = array.tolist()
    del array
    return result


def _open_npy(path: str, shown: str, option: str | None, max_elements: int,
              max_bytes: int | None = None):  # -> numpy.ndarray
    """Load and validate a .npy file: integer or finite float data, not empty, not too large."""
    try:
        import numpy
    except ImportError:  # pragma: no cover - numpy is a dependency
        raise DlcalcError(f"reading {shown} needs numpy, which is not installed", option) from None
    try:
        array = numpy.load(path, mmap_mode="r", allow_pickle=False)
    except OSError as error:
        raise DlcalcError(f"cannot read {shown}: {error.strerror or error}", option) from None
    except Exception as error:  # numpy raises ValueError, EOFError, SyntaxError... on bad files
        detail = str(error).split("\n")[0][:80]
        if "Python objects" in detail:
            detail = "object arrays are not accepted"
        elif "pickled" in detail:
            detail = "not in .npy format"
        raise DlcalcError(f"expected a .npy array of numbers in {shown}, got an unreadable file ({detail})",
                          option) from None
    if not isinstance(array, numpy.ndarray):
        if hasattr(array, "close"):
            array.close()
        raise DlcalcError(f"expected a .npy array in {shown}, got a .npz archive", option)
    kind = array.dtype.kind
    if kind not in "iuf":
        name = {"b": "boolean", "c": "complex", "O": "object", "U": "string", "S": "bytes"}.get(kind, "")
        raise DlcalcError(f"expected an integer or float array in {shown}, got dtype {name or array.dtype}"
                          + (f" ({array.dtype})" if name else ""), option)
    if array.ndim > MAX_DEPTH:
        raise DlcalcError(f"expected at most {MAX_DEPTH} dimensions in {shown}, got {array.ndim}", option)
    if max_bytes is not None and array.size * 8 > max_bytes:
        raise DlcalcError(f"{shown} holds {array.size:,} numbers ({array.size * 8 / 1024**3:.2f} GiB as float64), "
                          f"more than the limit of {max_bytes:,} bytes; raise it with {ENV_MAX_BYTES}=<bytes>", option)
    if array.size > max_elements:
        raise _too_many(max_elements, option)
    if array.size == 0:
        raise DlcalcError(f"expected numbers in {shown}, got an empty {_format_shape(array.shape)} array",
                          option)
    if kind == "f":
        array = numpy.asarray(array, dtype=numpy.float64)
        finite = numpy.isfinite(array)
        if not finite.all():
            index = tuple(int(i) for i in numpy.argwhere(~finite)[0])
            where = "".join(f"[{i}]" for i in index)
            raise DlcalcError(f"expected finite numbers in {shown}, "
                              f"got {array[index]} at {where or 'the scalar'}", option)
    return array


_LOADERS = {".npy": _load_npy, ".csv": _load_csv, ".json": _load_json}


def _load_file(spec: str, option: str | None, max_elements: int) -> Array:
    path = spec[1:].strip()
    if not path:
        raise DlcalcError("expected a file path after '@' (like @weights.npy), got nothing", option)
    shown = _quote(path)
    loader = _LOADERS.get(os.path.splitext(path)[1].lower())
    if loader is None:
        raise DlcalcError(f"expected a .npy, .csv or .json file after '@', got {shown}", option)
    full = os.path.expanduser(path)
    if not os.path.exists(full):
        raise DlcalcError(f"cannot read {shown}: no such file", option)
    return loader(full, shown, option, max_elements)


def _read_stdin(stdin: TextIO | None, option: str | None) -> str:
    stream = stdin if stdin is not None else sys.stdin
    if stream is None:
        raise DlcalcError("expected an array on standard input, but there is no standard input", option)
    limit = _env_limit(ENV_MAX_TEXT, DEFAULT_MAX_TEXT, option)
    try:
        text = stream.read(limit + 1)
    except UnicodeDecodeError as error:
        raise DlcalcError(f"expected UTF-8 text on stdin, got {error.reason}", option) from None
    except (OSError, ValueError) as error:
        raise DlcalcError(f"cannot read stdin: {error}", option) from None
    if not isinstance(text, str):
        raise DlcalcError("expected text on stdin, got bytes", option)
    _check_text_length(len(text), option, "stdin")
    return text


# --------------------------------------------------------------------------- public array API


def parse_numeric(text: str, option: str | None = None, *, stdin: TextIO | None = None):
    """Like :func:`parse_array`, but a ``@file.npy`` comes back as the numpy array itself.

    For the numeric commands: a large .npy stays a compact array instead of becoming Python
    lists (a 4096×4096 float64 array would take four times its size as lists). Such a file is
    limited by ``DLCALC_MAX_BYTES`` (default 2 GiB) rather than the element count.
    """
    spec = text.strip() if isinstance(text, str) else text
    if isinstance(spec, str) and spec.startswith("@") and spec.lower().endswith(".npy"):
        path = os.path.expanduser(spec[1:].strip())
        shown = _quote(spec[1:].strip())
        if not os.path.exists(path):
            raise DlcalcError(f"cannot read {shown}: no such file", option)
        limit = _env_limit(ENV_MAX_BYTES, DEFAULT_MAX_BYTES, option)
        array = _open_npy(path, shown, option, sys.maxsize, max_bytes=limit)
        if array.dtype.kind != "f":
            import numpy

            array = numpy.asarray(array, dtype=numpy.int64) if array.dtype.kind in "iu" and \
                array.dtype != numpy.uint64 else numpy.asarray(array).astype(object)
        return array
    return parse_array(text, option, stdin=stdin)


def parse_array(text: str, option: str | None = None, *, stdin: TextIO | None = None) -> Array:
    """Parse an array of numbers: nested lists (rectangular, 0 to 6 dimensions) of ints, Fractions, floats.

    Accepted forms:

    * rows: ``1 2; 3 4`` or rows on separate lines, entries separated by whitespace and/or
      commas; one row gives a flat list, one entry gives the number itself.
    * brackets: ``[[1, 2], [3, 4]]``, any depth up to 6, whitespace anywhere, no trailing commas;
      entries may also be separated by whitespace alone (numpy's printed form ``[[1 2] [3 4]]``).
    * ``@path.npy`` (integer or float dtype), ``@path.csv`` (rows; blank and ``#`` lines skipped),
      ``@path.json`` (a number or nested lists; strings such as ``"1/2"`` are parsed as numbers).
    * ``-``: the text on ``stdin`` (default ``sys.stdin``), in the rows or bracket syntax.

    Limits, read from the environment at each call: ``DLCALC_MAX_ELEMENTS`` (default 4,000,000
    elements) and ``DLCALC_MAX_TEXT`` (default 64,000,000 characters).

    Raises:
        DlcalcError: anything that is not such an array, naming ``option``.
    """
    if not isinstance(text, str):
        raise DlcalcError(f"expected array text, got {type(text).__name__}", option)
    _check_text_length(len(text), option)
    max_elements = _env_limit(ENV_MAX_ELEMENTS, DEFAULT_MAX_ELEMENTS, option)
    stripped = text.strip()
    if stripped == "-":
        return _parse_inline(_read_stdin(stdin, option), option, max_elements, "stdin")
    if stripped.startswith("@"):
        return _load_file(stripped, option, max_elements)
    return _parse_inline(text, option, max_elements)


def parse_matrix(text: str, option: str | None = None, *, stdin: TextIO | None = None) -> list[list[Number]]:
    """Parse a matrix (rows of numbers) with :func:`parse_array`.

    A bare number gives ``[[x]]`` and a flat list gives one row.

    Raises:
        DlcalcError: as :func:`parse_array`, or an array of 3 or more dimensions.
    """
    value = parse_array(text, option, stdin=stdin)
    if not isinstance(value, list):
        return [[value]]
    if not isinstance(value[0], list):
        return [value]
    shape = array_shape(value)
    if len(shape) > 2:
        raise DlcalcError(f"expected a matrix (rows of numbers), got a {_format_shape(shape)} array", option)
    return value


def parse_number_list(text: str, option: str | None = None) -> list[Number]:
    """Parse a flat list of numbers: ``0.5,-1``, ``0.5 -1``, ``[0.5, -1]``, ``1/2, 3/4``.

    Raises:
        DlcalcError: a bad entry, or nested lists or several rows.
    """
    if not isinstance(text, str):
        raise DlcalcError(f"expected number-list text, got {type(text).__name__}", option)
    _check_text_length(len(text), option)
    max_elements = _env_limit(ENV_MAX_ELEMENTS, DEFAULT_MAX_ELEMENTS, option)
    if not text.strip():
        raise DlcalcError("expected a list of numbers (like 0.5, -1), got empty text", option)
    value = _parse_inline(text, option, max_elements)
    if not isinstance(value, list):
        return [value]
    shape = array_shape(value)
    if len(shape) > 1:
        raise DlcalcError(f"expected a flat list of numbers, got a {_format_shape(shape)} array", option)
    return value


def flatten(value: object):
    """The numbers of a nested list, in row-major order (a bare number yields itself)."""
    if isinstance(value, (list, tuple)):
        for item in value:
            yield from flatten(item)
    else:
        yield value


def term(value: object, digits: int = 4) -> str:
    """A number as a term of a worked sum: a float to ``digits`` significant digits, an integer or
    fraction exactly, a negative one in parentheses (``(-0.5)``), a missing one as ``·``."""
    if value is None:
        return "·"
    text = f"{value:.{digits}g}" if isinstance(value, float) else format_number(value)  # type: ignore[arg-type]
    return f"({text})" if text.startswith("-") else text


def array_shape(value: object) -> tuple[int, ...]:
    """The shape of a rectangular nested list (``()`` for a number), read along the first items."""
    shape: list[int] = []
    while isinstance(value, (list, tuple)):
        shape.append(len(value))
        if not value:
            break
        value = value[0]
    return tuple(shape)


# --------------------------------------------------------------------------- formatting


def _int_text(value: int) -> str:
    try:
        return str(value)
    except ValueError:  # more digits than sys.int_info.str_digits_check_threshold allows at once
        chunk = 10**1000
        parts: list[str] = []
        magnitude = abs(value)
        while magnitude:
            magnitude, low = divmod(magnitude, chunk)
            parts.append(str(low))
        text = parts[-1] + "".join(part.zfill(1000) for part in reversed(parts[:-1]))
        return "-" + text if value < 0 else text


def _significant_digits(text: str) -> int:
    mantissa = text.lstrip("+-").split("e")[0].replace(".", "")
    return len(mantissa.strip("0")) or 1


def format_number(value: Number) -> str:
    """Display text for a number: ``3``, ``-3/4``, ``0.1``, ``0.3333333333``, ``1e-07``, ``2.0``.

    Floats print as their shortest round-trip text when that has at most 10 significant
    digits, otherwise rounded to 10 significant digits; a whole float keeps its ``.0``.
    """
    if is_fraction(value):
        if value.denominator == 1:
            return _int_text(value.numerator)
        return f"{_int_text(value.numerator)}/{_int_text(value.denominator)}"
    if isinstance(value, int):
        return _int_text(int(value))
    value = float(value)
    text = repr(value)
    if not math.isfinite(value) or _significant_digits(text) <= 10:
        return text
    text = f"{value:.10g}"
    if "." not in text and "e" not in text:
        text += ".0"
    return text
