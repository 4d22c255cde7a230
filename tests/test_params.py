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
