"""lstm-grads' pure-Python path for small cells: numpy's generator ported bit for bit, the cell
against the numpy one, the same Solution, no numpy import, bad input still one line."""

from __future__ import annotations

import json
import math
import re
import struct
import subprocess
import sys

import numpy as np
import pytest
from helpers import assert_bad_input
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from dlcalc.cli import app
from dlcalc.core import lstm, pcg64

runner = CliRunner()
HUGE_SEEDS = [2**32 - 1, 2**32, 2**64 - 1, 2**64 + 5, 2**127 + 3, 2**128 + 7, 10**40, 2**200 + 11]


def bits(values) -> list[bytes]:
    """Every float as its 8 bytes: equal means bit for bit, the sign of zero included."""
    return [struct.pack("<d", x) for x in np.asarray(values, dtype=np.float64).reshape(-1).tolist()]


# ---------------------------------------------------------------------------------------------
# numpy's SeedSequence + PCG64 + uniform + round, in pure Python
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [*range(301), *HUGE_SEEDS])
def test_seed_sequence_and_first_draws_match_numpy(seed):
    sequence = np.random.SeedSequence(seed)
    assert pcg64.seed_pool(seed) == sequence.pool.tolist()
    assert pcg64.generate_state(pcg64.seed_pool(seed), 4) == sequence.generate_state(4, np.uint64).tolist()
    ours, theirs = pcg64.PCG64(seed), np.random.PCG64(seed)
    assert [ours.next_uint64() for _ in range(5)] == theirs.random_raw(5).tolist()
    rng, mine = np.random.default_rng(seed), pcg64.default_rng(seed)
    assert bits(np.round(rng.uniform(-1.0, 1.0, size=(4, 3)), 2)) == bits(
        pcg64.round_nested(mine.uniform(-1.0, 1.0, (4, 3))))
    assert bits(rng.uniform(0.05, 0.95, size=7)) == bits(mine.uniform(0.05, 0.95, (7,)))


shapes = st.lists(st.integers(1, 7), min_size=1, max_size=3).map(tuple)
bounds = st.sampled_from([(-1.0, 1.0), (0.05, 0.95), (0.0, 1.0), (-3.5, 2.25)])


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.integers(0, 2**32), st.integers(0, 2**256), st.sampled_from(HUGE_SEEDS)),
       st.lists(st.tuples(bounds, shapes), min_size=1, max_size=6))
def test_any_sequence_of_draws_is_numpys_bit_for_bit(seed, draws):
    rng, mine = np.random.default_rng(seed), pcg64.default_rng(seed)
    for (low, high), shape in draws:
        theirs = rng.uniform(low, high, size=shape)
        ours = mine.uniform(low, high, shape)
        assert np.shape(ours) == shape and bits(theirs) == bits(ours)
        assert bits(np.round(theirs, 2)) == bits(pcg64.round_nested(ours))


@settings(max_examples=500, deadline=None)
@given(st.floats(-1e6, 1e6) | st.sampled_from([-0.005, 0.005, -0.015, 0.125, -0.0, 0.0, -0.004, 2.675, 1.005]))
def test_rounding_is_numpys(x):
    assert bits([pcg64.round_half_even(x, 2)]) == bits([np.round(x, 2)])


def test_negative_seeds_are_refused_like_numpy():
    with pytest.raises(ValueError, match="expected non-negative integer"):
        np.random.default_rng(-1)
    with pytest.raises(ValueError, match="expected non-negative integer"):
        pcg64.default_rng(-1)


@pytest.mark.parametrize("size", [[], ["--hidden", "8", "--input-size", "8"], ["--steps", "2"]])
def test_negative_seed_on_the_command_line_every_path(size):
    assert_bad_input(runner.invoke(app, ["lstm-grads", "--seed", "-1", *size]), "--seed: expected a seed from 0")


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 7), st.integers(1, 14), st.integers(0, 2**70))
def test_step_values_are_the_same_numbers_either_way(hidden, inputs, seed):
    pure, drawn, _, _ = lstm.step_values(hidden, inputs, seed, {}, pure=True)
    arrays, drawn_np, _, _ = lstm.step_values(hidden, inputs, seed, {})
    assert drawn == drawn_np == list(lstm.STEP_KEYS)
    for key in lstm.STEP_KEYS:
        assert isinstance(pure[key], list) and bits(pure[key]) == bits(arrays[key]), key


def test_a_drawn_negative_zero_keeps_its_sign():
    W = lstm.step_values(2, 3, 4, {}, pure=True)[0]["W"]
    assert W[4][4] == 0 and math.copysign(1, W[4][4]) == -1
    assert bits(W) == bits(lstm.step_values(2, 3, 4, {})[0]["W"])


