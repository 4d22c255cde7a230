"""Tests for dlcalc.parse: every accepted form, every class of bad input, files, stdin, limits."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dlcalc.errors import InputError
from dlcalc.parse import arrays
from dlcalc.parse.arrays import array_shape
from dlcalc.parse.matrices import parse_array, parse_matrix, parse_number_list
from dlcalc.parse.numbers import parse_int, parse_number
from dlcalc.parse.shapes import parse_shape
from dlcalc.show import number as format_number

OPT = "--input"


def error_of(func, *args, **kwargs) -> InputError:
    """Call ``func`` expecting a InputError named after OPT; return it."""
    with pytest.raises(InputError) as info:
        func(*args, option=OPT, **kwargs)
    error = info.value
    assert type(error) is InputError
    assert error.option == OPT
    assert str(error).startswith(f"{OPT}: ")
    assert "\n" not in str(error)
    return error


def same(a: object, b: object) -> bool:
    """Equal with the same types all the way down (2 is not 2.0, 1/2 is not 0.5)."""
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


# --------------------------------------------------------------------------- parse_number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3", 3),
        ("+3", 3),
        ("-3", -3),
        ("007", 7),
        ("-0", 0),
        ("  42\t", 42),
        ("1/2", Fraction(1, 2)),
        ("-3/4", Fraction(-3, 4)),
        ("+3/4", Fraction(3, 4)),
        ("6/8", Fraction(3, 4)),
        ("4/2", 2),
        ("0/5", 0),
        ("0.5", 0.5),
        ("-1e-3", -0.001),
        (".5", 0.5),
        ("2.", 2.0),
        ("1E3", 1000.0),
        ("1e+2", 100.0),
        ("1e-99999", 0.0),
        ("1" * 100, int("1" * 100)),
    ],
)
def test_parse_number_accepts(text: str, expected: object) -> None:
    assert same(parse_number(text), expected)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "got empty text"),
        ("   ", "got empty text"),
        ("nan", "expected a finite number, got 'nan'"),
        ("NaN", "finite"),
        ("-inf", "finite"),
        ("Infinity", "finite"),
        ("1e99999", "got '1e99999' (it overflows to infinity)"),
        ("-1e400", "overflows"),
        ("1/0", "expected a nonzero denominator, got '1/0'"),
        ("0x10", "got '0x10'"),
        ("1_000", "got '1_000'"),
        ("__import__('os')", "got '__import__('os')'"),
        ("1 2", "got '1 2'"),
        ("1/2/3", "got '1/2/3'"),
        ("1.5/2", "got '1.5/2'"),
        ("3/-4", "got '3/-4'"),
        ("e3", "got 'e3'"),
        ("1e", "got '1e'"),
        (".", "got '.'"),
        ("+", "got '+'"),
        ("--1", "got '--1'"),
        ("1,5", "got '1,5'"),
        ("\u0663", "got '\u0663'"),  # an Arabic-Indic digit: ASCII digits only
        ("½", "got '½'"),
        ("1\n2", "got '1\\n2'"),
        ("1" * 101, "expected a number of at most 100 characters"),
    ],
)
def test_parse_number_rejects(text: str, fragment: str) -> None:
    error = error_of(parse_number, text)
    assert fragment in error.message
    assert error.message.startswith("expected")


def test_parse_number_quotes_at_most_40_characters() -> None:
    error = error_of(parse_number, "x" * 500)
    assert "'" + "x" * 39 + "…'" in error.message
    assert len(error.message) < 120


def test_error_without_option_is_just_the_message() -> None:
    with pytest.raises(InputError) as info:
        parse_number("abc")
    assert info.value.option is None
    assert str(info.value) == info.value.message


@pytest.mark.parametrize("func", [parse_number, parse_int, parse_shape, parse_number_list, parse_array,
                                  parse_matrix])
def test_non_text_input_is_a_dlcalc_error(func) -> None:
    error_of(func, None)
    error_of(func, 3)


# --------------------------------------------------------------------------- parse_int


@pytest.mark.parametrize(("text", "expected"), [("3", 3), ("+3", 3), ("-3", -3), ("4/2", 2), (" 12 ", 12)])
def test_parse_int_accepts(text: str, expected: int) -> None:
    assert same(parse_int(text), expected)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1/2", "expected an integer, got a fraction '1/2'"),
        ("-1/2", "expected an integer, got a fraction '-1/2'"),
        ("3.5", "expected an integer, got '3.5'"),
        ("2.0", "expected an integer, got '2.0'"),
        ("1e3", "expected an integer, got '1e3'"),
    ],
)
def test_parse_int_rejects_fractions_and_decimals(text: str, message: str) -> None:
    assert error_of(parse_int, text).message == message


def test_parse_int_minimum() -> None:
    assert parse_int("1", minimum=1) == 1
    assert parse_int("0", minimum=0) == 0
    assert error_of(parse_int, "0", minimum=1).message == "expected an integer ≥ 1, got 0"
    assert error_of(parse_int, "-5", minimum=-4).message == "expected an integer ≥ -4, got -5"


# --------------------------------------------------------------------------- parse_shape


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("32", (32,)),
        ("32x32", (32, 32)),
        ("16x32x32", (16, 32, 32)),
        ("3X4", (3, 4)),
        ("3×4", (3, 4)),
        ("3,4", (3, 4)),
        ("3*4", (3, 4)),
        ("  16 x 32 × 32  ", (16, 32, 32)),
        ("1x2,3*4X5", (1, 2, 3, 4, 5)),
        ("x".join(["2"] * 8), (2,) * 8),
    ],
)
def test_parse_shape_accepts(text: str, expected: tuple[int, ...]) -> None:
    assert parse_shape(text) == expected


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "expected a shape like 32 or 3x32x32, got empty text"),
        ("3x", "(axis 2 is empty)"),
        ("x3", "(axis 1 is empty)"),
        ("3xx3", "(axis 2 is empty)"),
        ("3x0", "expected an integer ≥ 1, got 0 (axis 2 of '3x0')"),
        ("-2", "expected an integer ≥ 1, got -2"),
        ("3.5x2", "expected an integer, got '3.5' (axis 1 of '3.5x2')"),
        ("1/2x2", "expected an integer, got a fraction '1/2'"),
        ("3 4", "got '3 4'"),
        ("x".join(["2"] * 9), "expected at most 8 axes"),
        ("a x b", "got 'a'"),
    ],
)
def test_parse_shape_rejects(text: str, fragment: str) -> None:
    assert fragment in error_of(parse_shape, text).message


def test_parse_shape_minimum_zero() -> None:
    assert parse_shape("0x3", minimum=0) == (0, 3)


# --------------------------------------------------------------------------- parse_number_list


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0.5,-1", [0.5, -1]),
        ("0.5 -1", [0.5, -1]),
        ("[0.5, -1]", [0.5, -1]),
        ("1/2, 3/4", [Fraction(1, 2), Fraction(3, 4)]),
        ("7", [7]),
        ("[7]", [7]),
        (" 1 ,2 , 3 ", [1, 2, 3]),
    ],
)
def test_parse_number_list_accepts(text: str, expected: list) -> None:
    assert same(parse_number_list(text), expected)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "expected a list of numbers"),
        ("1; 2", "expected a flat list of numbers, got a 2x1 array"),
        ("[[1, 2]]", "expected a flat list of numbers, got a 1x2 array"),
        ("1,,2", "unexpected ','"),
        ("1, x", "got 'x'"),
        ("@list.csv", "got '@list.csv'"),  # files are for arrays only
    ],
)
def test_parse_number_list_rejects(text: str, fragment: str) -> None:
    assert fragment in error_of(parse_number_list, text).message


# --------------------------------------------------------------------------- parse_array: rows syntax


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 2; 3 4", [[1, 2], [3, 4]]),
        ("1 2\n3 4", [[1, 2], [3, 4]]),
        ("1, 2\n3, 4\n", [[1, 2], [3, 4]]),
        ("1,2;3,4", [[1, 2], [3, 4]]),
        ("1 , 2 ;3 ,4", [[1, 2], [3, 4]]),
        ("1 2\r\n3 4\r\n", [[1, 2], [3, 4]]),
        ("\n\n1 2\n\n\n3 4\n\n", [[1, 2], [3, 4]]),
        ("1 2;\n3 4", [[1, 2], [3, 4]]),
        ("1 2; 3 4;", [[1, 2], [3, 4]]),
        ("1 2 3", [1, 2, 3]),
        ("1\t2  3", [1, 2, 3]),
        ("1; 2; 3", [[1], [2], [3]]),
        ("5", 5),
        ("-2.5", -2.5),
        ("1/2 3/4; 1 0", [[Fraction(1, 2), Fraction(3, 4)], [1, 0]]),
        ("0.5 -1e-3 .5 2.", [0.5, -0.001, 0.5, 2.0]),
        ("4/2 1", [2, 1]),
    ],
)
def test_parse_array_rows_syntax(text: str, expected: object) -> None:
    assert same(parse_array(text), expected)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1 2; 3 4 5", "ragged array: row 2 has 3 entries but row 1 has 2"),
        ("1 2 3\n4 5\n6 7 8", "ragged array: row 2 has 2 entries but row 1 has 3"),
        ("1 2\n3", "ragged array: row 2 has 1 entry but row 1 has 2"),
        ("1,,2", """unexpected ',' at column 3 of "1,,2\""""),
        (",1", """unexpected ',' at column 1 of ",1\""""),
        ("1 2,", """unexpected ',' at column 4 of "1 2," (a row cannot end with a comma)"""),
        ("1 2,\n3 4", "unexpected ',' at line 1, column 4"),
        ("1 2\n,3 4", "unexpected ',' at line 2, column 1"),
        ("1 2;;3 4", """expected numbers before ';' at column 5 of "1 2;;3 4", got an empty row"""),
        ("; 1", "expected numbers before ';' at column 1"),
        ("1 2 x", """expected a number (like 3, -0.5, 2e-3 or 3/4), got 'x' at column 5 of "1 2 x\""""),
        ("1 2\n3 nan", "expected a finite number, got 'nan' at line 2, column 3"),
        ("1 inf", "expected a finite number, got 'inf' at column 3"),
        ("1 1e99999", "got '1e99999' (it overflows to infinity) at column 3"),
        ("1 1/0", "expected a nonzero denominator, got '1/0' at column 3"),
        ("0x10 1", "got '0x10' at column 1"),
        ("1_000", "got '1_000'"),
        ("   ", "expected an array of numbers, got empty text"),
        ("", "expected an array of numbers, got empty text"),
    ],
)
def test_parse_array_rows_syntax_errors(text: str, message: str) -> None:
    assert message in error_of(parse_array, text).message


