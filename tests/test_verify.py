"""verify.py: precision-aware comparison, claim parsing, diagnosis — checked against exact arithmetic."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlcalc.errors import InputError
from dlcalc.parse.claims import parse_claim_number, parse_claim_values
from dlcalc.verify import check_claim, claim_matches, mistake


def test_integers_compare_exactly():
    assert check_claim("7", [7]).passed
    verdict = check_claim("8", [7])
    assert not verdict.passed
    assert verdict.correct == 7


def test_decimal_claim_is_judged_at_its_own_precision():
    true = 0.7310
    assert check_claim("0.731", [true]).passed
    assert check_claim("0.73", [true]).passed
    assert not check_claim("0.732", [true]).passed
    assert not check_claim("0.74", [true]).passed
    verdict = check_claim("0.73", [true])
    assert "0.725 ≤ true < 0.735" in verdict.details[0]


def decimal_text(scaled: int, places: int) -> str:
    sign = "-" if scaled < 0 else ""
    whole, frac = divmod(abs(scaled), 10**places)
    return f"{sign}{whole}.{frac:0{places}d}"


@settings(max_examples=500, deadline=None)
@given(st.integers(-10**6, 10**6), st.integers(1, 10**4), st.integers(1, 5))
def test_true_value_rounded_to_k_places_passes_and_one_unit_off_fails(num, den, places):
    true = Fraction(num, den)
    scaled = math.floor(true * 10**places + Fraction(1, 2))  # round half up, exactly
    assert claim_matches(parse_claim_number(decimal_text(scaled, places)), true)
    assert claim_matches(parse_claim_number(decimal_text(scaled, places)), float(true)) or (
        abs(true * 10**places - scaled) > Fraction(49, 100))  # float noise only on a boundary
    assert not claim_matches(parse_claim_number(decimal_text(scaled + 1, places)), true)
    assert not claim_matches(parse_claim_number(decimal_text(scaled - 1, places)), true)


def test_fractions_and_expressions_are_exact():
    assert parse_claim_number("3/4").value == Fraction(3, 4)
    assert parse_claim_number("27/4 + 1").value == Fraction(31, 4)
    assert parse_claim_number("2^-1").value == Fraction(1, 2)
    assert parse_claim_number("-(1/2)*4").value == -2
    assert check_claim("31/4", [Fraction(31, 4)]).passed
    assert not check_claim("31/4", [7]).passed


def test_tolerances_override():
    assert check_claim("0.7", [0.731], atol=0.05).passed
    assert not check_claim("0.7", [0.731], atol=0.01).passed
    assert check_claim("100", [101], rtol=0.02).passed


def test_shapes_broadcast_and_name_the_wrong_axis():
    assert check_claim("28", [28, 28]).passed
    assert check_claim("28x28", [28, 28]).passed
    assert check_claim("[28, 28]", [28, 28]).passed
    verdict = check_claim("28x14", [28, 28], labels=["height", "width"])
    assert not verdict.passed
    assert any("width" in line and "✗" in line for line in verdict.details)
    with pytest.raises(InputError, match="expected 1 or 2 values"):
        check_claim("28x28x6", [28, 28])


def test_diagnosis_names_the_mistake():
    mistakes = [mistake("what stride 1 gives", (28,), "with stride 4")]
    verdict = check_claim("28", [7], mistakes=mistakes)
    assert verdict.diagnosis == "28 is what stride 1 gives; with stride 4 the answer is 7"
    assert check_claim("29", [7], mistakes=mistakes).diagnosis is None


@pytest.mark.parametrize(
    "text",
    ["", "abc", "__import__('os')", "1e99999", "(" * 200 + "1" + ")" * 200, "1/0", "2^1000",
     "lambda: 1", "1 +", "(1", "x" * 300],
)
def test_bad_claims_are_refused(text):
    with pytest.raises(InputError):
        parse_claim_values(text)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="0123456789.+-−*/^()x×,[] e", max_size=40))
def test_claim_parser_never_crashes(text):
    try:
        parse_claim_values(text)
    except InputError:
        pass


@pytest.mark.parametrize("text", ["1e50^7", "1e300*1e300", "(((2^64)^64)^64)^64", "9^64^64", "1e308+1e308"])
def test_huge_claims_are_refused_quickly(text):
    with pytest.raises(InputError, match="range|too large|power"):
        parse_claim_number(text)