def test_given_values_do_not_shift_the_drawn_ones():
    given = {"x": [0.5], "dh": [1.0]}
    pure = lstm.step_values(1, 1, 3, given, pure=True)[0]
    arrays = lstm.step_values(1, 1, 3, given)[0]
    drawn = lstm.step_values(1, 1, 3, {}, pure=True)[0]
    assert pure["x"] == [0.5] and bits(pure["W"]) == bits(arrays["W"]) == bits(drawn["W"])
    assert bits(pure["f_next"]) == bits(drawn["f_next"])


# ---------------------------------------------------------------------------------------------
# The cell: pure Python against numpy
# ---------------------------------------------------------------------------------------------


def assert_close(pure, array, what: str) -> None:
    a, b = np.asarray(pure, dtype=np.float64), np.asarray(array, dtype=np.float64)
    assert a.shape == b.shape, what
    assert np.allclose(a, b, rtol=1e-12, atol=1e-14), (what, a, b)


cells = st.tuples(st.integers(1, 4), st.integers(1, 6), st.integers(0, 10**9), st.sampled_from(lstm.ORDERS),
                  st.sampled_from([1.0, 3.0, 0.2]))


def both_backends(hidden, inputs, seed, scale):
    pure = lstm.step_values(hidden, inputs, seed, {}, pure=True)[0]
    pure["W"] = [[w * scale for w in row] for row in pure["W"]]  # larger weights saturate the gates
    return pure, {k: np.array(v) for k, v in pure.items()}


@settings(max_examples=150, deadline=None)
@given(cells)
def test_forward_and_every_gradient_agree_with_numpy(cell):
    hidden, inputs, seed, order, scale = cell
    pure, arrays = both_backends(hidden, inputs, seed, scale)
    fw, grads, errors = lstm.step_pass(pure, order)
    fw_np, grads_np, errors_np = lstm.step_pass(arrays, order)
    assert set(fw) == set(fw_np) and set(grads) == set(grads_np) and set(errors) == set(errors_np)
    for key in fw:
        assert_close(fw[key], fw_np[key], key)
    for key in grads:
        assert_close(grads[key], grads_np[key], key)
    assert {k: judged < lstm.FD_PASS for k, (_, judged) in errors.items()} == {
        k: judged < lstm.FD_PASS for k, (_, judged) in errors_np.items()}
    assert all(judged < lstm.FD_PASS for _, judged in errors.values()), errors


@settings(max_examples=60, deadline=None)
@given(cells, st.sampled_from(lstm.GRAD_KEYS), st.sampled_from([1.01, -1.0, 0.0]))
def test_a_wrong_gradient_is_caught_by_both(cell, key, factor):
    hidden, inputs, seed, order, scale = cell
    pure, arrays = both_backends(hidden, inputs, seed, scale)
    fw, grads, _ = lstm.step_pass(pure, order)
    fw_np, grads_np, _ = lstm.step_pass(arrays, order)
    moved = float(np.max(np.abs(grads_np[key] * (factor - 1.0))))
    grads[key] = np.multiply(grads[key], factor).tolist()
    grads_np[key] = grads_np[key] * factor
    errors = lstm.finite_difference_errors_small(pure, fw, grads, order)
    errors_np = lstm.finite_difference_errors(arrays, fw_np, grads_np, order)
    verdicts = {k: judged < lstm.FD_PASS for k, (_, judged) in errors.items()}
    assert verdicts == {k: judged < lstm.FD_PASS for k, (_, judged) in errors_np.items()}
    assert all(verdicts[k] for k in verdicts if k != key)
    if moved > 1e-6:  # far above the rounding noise of the differences: the wrong gradient is caught
        assert not verdicts[key]


NUMBER = re.compile(r"-?\d+(\.\d+)?(e[-+]?\d+)?")
WORST = re.compile(r"\((d\w+)\);")  # which gradient's finite-difference error is largest: rounding noise


def shape_of(value):
    """A JSON value with its numbers (and the name of the largest finite-difference error) replaced
    by "#": what both paths must share exactly."""
    if isinstance(value, dict):
        return {k: shape_of(v) for k, v in value.items()}
    if isinstance(value, list):
        return [shape_of(v) for v in value]
    if isinstance(value, float):
        return "#"
    if isinstance(value, str):
        return WORST.sub("(#);", NUMBER.sub("#", value))
    return value


@settings(max_examples=60, deadline=None)
@given(cells)
def test_the_solution_is_the_same_either_way(cell):
    hidden, inputs, seed, order, scale = cell
    pure, arrays = both_backends(hidden, inputs, seed, scale)
    sol, _, _ = lstm.lstm_step(pure, order, ["W", "b"], seed)
    sol_np, _, _ = lstm.lstm_step(arrays, order, ["W", "b"], seed)
    data, data_np = json.loads(to_json(sol)), json.loads(to_json(sol_np))
    assert shape_of(data) == shape_of(data_np)
    assert data["inputs"] == data_np["inputs"]  # the values themselves, exactly
    for key in ("label", "formula", "note"):
        assert [s[key] for s in data["steps"]] == [s[key] for s in data_np["steps"]]
    assert [(c["name"], c["passed"]) for c in data["checks"]] == [(c["name"], c["passed"]) for c in data_np["checks"]]
    assert sol.answer == sol_np.answer
    for group in ("forward", "grads"):
        for key, values in data["result"][group].items():
            assert_close(values, data_np["result"][group][key], key)