def test_error_excerpt_is_a_window_around_the_column() -> None:
    text = " ".join(["1"] * 100) + " oops " + " ".join(["1"] * 100)
    message = error_of(parse_array, text).message
    assert "got 'oops' at column 201 of \"…" in message
    assert "oops" in message.split(" of ")[1]
    assert len(message) < 160


# --------------------------------------------------------------------------- parse_array: bracket syntax


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[[1,2],[3,4]]", [[1, 2], [3, 4]]),
        ("  [ [ 1 , 2 ] ,\n [ 3 , 4 ] ]  ", [[1, 2], [3, 4]]),
        ("[1, 2, 3]", [1, 2, 3]),
        ("[5]", [5]),
        ("[[5]]", [[5]]),
        ("[0.5, -1/2, 1e3, .5, 2., 4/2]", [0.5, Fraction(-1, 2), 1000.0, 0.5, 2.0, 2]),
        ("[[[1,2],[3,4]],[[5,6],[7,8]]]", [[[1, 2], [3, 4]], [[5, 6], [7, 8]]]),
        ("[[[[[[1]]]]]]", [[[[[[1]]]]]]),
        # numpy's printed form: entries separated by whitespace alone
        ("[[1 2]\n [3 4]]", [[1, 2], [3, 4]]),
        ("[[1. 0.5] [2. 3.]]", [[1.0, 0.5], [2.0, 3.0]]),
    ],
)
def test_parse_array_bracket_syntax(text: str, expected: object) -> None:
    assert same(parse_array(text), expected)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[1,2],3)]", """unexpected ')' at column 9 of "[[1,2],3)]\""""),
        ("[[1,2],[3,4,5]]", "ragged array: row 2 has 3 entries but row 1 has 2"),
        ("[1,[2,3]]", "ragged array: item 2 is a list of 2 numbers but item 1 is a single number"),
        ("[[[1,2],[3,4]],[[5,6]]]", "ragged array: item 2 is a 1x2 array but item 1 is a 2x2 array"),
        ("[[[1,2],[3,4]],[[5,6],[7]]]", "ragged array: $[1][1] has 1 entry but $[1][0] has 2"),
        ("[1,]", """expected a number or '[' after ',', got ']' at column 4 of "[1,]\""""),
        ("[[1],[2],]", "after ',', got ']' at column 10"),
        ("[1,,2]", "unexpected ',' at column 4"),
        ("[,1]", "unexpected ',' at column 2"),
        ("[[1],,[2]]", "unexpected ',' at column 6"),
        ("[]", "got an empty list at column 2"),
        ("[[1],[]]", "got an empty list at column 7"),
        ("[1, 2", """expected ']' to close the '[' at column 1 of "[1, 2", got the end of the text"""),
        ("[[1,2],[3,4]]]", "unexpected ']' after the end of the array at column 14"),
        ("[1] 2", "unexpected '2' after the end of the array at column 5"),
        ("[1][2]", "unexpected '[' after the end of the array at column 4"),
        ("[[1]2]", "expected ',' or ']', got '2' at column 5"),
        ("[1[2]]", "expected ',' or ']', got '[' at column 3"),
        ("[1 2; 3 4]", "unexpected ';' at column 5"),
        ("[a]", "got 'a' at column 2"),
        ("[(1, 2)]", "unexpected '(' at column 2"),
        ("[1, nan]", "expected a finite number, got 'nan' at column 5"),
        ("[1e99999]", "overflows to infinity) at column 2"),
        ("[[[[[[[1]]]]]]]", "expected at most 6 nested levels, got deeper nesting at column 7"),
    ],
)
def test_parse_array_bracket_syntax_errors(text: str, message: str) -> None:
    assert message in error_of(parse_array, text).message


