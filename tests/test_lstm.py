"""lstm-grads: a hand-worked scalar cell and the default cell against an independent scalar computation,
finite differences on random cells (and a wrong gradient caught), BPTT, gate orders, errors, the API,
and the claim tables (values, formulas, spellings, through time)."""

from __future__ import annotations

import json
import math
import struct
import subprocess
import sys
import time

import numpy as np
import pytest
from helpers import assert_bad_input
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import dlcalc
from dlcalc.cli import app
from dlcalc.commands.lstm_grads import FORMULA_NAMES, lstm_grads, resolve_name
from dlcalc.core import lstm
from dlcalc.core.lstm import (
    FD_PASS,
    FORWARD_KEYS,
    GRAD_KEYS,
    STEP_KEYS,
    Vector,
    backward,
    bptt,
    draw,
    finite_difference_errors,
    forward,
    rel_error,
    step_pass,
    step_values,
)
from dlcalc.errors import InputError

runner = CliRunner()


def run_json(*args: str) -> dict:
    result = runner.invoke(app, ["lstm-grads", *args, "--json"])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def test_scalar_cell_worked_by_hand(tmp_path):
    # W = 0, b = 0: every gate pre-activation is 0, so i = f = o = 1/2 and g = 0.
    path = tmp_path / "cell.json"
    path.write_text(json.dumps({"W": [[0, 0]] * 4, "b": [0, 0, 0, 0], "x": [2], "h_prev": [3], "c_prev": [1],
                                "dh": [1], "dc_next": [0.4], "f_next": [0.5]}))
    data = run_json("--values", f"@{path}")
    fw, grads = data["result"]["forward"], data["result"]["grads"]
    c = 0.5 * 1 + 0.5 * 0
    assert fw["c"] == [c] and fw["h"][0] == pytest.approx(0.5 * math.tanh(c), abs=1e-15)
    dc = 1 * 0.5 * (1 - math.tanh(c) ** 2) + 0.4 * 0.5
    assert grads["do"][0] == pytest.approx(math.tanh(c), abs=1e-15)
    assert grads["dc"][0] == pytest.approx(dc, abs=1e-15)
    assert grads["di"] == [0.0]  # δi = δc·g and g = 0
    assert grads["df"][0] == pytest.approx(dc * 1, abs=1e-15)
    assert grads["dg"][0] == pytest.approx(dc * 0.5, abs=1e-15)
    assert grads["dc_prev"][0] == pytest.approx(dc * 0.5, abs=1e-15)
    # δz in ifog order: δi·i(1−i), δf·f(1−f), δo·o(1−o), δg·(1−g²)
    assert grads["dz"] == pytest.approx([0.0, dc * 0.25, math.tanh(c) * 0.25, dc * 0.5], abs=1e-15)
    assert np.allclose(grads["dW"], [[d * 3, d * 2] for d in grads["dz"]], rtol=0, atol=1e-15)
    assert grads["dh_prev"] == [0.0] and grads["dx"] == [0.0]  # W = 0
    assert all(check["passed"] for check in data["checks"])


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 6), st.integers(1, 5), st.integers(0, 10**6), st.sampled_from(["ifog", "ifgo"]))
def test_every_gradient_matches_finite_differences(hidden, inputs, seed, order):
    v, _, _, _ = step_values(hidden, inputs, seed, {})
    fw = forward(v["W"], v["b"], v["x"], v["h_prev"], v["c_prev"], order)
    grads = backward(fw, v["W"], v["x"], v["h_prev"], v["c_prev"], v["dh"], v["dc_next"], v["f_next"], order)
    errors = finite_difference_errors(v, fw, grads, order)
    assert set(errors) == {"do", "dc", "di", "df", "dg", "dz", "dW", "db", "dh_prev", "dc_prev", "dx"}
    assert all(judged < 1e-6 for _, judged in errors.values()), errors


