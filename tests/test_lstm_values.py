"""lstm-grads' values: drawn from numpy's generator by seed, given from a file or a dict, refused when bad;
claims on a step and through time; the API on typed values."""

from __future__ import annotations

import json

import numpy as np
import pytest
from helpers import assert_bad_input
from typer.testing import CliRunner

import dlcalc
from dlcalc.cli import app
from dlcalc.core import lstm

runner = CliRunner()


def run_json(*args: str) -> dict:
    result = runner.invoke(app, ["lstm-grads", *args, "--json"])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def write(tmp_path, data) -> str:
    path = tmp_path / "v.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return f"@{path}"


def test_the_default_run_draws_from_numpy_by_the_seed():
    data = run_json()
    assert data["inputs"]["W"] == [[0.27, -0.46], [-0.92, -0.97], [0.63, 0.83], [0.21, 0.46]]  # the README's
    rng = np.random.default_rng(0)  # the draws in STEP_KEYS order, written out here
    expected = {}
    for key, shape in (("W", (4, 2)), ("b", (4,)), ("x", (1,)), ("h_prev", (1,)), ("c_prev", (1,)), ("dh", (1,)),
                       ("dc_next", (1,)), ("f_next", (1,))):
        expected[key] = np.round(rng.uniform(-1.0, 1.0, size=shape), 2)
        if key == "f_next":
            expected[key] = np.round(rng.uniform(0.05, 0.95, size=shape), 2)
    for key, value in expected.items():
        assert data["inputs"][key] == value.tolist(), key


def test_given_values_do_not_shift_the_drawn_ones():
    given = lstm.as_values({"x": [0.5], "dh": [1.0]})
    values, drawn, _, _ = lstm.step_values(1, 1, 3, given)
    alone, _, _, _ = lstm.step_values(1, 1, 3, {})
    assert values["x"].tolist() == [0.5] and "x" not in drawn
    assert values["W"].tolist() == alone["W"].tolist() and values["f_next"].tolist() == alone["f_next"].tolist()


def test_large_cells_are_scaled_like_pytorch_init():
    data = run_json("--hidden", "2", "--input-size", "14")
    raw = np.round(np.random.default_rng(0).uniform(-1.0, 1.0, size=(8, 16)), 2)
    assert np.allclose(data["inputs"]["W"], raw / np.sqrt(2), rtol=0, atol=0)


@pytest.mark.parametrize("size", [[], ["--hidden", "8", "--input-size", "8"], ["--steps", "2"]])
def test_a_negative_seed_is_refused_on_every_path(size):
    assert_bad_input(runner.invoke(app, ["lstm-grads", "--seed", "-1", *size]), "--seed: expected a seed from 0")


def test_huge_seeds_draw_as_numpy_does():
    seed = 2**70 + 3
    data = run_json("--seed", str(seed))
    assert data["inputs"]["W"] == np.round(np.random.default_rng(seed).uniform(-1, 1, size=(4, 2)), 2).tolist()


def test_values_from_a_file_and_from_a_dict_are_the_same_problem(tmp_path):
    values = {"W": [[0, 1]] * 4, "x": 2, "dh": ["0.5"]}
    from_file = dlcalc.lstm_grads(values=write(tmp_path, values))
    from_dict = dlcalc.lstm_grads(values={"W": np.array([[0.0, 1.0]] * 4), "x": 2.0, "dh": [0.5]})
    assert from_file.to_dict() == from_dict.to_dict()
    assert from_file.inputs["drawn_from_seed"] == ["b", "h_prev", "c_prev", "dc_next", "f_next"]


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
def test_bad_values_exit_2_with_one_line(tmp_path, data, fragment):
    assert_bad_input(runner.invoke(app, ["lstm-grads", "--values", write(tmp_path, data)]), fragment)


def test_bad_values_in_a_large_cell(tmp_path):
    big = {"W": [[1e308] * 12] * 16, "x": [1] * 8, "h_prev": [1] * 4}
    assert_bad_input(runner.invoke(app, ["lstm-grads", "--values", write(tmp_path, big)]), "overflow float64")
    assert_bad_input(runner.invoke(app, ["lstm-grads", "--hidden", "9", "--values", write(tmp_path, {"W": [[]] * 4})]),
                     "W must have shape 36×10")


def test_huge_but_finite_values_are_computed(tmp_path):
    result = runner.invoke(app, ["lstm-grads", "--values", write(tmp_path, {"W": [[1e200, 1e200]] * 4}), "--json"])
    assert result.exit_code in (0, 1) and result.stderr == "", result.output


def test_claimed_values_of_a_step():
    di = run_json()["result"]["grads"]["di"][0]
    assert runner.invoke(app, ["lstm-grads", "--check", f"di={di:.4f}"]).exit_code == 0
    assert runner.invoke(app, ["lstm-grads", "--check", f"di={di + 0.01:.4f}"]).exit_code == 1
    dz = run_json("--hidden", "2")["result"]["grads"]["dz"]
    assert runner.invoke(app, ["lstm-grads", "--hidden", "2", "--check", "dz=" + ",".join(f"{d:.5f}" for d in dz)]
                         ).exit_code == 0
    sol = dlcalc.lstm_grads()
    assert sol.check(f"δi_t = {di:.6f}").passed and sol.check({"di": round(di, 6)}).passed
    assert sol.check(r"\delta i_t = \delta c_t \odot g_t").passed  # a formula in its own spelling, unnamed
    with pytest.raises(dlcalc.InputError, match="names what it claims"):
        sol.check("0.13")


def test_claims_through_time_are_judged_not_crashing():
    """Before, a claim on a BPTT run was an internal error (KeyError 'z_i')."""
    sol = dlcalc.lstm_grads(hidden=2, steps=3, loss="mse")
    dW = sol.result["grads"]["dW"].tolist()
    flat = ", ".join(f"{v:.6f}" for row in dW for v in row)
    assert sol.check(f"dW={flat}").passed
    result = runner.invoke(app, ["lstm-grads", "--hidden", "2", "--steps", "3", "--loss", "mse", "--check", "dW=0.1"])
    assert result.exit_code == 1 and "dW" in result.stdout
    assert dlcalc.lstm_grads(steps=2, check_formula="di = dc*g").verdict.passed
    with pytest.raises(dlcalc.InputError, match="unknown quantity"):
        sol.check("z_i=0.1")


def test_bptt_is_checked_through_all_steps():
    data = run_json("--steps", "3")
    assert all(c["passed"] for c in data["checks"])
    assert set(data["result"]["grads"]) == {"dW", "db", "dx", "dh0", "dc0"}


def test_the_api_names_the_argument_of_bad_input():
    for kwargs, argument in (({"hidden": 0}, "hidden"), ({"seed": -1}, "seed"), ({"gate_order": "gofi"}, "gate_order"),
                             ({"loss": "l1"}, "loss"), ({"values": 3}, "values"), ({"steps": 0}, "steps"),
                             ({"check": "di"}, "check"), ({"check_formula": "di = "}, "check_formula")):
        with pytest.raises(dlcalc.InputError) as info:
            dlcalc.lstm_grads(**kwargs)
        assert info.value.argument == argument, kwargs
