"""lstm-grads: a hand-worked scalar cell, finite differences on random cells, BPTT, gate orders, errors."""

from __future__ import annotations

import json
import math
import time

import numpy as np
import pytest
from helpers import assert_bad_input
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import dlcalc
from dlcalc.cli import app
from dlcalc.core.lstm import (
    backward,
    bptt,
    draw,
    finite_difference_errors,
    forward,
    step_values,
)

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
    sol = dlcalc.lstm_grads(hidden=2, input_size=2, seed=1)
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
