"""The layer-description language of ``dlcalc params``, parsed by hand (never eval).

    network  := item ( [',' | '->'] item )*
    item     := NAME [ '(' arguments ')' ]
              | 'residual' '(' network [ '|' network ] ')'     main path | shortcut
    arguments:= argument ( ',' argument )*
    argument := value | NAME '=' value
    value    := INTEGER | DECIMAL | SHAPE (3x3) | true | false | NAME (same, valid)

``#`` starts a comment that runs to the end of the line. Example:
``conv(6,5) relu maxpool(2) conv(16,5) relu maxpool(2) flatten fc(120) relu fc(84) relu fc(10)``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any

from dlcalc.errors import InputError
from dlcalc.parse.text import at

MAX_SPEC_TEXT = 200_000
MAX_DEPTH = 16

_TOKEN = re.compile(r"""
    (?P<space>\s+|\#[^\n]*)
  | (?P<arrow>->)
  | (?P<shape>\d+(?:[x×]\d+)+)
  | (?P<number>[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<punct>[(),=|])
""", re.VERBOSE)


Value = int | float | bool | str | tuple[int, ...]
"""An argument's value: a number, a shape (``3x3``), true/false, or a word (``same``)."""


@dataclass(slots=True)
class Layer:
    """One layer as written: its name, arguments, and where it starts in the text (1-based)."""

    name: str
    args: list[Value] = field(default_factory=list)
    kwargs: dict[str, Value] = field(default_factory=dict)
    column: int = 1
    text: str = ""

    def __repr__(self) -> str:
        return f"Layer({self.text or self.name!r})"


@dataclass(slots=True)
class Residual:
    """``residual(main | shortcut)``: the output is main(x) + shortcut(x) (shortcut empty: x)."""

    main: list[Item]
    shortcut: list[Item]
    column: int = 1
    text: str = "residual"


Item = Layer | Residual
"""One item of a network: a layer, or a residual block of them."""


Token = tuple[str, str, int]
"""(kind, text, offset)."""


def tokenize(text: str, option: str) -> list[Token]:
    if len(text) > MAX_SPEC_TEXT:
        raise InputError(f"a layer description is limited to {MAX_SPEC_TEXT:,} characters, got {len(text):,}",
                          option)
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match:
            raise InputError(f"unexpected {text[pos]!r} at {at(text, pos, quoted=False)}", option)
        kind = match.lastgroup
        if kind is not None and kind != "space":
            tokens.append((kind, match.group(), pos))
        pos = match.end()
    return tokens


class _Parser:
    def __init__(self, text: str, option: str) -> None:
        self.text, self.option = text, option
        self.tokens = tokenize(text, option)
        self.i = 0
        self.depth = 0

    def peek(self) -> Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def fail(self, message: str, pos: int | None = None) -> InputError:
        where = at(self.text, pos, quoted=False) if pos is not None else "the end"
        return InputError(f"{message} at {where}", self.option)

    def _next(self) -> Token:
        """The next token (there is one: the callers have peeked)."""
        token = self.peek()
        assert token is not None
        return token

    def take(self, value: str) -> None:
        token = self.peek()
        if token is None or token[1] != value:
            got = repr(token[1]) if token else "the end of the text"
            raise self.fail(f"expected {value!r} but found {got}", token[2] if token else None)
        self.i += 1

    def network(self, stop: tuple[str, ...] = ()) -> list[Item]:
        items: list[Item] = []
        while True:
            token = self.peek()
            if token is None or token[1] in stop:
                return items
            if token[0] in ("arrow",) or token[1] == ",":
                self.i += 1
                continue
            items.append(self.item())

    def item(self) -> Item:
        kind, value, pos = self._next()
        if kind != "name":
            raise self.fail(f"expected a layer name but found {value!r}", pos)
        self.i += 1
        name = value.lower()
        if name == "residual":
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise self.fail("residual blocks are nested too deeply", pos)
            self.take("(")
            main = self.network(stop=("|", ")"))
            shortcut: list[Item] = []
            following = self.peek()
            if following and following[1] == "|":
                self.i += 1
                shortcut = self.network(stop=(")",))
            self.take(")")
            self.depth -= 1
            if not main:
                raise self.fail("a residual block needs layers on its main path", pos)
            return Residual(main, shortcut, pos + 1, self.text[pos:self.tokens[self.i - 1][2] + 1])
        layer = Layer(name, column=pos + 1)
        following = self.peek()
        if following and following[1] == "(":
            self.i += 1
            while True:
                token = self.peek()
                if token is None:
                    raise self.fail(f"{name}( is not closed")
                if token[1] == ")":
                    self.i += 1
                    break
                self.argument(layer)
                token = self.peek()
                if token and token[1] == ",":
                    self.i += 1
                elif not token or token[1] != ")":
                    raise self.fail(f"expected ',' or ')' in {name}(...) but found "
                                    f"{token[1]!r}" if token else f"{name}( is not closed",
                                    token[2] if token else None)
        end = self.tokens[self.i - 1]
        layer.text = self.text[pos:end[2] + len(end[1])]
        return layer

    def argument(self, layer: Layer) -> None:
        kind, value, pos = self._next()
        nxt = self.tokens[self.i + 1] if self.i + 1 < len(self.tokens) else None
        if kind == "name" and nxt and nxt[1] == "=":
            self.i += 2
            if value.lower() in layer.kwargs:
                raise self.fail(f"{value} is given twice", pos)
            layer.kwargs[value.lower()] = self.value()
            return
        if layer.kwargs:
            raise self.fail("a positional argument cannot follow a keyword argument", pos)
        layer.args.append(self.value())

    def value(self) -> Value:
        token = self.peek()
        if token is None:
            raise self.fail("expected a value")
        kind, value, pos = token
        self.i += 1
        if kind == "number":
            if re.fullmatch(r"[-+]?\d+", value):
                return int(value)
            return float(value)
        if kind == "shape":
            return tuple(int(v) for v in re.split("[x×]", value))
        if kind == "name":
            lowered = value.lower()
            if lowered in ("true", "yes"):
                return True
            if lowered in ("false", "no", "none"):
                return False
            return lowered
        raise self.fail(f"expected a value but found {value!r}", pos)


def parse_network(text: str, option: str = "--layers") -> list[Item]:
    """The layers of a network description, in order (Residual items hold their own lists)."""
    parser = _Parser(text, option)
    items = parser.network(stop=())
    if not items:
        raise InputError("expected at least one layer, e.g. \"conv(6,5) relu maxpool(2) flatten fc(10)\"",
                          option)
    return items


def parse_layers(text: Any, option: str = "--layers") -> list[Item]:
    """A network from its description, or from ``@file`` (read strictly as UTF-8; ``#`` comments allowed)."""
    if not isinstance(text, str):
        raise InputError(f"expected a layer description like \"conv(6,5) relu fc(10)\", got {type(text).__name__}",
                         option)
    stripped = text.strip()
    if stripped.startswith("@"):
        from dlcalc.parse.files import read_text_file  # imported only for a file

        path = os.path.expanduser(stripped[1:].strip())
        text = read_text_file(path, repr(path), option)
    return parse_network(text, option)