def to_json(sol) -> str:
    from dlcalc.render.json import to_json as render

    return render(sol)


def test_the_command_line_picks_the_path_by_size(monkeypatch):
    seen = []
    real = lstm.step_pass

    def spy(v, order, entries):
        seen.append(type(v["W"]).__name__)
        return real(v, order, entries)

    monkeypatch.setattr(lstm, "step_pass", spy)
    for size in (["--hidden", "1"], ["--hidden", "4", "--input-size", "4"], ["--hidden", "2", "--input-size", "14"],
                 ["--hidden", "4", "--input-size", "5"], ["--hidden", "9", "--input-size", "1"]):
        assert runner.invoke(app, ["lstm-grads", *size, "--json"]).exit_code == 0
    assert seen == ["list", "list", "list", "ndarray", "ndarray"]
    assert lstm.small_cell(4, 4) and lstm.small_cell(2, 14) and not lstm.small_cell(4, 5)


def test_large_weights_are_scaled_on_the_pure_path_too():
    # hidden + inputs > 8: W and b are divided by √H (PyTorch's init), on both paths alike
    data = json.loads(runner.invoke(app, ["lstm-grads", "--hidden", "2", "--input-size", "14", "--json"]).stdout)
    arrays = lstm.step_values(2, 14, 0, {})[0]
    assert bits(data["inputs"]["W"]) == bits(arrays["W"]) and bits(data["inputs"]["b"]) == bits(arrays["b"])


def test_bptt_is_unchanged_and_uses_numpy():
    data = json.loads(runner.invoke(app, ["lstm-grads", "--steps", "3", "--json"]).stdout)
    assert all(c["passed"] for c in data["checks"])
    assert set(data["result"]["grads"]) == {"dW", "db", "dx", "dh0", "dc0"}


# ---------------------------------------------------------------------------------------------
# --values without numpy
# ---------------------------------------------------------------------------------------------

leaves = (st.integers(-(2**70), 2**70) | st.floats(allow_nan=True, allow_infinity=True) | st.booleans()
          | st.none() | st.sampled_from(["1.5", " -2 ", "1_0", "inf", "nan", "abc", "", "0x10", "1e3"]))
json_values = st.recursive(leaves, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
    st.text(max_size=2), inner, max_size=2), max_leaves=12)
rectangular = st.integers(1, 3).flatmap(lambda n: st.lists(st.lists(st.floats(-10, 10) | st.integers(-5, 5),
                                                                    min_size=n, max_size=n), min_size=1, max_size=4))


@settings(max_examples=800, deadline=None)
@given(json_values | rectangular)
def test_json_values_are_read_as_numpy_reads_them(value):
    try:
        expected = np.array(value, dtype=np.float64)
    except (TypeError, ValueError):
        with pytest.raises((TypeError, ValueError)):
            lstm.json_numbers(value)
    except OverflowError:
        with pytest.raises(OverflowError):
            lstm.json_numbers(value)
    else:
        numbers, shape = lstm.json_numbers(value)
        assert shape == expected.shape
        assert repr(numbers) == repr(expected.tolist())  # NaN and the sign of zero included


def test_values_from_a_file_are_lists_of_floats(tmp_path):
    path = tmp_path / "v.json"
    path.write_text(json.dumps({"W": [[0, 1]] * 4, "x": 2, "dh": ["0.5"], "xs": [[1], [2]]}))
    values = lstm.load_values(f"@{path}")
    assert values == {"W": [[0.0, 1.0]] * 4, "x": [2.0], "dh": [0.5], "xs": [[1.0], [2.0]]}
    assert all(type(x) is float for x in values["W"][0])


def write(tmp_path, data) -> str:
    path = tmp_path / "v.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return f"@{path}"