def test_gate_orders_only_permute_the_rows():
    v, _, _, _ = step_values(3, 2, 5, {})
    perm = np.r_[0:3, 3:6, 9:12, 6:9]  # ifog rows → ifgo rows
    ifog = forward(v["W"], v["b"], v["x"], v["h_prev"], v["c_prev"], "ifog")
    ifgo = forward(v["W"][perm], v["b"][perm], v["x"], v["h_prev"], v["c_prev"], "ifgo")
    assert np.allclose(ifog["h"], ifgo["h"])
    g1 = backward(ifog, v["W"], v["x"], v["h_prev"], v["c_prev"], v["dh"], v["dc_next"], v["f_next"], "ifog")
    g2 = backward(ifgo, v["W"][perm], v["x"], v["h_prev"], v["c_prev"], v["dh"], v["dc_next"], v["f_next"], "ifgo")
    assert np.allclose(g1["dW"][perm], g2["dW"]) and np.allclose(g1["dx"], g2["dx"])


def loop_lstm_loss(W, b, xs, h0, c0, order):
    """The unrolled loss Σ_t Σ h_t, one element at a time with math (no numpy arithmetic)."""
    hidden = len(h0)
    rows = {gate: k for k, gate in enumerate(order)}
    h, c, total = list(h0), list(c0), 0.0
    for x in xs:
        inp = h + list(x)
        z = [sum(W[r][k] * inp[k] for k in range(len(inp))) + b[r] for r in range(4 * hidden)]

        def gate(name, j, z=z):
            return z[rows[name] * hidden + j]

        sig = [1 / (1 + math.exp(-gate(n, j))) for n in "ifo" for j in range(hidden)]
        i, f, o = sig[:hidden], sig[hidden:2 * hidden], sig[2 * hidden:]
        g = [math.tanh(gate("g", j)) for j in range(hidden)]
        c = [f[j] * c[j] + i[j] * g[j] for j in range(hidden)]
        h = [o[j] * math.tanh(c[j]) for j in range(hidden)]
        total += sum(h)
    return total


def test_bptt_against_differences_of_an_independent_loop():
    rng = np.random.default_rng(3)
    inputs, steps = 2, 4
    W, b, xs = draw(rng, (8, 4)), draw(rng, (8,)), draw(rng, (steps, inputs))
    h0, c0 = draw(rng, (2,)), draw(rng, (2,))
    for order in ("ifog", "ifgo"):
        out = bptt(W, b, xs, h0, c0, "sum", None, order)
        assert out["loss"] == pytest.approx(loop_lstm_loss(W.tolist(), b.tolist(), xs.tolist(), h0.tolist(),
                                                           c0.tolist(), order), abs=1e-12)
        eps = 1e-6
        for r in range(8):
            for k in range(4):
                up, down = W.copy(), W.copy()
                up[r, k] += eps
                down[r, k] -= eps
                numeric = (loop_lstm_loss(up.tolist(), b.tolist(), xs.tolist(), h0.tolist(), c0.tolist(), order) -
                           loop_lstm_loss(down.tolist(), b.tolist(), xs.tolist(), h0.tolist(), c0.tolist(), order)
                           ) / (2 * eps)
                assert out["dW"][r, k] == pytest.approx(numeric, abs=1e-7)


def test_bptt_from_the_command_line():
    data = run_json("--hidden", "3", "--input-size", "2", "--steps", "6", "--loss", "mse", "--seed", "4")
    assert set(data["result"]["grads"]) == {"dW", "db", "dx", "dh0", "dc0"}
    assert len(data["result"]["grads"]["dx"]) == 6
    assert all(check["passed"] for check in data["checks"])


def test_json_keys():
    data = run_json()
    assert set(data["result"]["grads"]) == {"do", "dc", "di", "df", "dg", "dz", "dW", "db", "dh_prev", "dc_prev",
                                            "dx"}
    assert {"i", "f", "o", "g", "c", "h"} <= set(data["result"]["forward"])
    assert isinstance(data["result"]["grads"]["dW"][0], list)


def test_numeric_claims_are_precision_aware():
    data = run_json()
    di = data["result"]["grads"]["di"][0]
    right = runner.invoke(app, ["lstm-grads", "--check", f"di={di:.4f}"])
    assert right.exit_code == 0, right.output
    wrong = runner.invoke(app, ["lstm-grads", "--check", f"di={di + 0.01:.4f}"])
    assert wrong.exit_code == 1


