"""The plain part of TOML that answer sheets are written in, read without importing tomllib.

Importing :mod:`tomllib` costs about 3 ms (its regular expressions and the :mod:`string`
module), a twentieth of dlcalc's whole start-up, for sheets that are almost always just
``[question]`` headers and ``key = value`` lines. :func:`loads` reads exactly that subset:

* blank lines and ``#`` comments;
* table headers ``[name]`` with a bare name (letters, digits, ``_``, ``-``), each new;
* ``key = value`` with a bare key or a dotted one (``claim.di``, no blanks around the dots), new
  in its table, and the value one of: a basic string
  ``"..."`` without escapes, a literal string ``'...'``, an integer of at most 18 digits without
  leading zeros or underscores, a decimal ``1.25`` (digits on both sides of the point, no
  exponent), ``true`` or ``false``; a comment may follow.

Anything else (arrays, inline tables, quoted keys, blanks around a key's dots, escapes, multi-line strings, dates,
exponents, a control character anywhere, a repeated key or table, any syntax error) makes it
return ``None``, and the caller reads the text with tomllib, which then gives the answer or the
error message. So for every text it accepts it returns what ``tomllib.loads`` returns (a
property test compares the two on generated sheets, TOML v1.0.0 being the reference).
"""

from __future__ import annotations

from typing import Any

BARE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
DIGITS = frozenset("0123456789")
MAX_INT_DIGITS = 18  # within int64 (TOML's range), so no range check is needed


class _NotPlain(Exception):
    """The text is outside the plain subset: leave it to tomllib."""


def loads(text: str) -> dict[str, Any] | None:
    """The document as ``tomllib.loads(text)`` gives it, or None when it is not plain TOML."""
    try:
        return _document(text)
    except _NotPlain:
        return None


def _document(text: str) -> dict[str, Any]:
    data: dict[str, Any] = {}
    table = data
    segments = text.split("\n")
    for number, raw in enumerate(segments):
        last = number == len(segments) - 1  # a CR ends a line only before LF (CRLF)
        line = raw[:-1] if raw.endswith("\r") and not last else raw
        if any(ch < " " and ch != "\t" or ch == "\x7f" for ch in line):
            raise _NotPlain
        body = line.strip(" \t")
        if not body or body.startswith("#"):
            continue
        if body.startswith("["):
            name, close, rest = body[1:].partition("]")
            name = name.strip(" \t")
            if not close or not _bare(name) or not _end(rest) or name in data:
                raise _NotPlain
            table = data[name] = {}
            continue
        key, equals, value = body.partition("=")
        parts = key.strip(" \t").split(".")
        if not equals or not all(map(_bare, parts)):
            raise _NotPlain
        target = table
        for part in parts[:-1]:  # a dotted key (claim.di = ...) defines tables on the way
            inner = target.setdefault(part, {})
            if not isinstance(inner, dict):
                raise _NotPlain  # a.b after a = 1
            target = inner
        if parts[-1] in target:
            raise _NotPlain  # a key (or a table of dotted keys) given twice
        target[parts[-1]] = _value(value.strip(" \t"))
    return data


def _bare(key: str) -> bool:
    return bool(key) and all(ch in BARE for ch in key)


def _end(rest: str) -> bool:
    """What follows a value or a header: nothing but blanks and a comment."""
    rest = rest.strip(" \t")
    return not rest or rest.startswith("#")


def _value(text: str) -> Any:
    if text[:1] in ('"', "'"):
        quote = text[0]
        if text.startswith(quote * 3):
            raise _NotPlain  # multi-line strings
        content, close, rest = text[1:].partition(quote)
        if not close or (quote == '"' and "\\" in content) or not _end(rest):
            raise _NotPlain
        return content
    token = text.partition("#")[0].rstrip(" \t")  # a number or a boolean, then at most a comment
    if token in ("true", "false"):
        return token == "true"
    sign = token[:1] if token[:1] in ("+", "-") else ""
    number = token[len(sign):]
    whole, point, fraction = number.partition(".")
    if not _digits(whole) or (len(whole) > 1 and whole[0] == "0"):
        raise _NotPlain
    if not point:
        if len(whole) > MAX_INT_DIGITS:
            raise _NotPlain
        return int(token)
    if not _digits(fraction):
        raise _NotPlain
    return float(token)


def _digits(text: str) -> bool:
    return bool(text) and all(ch in DIGITS for ch in text)
