"""What every parser shares: quoting text in a message, "at column N", and the size limits."""

from __future__ import annotations

import os

from dlcalc.errors import InputError

QUOTE_LIMIT = 40
"""About how many characters of the user's text a message quotes."""

DEFAULT_MAX_ELEMENTS = 4_000_000
DEFAULT_MAX_TEXT = 64_000_000
DEFAULT_MAX_BYTES = 2 * 1024**3
ENV_MAX_ELEMENTS = "DLCALC_MAX_ELEMENTS"
ENV_MAX_TEXT = "DLCALC_MAX_TEXT"
ENV_MAX_BYTES = "DLCALC_MAX_BYTES"


def _escape(text: str) -> str:
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


def clip(text: str, limit: int = QUOTE_LIMIT) -> str:
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


def quote(text: str, mark: str = "'") -> str:
    """``text`` in quotes, one line, cut to about 40 characters with an ellipsis."""
    return mark + clip(text) + mark


def excerpt(text: str, pos: int) -> str:
    """``text`` in double quotes; when long, a window of about 40 characters around ``pos``."""
    width = QUOTE_LIMIT
    while True:
        start = max(0, min(pos - width // 2, len(text) - width))
        end = start + width
        shown = _escape(text[start:end])
        if len(shown) <= QUOTE_LIMIT + 20 or width <= 8:
            break
        width //= 2
    head = "…" if start > 0 else ""
    tail = "…" if end < len(text) else ""
    return '"' + head + clip(shown, QUOTE_LIMIT + 20) + tail + '"'


def at(text: str, pos: int, source: str | None = None, *, quoted: bool = True) -> str:
    """Where offset ``pos`` (0-based) of ``text`` is, for a message: ``column 7``, ``line 2, column 3``,
    followed (``quoted``) by ``of "…the text…"`` or ``of SOURCE`` (a file or stdin)."""
    column = pos - (text.rfind("\n", 0, pos) + 1) + 1
    place = f"column {column}"
    if "\n" in text:
        place = f"line {text.count(chr(10), 0, pos) + 1}, {place}"
    if not quoted:
        return place
    return f"{place} of {source if source is not None else excerpt(text, pos)}"


def env_limit(name: str, default: int, option: str | None = None) -> int:
    """A limit from the environment variable ``name`` (a positive integer), else ``default``."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw) if len(raw) <= 30 else -1
    except ValueError:
        value = -1
    if value < 1:
        raise InputError(f"expected a positive integer in the environment variable {name}, got {quote(raw)}", option)
    return value


def check_text_length(length: int, option: str | None, what: str = "input text") -> None:
    """Refuse text longer than ``DLCALC_MAX_TEXT`` characters."""
    limit = env_limit(ENV_MAX_TEXT, DEFAULT_MAX_TEXT, option)
    if length > limit:
        raise InputError(f"{what} is longer than the limit of {limit:,} characters (set {ENV_MAX_TEXT} to raise it)",
                         option)


def too_many(limit: int, option: str | None) -> InputError:
    return InputError(f"array has more than the limit of {limit:,} elements (set {ENV_MAX_ELEMENTS} to raise it)",
                      option)