def test_values_drawn_from_the_seed_are_reproducible_and_named():
    first, second = run_json("--seed", "11"), run_json("--seed", "11")
    assert first["result"] == second["result"]
    assert "W" in first["inputs"]["drawn_from_seed"]


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--values", "@missing.json"], "cannot read"),
        (["--hidden", "0"], "--hidden"),
        (["--gate-order", "abcd"], "--gate-order"),
        (["--check", "dq=1"], "unknown quantity"),
        (["--check", "di"], "NAME=VALUES"),
        (["--target", "1 2"], "--steps"),
        (["--steps", "0"], "--steps"),
        (["--seed", "-1"], "--seed: expected a seed from 0"),
        (["--seed", str(2**128)], "--seed: expected a seed from 0"),
    ],
)
def test_bad_input_exits_2_with_one_line(args, fragment):
    result = runner.invoke(app, ["lstm-grads", *args])
    assert_bad_input(result, fragment)


def test_bad_shapes_and_overflow(tmp_path):
    path = tmp_path / "v.json"
    path.write_text(json.dumps({"W": [[1, 2, 3]] * 4, "x": [1]}))
    result = runner.invoke(app, ["lstm-grads", "--values", f"@{path}"])
    assert result.exit_code == 2 and "x must have shape 2" in result.stderr
    path.write_text(json.dumps({"W": [[1, 2]] * 5}))
    result = runner.invoke(app, ["lstm-grads", "--values", f"@{path}"])
    assert result.exit_code == 2 and "4H rows" in result.stderr
    path.write_text(json.dumps({"W": [[1e308, 1e308]] * 4, "x": [1], "h_prev": [1]}))
    result = runner.invoke(app, ["lstm-grads", "--values", f"@{path}"])
    assert result.exit_code == 2 and "overflow" in result.stderr
    path.write_text(json.dumps({"Wx": [1]}))
    result = runner.invoke(app, ["lstm-grads", "--values", f"@{path}"])
    assert result.exit_code == 2 and "unknown key 'Wx'" in result.stderr


def test_library_use():
    sol = lstm_grads(hidden=2, input_size=2, seed=1)
    assert sol.all_checks_passed


SEED_Q21 = {  # the seed's final formulas, and whether they are right
    "δo_t = δh_t ⊙ tanh(c_t)": True,
    "δc_t = δh_t ⊙ o_t ⊙ (1 − tanh²(c_t)) + δc_{t+1} ⊙ f_t": False,
    "δi_t = δh_t ⊙ g_t": False,
    "δf_t = δh_t ⊙ c_t": False,
    "δg_t = δh_t ⊙ i_t": False,
}


@pytest.mark.parametrize(("formula", "right"), SEED_Q21.items())
def test_seed_q2_1_formulas_are_judged(formula, right):
    result = runner.invoke(app, ["lstm-grads", "--check-formula", formula, "--json"])
    assert result.exit_code == (0 if right else 1), result.output
    verdict = json.loads(result.stdout)["verdict"]
    assert verdict["passed"] is right
    if not right:
        assert any(line.startswith("counterexample") for line in verdict["details"])


def test_diagnoses_name_the_missing_factor_path_and_time_index():
    data = run_json("--check-formula", "di = dh*g", "--check-formula", "dc = dh*o*(1 - tanh(c)^2) + dc_next*f",
                    "--check-formula", "df = dc*c")
    diagnosis = data["verdict"]["diagnosis"]
    assert "misses the factor o_t ⊙ (1 − tanh²(c_t)) and the path δc_{t+1} ⊙ f_{t+1}" in diagnosis
    assert "f_t appears where f_{t+1} belongs" in diagnosis
    assert "c_t appears where c_{t−1} belongs" in diagnosis