def test_syntax_errors_are_reported_before_ragged_rows() -> None:
    assert "got 'x' at column 13" in error_of(parse_array, "[[1,2],[3],[x]]").message


# --------------------------------------------------------------------------- parse_matrix, array_shape


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5", [[5]]),
        ("1 2 3", [[1, 2, 3]]),
        ("[1, 2, 3]", [[1, 2, 3]]),
        ("1; 2", [[1], [2]]),
        ("1 2; 3 4", [[1, 2], [3, 4]]),
        ("[[1/2]]", [[Fraction(1, 2)]]),
    ],
)
def test_parse_matrix(text: str, expected: list) -> None:
    assert same(parse_matrix(text), expected)


def test_parse_matrix_rejects_three_dimensions() -> None:
    text = json.dumps(np.zeros((2, 3, 4), dtype=int).tolist())
    message = error_of(parse_matrix, text).message
    assert message == "expected a matrix (rows of numbers), got a 2x3x4 array"


def test_parse_matrix_from_stdin() -> None:
    assert parse_matrix("-", stdin=io.StringIO("1 2\n3 4\n")) == [[1, 2], [3, 4]]


@pytest.mark.parametrize(
    ("value", "shape"),
    [(3, ()), (Fraction(1, 2), ()), ([1, 2], (2,)), ([[1, 2, 3], [4, 5, 6]], (2, 3)), ([[[1]]], (1, 1, 1))],
)
def test_array_shape(value: object, shape: tuple[int, ...]) -> None:
    assert array_shape(value) == shape


