"""params: every layer type against a hand-derived formula and an array count, presets, checks, errors."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from helpers import assert_bad_input
from typer.testing import CliRunner

import dlcalc
from dlcalc.cli import app
from dlcalc.core.params import PRESETS, input_shape, summarize
from dlcalc.errors import InputError
from dlcalc.parse.layers import parse_network

runner = CliRunner()
LENET = "conv(6,5) relu maxpool(2) conv(16,5) relu maxpool(2) flatten fc(120) relu fc(84) relu fc(10)"


def rows_of(layers: str, size: tuple[int, ...], channels: int | None = None, framework: str = "torch"):
    items = parse_network(layers)
    return summarize(items, input_shape(items, size, channels), framework)


def total(layers: str, size: tuple[int, ...], channels: int | None = None, framework: str = "torch") -> int:
    return sum(r.params for r in rows_of(layers, size, channels, framework))


def run_json(*args: str) -> dict:
    result = runner.invoke(app, ["params", *args, "--json"])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def test_seed_q1_2_first_configuration():
    data = run_json("--input", "32x32", "--in-channels", "1", "--filters", "6", "--kernel", "5")
    assert data["result"]["total_params"] == (5 * 5 * 1 + 1) * 6 == 156
    assert data["result"]["output_shape"] == [28, 28, 6]


def test_seed_q1_2_smaller_variant_and_its_missing_bias():
    data = run_json("--input", "32x32", "--filters", "5", "--kernel", "4", "--stride", "2", "--check", "80")
    assert data["result"]["total_params"] == (4 * 4 * 1 + 1) * 5 == 85
    assert data["result"]["output_shape"] == [15, 15, 5]
    assert data["verdict"]["passed"] is False
    assert "without the bias" in data["verdict"]["diagnosis"]
    # "(4×4)·1 = 16 per filter" is one filter's weights without its bias
    per_filter = run_json("--input", "32x32", "--filters", "5", "--kernel", "4", "--stride", "2", "--check", "16")
    assert "one filter's weights without its bias" in per_filter["verdict"]["diagnosis"]


def test_seed_stride_4_shape_claim():
    data = run_json("--input", "32x32", "--filters", "6", "--kernel", "5", "--stride", "4", "--check-shape",
                    "1=28x28x6")
    assert data["verdict"]["passed"] is False
    assert "what stride 1 gives" in data["verdict"]["diagnosis"]


def test_lenet5_layer_by_layer():
    rows = [r for r in rows_of(LENET, (32, 32), 1) if r.kind != "elementwise"]
    assert [r.output.as_list() for r in rows] == [[28, 28, 6], [14, 14, 6], [10, 10, 16], [5, 5, 16], [400],
                                                  [120], [84], [10]]
    assert [r.params for r in rows] == [156, 0, 2416, 0, 0, 48120, 10164, 850]
    assert sum(r.params for r in rows) == 61706
    assert sum(r.macs for r in rows) == 6 * 28 * 28 * 25 + 16 * 10 * 10 * 150 + 400 * 120 + 120 * 84 + 84 * 10


def test_check_layer_and_shape_use_the_numbering_of_the_summary():
    data = run_json("--input", "32x32", "--layers", LENET, "--check-layer", "3=2416", "--check-shape", "3=10x10x16")
    assert data["verdict"]["passed"] is True
    channels_first = run_json("--input", "32x32", "--layers", LENET, "--check-shape", "3=16x10x10")
    assert channels_first["verdict"]["passed"] is True


@pytest.mark.parametrize(
    ("layers", "size", "channels", "expected"),
    [
        ("conv(8,3)", (10, 10), 3, (3 * 3 * 3 + 1) * 8),
        ("conv(8,3,bias=false)", (10, 10), 3, 3 * 3 * 3 * 8),
        ("conv(8,3x5,groups=2)", (10, 10), 4, 8 * 2 * 15 + 8),
        ("conv(4,3,groups=4)", (10, 10), 4, 4 * 1 * 9 + 4),
        ("conv1d(8,5)", (50,), 2, (5 * 2 + 1) * 8),
        ("conv3d(8,3)", (6, 6, 6), 2, (27 * 2 + 1) * 8),
        ("convtranspose(8,4,s=2,p=1)", (7, 7), 3, 3 * 8 * 16 + 8),
        ("flatten fc(10)", (4, 4), 2, (32 + 1) * 10),
        ("linear(10,bias=false)", (32,), None, 320),
        ("bn", (5, 5), 6, 12),
        ("groupnorm(2)", (5, 5), 6, 12),
        ("flatten layernorm", (3, 3), 2, 36),
        ("embedding(1000,64)", (20,), None, 64000),
        ("rnn(32)", (10, 16), None, 32 * 16 + 32 * 32 + 2 * 32),
        ("lstm(32, layers=2, bidirectional=true)", (10, 16), None,
         2 * 4 * (32 * 16 + 32 * 32 + 64) + 2 * 4 * (32 * 64 + 32 * 32 + 64)),
        ("gru(32, bias=false)", (10, 16), None, 3 * (32 * 16 + 32 * 32)),
        ("mha(64, 8)", (10, 64), None, 4 * 64 * 64 + 4 * 64),
        ("residual(conv(4,3,p=1) bn relu conv(4,3,p=1) bn) relu", (8, 8), 4, 2 * (9 * 4 * 4 + 4 + 8)),
        ("residual(conv(8,3,s=2,p=1) | conv(8,1,s=2,bias=false))", (8, 8), 4, 9 * 4 * 8 + 8 + 4 * 8),
    ],
)
def test_every_layer_type_against_its_hand_formula_and_arrays(layers, size, channels, expected):
    rows = rows_of(layers, size, channels)
    assert sum(r.params for r in rows) == expected
    arrays = sum(np.zeros(shape).size for r in rows for _, shape, _ in r.tensors)
    assert arrays == expected


def test_keras_and_torch_recurrent_biases():
    torch = total("lstm(256)", (10, 128))
    keras = total("lstm(256)", (10, 128), framework="keras")
    assert torch == 4 * (256 * 128 + 256 * 256 + 2 * 256) == 395_264
    assert keras == 4 * (256 * 128 + 256 * 256 + 256) == 394_240
    assert total("gru(64)", (5, 32), framework="keras") == 3 * (64 * 32 + 64 * 64 + 2 * 64)  # reset_after
    assert total("gru(64, reset_after=false)", (5, 32), framework="keras") == 3 * (64 * 32 + 64 * 64 + 64)
    assert total("gru(64)", (5, 32)) == 3 * (64 * 32 + 64 * 64 + 2 * 64)
    wrong = run_json("--input", "10x128", "--layers", "lstm(256)", "--check", str(keras))
    assert "one bias vector per gate (Keras's convention)" in wrong["verdict"]["diagnosis"]


def test_keras_batchnorm_counts_moving_statistics_as_non_trainable():
    data = run_json("--input", "4x4", "--in-channels", "8", "--layers", "bn", "--framework", "keras")
    assert data["result"]["total_params"] == 32
    assert data["result"]["trainable_params"] == 16
    torch = run_json("--input", "4x4", "--in-channels", "8", "--layers", "bn")
    assert torch["result"]["total_params"] == 16
    assert torch["result"]["buffers"] == 16


def test_macs_and_flops_are_labelled_and_diagnosed():
    data = run_json("--input", "32x32", "--layers", LENET, "--check", "416520")
    assert data["result"]["flops"] == 2 * data["result"]["macs"] == 833040
    assert "MACs, not parameters" in data["verdict"]["diagnosis"]


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_presets_equal_published_totals(name):
    data = run_json("--preset", name)
    assert data["result"]["total_params"] == PRESETS[name]["published"]
    assert all(check["passed"] for check in data["checks"])


def test_receptive_field_of_resnet18():
    data = run_json("--preset", "resnet18")
    assert data["result"]["receptive_field"] == [435, 435]  # the published value (Araujo et al. 2019)
    assert data["result"]["macs"] == 1_814_073_344


def test_symbolic_checks_agree_on_every_layer():
    result = runner.invoke(app, ["params", "--input", "10x16", "--layers", "lstm(32, layers=3, bidirectional=true) "
                                 "mha(64, 4) fc(5)", "--json", "--symbolic"])
    data = json.loads(result.stdout)
    assert {c["method"] for c in data["checks"]} == {"array count", "sympy"}
    assert all(c["passed"] for c in data["checks"])


def test_every_output_mode():
    for mode in ("--latex", "--markdown"):
        result = runner.invoke(app, ["params", "--input", "32x32", "--layers", LENET, mode])
        assert result.exit_code == 0
        assert "2416" in result.stdout.replace(",", "")
    text = runner.invoke(app, ["params", "--input", "32x32", "--layers", LENET])
    assert "48,120" in text.stdout and "61,706" in text.stdout.replace("61706", "61,706")


def test_layers_from_a_file_with_comments(tmp_path):
    path = tmp_path / "net.txt"
    path.write_text("# LeNet-5\n" + LENET.replace(" flatten", "\nflatten  # to a vector\n"))
    assert run_json("--input", "32x32", "--layers", f"@{path}")["result"]["total_params"] == 61706


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--input", "32x32", "--layers", "conv(6,5) relux"], "did you mean relu"),
        (["--input", "32x32", "--layers", "conv(6,5,strid=2)"], "did you mean stride"),
        (["--input", "32x32", "--layers", "conv(6,5"], "not closed"),
        (["--input", "32x32", "--layers", "conv(6,5)) fc(3)"], "column 10"),
        (["--input", "32x32", "--layers", "conv(6,5) fc(10)"], "add flatten"),
        (["--input", "8x8", "--layers", "conv(6,5) conv(6,5)"], "conv(6,5)"),
        (["--input", "8x8", "--in-channels", "3", "--layers", "conv(6,3,groups=2)"], "groups"),
        (["--input", "8x8", "--layers", "residual(conv(6,3))"], "residual"),
        (["--input", "32x32", "--layers", "conv(6)"], "needs k"),
        (["--input", "32x32", "--layers", "conv(6,5) $"], "column 11"),
        (["--layers", "fc(3)"], "--input"),
        (["--input", "32x32", "--layers", LENET, "--check-layer", "99=3"], "no layer 99"),
        (["--input", "32x32", "--layers", LENET, "--check-layer", "3"], "LAYER=VALUE"),
        (["--input", "32x32", "--filters", "6"], "--kernel"),
        (["--input", "32x32", "--preset", "lenet5", "--layers", "fc(3)"], "one of"),
        (["--input", "10", "--layers", "lstm(8)"], "T×F"),
    ],
)
def test_bad_input_exits_2_with_one_line(args, fragment):
    result = runner.invoke(app, ["params", *args])
    assert_bad_input(result, fragment)


def test_library_use():
    sol = dlcalc.params(layers=LENET, input="32x32")
    assert sol.result["total_params"] == 61706
    assert math.isclose(sol.result["param_memory_mib"], 61706 * 4 / 2**20, rel_tol=1e-3)


# ---------------------------------------------------------------------------------------------
# The API function: typed values and text give the same Solution; bad input names its argument
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "text"),
    [
        ({"input": (32, 32), "filters": 5, "kernel": 4, "stride": 2},
         {"input": "32x32", "filters": "5", "kernel": "4", "stride": "2"}),
        ({"input": (32, 32), "filters": 6, "kernel": (3, 5), "stride": (2, 1), "padding": (1, 2), "groups": 2,
          "in_channels": 4, "bias": False},
         {"input": "32x32", "filters": "6", "kernel": "3x5", "stride": "2x1", "padding": "1x2", "groups": "2",
          "in_channels": "4", "bias": False}),
        ({"input": 50, "in_channels": 2, "filters": 8, "kernel": 5, "dilation": 2},
         {"input": "50", "in_channels": "2", "filters": "8", "kernel": "5", "dilation": "2"}),
        ({"input": (32, 32), "layers": parse_network(LENET)}, {"input": "32x32", "layers": LENET}),
        ({"preset": "lenet5", "input": (32, 32)}, {"preset": "lenet5", "input": "32x32"}),
    ],
)
def test_typed_values_and_text_give_the_same_solution(typed, text):
    assert dlcalc.params(**typed).to_dict() == dlcalc.params(**text).to_dict()


def test_filters_give_the_same_solution_as_the_layer_written_out():
    single = dlcalc.params(input="32x32", filters=6, kernel="3x5", stride=2, padding=1, groups=1, bias=False)
    written = dlcalc.params(input="32x32", layers="conv(6, 3x5, s=2, p=1, bias=false)")
    assert single.result["layers"].tolist() == written.result["layers"].tolist()
    assert single.result["total_params"] == 3 * 5 * 6 == 90
    assert single.steps[0].label == "1. conv(6, 3x5, s=2, p=1, bias=false)"


def test_the_documented_call_of_the_api():
    assert dlcalc.params(input="32x32", layers="conv(6,5) relu").result["total_params"] == 156
    assert dlcalc.params(input=(32, 32), layers="conv(6,5) relu", kernel=5).result["total_params"] == 156


@pytest.mark.parametrize(
    ("kwargs", "argument", "fragment"),
    [
        ({"input": "32xx32", "layers": "fc(3)"}, "input", "axis 2"),
        ({"input": (32, 0), "layers": "conv(6,5)"}, "input", "≥ 1"),
        ({"input": "32x32", "filters": 0, "kernel": 5}, "filters", "≥ 1"),
        ({"input": "32x32", "filters": 6, "kernel": "a"}, "kernel", ""),
        ({"input": "32x32", "filters": 6, "kernel": 5, "padding": -1}, "padding", "≥ 0"),
        ({"input": "32x32", "filters": 6, "kernel": 5, "groups": 0}, "groups", "≥ 1"),
        ({"input": "32x32", "filters": 6, "kernel": 5, "bias": "yes"}, "bias", "true or false"),
        ({"input": "32x32", "layers": "conv(6,5)", "in_channels": 0}, "in_channels", "≥ 1"),
        ({"input": "32x32", "layers": "conv(6,5)", "framework": "jax"}, "framework", "torch or keras"),
        ({"preset": "lenet"}, "preset", "did you mean lenet5"),
        ({"preset": "lenet5", "layers": "fc(3)"}, "preset", "one of"),
        ({"input": "32x32", "layers": 42}, "layers", "as text"),
        ({"input": "32x32", "layers": "conv(6,5) relux"}, "layers", "did you mean relu"),
        ({"input": "32x32", "layers": LENET, "check_layer": "3"}, "check_layer", "LAYER=VALUE"),
        ({"input": "32x32", "layers": LENET, "check_layer": "99=3"}, "check_layer", "no layer 99"),
        ({"input": "32x32", "layers": LENET, "check_shape": "99=3x3"}, "check_shape", "no layer 99"),
        ({"input": "32x32", "layers": LENET, "check_layer": "3=abc"}, "check_layer", ""),
        ({"input": "32x32", "layers": LENET, "check_shape": "3=10x10"}, "check_shape", "3 values"),
        ({"input": "32x32", "layers": LENET, "check": "abc"}, "check", ""),
    ],
)
def test_bad_input_raises_input_error_naming_the_argument(kwargs, argument, fragment):
    with pytest.raises(InputError) as raised:
        dlcalc.params(**kwargs)
    assert raised.value.argument == argument
    assert fragment in raised.value.message


# ---------------------------------------------------------------------------------------------
# Claims judged by solution.check: total, layer_N and shape_N through one claim table
# ---------------------------------------------------------------------------------------------


def test_solution_check_judges_every_quantity_of_the_table():
    lenet = dlcalc.params(input="32x32", layers=LENET)
    assert lenet.check(61706).passed and lenet.check("61706").passed
    assert lenet.check({"total": 61706}).passed and lenet.check({"params": 61706}).passed
    assert lenet.check({"layer_3": 2416}).passed and lenet.check("layer_3=2416").passed
    assert lenet.check({"layer3": 2416}).passed  # the spelling sheets accepted before
    assert lenet.check({"shape_3": "10x10x16"}).passed
    assert lenet.check({"shape_5": 400}).passed  # flatten's vector
    every = lenet.check({"layer_3": 2416, "shape_3": "10x10x16", "total": 61706})
    assert every.passed
    assert every.claimed == {"layer 3": 2416, "shape 3": [10, 10, 16], "total": 61706}
    wrong = lenet.check({"layer_1": 150})
    assert not wrong.passed and wrong.correct == {"layer 1": 156}
    assert wrong.diagnosis == "layer 1 (conv(6,5)): 150 is the count without the bias; the answer is 156"
    with pytest.raises(InputError, match="no layer 9; the layers are numbered 1 to 8"):
        lenet.check({"layer_9": 1})  # relu shares the number of the layer before it


def test_solution_check_on_the_seed_questions():
    small = dlcalc.params(input="32x32", in_channels=1, filters=5, kernel=4, stride=2)
    assert small.check(85).passed
    assert small.check({"total": 85}).passed
    assert small.check({"shape_1": "15x15x5"}).passed
    assert small.check({"shape_1": [15, 15, 5]}).passed
    assert "without the bias" in small.check(80).diagnosis
    assert small.check(80).correct == {"total": 85}  # the verdict keeps params' keys
    stride4 = dlcalc.params(input="32x32", filters=6, kernel=5, stride=4)
    verdict = stride4.check({"shape_1": "28x28x6"})
    assert verdict.diagnosis == "layer 1 shape: 28x28x6 is what stride 1 gives; the answer is 7×7×6"


def test_shape_claims_written_channels_first_and_common_mistakes():
    sol = dlcalc.params(input="32x32", filters=6, kernel=5, stride=4, padding=2)
    assert sol.result["output_shape"] == [8, 8, 6]  # ⌊(32 + 4 − 5)/4⌋ + 1 = 8
    assert sol.check({"shape_1": "6x8x8"}).passed
    assert "channels first" in sol.check({"shape_1": "6x8x8"}).details[-1]
    assert "what no padding gives" in sol.check({"shape_1": "7x7x6"}).diagnosis
    assert "what stride 1 gives" in sol.check({"shape_1": "32x32x6"}).diagnosis
    assert "without the floor" in sol.check({"shape_1": "8.75x8.75x6"}).diagnosis
    assert "the input's own channels" in sol.check({"shape_1": "32x32x1"}).diagnosis
    unpadded = dlcalc.params(input="32x32", filters=6, kernel=5, stride=4)  # ⌊27/4⌋ + 1 = 7
    assert "leaving out the + 1" in unpadded.check({"shape_1": "6x6x6"}).diagnosis
    assert "without the floor" in unpadded.check({"shape_1": "7.75x7.75x6"}).diagnosis
    assert unpadded.check({"shape_1": "5x5x6"}).diagnosis is None


def test_named_checks_and_sheet_claims_agree():
    by_options = dlcalc.params(input="32x32", layers=LENET, check="61706", check_layer=["3=2417"],
                               check_shape={3: "16x10x10"}).verdict
    by_claim = dlcalc.params(input="32x32", layers=LENET).check(
        {"total": 61706, "layer_3": 2417, "shape_3": "16x10x10"})
    assert by_options == by_claim
    assert by_options.details[0] == "total parameters: ✓ claimed 61706, correct 61706 (compared exactly)"
    assert by_options.details[1] == "layer 3 (conv(16,5)): ✗ claimed 2417, correct 2416 (compared exactly)"


# ---------------------------------------------------------------------------------------------
# The checks: the same array check in every output mode; sympy only with --symbolic
# ---------------------------------------------------------------------------------------------


def test_the_array_check_is_the_same_in_every_mode_and_sympy_only_when_asked():
    args = ["params", "--input", "32x32", "--layers", LENET]
    plain = runner.invoke(app, [*args, "--json"])
    methods = {c["method"] for c in json.loads(plain.stdout)["checks"]}
    assert methods == {"array count"}
    text = runner.invoke(app, args).stdout
    assert "by arrays" in text and "sympy" not in text
    sol = dlcalc.params(input="32x32", layers=LENET)
    assert [c.to_dict() for c in sol.checks] == json.loads(plain.stdout)["checks"]
    symbolic = dlcalc.params(input="32x32", layers=LENET, symbolic=True)
    assert {c.method for c in symbolic.checks} == {"array count", "sympy"}
    assert all(c.passed for c in symbolic.checks)


def test_the_array_check_counts_the_real_weight_shapes():
    sol = dlcalc.params(input="10x16", layers="lstm(32, layers=2, bidirectional=true) fc(5)")
    lstm = sol.checks[0]
    assert lstm.name == "layer 1 by arrays" and lstm.passed
    assert "weight_ih_l0 128×16, weight_hh_l0 128×32, bias_ih_l0 128, bias_hh_l0 128" in lstm.detail
    assert "weight_ih_l1_reverse 128×64" in lstm.detail
    many = dlcalc.params(preset="resnet18")
    assert [c.name for c in many.checks] == ["every layer by arrays", "published total"]


# ---------------------------------------------------------------------------------------------
# Convolution and pooling: conv-out's rules and conv-out's independent window count
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("layers", "size", "fragment"),
    [
        ("conv(6,5,s=2,p=same)", "32x32", "conv(6,5,s=2,p=same) at column 1: PyTorch refuses padding='same'"),
        ("maxpool(3,p=2)", "32x32", "maxpool(3,p=2) at column 1: pool padding 2 is more than half the window"),
        ("maxpool(5)", "4x4", "maxpool(5) at column 1: the kernel spans 5"),
        ("relu conv(6,5)", "4x4", "conv(6,5) at column 6: the kernel spans 5"),
        ("convtranspose(3,3,s=2,op=2)", "4x4", "output padding 2 must be smaller than max(stride, dilation) = 2"),
        ("convtranspose(3,3,p=5)", "2x2", "padding 5 crops the whole output"),
    ],
)
def test_convolution_rules_are_conv_outs_named_by_the_layer(layers, size, fragment):
    with pytest.raises(InputError) as raised:
        dlcalc.params(input=size, layers=layers)
    assert fragment in raised.value.message
    assert raised.value.option == "--layers"
    assert "--convention" not in raised.value.message  # params has no such option


@pytest.mark.parametrize(
    ("layer", "size", "kernel", "stride", "padding", "dilation", "ceil"),
    [
        ("conv(3,5,s=4)", 32, 5, 4, 0, 1, False),
        ("conv(3,3,s=2,p=1,d=2)", 17, 3, 2, 1, 2, False),
        ("conv(3,4,p=same)", 9, 4, 1, (1, 2), 1, False),
        ("maxpool(3,s=2)", 13, 3, 2, 0, 1, False),
        ("maxpool(2,ceil=true)", 5, 2, 2, 0, 1, True),
        ("avgpool(3,s=2,p=1,ceil=true)", 8, 3, 2, 1, 1, True),
    ],
)
def test_output_sizes_against_a_count_of_window_positions(layer, size, kernel, stride, padding, dilation, ceil):
    from dlcalc.core.conv import count_window_positions

    pads = padding if isinstance(padding, tuple) else (padding, padding)
    counted = count_window_positions(size, kernel, stride, pads, dilation, ceil)
    assert dlcalc.params(input=(size, size), layers=layer).result["output_shape"][:2] == [counted, counted]


def test_layers_from_a_file_must_be_utf8(tmp_path):
    path = tmp_path / "net.txt"
    path.write_bytes(b"conv(6,5) \xff")
    with pytest.raises(InputError, match="UTF-8") as raised:
        dlcalc.params(input="32x32", layers=f"@{path}")
    assert raised.value.argument == "layers"
    with pytest.raises(InputError, match="cannot read"):
        dlcalc.params(input="32x32", layers=f"@{tmp_path / 'missing.txt'}")