@pytest.mark.parametrize("formula", [
    "di = dc*g", r"\delta i_t = \delta c_t \odot g_t", "δi_t = δc_t ⊙ g_t",
    "dc = dh*o*(1 - tanh(c)**2) + dc_next*f_next", "dc_prev = dc*f", "dg_hat = dg*(1 - g^2)",
    "di_hat = di*sigma(0)*2*i*(1-i)",
])
def test_right_formulas_in_every_spelling_pass(formula):
    assert runner.invoke(app, ["lstm-grads", "--check-formula", formula]).exit_code == 0


@pytest.mark.parametrize("formula", ["__import__('os')", "di = dh.real", "di = q*g", "di = (dh*g", "di = dh(g)",
                                     "di = " + "(" * 5000 + "dh" + ")" * 5000, "dq = dh"])
def test_bad_formulas_are_refused(formula):
    result = runner.invoke(app, ["lstm-grads", "--check-formula", formula])
    assert result.exit_code == 2, result.output
    assert len(result.stderr.strip().splitlines()) == 1


def test_formulas_are_derived_and_agree_with_sympy():
    data = run_json("--formulas")
    symbolic = [c for c in data["checks"] if c["method"] == "sympy"]
    assert len(symbolic) == 10 and all(c["passed"] for c in symbolic)


def test_the_finite_difference_sample_shrinks_for_large_cells_and_a_huge_one_is_refused(monkeypatch):
    from dlcalc.core.lstm import FD_ENTRIES, MAX_WORK, fd_entries

    assert fd_entries(1, 1, MAX_WORK) == FD_ENTRIES  # small cells: every entry (W has 8)
    assert fd_entries(128, 128, MAX_WORK) == FD_ENTRIES
    big = fd_entries(512, 512, MAX_WORK)
    assert big is not None and big < FD_ENTRIES
    per_pass = 4 * 512 * 1024
    assert 2 * sum(min(n, big) for n in (4 * 512 * 1024, 4 * 512, 512, 512, 512)) * per_pass <= MAX_WORK
    assert fd_entries(4096, 4096, MAX_WORK) is None
    started = time.perf_counter()
    result = runner.invoke(app, ["lstm-grads", "--hidden", "4096", "--input-size", "4096"])
    assert_bad_input(result, "raise DLCALC_MAX_WORK")
    assert time.perf_counter() - started < 2  # refused before drawing a 16384×8192 W
    monkeypatch.setenv("DLCALC_MAX_WORK", "1000")
    assert_bad_input(runner.invoke(app, ["lstm-grads", "--hidden", "3"]), "more than the limit of 1,000")


# ---------------------------------------------------------------------------------------------
# Every number of the default cell, against an independent scalar computation
# ---------------------------------------------------------------------------------------------


def scalar_cell(v: dict) -> tuple[dict, dict]:
    """One step of a cell with H = M = 1, number by number with math (ifog rows)."""
    W, b = v["W"], v["b"]
    h, x, cp, dh, dcn, fn = (v[k][0] for k in ("h_prev", "x", "c_prev", "dh", "dc_next", "f_next"))
    z = [W[r][0] * h + W[r][1] * x + b[r] for r in range(4)]

    def sig(u: float) -> float:
        return 1 / (1 + math.exp(-u))

    i, f, o, g = sig(z[0]), sig(z[1]), sig(z[2]), math.tanh(z[3])
    c = f * cp + i * g
    fw = {"z_i": z[0], "z_f": z[1], "z_o": z[2], "z_g": z[3], "i": i, "f": f, "o": o, "g": g, "c": c,
          "tanh_c": math.tanh(c), "h": o * math.tanh(c)}
    dc = dh * o * (1 - math.tanh(c) ** 2) + dcn * fn
    do, di, df, dg = dh * math.tanh(c), dc * g, dc * cp, dc * i
    dz = [di * i * (1 - i), df * f * (1 - f), do * o * (1 - o), dg * (1 - g * g)]
    grads = {"do": do, "dc": dc, "di": di, "df": df, "dg": dg, "dz": dz, "dW": [[d * h, d * x] for d in dz],
             "db": dz, "dh_prev": sum(W[r][0] * dz[r] for r in range(4)),
             "dc_prev": dc * f, "dx": sum(W[r][1] * dz[r] for r in range(4))}
    return fw, grads


