"""Limits (refused up front, named, raisable by environment variables) and the numbers policy."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from dlcalc.cli import app

runner = CliRunner()


@pytest.mark.parametrize(("args", "env", "variable"), [
    (["conv-apply", "--input", "1 2 3 4 5 6", "--kernel", "1"], {"DLCALC_MAX_ELEMENTS": "5"}, "DLCALC_MAX_ELEMENTS"),
    (["conv-apply", "--input", "1 2 3 4 5 6", "--kernel", "1"], {"DLCALC_MAX_TEXT": "5"}, "DLCALC_MAX_TEXT"),
    (["conv-apply", "--input", "1 2 3 4 5 6", "--kernel", "1"], {"DLCALC_MAX_BYTES": "10"}, "DLCALC_MAX_BYTES"),
    (["lstm-grads", "--hidden", "9"], {"DLCALC_MAX_HIDDEN": "8"}, "DLCALC_MAX_HIDDEN"),
    (["lstm-grads", "--hidden", "8", "--steps", "10"], {"DLCALC_MAX_WORK": "1000"}, "DLCALC_MAX_WORK"),
])
def test_limits_are_refused_up_front_and_raisable(args, env, variable):
    refused = runner.invoke(app, [*args, "--json"], env=env)
    assert refused.exit_code == 2
    assert variable in refused.stderr and len(refused.stderr.strip().splitlines()) == 1
    raised = runner.invoke(app, [*args, "--json"], env={variable: "100000000"})
    assert raised.exit_code == 0, raised.output


def test_a_large_npy_is_limited_by_bytes_not_elements(tmp_path):
    np.save(tmp_path / "x.npy", np.zeros((300, 300)))
    ok = runner.invoke(app, ["conv-apply", "--input", f"@{tmp_path / 'x.npy'}", "--kernel", "1", "--json"],
                       env={"DLCALC_MAX_ELEMENTS": "10"})
    assert ok.exit_code == 0


def json_of(*args: str) -> dict:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code in (0, 1), result.output
    assert "NaN" not in result.stdout and "Infinity" not in result.stdout
    return json.loads(result.stdout)


def test_integers_and_fractions_are_exact():
    data = json_of("conv-apply", "--input", "1/3 2; 3 4/7", "--kernel", "3 7")
    # 1/3·3 + 2·7 = 15 exactly (an integer, not 15.000000000000002)
    assert data["result"]["output"][0] == [15]
    assert isinstance(data["result"]["output"][0][0], int)
    big = json_of("conv-apply", "--input", str(10**20), "--kernel", str(10**20))
    assert big["result"]["output"] == [[10**40]]


def test_display_rounding_never_changes_json_values():
    x = "0.1234567891234 0.5; 0.25 0.75"
    text = runner.invoke(app, ["conv-apply", "--input", x, "--kernel", "3"]).stdout
    data = json_of("conv-apply", "--input", x, "--kernel", "3")
    assert data["result"]["output"][0][0] == 0.1234567891234 * 3  # full float64 in JSON
    assert "0.370370" in text and "0.3703703673702" not in text  # 6 significant digits for people


@pytest.mark.parametrize("args", [
    ["gan-optimal-d", "--p-data", "1,0", "--p-g", "0,1"],
    ["gan-optimal-d", "--p-data", "uniform(0,1)", "--p-g", "uniform(2,3)", "--grid", "-1:4:11"],
    ["elbo", "--mu", "30", "--logvar", "-600"],
    ["elbo", "--discrete", "--prior", "1,0", "--likelihood", "0.5,0.5", "--q", "1,0"],
    ["lstm-grads", "--hidden", "3", "--input-size", "2", "--seed", "3"],
    ["params", "--preset", "vgg16"],
])
def test_no_unnamed_nan_or_infinity(args):
    json_of(*args)
