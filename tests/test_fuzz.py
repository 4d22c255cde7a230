"""Fuzzing every parser and every command's options with malformed and adversarial text.

Marked slow (10,000 cases per parser); CI runs it. The property everywhere: a result or a
InputError (exit 2 with a message) — never another exception, never a hang, never evaluation.
"""

from __future__ import annotations

import json

import click
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dlcalc.errors import InputError

pytestmark = pytest.mark.slow
CASES = settings(max_examples=10_000, deadline=None, derandomize=True,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                        HealthCheck.filter_too_much])
FEWER = settings(max_examples=2_000, deadline=None, derandomize=True,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

NASTY = ["__import__('os').system('true')", "dh.real", "lambda: 1", "().__class__", "1e99999", "-1e99999",
         "(" * 5000, "[" * 5000, ")" * 300, "1" * 20000, "x" * 50000, "nan", "inf", "\x00", "\u202e", "1/0",
         "9" * 400 + "/1", "0x10", "1_000", "${HOME}", "`id`", "{{7*7}}", "%s%s%n", "\\", "\"", "'", "\n" * 1000,
         "1e308*1e308", "2**2**2**2", "@/dev/zero", "@/etc/passwd", "-", "@", "@.npy", "exp(1000)", "log(0)"]


def adversarial(alphabet: str, size: int = 80) -> st.SearchStrategy[str]:
    return st.one_of(st.text(alphabet=alphabet, max_size=size), st.text(max_size=size // 2),
                     st.sampled_from(NASTY), st.lists(st.sampled_from(NASTY + list(alphabet)), max_size=6).map("".join))


def refused_or_parsed(function, *args, **kwargs) -> None:
    try:
        function(*args, **kwargs)
    except (InputError, click.ClickException):
        pass


@CASES
@given(adversarial("0123456789 ,;[]-+./eE\n@x"))
def test_matrices(text):
    from dlcalc.parse.matrices import parse_array

    refused_or_parsed(parse_array, text, "--input")


@CASES
@given(adversarial("0123456789xX×,* -+./"))
def test_shapes_and_numbers(text):
    from dlcalc.parse.numbers import parse_number
    from dlcalc.parse.shapes import parse_shape

    refused_or_parsed(parse_shape, text, "--size")
    refused_or_parsed(parse_number, text, "--x")


@CASES
@given(adversarial("0123456789.+-−*/^()x×,[] e"))
def test_claims(text):
    from dlcalc.parse.claims import parse_claim_array, parse_claim_values

    refused_or_parsed(parse_claim_values, text)
    refused_or_parsed(parse_claim_array, text)


@CASES
@given(adversarial("convfcreluxpoolresidual()|,=0123456789 ->#\nbnlstm"))
def test_layer_specs(text):
    from dlcalc.parse.layers import parse_network

    refused_or_parsed(parse_network, text)


@FEWER
@given(adversarial("convfcreluxpoolresidual()|,=0123456789 ->bnlstmflatten"))
def test_layer_specs_through_params(text):
    import dlcalc

    refused_or_parsed(dlcalc.params, layers=text, input="16x16")


@CASES
@given(adversarial("dhcgiofx_nextprev=*+-/()^⊙σtanhsigma\\δ{}t1 2."))
def test_formulas(text):
    from dlcalc.parse.formula import parse_formula

    refused_or_parsed(parse_formula, text)


@CASES
@given(adversarial("normaluniformlaplace()*+,.0123456789- "))
def test_distributions(text):
    from dlcalc.parse.distributions import parse_density

    refused_or_parsed(parse_density, text, "--p-data")


@FEWER
@given(adversarial('[]="\nacommandsizekernelclaim.0123456789 -#', 120))
def test_toml_sheets(tmp_path_factory, text):
    from dlcalc.sheets import check_sheets

    path = tmp_path_factory.mktemp("sheet") / "s.toml"
    path.write_text(text, encoding="utf-8")
    solution, code = check_sheets([str(path)])
    assert code in (0, 1, 2)


batch_objects = st.fixed_dictionaries(
    {"command": st.sampled_from(["conv-out", "conv-apply", "params", "lstm-grads", "elbo", "gan-optimal-d", "x", 3])},
    optional={"args": st.dictionaries(st.sampled_from(["size", "kernel", "stride", "padding", "input", "layers",
                                                       "mu", "sigma", "p_data", "p_g", "hidden", "check", "steps",
                                                       "pool", "x", "bogus"]),
                                      st.one_of(st.integers(-5, 40), st.text(max_size=12), st.booleans(),
                                                st.lists(st.integers(-3, 3), max_size=3)), max_size=4),
              "claim": st.one_of(st.integers(), st.text(max_size=10), st.dictionaries(st.text(max_size=4),
                                                                                      st.integers(), max_size=2))})


@FEWER
@given(st.one_of(batch_objects.map(json.dumps), adversarial('{}[]":,0123456789 command args claim', 100)))
def test_batch_lines(line):
    from dlcalc.sheets import batch_line

    out = batch_line(line, 1)
    assert isinstance(out, dict)
    assert "error" in out or "command" in out


@FEWER
@given(st.dictionaries(st.sampled_from(["size", "kernel", "stride", "padding", "dilation", "pool", "ceil_mode",
                                        "transposed", "output_padding", "solve", "out", "check", "convention"]),
                       st.one_of(st.text(alphabet="0123456789x,-samevlid ", max_size=10), st.integers(-3, 40),
                                 st.booleans()), max_size=6))
def test_conv_out_options(options):
    from dlcalc.runner import run

    refused_or_parsed(run, "conv-out", options)