@pytest.mark.parametrize("seed", [0, 1, 11, 2**70])
def test_the_default_cell_against_an_independent_scalar_computation(seed):
    data = run_json("--seed", str(seed))
    fw, grads = scalar_cell(data["inputs"])
    for key in FORWARD_KEYS:
        assert data["result"]["forward"][key] == [pytest.approx(fw[key], rel=1e-12, abs=1e-15)], key
    for key in GRAD_KEYS:
        expected = np.ravel(grads[key])
        assert np.allclose(np.ravel(data["result"]["grads"][key]), expected, rtol=1e-12, atol=1e-15), key


# ---------------------------------------------------------------------------------------------
# Values drawn from the seed: numpy's generator, in a fixed order
# ---------------------------------------------------------------------------------------------

HUGE_SEEDS = [2**32 - 1, 2**32, 2**64 - 1, 2**64 + 5, 2**127 + 3, 2**128 - 1]


def bits(values) -> list[bytes]:
    """Every float as its 8 bytes: equal means bit for bit, the sign of zero included."""
    return [struct.pack("<d", x) for x in np.asarray(values, dtype=np.float64).reshape(-1).tolist()]


@pytest.mark.parametrize("seed", [0, 7, *HUGE_SEEDS])
def test_drawn_values_are_numpys_for_any_seed(seed):
    data = run_json("--seed", str(seed))
    rng = np.random.default_rng(seed)
    for key in STEP_KEYS:
        shape = (4, 2) if key == "W" else (4,) if key == "b" else (1,)
        expected = np.round(rng.uniform(-1.0, 1.0, size=shape), 2)
        if key == "f_next":
            expected = np.round(rng.uniform(0.05, 0.95, size=shape), 2)
        assert bits(data["inputs"][key]) == bits(expected), key


def test_a_drawn_negative_zero_keeps_its_sign():
    W = step_values(2, 3, 4, {})[0]["W"]
    assert W[4][4] == 0 and math.copysign(1, W[4][4]) == -1
    shown = run_json("--hidden", "2", "--input-size", "3", "--seed", "4")["inputs"]["W"]
    assert bits(shown) == bits(W)


# ---------------------------------------------------------------------------------------------
# The finite-difference check catches a wrong gradient
# ---------------------------------------------------------------------------------------------

cells = st.tuples(st.integers(1, 4), st.integers(1, 6), st.integers(0, 10**9), st.sampled_from(lstm.ORDERS),
                  st.sampled_from([1.0, 3.0, 0.2]))


@settings(max_examples=60, deadline=None)
@given(cells, st.sampled_from(GRAD_KEYS), st.sampled_from([1.01, -1.0, 0.0]))
def test_a_wrong_gradient_is_caught(cell, key, factor):
    hidden, inputs, seed, order, scale = cell
    v = step_values(hidden, inputs, seed, {})[0]
    v["W"] = v["W"] * scale  # larger weights saturate the gates
    fw, grads = step_pass(v, order)
    moved = float(np.max(np.abs(grads[key] * (factor - 1.0))))
    grads[key] = grads[key] * factor
    verdicts = {k: judged < FD_PASS for k, (_, judged) in finite_difference_errors(v, fw, grads, order).items()}
    assert all(verdicts[k] for k in verdicts if k != key)
    if moved > 1e-6:  # far above the rounding noise of the differences: the wrong gradient is caught
        assert not verdicts[key]


def test_relative_error():
    assert rel_error(np.array([1.0]), np.array([1.0 + 1e-9])) == pytest.approx(5e-10, rel=1e-6)
    assert rel_error(np.array([1.0]), np.array([1.0 + 1e-9]), noise=1e-8) == 0.0
    assert math.isnan(rel_error(np.array([1.0, math.nan]), np.array([1.0, 1.0])))
    assert rel_error(np.array([]), np.array([])) == 0.0
    assert rel_error(np.array([0.0]), np.array([0.0])) == 0.0