@pytest.mark.parametrize(("data", "fragment"), [
    ({"W": [[1e308, 1e308]] * 4, "x": [1], "h_prev": [1]}, "overflow float64"),
    ({"b": [1e308, 1e308, 1e308, 1e308], "W": [[1e308, 1]] * 4, "x": [1], "h_prev": [1]}, "overflow float64"),
    ({"dc_next": [1e308], "f_next": [1e308]}, "overflow float64"),
    ({"W": [[1e200, 1e200]] * 4, "dh": [1e200], "h_prev": [1e200]}, "overflow float64"),
    ({"x": "abc"}, "x in"),
    ({"x": [[1], [2, 3]]}, "must be numbers"),
    ({"x": [1, {"a": 1}]}, "must be numbers"),
    ({"h_prev": None}, "must be finite numbers"),
    ('{"x": 1' + "0" * 400 + "}", "must be finite numbers"),
    ({"W": [[1, 2]] * 5}, "4H rows"),
    ({"W": [[]] * 4}, "W must have shape 4×2"),
    ({"W": [[1, 2, 3]] * 4, "x": [1]}, "x must have shape 2"),
    ({"Wx": [1]}, "unknown key 'Wx'"),
    ("[1, 2]", "expected a JSON object"),
    ("{", "is not JSON"),
])
def test_bad_values_on_the_pure_path_exit_2_with_one_line(tmp_path, data, fragment):
    assert_bad_input(runner.invoke(app, ["lstm-grads", "--values", write(tmp_path, data)]), fragment)


def test_bad_values_give_the_same_message_on_the_numpy_path(tmp_path):
    big = {"W": [[1e308] * 12] * 16, "x": [1] * 8, "h_prev": [1] * 4}
    assert_bad_input(runner.invoke(app, ["lstm-grads", "--values", write(tmp_path, big)]), "overflow float64")
    assert_bad_input(runner.invoke(app, ["lstm-grads", "--hidden", "9", "--values", write(tmp_path, {"W": [[]] * 4})]),
                     "W must have shape 36×10")


def test_huge_but_finite_values_are_computed(tmp_path):
    result = runner.invoke(app, ["lstm-grads", "--values", write(tmp_path, {"W": [[1e200, 1e200]] * 4}), "--json"])
    assert result.exit_code in (0, 1) and result.stderr == "", result.output


def test_claims_are_checked_on_the_pure_path():
    di = json.loads(runner.invoke(app, ["lstm-grads", "--json"]).stdout)["result"]["grads"]["di"][0]
    assert runner.invoke(app, ["lstm-grads", "--check", f"di={di:.4f}"]).exit_code == 0
    assert runner.invoke(app, ["lstm-grads", "--check", f"di={di + 0.01:.4f}"]).exit_code == 1
    dz = json.loads(runner.invoke(app, ["lstm-grads", "--hidden", "2", "--json"]).stdout)["result"]["grads"]["dz"]
    assert runner.invoke(app, ["lstm-grads", "--hidden", "2", "--check", "dz=" + ",".join(f"{d:.5f}" for d in dz)]
                         ).exit_code == 0


# ---------------------------------------------------------------------------------------------
# Start-up: no numpy
# ---------------------------------------------------------------------------------------------

FAST = [
    ["--json"],
    ["--hidden", "2", "--input-size", "2", "--json"],
    ["--hidden", "4", "--input-size", "4"],
    ["--check", "di=0.1"],
    ["--gate-order", "ifgo", "--json"],
    [],
    ["--latex"],
    ["--markdown"],
    ["--seed", str(2**70), "--json"],
]


def run_importtime(*argv: str) -> tuple[subprocess.CompletedProcess, set[str]]:
    """``python -X importtime -m dlcalc lstm-grads …``: the run, and every module it imported."""
    run = subprocess.run([sys.executable, "-X", "importtime", "-m", "dlcalc", "lstm-grads", *argv],
                         capture_output=True, text=True, check=False)
    return run, {line.split("|")[-1].strip() for line in run.stderr.splitlines() if line.startswith("import time:")}


def test_small_cells_do_not_import_numpy(tmp_path):
    values = write(tmp_path, {"W": [[0.1, 0.2], [0.3, -0.4], [0.5, 0.6], [-0.7, 0.8]], "x": 2, "dh": [1]})
    for argv in (*FAST, ["--values", values, "--json"], ["--values", values, "--check", "h=0.1"]):
        run, modules = run_importtime(*argv)
        assert run.returncode in (0, 1) and "finite differences" in run.stdout, (argv, run.stderr[-500:])
        assert not {m for m in modules if m == "numpy" or m.startswith("numpy.")}, argv


def test_larger_cells_and_bptt_still_import_numpy():
    for argv in (["--hidden", "4", "--input-size", "5", "--json"], ["--steps", "2", "--json"]):
        run, modules = run_importtime(*argv)
        assert run.returncode == 0 and "numpy" in modules, argv


def test_the_default_run_prints_what_numpy_would_draw():
    data = json.loads(runner.invoke(app, ["lstm-grads", "--json"]).stdout)
    assert data["inputs"]["W"] == [[0.27, -0.46], [-0.92, -0.97], [0.63, 0.83], [0.21, 0.46]]  # the README's
    assert bits(data["inputs"]["b"]) == bits(lstm.step_values(1, 1, 0, {})[0]["b"])