# --------------------------------------------------------------------------- files


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run in a temporary directory, so relative @paths resolve there."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_npy_integers_floats_and_scalars(in_tmp: Path) -> None:
    np.save("ints.npy", np.arange(6, dtype=np.int32).reshape(2, 3))
    np.save("uints.npy", np.array([2**63], dtype=np.uint64))
    np.save("floats.npy", np.array([[0.5, -1.0]], dtype=np.float32))
    np.save("half.npy", np.array([1.5], dtype=np.float16))
    np.save("scalar.npy", np.array(2.5))
    np.save("big_endian.npy", np.array([1.0, 2.0], dtype=">f8"))
    assert same(parse_array("@ints.npy"), [[0, 1, 2], [3, 4, 5]])
    assert same(parse_array("@uints.npy"), [2**63])
    assert same(parse_array("@floats.npy"), [[0.5, -1.0]])
    assert same(parse_array("@half.npy"), [1.5])
    assert same(parse_array("@scalar.npy"), 2.5)
    assert same(parse_array("@big_endian.npy"), [1.0, 2.0])
    assert same(parse_array(f"@{in_tmp / 'ints.npy'}"), [[0, 1, 2], [3, 4, 5]])  # absolute path
    assert same(parse_matrix(" @ints.npy "), [[0, 1, 2], [3, 4, 5]])


@pytest.mark.parametrize(
    ("array", "fragment"),
    [
        (np.array([True, False]), "got dtype boolean"),
        (np.array([1 + 2j]), "got dtype complex"),
        (np.array(["a"]), "got dtype string"),
        (np.array([1, None], dtype=object), "object arrays are not accepted"),
        (np.zeros((0, 3)), "got an empty 0x3 array"),
        (np.zeros((1,) * 7), "expected at most 6 dimensions"),
        (np.array([[1.0, np.nan]]), "expected finite numbers in 'bad.npy', got nan at [0][1]"),
        (np.array([np.inf]), "got inf at [0]"),
    ],
)
def test_npy_rejects(in_tmp: Path, array: np.ndarray, fragment: str) -> None:
    np.save("bad.npy", array)
    message = error_of(parse_array, "@bad.npy").message
    assert fragment in message
    assert "'bad.npy'" in message


def test_npy_garbage_and_npz(in_tmp: Path) -> None:
    Path("garbage.npy").write_bytes(b"not an array at all")
    Path("empty.npy").write_bytes(b"")
    np.savez("archive.npz", a=np.zeros(2))
    os.rename("archive.npz", "archive.npy")
    assert "unreadable file" in error_of(parse_array, "@garbage.npy").message
    assert "unreadable file" in error_of(parse_array, "@empty.npy").message
    assert "got a .npz archive" in error_of(parse_array, "@archive.npy").message