def test_vectors_show_their_ends_and_corners():
    assert Vector(np.arange(5.0)).preview() == [0.0, 1.0, 2.0, 3.0, 4.0]
    assert Vector(np.arange(10.0)).preview() == [0.0, 1.0, 2.0, 3.0, "…", 8.0, 9.0]
    corners = Vector(np.arange(100.0).reshape(10, 10)).preview()
    assert corners[0] == [0.0, 1.0, 2.0, 3.0, "…", 8.0, 9.0] and corners[4] == ["…"] * 7
    assert Vector([[1, 2], [3, 4]]).flat() == [1.0, 2.0, 3.0, 4.0]


# ---------------------------------------------------------------------------------------------
# --values
# ---------------------------------------------------------------------------------------------


def write(tmp_path, data) -> str:
    path = tmp_path / "v.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return f"@{path}"


def test_values_from_a_file_or_a_dict_are_float_arrays(tmp_path):
    data = {"W": [[0, 1]] * 4, "x": 2, "dh": ["0.5"], "xs": [[1], [2]]}
    values = lstm.as_values(data)
    assert {k: a.tolist() for k, a in values.items()} == {"W": [[0.0, 1.0]] * 4, "x": [2.0], "dh": [0.5],
                                                          "xs": [[1.0], [2.0]]}
    assert all(a.dtype == np.float64 for a in values.values())
    assert lstm_grads(values=write(tmp_path, data)).to_dict() == lstm_grads(values=data).to_dict()


# ---------------------------------------------------------------------------------------------
# The API: typed values or text, InputError naming the argument
# ---------------------------------------------------------------------------------------------

CELL = {"W": [[0.1, 0.2], [0.3, -0.4], [0.5, 0.6], [-0.7, 0.8]], "x": [2.0], "dh": [1.0]}


def test_typed_values_and_text_give_the_same_solution(tmp_path):
    text = lstm_grads(values=write(tmp_path, CELL), hidden="1", seed="3", check="h=0.1",
                      check_formula="di = dc*g")
    arrays = lstm_grads(values={k: np.array(v) for k, v in CELL.items()}, hidden=1, seed=3, check=["h=0.1"],
                        check_formula=["di = dc*g"])
    named = lstm_grads(values=CELL, hidden=1, seed=3, check={"h": 0.1}, check_formula=["di = dc*g"])
    assert text.to_dict() == arrays.to_dict() == named.to_dict()
    assert text.verdict is not None and set(text.verdict.claimed) == {"h", "di"}
    assert dlcalc.lstm_grads is lstm_grads


def test_typed_and_text_targets_give_the_same_sequence():
    a = lstm_grads(steps="3", loss="mse", target="0.5", input_size=2)
    b = lstm_grads(steps=3, loss="mse", target=[0.5], input_size="2")
    c = lstm_grads(steps=3, loss="mse", target=np.full((3, 1), 0.5), input_size=2)
    assert a.to_dict() == b.to_dict() == c.to_dict()
    assert a.inputs["targets"].tolist() == [[0.5]] * 3


@pytest.mark.parametrize(("kwargs", "argument", "fragment"), [
    ({"gate_order": "abcd"}, "gate_order", "expected ifog or ifgo"),
    ({"loss": "l1", "steps": 2}, "loss", "expected sum or mse"),
    ({"hidden": 0}, "hidden", "expected a size from 1"),
    ({"input_size": "two"}, "input_size", "expected a number"),
    ({"seed": -1}, "seed", "expected a seed from 0"),
    ({"steps": 0}, "steps", "expected 1 to 10000 steps"),
    ({"target": "1 2"}, "target", "add --steps T"),
    ({"steps": 2, "target": "1"}, "target", "is for --loss mse"),
    ({"steps": 2, "loss": "mse", "target": "1 2 3"}, "target", "the target must be T×H"),
    ({"values": {"Wx": [1]}}, "values", "unknown key 'Wx'"),
    ({"values": {"x": [1, "a"]}}, "values", "x must be numbers"),
    ({"values": 3}, "values", "expected @file.json"),
    ({"check": "di"}, "check", "NAME=VALUES"),
    ({"check": "dq=1"}, "check", "unknown quantity"),
    ({"check": "di=1, 2"}, "check", "expected 1 value"),
    ({"check_formula": "dq = dh"}, "check_formula", "unknown name"),
    ({"check_formula": [3]}, "check_formula", "expected formula text"),
    ({"check": "di=0.1", "rtol": -1}, "rtol", "tolerance"),
])
def test_bad_input_raises_input_error_naming_the_argument(kwargs, argument, fragment):
    with pytest.raises(InputError) as error:
        lstm_grads(**kwargs)
    assert error.value.argument == argument and fragment in error.value.message, error.value


