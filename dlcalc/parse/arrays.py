"""Arrays typed as text: rows (``1 2; 3 4``, one row per line) or brackets (``[[1, 2], [3, 4]]``).

The grammar, read by hand (never eval)::

    1 2; 3 4                 rows separated by ';' or newlines, entries by spaces and/or commas
    [[1, 2], [3, 4]]         brackets, any depth up to 6 (numpy's "[[1 2] [3 4]]" works too)

Entries are numbers of :mod:`dlcalc.parse.numbers`. Runs of entries are split on whitespace and
commas and converted in chunks: ``int()``/``float()``, given only the characters ``[0-9.eE+-]``,
accept exactly the number grammar, so a chunk of plain numbers converts at C speed. Any other
chunk (fractions, a Unicode minus, bad entries, overflow) goes entry by entry, and an error is
located (line and column) only once it is known to exist. The result is nested lists,
rectangular, of ``int``, ``Fraction`` and ``float``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from fractions import Fraction

from dlcalc.errors import InputError
from dlcalc.parse.numbers import MAX_NUMBER_CHARS, Number, to_number
from dlcalc.parse.text import at, excerpt, quote, too_many

Array = int | Fraction | float | list
"""A parsed array: a bare number, or rectangular nested lists of numbers."""

MAX_DEPTH = 6
"""The most array dimensions (bracket nesting levels) accepted."""

_ROW_SPLIT_RE = re.compile(r"[;\n]")


def format_shape(shape: tuple[int, ...]) -> str:
    return "x".join(str(n) for n in shape)


def describe(shape: tuple[int, ...]) -> str:
    """``a single number``, ``a list of 3 numbers``, ``a 2x3 array``."""
    if not shape:
        return "a single number"
    if len(shape) == 1:
        return f"a list of {shape[0]} number{'s' if shape[0] != 1 else ''}"
    return f"a {format_shape(shape)} array"


def _n_entries(n: int) -> str:
    return f"{n} entr{'ies' if n != 1 else 'y'}"


def ragged(path: list[int], k: int, got: tuple[int, ...], first: tuple[int, ...]) -> str:
    """The message for item ``k`` (0-based) of the list at ``path`` not matching item 0."""
    if len(got) == 1 and len(first) == 1:
        if path:
            here = "$" + "".join(f"[{i}]" for i in path)
            return f"ragged array: {here}[{k}] has {_n_entries(got[0])} but {here}[0] has {first[0]}"
        return f"ragged array: row {k + 1} has {_n_entries(got[0])} but row 1 has {first[0]}"
    if path:
        here = "$" + "".join(f"[{i}]" for i in path)
        return f"ragged array: {here}[{k}] is {describe(got)} but {here}[0] is {describe(first)}"
    return f"ragged array: item {k + 1} is {describe(got)} but item 1 is {describe(first)}"



def too_deep(option: str | None, where: str) -> InputError:
    return InputError(f"expected at most {MAX_DEPTH} nested levels, got deeper nesting at {where}", option)



# --------------------------------------------------------------------------- inline arrays
#
# Runs of entries (a row, or the text between two brackets) are split on whitespace and commas
# and converted in chunks: int()/float(), given only the characters [0-9.eE+-], accept exactly
# the number syntax above, so a chunk of plain numbers converts at C speed. Any other chunk
# (fractions, bad entries, overflow) goes entry by entry through _to_number, and an error is
# located (column) only once it is known to exist.

_PLAIN_CHARS_RE = re.compile(r"[0-9.eE+\-]*")
_PIECE_WORD_RE = re.compile(r"[^\s,\[\]]+")
_COMMA_OR_WORD_RE = re.compile(r",|[^\s,]+")
# Misplaced commas and empty rows in the rows syntax. Each pattern starts with a literal so that
# the search skips through long text quickly.
_ROW_START_COMMA_RE = re.compile(r"[;\n][^\S\n]*,")
_COMMA_AFTER_RE = re.compile(r",[^\S\n]*(?:(?P<double>,)|(?=[;\n])|\Z)")
_EMPTY_ROW_RE = re.compile(r"[;\n][^\S\n]*;")
_LEADING_SPACE_RE = re.compile(r"[^\S\n]*")
_NOT_WORD_CHAR_RE = re.compile(r"[^0-9A-Za-z_.+\-/]")
_BRACKET_SPLIT_RE = re.compile(r"([\[\]])")
_SPACE_RE = re.compile(r"\s*")
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


def _explain_commas(text: str, start: int, end: int, option: str | None, source: str | None) -> InputError:
    """The error for a misplaced comma in ``text[start:end]`` (known to have one)."""
    after_entry = False
    comma = start
    for match in _COMMA_OR_WORD_RE.finditer(text, start, end):
        if match.group() != ",":
            after_entry = True
        elif not after_entry:
            return InputError(f"unexpected ',' at {at(text, match.start(), source)}", option)
        else:
            after_entry = False
            comma = match.start()
    where = at(text, comma, source)
    return InputError(f"unexpected ',' at {where} (a row cannot end with a comma)", option)


def _convert_words(words: list[str], option: str | None,
                   locate: Callable[[InputError, str], InputError]) -> list[Number]:
    """Convert entry words in chunks; ``locate(error, word)`` adds where the first bad entry is."""
    values: list[Number] = []
    for first in range(0, len(words), _CHUNK):
        chunk = words[first : first + _CHUNK]
        converted = _convert_plain(chunk)
        if converted is None:
            converted = []
            for word in chunk:
                try:
                    converted.append(to_number(word, option))
                except InputError as error:
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

    def locate(error: InputError, word: str) -> InputError:
        return _bad_entry(error, text, start, end, word, source, ",", brackets=True)

    return _convert_words(segment.split(), option, locate)


def _bad_entry(error: InputError, text: str, start: int, end: int, word: str, source: str | None,
               separators: str, brackets: bool) -> InputError:
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
        where = at(text, pos + bad_char.start(), source)
        return InputError(f"unexpected {quote(bad_char.group())} at {where}", error.option)
    return InputError(f"{error.message} at {at(text, pos, source)}", error.option)


def shape_rows(rows: list[list[Number]]) -> Array:
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
            raise InputError(f"unexpected ',' at {at(text, after.start('double'), source)}", option)
        where = at(text, after.start(), source)
        raise InputError(f"unexpected ',' at {where} (a row cannot end with a comma)", option)
    raise InputError(f"unexpected ',' at {at(text, leading, source)}", option)


def parse_rows(text: str, option: str | None, max_elements: int, *, source: str | None = None,
                semicolons: bool = True) -> list[list[Number]]:
    """Rows separated by ';' or newlines (blank lines skipped), checked to be rectangular.

    The checks run over the whole text at once: misplaced commas, empty rows before ';',
    the element limit, the entries, and last the row lengths.
    """
    if ";" in text:
        if not semicolons:
            raise InputError(f"unexpected ';' at {at(text, text.index(';'), source)}", option)
        empty = _first_of(text, _EMPTY_ROW_RE, ";")
        if empty >= 0:
            raise InputError(f"expected numbers before ';' at {at(text, empty, source)}, "
                              "got an empty row", option)
    if "," in text:
        _check_row_commas(text, option, source)
        text_words = text.replace(",", " ")
    else:
        text_words = text
    words = (text_words.replace(";", " ") if ";" in text_words else text_words).split()
    if len(words) > max_elements:
        raise too_many(max_elements, option)

    def locate(error: InputError, word: str) -> InputError:
        return _bad_entry(error, text, 0, len(text), word, source, ",;", brackets=False)

    values = _convert_words(words, option, locate)
    lengths = [n for n in map(len, map(str.split, _ROW_SPLIT_RE.split(text_words))) if n]
    if not lengths:
        return []
    width = lengths[0]
    if lengths.count(width) != len(lengths):
        k = next(k for k, n in enumerate(lengths) if n != width)
        raise InputError(ragged([], k, (lengths[k],), (width,)), option)
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
        self.ragged: InputError | None = None

    def fail(self, message: str, pos: int) -> InputError:
        return InputError(f"{message} at {at(self.text, pos, self.source)}", self.option)

    def shown(self, pos: int) -> str:
        word = _PIECE_WORD_RE.match(self.text, pos)
        return quote(word.group() if word else self.text[pos])

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
                    raise too_many(self.max_elements, self.option)
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
            where = at(text, stack[-1].pos, self.source)
            raise InputError(f"expected ']' to close the '[' at {where}, got the end of the text",
                              self.option)
        if self.ragged is not None:
            raise self.ragged
        if self.root is None:  # pragma: no cover - the text starts with '['
            raise InputError(f"expected an array of numbers, got {excerpt(text, 0)}", self.option)
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
            self.ragged = InputError(ragged(path, len(top.items), shape, top.first), self.option)
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
            raise too_deep(self.option, at(self.text, pos, self.source))
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
            raise too_many(self.max_elements, self.option)
        self.add(list[Array](values), ())
        if trailing:
            top.state = 1


def _skip_space(text: str, start: int, end: int) -> int:
    match = _SPACE_RE.match(text, start, end)
    return match.end() if match is not None else start


def parse_inline(text: str, option: str | None, max_elements: int, source: str | None = None) -> Array:
    """Rows syntax or bracket syntax; the text is already within the length limit."""
    stripped = text.strip()
    if not stripped:
        where = f" on {source}" if source else ""
        raise InputError(f"expected an array of numbers{where}, got empty text", option)
    if stripped[0] == "[":
        return _BracketParser(text, option, max_elements, source).parse()
    return shape_rows(parse_rows(text, option, max_elements, source=source))



def flatten(value: object):
    """The numbers of a nested list, in row-major order (a bare number yields itself)."""
    if isinstance(value, (list, tuple)):
        for item in value:
            yield from flatten(item)
    else:
        yield value



def array_shape(value: object) -> tuple[int, ...]:
    """The shape of a rectangular nested list (``()`` for a number), read along the first items."""
    shape: list[int] = []
    while isinstance(value, (list, tuple)):
        shape.append(len(value))
        if not value:
            break
        value = value[0]
    return tuple(shape)