def test_csv(in_tmp: Path) -> None:
    Path("a.csv").write_text("# weights\n1, 2, 3\n\n  # more\n4 5 6\n")
    Path("b.csv").write_text("0.5,1/2\r\n-1,2e-3\r\n")
    Path("one.csv").write_text("7\n")
    Path("bom.csv").write_text("\ufeff1,2\n", encoding="utf-8")
    Path("UPPER.CSV").write_text("1 2\n")
    assert same(parse_array("@a.csv"), [[1, 2, 3], [4, 5, 6]])
    assert same(parse_array("@b.csv"), [[0.5, Fraction(1, 2)], [-1, 0.002]])
    assert same(parse_array("@one.csv"), 7)
    assert same(parse_array("@bom.csv"), [1, 2])
    assert same(parse_array("@UPPER.CSV"), [1, 2])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("1,2\n3,x\n", "(like 3, -0.5, 2e-3 or 3/4), got 'x' at line 2, column 3 of 'bad.csv'"),
        ("1,2\n3,4,5\n", "ragged array: row 2 has 3 entries but row 1 has 2"),
        ("1;2\n", "unexpected ';' at line 1, column 2 of 'bad.csv'"),
        ("a,b\n1,2\n", "got 'a' at line 1, column 1 of 'bad.csv'"),
        ("1,2,\n", "unexpected ',' at line 1, column 4 of 'bad.csv' (a row cannot end with a comma)"),
        ("# only a comment\n\n", "expected rows of numbers in 'bad.csv', got no data"),
        ("1,nan\n", "expected a finite number, got 'nan'"),
    ],
)
def test_csv_rejects(in_tmp: Path, content: str, message: str) -> None:
    Path("bad.csv").write_text(content)
    assert message in error_of(parse_array, "@bad.csv").message


def test_csv_not_utf8(in_tmp: Path) -> None:
    Path("latin.csv").write_bytes(b"1,2\n\xff\xfe\n")
    assert "expected UTF-8 text in 'latin.csv'" in error_of(parse_array, "@latin.csv").message


def test_json(in_tmp: Path) -> None:
    Path("a.json").write_text(json.dumps([[1, "1/2"], [0.5, " -3/4 "]]))
    Path("scalar.json").write_text("5")
    Path("fraction.json").write_text('"2/4"')
    Path("deep.json").write_text(json.dumps([[[[[[1.5]]]]]]))
    assert same(parse_array("@a.json"), [[1, Fraction(1, 2)], [0.5, Fraction(-3, 4)]])
    assert same(parse_array("@scalar.json"), 5)
    assert same(parse_array("@fraction.json"), Fraction(1, 2))
    assert same(parse_array("@deep.json"), [[[[[[1.5]]]]]])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[[1, 2], [true, 3]]", "expected a number or a list at $[1][0] in 'bad.json', got true"),
        ("[[1, 2], [null, 3]]", "at $[1][0] in 'bad.json', got null"),
        ('{"a": 1}', "expected a number or a list at $ in 'bad.json', got an object"),
        ('[1, "x"]', "got 'x' at $[1] in 'bad.json'"),
        ('[1, "nan"]', "expected a finite number, got 'nan' at $[1]"),
        ("[1, NaN]", "expected a finite number in 'bad.json', got NaN"),
        ("[1, -Infinity]", "got -Infinity"),
        ("[1e400]", "expected a finite number at $[0] in 'bad.json', got inf"),
        ("[1, 2", "expected valid JSON in 'bad.json', got a syntax error"),
        ("", "expected valid JSON"),
        ("[[1, 2], [3]]", "ragged array: row 2 has 1 entry but row 1 has 2 in 'bad.json'"),
        ("[[[1], [2]], [[3], [4, 5]]]", "ragged array: $[1][1] has 2 entries but $[1][0] has 1"),
        ("[]", "got an empty list"),
        ("[[[[[[[1]]]]]]]", "expected at most 6 nested levels"),
        ("[" * 100_000 + "]" * 100_000, "expected at most 6 nested levels"),
        ("[" + "1" * 5000 + "]", "expected numbers of at most 100 digits in 'bad.json'"),
        ("[" + "1" * 101 + "]", "at most 100 digits at $[0] in 'bad.json', got one with 101"),
    ],
)
def test_json_rejects(in_tmp: Path, content: str, message: str) -> None:
    Path("bad.json").write_text(content)
    assert message in error_of(parse_array, "@bad.json").message


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("@missing.npy", "cannot read 'missing.npy': no such file"),
        ("@missing.csv", "cannot read 'missing.csv': no such file"),
        ("@missing.json", "cannot read 'missing.json': no such file"),
        ("@data.txt", "expected a .npy, .csv or .json file after '@', got 'data.txt'"),
        ("@data", "expected a .npy, .csv or .json file"),
        ("@", "expected a file path after '@'"),
        ("@folder.csv", "cannot read 'folder.csv'"),
    ],
)
def test_file_errors_name_the_path(in_tmp: Path, text: str, fragment: str) -> None:
    Path("data.txt").write_text("1 2")
    Path("data").write_text("1 2")
    Path("folder.csv").mkdir()
    assert fragment in error_of(parse_array, text).message