# ---------------------------------------------------------------------------------------------
# Claims: solution.check on every quantity, formulas, spellings, BPTT
# ---------------------------------------------------------------------------------------------


def test_every_quantity_of_a_step_can_be_claimed():
    sol = lstm_grads(hidden=2, input_size=3, seed=5)
    for group, keys in (("forward", FORWARD_KEYS), ("grads", GRAD_KEYS)):
        for key in keys:
            values = sol.result[group][key].flat()
            verdict = sol.check({key: ", ".join(repr(x) for x in values)})
            assert verdict.passed, key
            assert verdict.correct == {key: values}
            wrong = sol.check(f"{key}={values[0] + 0.5!r}")
            assert not wrong.passed and wrong.details[0].startswith(f"{key}: ✗"), key


def test_the_gradients_of_the_pre_activations_are_claimable_by_their_formula_names():
    sol = lstm_grads()
    dz = sol.result["grads"]["dz"].flat()  # ifog: δẑ_i, δẑ_f, δẑ_o, δẑ_g
    for name, value in zip(("di_hat", "df_hat", "do_hat", "dg_hat"), dz, strict=True):
        assert sol.check({name: f"{value:.6f}"}).passed, name
    assert sol.check(f"dzi={dz[0]:.5f}").passed and sol.check(f"dz_f={dz[1]:.5f}").passed
    assert sol.check("di_hat = di*i*(1 - i)").passed  # a formula when the claim is not numbers


def test_numeric_claims_keep_their_verdict_text():
    sol = lstm_grads(check=["h=0.0489"], check_formula="di = dc*g")
    verdict = sol.verdict.to_dict()
    assert verdict["claimed"] == {"h": 0.0489, "di": "δc_t ⊙ g_t"} and verdict["passed"] is True
    assert verdict["correct"]["di"] == "δc_t ⊙ g_t"
    assert verdict["correct"]["h"] == pytest.approx(0.04888305004042413, rel=1e-13)
    assert verdict["details"] == [
        "h: ✓ claimed 0.0489, correct 0.04888305004; accepted by the claim's 4 decimals: 0.04885 ≤ true < 0.04895",
        "✓ δi_t = δc_t ⊙ g_t equals δc_t ⊙ g_t for all values"]
    assert verdict["diagnosis"] is None


def test_a_claim_names_what_it_claims():
    sol = lstm_grads()
    with pytest.raises(InputError, match='names what it claims: "di = dc\\*g" or "di=0.13"'):
        sol.check("0.13")


def test_formula_and_number_claims_go_through_the_same_table():
    sol = lstm_grads()
    assert sol.check("di = dc*g").passed
    assert sol.check({"di": "dc*g"}).passed and sol.check({"di": 0.1312}).passed
    wrong = sol.check({"di": "dh*g"})
    assert not wrong.passed and "δh_t stands where δc_t belongs" in wrong.diagnosis
    both = sol.check({"h": 0.0489, "df": "dc*c_prev"})
    assert both.passed and set(both.claimed) == {"h", "df"}
    assert sol.check("δi_t = δc_t ⊙ g_t").passed
    assert sol.check({"δi_t": 0.1312}).passed and sol.check("dc_{t−1}=-0.1393").passed


