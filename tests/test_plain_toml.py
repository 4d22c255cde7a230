"""The plain-TOML reader against tomllib: the same document for every text it accepts."""

from __future__ import annotations

import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlcalc.core.plain_toml import loads

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def strict(value):
    """Values compared with their types: True is not 1, -0.0 is not 0.0, 1 is not 1.0."""
    if isinstance(value, dict):
        return {key: strict(v) for key, v in value.items()}
    if isinstance(value, list):
        return [strict(v) for v in value]
    if isinstance(value, float):
        return ("float", value.hex())
    return (type(value).__name__, value)


def agrees(text: str) -> bool:
    """loads(text) is None, or exactly what tomllib reads (and None whenever tomllib refuses)."""
    ours = loads(text)
    try:
        theirs = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return ours is None
    return ours is None or strict(ours) == strict(theirs)


def test_the_bench_sheet_is_plain():
    text = '# a sheet\n[q1]\ncommand = "conv-out"\nsize = 32\nkernel = 5\nclaim = 28\n\n[q2]\nclaim = 0.25 # c\n'
    assert loads(text) == {"q1": {"command": "conv-out", "size": 32, "kernel": 5, "claim": 28},
                           "q2": {"claim": 0.25}}
    assert agrees(text)


@pytest.mark.parametrize("text", [
    "a = 1", "a = -0", "a = +7", "a = -0.0", "a = 1.50", "a = true", "a = false # no", "a = ''",
    'a = ""', 'a = "x # not a comment"', "a = 'C:\\path'", 'a = "ünïcödé ✓"', "[ q ]\n a = 1\r\n",
    "[q-1_b]\nb=2\n[c]\nd='x'", "1 = 2", "true = false", "a = 1\t# tab", "\n\n# only comments\n",
    "[q]\nclaim.di = 'dc*g'\nclaim.df = 0.5", "a.b.c = 1\na.b.d = 2\na.e = 3",
])
def test_plain_texts_are_read_as_tomllib_reads_them(text):
    assert loads(text) is not None
    assert strict(loads(text)) == strict(tomllib.loads(text))


@pytest.mark.parametrize("text", [
    "a = [1, 2]", "a = {b = 1}", "a . b = 1", '"a" = 1', "a = 1\na.b = 2", "a.b = 1\na = 2", "a.b = 1\na.b = 2",
    "a.b = 1\n[a]", "a..b = 1", ".a = 1", 'a = "\\n"', 'a = """x"""', "a = '''x'''",
    "a = 1_000", "a = 1e5", "a = inf", "a = nan", "a = 0x10", "a = 01", "a = 1.", "a = .5",
    "a = 1979-05-27", "a = 1\na = 2", "[q]\n[q]", "a = 1\n[a]", "[[q]]", "[q.r]", "[q] x", "a = 1 2",
    'a = "x" y', "a =", "= 1", "a = 1\rb = 2", "a = \"\x01\"", "# \x00", "a = 1234567890123456789",
    "\ufeff[q]", "a = tru", "a = 'x", "[q", "a = +", "a = -.5",
])
def test_everything_else_is_left_to_tomllib(text):
    assert loads(text) is None
    assert agrees(text)


VALUES = st.sampled_from([
    "1", "0", "-0", "+1", "01", "1_0", "12345678901234567", "123456789012345678901", "1.5", "-0.0", "1.",
    ".5", "1e3", "1.5E-3", "inf", "-nan", "true", "false", "True", "tru", '""', '"a b"', '"a # b"',
    '"a\\"b"', '"\\u00e9"', "'x'", "'a\\b'", "''", '"""m"""', "'''m'''", '"x" y', '"unterminated',
    "[1, 2]", "{a = 1}", "1979-05-27", "07:32:00", "0x1F", "0o7", "0b1", "", "# c", '"é✓"', "'\t'",
    '"\x7f"', "1 # c", '"x"#c', "+", "-", "1.5.5", "1e", "00", "-01",
])
KEYS = st.sampled_from(["a", "b", "claim", "true", "1", "a-b", "a_b", "a.b", "a.b.c", "claim.di", "claim", "b.a",
                        "a. b", '"a"', "'a'", "", "a b", "é", "A", "a.", ".b"])