def test_long_path_is_truncated_in_the_message(in_tmp: Path) -> None:
    message = error_of(parse_array, "@" + "d" * 300 + ".csv").message
    assert "…" in message
    assert len(message) < 100


# --------------------------------------------------------------------------- stdin


def test_stdin_rows_and_brackets() -> None:
    assert parse_array("-", stdin=io.StringIO("1 2\n3 4\n")) == [[1, 2], [3, 4]]
    assert parse_array(" - ", stdin=io.StringIO("[[1, 2], [3, 4]]")) == [[1, 2], [3, 4]]
    assert parse_array("-", stdin=io.StringIO("7")) == 7


def test_stdin_defaults_to_sys_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("1/2 1\n"))
    assert parse_array("-") == [Fraction(1, 2), 1]


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("", "expected an array of numbers on stdin, got empty text"),
        ("1 2\n3 x\n", "got 'x' at line 2, column 3 of stdin"),
        ("@secret.npy", "got '@secret.npy'"),  # stdin is inline text, never a file reference
        ("-", "got '-'"),
    ],
)
def test_stdin_errors(content: str, fragment: str) -> None:
    assert fragment in error_of(parse_array, "-", stdin=io.StringIO(content)).message


def test_stdin_that_cannot_be_read() -> None:
    closed = io.StringIO("1 2")
    closed.close()
    assert "cannot read stdin" in error_of(parse_array, "-", stdin=closed).message
    binary = io.TextIOWrapper(io.BytesIO(b"\xff\xfe\xfa"), encoding="utf-8")
    assert "expected UTF-8 text on stdin" in error_of(parse_array, "-", stdin=binary).message


# --------------------------------------------------------------------------- limits from the environment


def test_element_limit(monkeypatch: pytest.MonkeyPatch, in_tmp: Path) -> None:
    monkeypatch.setenv("DLCALC_MAX_ELEMENTS", "6")
    assert parse_array("1 2 3; 4 5 6") == [[1, 2, 3], [4, 5, 6]]
    np.save("seven.npy", np.arange(7))
    Path("seven.csv").write_text("1 2 3 4 5 6 7\n")
    Path("seven.json").write_text("[1, 2, 3, 4, 5, 6, 7]")
    for text in ["1 2 3 4 5 6 7", "[1,2,3,4,5,6,7]", "[[1,2],[3,4],[5,6],[7,8]]", "@seven.npy", "@seven.csv",
                 "@seven.json"]:
        message = error_of(parse_array, text).message
        assert "more than the limit of 6 elements" in message
        assert "DLCALC_MAX_ELEMENTS" in message
    assert "DLCALC_MAX_ELEMENTS" in error_of(parse_number_list, "1 2 3 4 5 6 7").message


def test_text_limit(monkeypatch: pytest.MonkeyPatch, in_tmp: Path) -> None:
    monkeypatch.setenv("DLCALC_MAX_TEXT", "10")
    assert parse_array("1 2 3 4 5") == [1, 2, 3, 4, 5]
    Path("long.csv").write_text("1 2 3 4 5 6\n")
    stdin = io.StringIO("1 2 3 4 5 6")
    for text, kwargs in [("1 2 3 4 5 6", {}), ("-", {"stdin": stdin}), ("@long.csv", {})]:
        message = error_of(parse_array, text, **kwargs).message
        assert "longer than the limit of 10 characters" in message
        assert "DLCALC_MAX_TEXT" in message


def test_limits_are_read_at_call_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DLCALC_MAX_ELEMENTS", "2")
    error_of(parse_array, "1 2 3")
    monkeypatch.setenv("DLCALC_MAX_ELEMENTS", "3")
    assert parse_array("1 2 3") == [1, 2, 3]


