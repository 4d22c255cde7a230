"""The grammar of gradient formulas, built into sympy expressions with sympy's operations (never eval)."""

from __future__ import annotations

from collections.abc import Callable

import sympy as sp

from dlcalc.errors import InputError
from dlcalc.parse.formula.lexer import Lexer, Token, describe, show
from dlcalc.parse.formula.names import (
    DISPLAY,
    LEFT,
    MAX_EXPONENT,
    MAX_LENGTH,
    MAX_LEVELS,
    MAX_NUMBER_BITS,
    NAMES,
    STARTS,
)


class _Parser:
    def __init__(self, toks: list[Token], option: str) -> None:
        self.toks = toks
        self.pos = 0
        self.option = option
        self.level = 0

    def error(self, message: str) -> InputError:
        return InputError(message, self.option)

    def peek(self) -> Token:
        return self.toks[self.pos]

    def take(self) -> Token:
        tok = self.toks[self.pos]
        if tok.kind != "end":
            self.pos += 1
        return tok

    def is_op(self, ops: str) -> bool:
        tok = self.peek()
        return tok.kind == "op" and str(tok.value) in ops

    def enter(self, tok: Token) -> None:
        self.level += 1
        if self.level > MAX_LEVELS:
            raise self.error(f"the formula is nested too deeply at column {tok.col} (more than {MAX_LEVELS} "
                             "levels of parentheses and powers)")

    def expect(self, kind: str, after: Token, what: str) -> Token:
        tok = self.take()
        if tok.kind != kind:
            raise self.error(f"expected {what} after {describe(after)}, got {describe(tok)}")
        return tok

    def right_side(self) -> sp.Expr:
        value = self.expr()
        tok = self.peek()
        if tok.kind != "end":
            raise self.error(f"unexpected {describe(tok)}")
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
            elif tok.kind in STARTS:
                before = self.toks[self.pos - 1]
                raise self.error(f"missing operator between {show(before.text)} and {show(tok.text)} at column "
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
        ops: list[Token] = []
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

    def braced(self, brace: Token) -> sp.Expr:
        """The expression inside ``{ }`` whose ``{`` was just taken."""
        self.enter(brace)
        value = self.expr()
        self.expect("}", brace, "'}' closing the '{' at column " + str(brace.col) + " and")
        self.level -= 1
        return value

    def group(self, paren: Token) -> sp.Expr:
        """The expression inside ``( )`` whose ``(`` was just taken."""
        if self.peek().kind == ")":
            raise self.error(f"empty parentheses at column {paren.col}")
        self.enter(paren)
        value = self.expr()
        tok = self.take()
        if tok.kind != ")":
            raise self.error(f"expected ')' or an operator, got {describe(tok)}")
        self.level -= 1
        return value

    def atom(self) -> sp.Expr:
        tok = self.take()
        if tok.kind == "num":
            return tok.value
        if tok.kind == "name":
            name = str(tok.value)
            if self.peek().kind == "(":
                raise self.error(f"{tok.text}(…) at column {tok.col} is not a function; write {tok.text}*(…) "
                                 "to multiply")
            if name not in NAMES:
                raise self.error(f"{show(tok.text)} at column {tok.col} is {LEFT[name]}, which can only be "
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
            raise self.error(f"the formula ends too early after {describe(before)}: expected a number, a name "
                             "or '('")
        raise self.error(f"unexpected {describe(tok)}: expected a number, a name or '('")

    def call(self, func: Token) -> sp.Expr:
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
                                 f"{describe(tok)}")
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

    def apply(self, op: str, left: sp.Expr, right: sp.Expr, tok: Token) -> sp.Expr:
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

    def guard(self, build: Callable[[], sp.Expr], tok: Token) -> sp.Expr:
        try:
            return build()
        except InputError:
            raise
        except (ArithmeticError, TypeError, ValueError) as err:
            raise self.error(f"cannot compute the value at column {tok.col}: {type(err).__name__}") from None

    def small_numbers(self, expr: sp.Expr, what: str, tok: Token) -> None:
        """Refuse numbers over :data:`MAX_EXPONENT` in ``expr``: sympy turns ``exp(k·log(a))`` into ``a**k`` at once."""
        for number in expr.atoms(sp.Rational):
            if abs(number.p) > MAX_EXPONENT or number.q > MAX_EXPONENT:
                raise self.error(f"{what} at column {tok.col} may only hold numbers up to {MAX_EXPONENT}")

    def check(self, value: sp.Expr, tok: Token) -> None:
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
        InputError: for any text that is not such a formula (see the module docstring).
    """
    if not isinstance(text, str):
        raise InputError(f"expected formula text, got {type(text).__name__}", option)
    if len(text) > MAX_LENGTH:
        raise InputError(f"the formula is longer than the limit of {MAX_LENGTH:,} characters "
                          f"({len(text):,} characters)", option)
    if not text.strip():
        raise InputError("expected a formula like 'di = dh*g', got empty text", option)
    toks = Lexer(text, option).run()
    equals = [tok for tok in toks if tok.kind == "="]
    if not equals:
        raise InputError("expected a formula 'LEFT = RIGHT' like 'di = dh*g', but it has no '='", option)
    if len(equals) > 1:
        raise InputError(f"a formula has exactly one '=', but there is another at column {equals[1].col}", option)
    split = toks.index(equals[0])
    left, right = toks[:split], toks[split + 1:]
    if not left:
        raise InputError("the left side is missing before '=': write the gradient it defines, like 'di = dh*g'",
                          option)
    if len(left) != 1 or left[0].kind != "name":
        raise InputError(f"the left side must be one gradient name like 'di', got {show(text[:equals[0].col - 1])}",
                          option)
    name = str(left[0].value)
    if name not in LEFT:
        raise InputError(f"{show(left[0].text)} ({DISPLAY[name]}) cannot be defined by a formula: the left side "
                          f"must be one of {', '.join(LEFT)}", option)
    if right[0].kind == "end":
        raise InputError(f"the right side is missing after '=' at column {equals[0].col}", option)
    parser = _Parser(right, option)
    try:
        return name, parser.right_side()
    except RecursionError:
        raise InputError("the formula is nested too deeply", option) from None


