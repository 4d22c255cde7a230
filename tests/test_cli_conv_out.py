"""dlcalc conv-out from the command line: every output mode, --check, --solve and every error path."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from helpers import assert_bad_input
from typer.testing import CliRunner

from dlcalc.cli import app

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def run_json(*args: str) -> dict:
    result = run(*args, "--json")
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def test_basic_json_shape():
    data = run_json("conv-out", "--size", "32", "--kernel", "5", "--stride", "1")
    assert set(data) == {"command", "inputs", "result", "steps", "checks", "verdict"}
    assert data["command"] == "conv-out"
    assert data["result"]["output_size"] == [28]
    assert data["verdict"] is None
    assert all(set(step) >= {"label", "formula", "substituted", "value"} for step in data["steps"])
    assert all(set(check) == {"name", "method", "passed", "detail"} for check in data["checks"])
    assert all(check["passed"] for check in data["checks"])


def test_json_skips_sympy_unless_asked():
    fast = run_json("conv-out", "--size", "32", "--kernel", "5")
    assert {c["method"] for c in fast["checks"]} == {"brute force"}
    deep = run_json("conv-out", "--size", "32", "--kernel", "5", "--symbolic")
    assert {c["method"] for c in deep["checks"]} == {"brute force", "sympy"}


def test_per_axis_and_asymmetric_padding():
    data = run_json("conv-out", "--size", "32x20", "--kernel", "3x5", "--stride", "2x1", "--padding", "1,2x0")
    # height: ⌊(32 + 1 + 2 − 2 − 1)/2⌋ + 1 = 17; width: ⌊(20 − 4 − 1)/1⌋ + 1 = 16
    assert data["result"]["output_size"] == [17, 16]
    assert data["result"]["padding"] == [[1, 2], [0, 0]]


def test_check_wrong_stride_is_diagnosed():
    result = run("conv-out", "--size", "32", "--kernel", "5", "--stride", "4", "--check", "28")
    assert result.exit_code == 1
    assert "28 is what stride 1 gives; with stride 4 the answer is 7" in result.stdout


def test_check_right_answer_exits_zero():
    result = run("conv-out", "--size", "32x32", "--kernel", "5", "--check", "28x28")
    assert result.exit_code == 0
    assert "✓" in result.stdout


def test_check_seed_formula_without_floor():
    data = run_json("conv-out", "--size", "32", "--kernel", "5", "--stride", "4", "--check", "7.75")
    assert data["verdict"]["passed"] is False
    assert "without the floor" in data["verdict"]["diagnosis"]


def test_tf_same():
    data = run_json("conv-out", "--size", "13", "--kernel", "6", "--stride", "5", "--padding", "same",
                    "--convention", "tf")
    assert data["result"]["output_size"] == [3]
    assert data["result"]["padding"] == [[1, 2]]


def test_ceil_mode_drops_window():
    result = run("conv-out", "--size", "5", "--kernel", "2", "--stride", "2", "--padding", "1", "--pool",
                 "max", "--ceil-mode")
    assert result.exit_code == 0
    assert "3, not 4" in result.stdout


def test_transposed():
    data = run_json("conv-out", "--size", "7", "--kernel", "3", "--stride", "2", "--padding", "1",
                    "--transposed", "--output-padding", "1")
    assert data["result"]["output_size"] == [14]


def test_solve_padding():
    data = run_json("conv-out", "--size", "32", "--kernel", "5", "--solve", "padding", "--out", "32")
    assert data["result"]["solutions"] == [[2]]
    assert all(c["passed"] for c in data["checks"])


def test_solve_stride_range_and_none():
    data = run_json("conv-out", "--size", "32", "--kernel", "5", "--solve", "stride", "--out", "7")
    assert data["result"]["solutions"] == [[4]]
    data = run_json("conv-out", "--size", "32", "--kernel", "5", "--solve", "stride", "--out", "1")
    assert data["result"]["unbounded_from"] == [28]
    data = run_json("conv-out", "--size", "32", "--kernel", "4", "--solve", "padding", "--out", "32")
    assert data["result"]["solutions"] == [[]]


def test_solve_size_and_kernel_by_brute_force():
    cases = (("size", ["--kernel", "3", "--stride", "2"]), ("kernel", ["--size", "32", "--stride", "2"]))
    for unknown, args in cases:
        data = run_json("conv-out", *args, "--solve", unknown, "--out", "8")
        values = data["result"]["solutions"][0]
        from dlcalc.core.conv import conv_output_size

        brute = []
        for v in range(1, 200):
            size, kernel = (v, 3) if unknown == "size" else (32, v)
            if kernel <= size and conv_output_size(size, kernel, 2) == 8:
                brute.append(v)
        assert values == brute


@pytest.mark.parametrize("mode", ["--latex", "--markdown"])
def test_other_modes(mode):
    result = run("conv-out", "--size", "32", "--kernel", "5", "--stride", "4", mode)
    assert result.exit_code == 0
    assert "27" in result.stdout


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--size", "0", "--kernel", "3"], "--size"),
        (["--size", "-3", "--kernel", "5"], "--size"),
        (["--size", "32", "--kernel", "0"], "--kernel"),
        (["--size", "32", "--kernel", "3", "--stride", "0"], "--stride"),
        (["--size", "32", "--kernel", "3", "--dilation", "0"], "--dilation"),
        (["--size", "4", "--kernel", "7"], "--kernel"),
        (["--size", "32", "--kernel", "3", "--stride", "2", "--padding", "same"], "PyTorch refuses"),
        (["--size", "7", "--kernel", "3", "--stride", "2", "--transposed", "--output-padding", "2"],
         "--output-padding"),
        (["--size", "32x32", "--kernel", "3x3x3"], "--kernel"),
        (["--size", "32", "--kernel", "5/2"], "fraction"),
        (["--size", "8", "--kernel", "2", "--pool", "max", "--padding", "2"], "half"),
        (["--size", "8", "--kernel", "2", "--pool", "min"], "--pool"),
        (["--size", "8"], "--kernel"),
        (["--size", "8", "--kernel", "3", "--json", "--latex"], "one output format"),
        (["--size", "8", "--kernel", "3", "--check", "abc"], "--check"),
        (["--size", "8", "--kernel", "3", "--ceil-mode"], "--ceil-mode"),
        (["--size", "8", "--kernel", "3", "--solve", "padding"], "--out"),
        (["--size", "8", "--kernel", "3", "--bogus"], "--bogus"),
    ],
)
def test_bad_input_exits_2_with_one_line(args, fragment):
    result = runner.invoke(app, ["conv-out", *args])
    assert_bad_input(result, fragment)


def test_help_lists_commands_and_examples():
    result = run("--help")
    assert result.exit_code == 0
    assert "conv-out" in result.stdout
    sub = run("conv-out", "--help")
    assert sub.exit_code == 0
    assert sub.stdout.rstrip().splitlines()[-1].strip().startswith("dlcalc conv-out")
    assert "Examples" in sub.stdout


def test_version():
    from dlcalc import __version__

    assert run("--version").stdout.strip() == f"dlcalc {__version__}"


def test_real_subprocess_json_and_error():
    env = dict(os.environ, NO_COLOR="1")
    ok = subprocess.run([sys.executable, "-m", "dlcalc", "conv-out", "--size", "32", "--kernel", "5",
                         "--json"], capture_output=True, text=True, env=env, check=False)
    assert ok.returncode == 0
    assert json.loads(ok.stdout)["result"]["output_size"] == [28]
    bad = subprocess.run([sys.executable, "-m", "dlcalc", "conv-out", "--size", "-3", "--kernel", "5"],
                         capture_output=True, text=True, env=env, check=False)
    assert bad.returncode == 2
    assert bad.stdout == ""
    assert len(bad.stderr.strip().splitlines()) == 1
    wrong = subprocess.run([sys.executable, "-m", "dlcalc", "conv-out", "--size", "32", "--kernel", "5",
                            "--stride", "4", "--check", "28"], capture_output=True, text=True, env=env,
                           check=False)
    assert wrong.returncode == 1
    assert "what stride 1 gives" in wrong.stdout


def test_json_path_imports_no_numpy_or_sympy():
    out = subprocess.run([sys.executable, "-X", "importtime", "-m", "dlcalc", "conv-out", "--size", "32",
                          "--kernel", "5", "--json"], capture_output=True, text=True, check=False)
    imported = {line.split("|")[-1].strip() for line in out.stderr.splitlines() if "|" in line}
    assert not imported & {"numpy", "sympy", "rich", "scipy", "matplotlib"}


def test_every_command_is_documented_with_examples():
    from dlcalc.cli import COMMANDS

    listing = run("--help").stdout
    for name in COMMANDS:
        assert name in listing
        help_text = run(name, "--help").stdout
        examples = help_text[help_text.rfind("Examples"):]
        assert f"dlcalc {name}" in examples, name  # the help ends with examples, after every option panel
        assert "╰" not in examples and "--help" not in examples, name


def test_internal_errors_are_one_line(monkeypatch):
    import dlcalc.core.conv as conv

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(conv, "conv_out", broken)
    result = runner.invoke(app, ["conv-out", "--size", "8", "--kernel", "3"])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "dlcalc conv-out: error: internal error (RuntimeError: boom); please report it with the command "
        "line (DLCALC_DEBUG=1 shows the traceback)"]


def test_broadcast_claim_is_reported_as_written():
    data = run_json("conv-out", "--size", "32x32", "--kernel", "5", "--stride", "4", "--check", "28")
    assert data["verdict"]["claimed"] == 28
    assert data["verdict"]["correct"] == [7, 7]