SPACE = st.sampled_from(["", " ", "\t", "  ", "\u00a0"])
ENDINGS = st.sampled_from(["\n", "\r\n", "\r", ""])


@st.composite
def lines(draw):
    kind = draw(st.sampled_from(["pair", "pair", "pair", "header", "comment", "blank", "junk"]))
    space = draw(SPACE)
    if kind == "pair":
        return f"{space}{draw(KEYS)}{draw(SPACE)}={draw(SPACE)}{draw(VALUES)}{draw(SPACE)}"
    if kind == "header":
        name = draw(st.sampled_from(["q1", "q2", "a", "q1.x", "", "[q3]", "q 4", "b"]))
        return f"{space}[{draw(SPACE)}{name}{draw(SPACE)}]{draw(st.sampled_from(['', ' # c', ' x']))}"
    if kind == "comment":
        return space + "#" + draw(st.text(max_size=8))
    if kind == "blank":
        return space
    return draw(st.text(max_size=12))


@st.composite
def documents(draw):
    parts = draw(st.lists(st.tuples(lines(), ENDINGS), max_size=12))
    return "".join(line + ending for line, ending in parts)


PLAIN_VALUES = st.one_of(
    st.integers(-10**17, 10**17).map(str),
    st.floats(-1e6, 1e6, allow_nan=False).map(lambda x: f"{x:.{abs(hash(x)) % 7 + 1}f}"),
    st.booleans().map(lambda b: "true" if b else "false"),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12).filter(
        lambda t: '"' not in t and "\\" not in t).map(lambda t: f'"{t}"'),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12).filter(
        lambda t: "'" not in t).map(lambda t: f"'{t}'"),
)


@st.composite
def plain_documents(draw):
    """Mostly the plain subset (so the accepted path is what gets tested), sometimes one slip."""
    out = []
    blank = st.sampled_from(["", " ", "\t"])
    for table in range(draw(st.integers(0, 4))):
        out.append(f"[{draw(st.sampled_from(['q', 'Q', 'q_1', 'a-b']))}{table}]{draw(st.sampled_from(['', ' # c']))}")
        keys = draw(st.lists(st.from_regex(r"[A-Za-z0-9_-]{1,6}", fullmatch=True), max_size=5, unique=True))
        if keys and draw(st.booleans()):  # named claims: claim.NAME
            keys = [f"claim.{key}" for key in keys]
        for key in keys:
            comment = draw(st.sampled_from(["", " # x", "\t#y"]))
            out.append(f"{draw(blank)}{key}{draw(blank)}={draw(blank)}{draw(PLAIN_VALUES)}{comment}")
    if out and draw(st.integers(0, 3)) == 0:
        out.insert(draw(st.integers(0, len(out) - 1)), draw(lines()))
    return draw(st.sampled_from(["\n", "\r\n"])).join(out)


@settings(max_examples=2000, deadline=None)
@given(documents())
def test_generated_sheets_agree_with_tomllib(text):
    assert agrees(text)


@settings(max_examples=2000, deadline=None)
@given(plain_documents())
def test_generated_plain_sheets_agree_with_tomllib(text):
    assert agrees(text)


def test_the_generator_mostly_writes_plain_sheets():
    """The property above is about accepted texts: most generated ones must be accepted."""
    accepted = []

    @settings(max_examples=300, deadline=None)
    @given(plain_documents())
    def count(text):
        accepted.append(loads(text) is not None)

    count()
    assert sum(accepted) > len(accepted) // 2


@pytest.mark.slow
@settings(max_examples=10_000, deadline=None)
@given(st.one_of(documents(), plain_documents()))
def test_generated_sheets_agree_with_tomllib_at_length(text):
    assert agrees(text)