@pytest.mark.parametrize("value", ["lots", "0", "-5", "1.5"])
def test_bad_limit_in_the_environment(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("DLCALC_MAX_ELEMENTS", value)
    message = error_of(parse_array, "1 2").message
    assert "expected a positive integer in the environment variable DLCALC_MAX_ELEMENTS" in message


# --------------------------------------------------------------------------- format_number


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (3, "3"),
        (-12, "-12"),
        (Fraction(3, 4), "3/4"),
        (Fraction(-3, 4), "-3/4"),
        (Fraction(4, 2), "2"),
        (0.1, "0.1"),
        (1 / 3, "0.3333333333"),
        (2 / 3, "0.6666666667"),
        (1e-7, "1e-07"),
        (2.0, "2.0"),
        (-0.5, "-0.5"),
        (123456789.0, "123456789.0"),
        (2.0000000001, "2.0"),
        (1e22, "1e+22"),
        (0.1 + 0.2, "0.3"),
    ],
)
def test_format_number(value: object, text: str) -> None:
    assert format_number(value) == text


def test_format_number_huge_int_is_exact() -> None:
    value = 7**20000  # more digits than int -> str allows in one go
    text = format_number(value)
    old_limit = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)
    try:
        assert text == str(value)
    finally:
        sys.set_int_max_str_digits(old_limit)
    assert format_number(-value) == "-" + text
    assert format_number(Fraction(value, 3)) == text + "/3"


# --------------------------------------------------------------------------- safety and speed


def test_parsers_do_not_import_numpy_or_use_eval() -> None:
    code = ("import sys, dlcalc.parse.matrices, dlcalc.parse.shapes, dlcalc.parse.claims, dlcalc.parse.layers; "
            "print('numpy' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            cwd=Path(__file__).resolve().parent.parent)
    assert result.stdout.strip() == "False"
    for path in (Path(arrays.__file__).parent).rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        for banned in ["eval(", "exec(", "literal_eval", "sympify", "parse_expr", "__import__("]:
            assert banned not in source.replace("__import__('os')", ""), (path, banned)


SLOW_INPUTS = {
    "code": "__import__('os').system('x')",
    "overflow": "1e99999",
    "nested": "[" * 100_000,
    "nested closed": "[" * 100_000 + "1" + "]" * 100_000,
    "2 MB of junk": "x" * 2_000_000,
    "2 MB number": "1" * 2_000_000,
    "2 MB brackets": "]" * 2_000_000,
    "2 MB rows, bad at the end": "1 2\n" * 500_000 + "x",
    "2 MB of commas": "," * 2_000_000,
    "unclosed 2 MB list": "[" + "1," * 1_000_000,
}


@pytest.mark.parametrize("text", SLOW_INPUTS.values(), ids=SLOW_INPUTS.keys())
def test_hostile_input_is_refused_fast(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_system(command: str) -> int:
        raise AssertionError("os.system must never be called")

    monkeypatch.setattr(os, "system", no_system)
    for func in (parse_array, parse_number, parse_shape, parse_number_list, parse_matrix):
        start = time.perf_counter()
        error_of(func, text)
        assert time.perf_counter() - start < 1.0, func.__name__


def test_text_over_the_limit_is_refused_before_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DLCALC_MAX_TEXT", "1000000")
    start = time.perf_counter()
    assert "DLCALC_MAX_TEXT" in error_of(parse_array, "1 " * 1_000_000).message
    assert time.perf_counter() - start < 0.1


def test_big_valid_inline_array_is_quick() -> None:
    rows = "\n".join(" ".join(str(i * j % 97 - 48) for j in range(500)) for i in range(500))
    start = time.perf_counter()
    value = parse_array(rows)
    assert time.perf_counter() - start < 1.0
    assert array_shape(value) == (500, 500)
    assert parse_array(json.dumps(value)) == value


# --------------------------------------------------------------------------- properties (hypothesis)

fractions = st.fractions(min_value=-1000, max_value=1000, max_denominator=50)
entries = st.one_of(st.integers(min_value=-(10**30), max_value=10**30), fractions)


@st.composite
def matrices(draw: st.DrawFn, entry: st.SearchStrategy = entries) -> list[list[object]]:
    rows = draw(st.integers(min_value=1, max_value=6))
    cols = draw(st.integers(min_value=1, max_value=6))
    return [[draw(entry) for _ in range(cols)] for _ in range(rows)]


def normalized(value: object) -> object:
    """A whole Fraction parses back as an int."""
    if isinstance(value, Fraction) and value.denominator == 1:
        return value.numerator
    return value


@settings(max_examples=200, deadline=None)
@given(matrix=matrices(), entry_sep=st.sampled_from([" ", ", ", ",", "\t", "  ,  "]),
       row_sep=st.sampled_from(["; ", ";", "\n", " ;\n", "\r\n"]))
def test_round_trip_rows_syntax(matrix: list[list[object]], entry_sep: str, row_sep: str) -> None:
    text = row_sep.join(entry_sep.join(format_number(x) for x in row) for row in matrix)
    expected = [[normalized(x) for x in row] for row in matrix]
    assert same(parse_matrix(text), expected)


@settings(max_examples=200, deadline=None)
@given(matrix=matrices(), space=st.sampled_from(["", " ", "\n "]))
def test_round_trip_bracket_syntax(matrix: list[list[object]], space: str) -> None:
    rows = ["[" + ", ".join(format_number(x) for x in row) + "]" for row in matrix]
    text = "[" + f",{space}".join(rows) + "]"
    expected = [[normalized(x) for x in row] for row in matrix]
    assert same(parse_array(text), expected)


finite_floats = st.floats(allow_nan=False, allow_infinity=False)


@settings(max_examples=200, deadline=None)
@given(matrix=matrices(st.one_of(finite_floats, entries)))
def test_round_trip_floats_written_with_repr(matrix: list[list[object]]) -> None:
    """repr() of a float is decimal text that parses back to the very same float."""
    text = "\n".join(" ".join(repr(x) if isinstance(x, float) else format_number(x) for x in row)
                     for row in matrix)
    expected = [[normalized(x) for x in row] for row in matrix]
    assert same(parse_matrix(text), expected)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.integers(-99, 99), min_size=2, max_size=2), min_size=1, max_size=3),
       st.integers(1, 3))