def test_other_spellings_resolve_to_the_canonical_names():
    from dlcalc.parse.formula import LEFT

    assert FORMULA_NAMES == tuple(LEFT)
    assert resolve_name("di_t") == "di" and resolve_name("dc_{t−1}") == "dc_prev"
    assert resolve_name(r"\delta c_{t-1}") == "dc_prev" and resolve_name("dzi") == "di_hat"
    assert resolve_name("c_t") == "c" and resolve_name("dh*g") is None and resolve_name("q") is None


def test_bptt_claims_are_judged():
    result = runner.invoke(app, ["lstm-grads", "--steps", "3", "--loss", "mse", "--check", "dW=0.1"])
    assert result.exit_code == 1 and "dW: ✗ claimed 0.1" in result.stdout, result.output
    sol = lstm_grads(steps=3, loss="mse")
    for key in ("dW", "db", "dx", "dh0", "dc0"):
        values = sol.result["grads"][key].flat()
        assert sol.check({key: ", ".join(repr(x) for x in values)}).passed, key
    hs = sol.result["forward"]["h"].flat()
    assert sol.check({"h": ", ".join(repr(x) for x in hs)}).passed
    assert sol.check(f"loss={sol.result['loss']!r}").passed and not sol.check("loss=1").passed
    with pytest.raises(InputError, match="unknown quantity"):
        sol.check("z_i=0.1")
    assert sol.check("di = dc*g").passed
    formula = runner.invoke(app, ["lstm-grads", "--steps", "3", "--check-formula", "di = dc*g"])
    assert formula.exit_code == 0 and "✓ δi_t = δc_t ⊙ g_t equals" in formula.stdout


def modules(*argv: str) -> tuple[subprocess.CompletedProcess, set[str]]:
    """``python -X importtime -m dlcalc lstm-grads …``: the run, and every module it imported."""
    run = subprocess.run([sys.executable, "-X", "importtime", "-m", "dlcalc", "lstm-grads", *argv],
                         capture_output=True, text=True, check=False)
    return run, {line.split("|")[-1].strip() for line in run.stderr.splitlines() if line.startswith("import time:")}


def test_sympy_is_imported_only_when_a_formula_is_judged():
    for argv in ([], ["--check", "di=0.1"], ["--steps", "2", "--check", "dW=0.1", "--json"], ["--latex"]):
        run, imported = modules(*argv)
        assert run.returncode in (0, 1) and "finite differences" in run.stdout, (argv, run.stderr[-500:])
        assert "sympy" not in imported, argv
    run, imported = modules("--check-formula", "di = dc*g")
    assert run.returncode == 0 and "sympy" in imported


def test_the_finite_differences_taken_do_not_grow_with_the_cell(monkeypatch):
    from dlcalc.core.lstm import gradcheck
    from dlcalc.core.lstm.cell import Arrays, step_pass

    taken: list[int] = []
    original = gradcheck.numeric_gradient

    def counting(function, point, eps=gradcheck.FD_EPS, indices=None):
        taken.append(point.size if indices is None else len(indices))
        return original(function, point, eps, indices)

    monkeypatch.setattr(gradcheck, "numeric_gradient", counting)
    rng = np.random.default_rng(0)
    counts = {}
    for hidden in (8, 64, 256):
        v: Arrays = {"W": rng.uniform(-1, 1, (4 * hidden, hidden + 3)), "b": rng.uniform(-1, 1, 4 * hidden),
                     "x": rng.uniform(-1, 1, 3), "h_prev": rng.uniform(-1, 1, hidden),
                     "c_prev": rng.uniform(-1, 1, hidden), "dh": rng.uniform(-1, 1, hidden),
                     "dc_next": rng.uniform(-1, 1, hidden), "f_next": rng.uniform(0, 1, hidden)}
        fw, grads = step_pass(v, "ifog")
        taken.clear()
        errors = gradcheck.finite_difference_errors(v, fw, grads, "ifog", max_entries=32)
        assert all(judged < gradcheck.FD_PASS for _, judged in errors.values())
        counts[hidden] = sum(taken)
    assert counts[64] == counts[256] <= 32 * 11  # eleven arrays, at most 32 entries of each
    assert counts[8] < counts[64]  # a small cell's arrays are taken whole