def test_round_trip_three_dimensions(block: list[list[int]], depth: int) -> None:
    value = [block] * depth
    assert parse_array(json.dumps(value)) == value
    assert parse_array(str(value)) == value


plain_words = st.text(alphabet="0123456789.eE+-", min_size=1, max_size=8)


@settings(max_examples=500, deadline=None)
@given(st.lists(plain_words, min_size=1, max_size=6))
def test_fast_conversion_agrees_with_the_number_grammar(words: list[str]) -> None:
    """int()/float() on [0-9.eE+-] words accept exactly what parse_number accepts, with the same value."""
    fast = arrays._convert_plain(words)
    slow: list[object] = []
    for word in words:
        try:
            slow.append(parse_number(word))
        except InputError:
            assert fast is None
            return
    assert fast is not None
    assert same(fast, slow)


def check_result(value: object) -> None:
    shape = array_shape(value)
    assert len(shape) <= 6
    flat = [value]
    for _ in shape:
        assert all(isinstance(item, list) for item in flat)
        assert all(len(item) == len(flat[0]) for item in flat)
        flat = [x for item in flat for x in item]
    for x in flat:
        assert type(x) in (int, Fraction, float)
        if isinstance(x, float):
            assert x == x and abs(x) != float("inf")


def never_crashes(text: str) -> None:
    """Each parser returns a well-formed value or raises a one-line InputError, nothing else."""
    calls = [
        lambda: check_result(parse_array(text, "--fuzz", stdin=io.StringIO(text))),
        lambda: check_result(parse_matrix(text, "--fuzz", stdin=io.StringIO(text))),
        lambda: check_result(parse_number_list(text, "--fuzz")),
        lambda: check_result(parse_number(text, "--fuzz")),
        lambda: parse_int(text, "--fuzz", minimum=0),
        lambda: parse_shape(text, "--fuzz"),
    ]
    for call in calls:
        try:
            call()
        except InputError as error:
            assert error.option == "--fuzz"
            assert "\n" not in str(error) and len(str(error)) < 300


fuzz_alphabet = st.text(alphabet="[]0123456789,;. -/xe_()\n\t+E×*X@'\"nai", max_size=120)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=120), fuzz_alphabet))
def test_fuzz_only_values_or_dlcalc_errors(text: str) -> None:
    if text.strip().startswith("@"):
        text = "x" + text  # keep the fuzzer away from the file system
    start = time.perf_counter()
    never_crashes(text)
    assert time.perf_counter() - start < 1.0


bracketish = st.recursive(
    st.one_of(st.integers(-5, 5).map(str), st.sampled_from(["1/2", "0.5", "", " ", ",", "x", "1e999"])),
    lambda children: st.lists(children, max_size=4).map(lambda items: "[" + ",".join(items) + "]"),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(bracketish)
def test_fuzz_nested_brackets(text: str) -> None:
    never_crashes(text)


def test_non_finite_at_names_the_place():
    from dlcalc.solution import non_finite_at

    assert non_finite_at({"a": 1.0, "b": [0.5, 2]}) is None
    assert non_finite_at({"a": 1.0, "b": [0.5, float("-inf")]}) == "b[1]"
    assert non_finite_at([[1.0], [float("nan")]]) == "[1][0]"
    assert non_finite_at({"x": {"y": float("inf")}}) == "x.y"
