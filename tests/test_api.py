"""The Python API: one function per command, the same Solution as the command line, typed values or text."""

from __future__ import annotations

import doctest
import importlib
import inspect
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import dlcalc
from dlcalc.cli import app
from dlcalc.registry import COMMANDS

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()
FUNCTIONS = [function for _, function, _ in COMMANDS.values()]


@pytest.mark.parametrize("name", FUNCTIONS)
def test_every_command_has_a_documented_api_function(name):
    function = getattr(dlcalc, name)
    assert callable(function) and function.__name__ == name
    doc = inspect.getdoc(function) or ""
    assert "Example:" in doc and ">>> import dlcalc" in doc, name
    assert name in dir(dlcalc)


@pytest.mark.parametrize("module", sorted({module for module, _, _ in COMMANDS.values()} |
                                           {"dlcalc.api", "dlcalc.solution"}))
def test_docstring_examples_run(module, monkeypatch):
    monkeypatch.chdir(ROOT)
    failed, tried = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert failed == 0 and (tried > 0 or module == "dlcalc.api")


@pytest.mark.parametrize("name", FUNCTIONS)
def test_keyword_arguments_mirror_the_options(name):
    """Every long option of the command is a keyword of its API function (output flags aside)."""
    from dlcalc.registry import api_function

    command_name = next(c for c, (_, f, _) in COMMANDS.items() if f == name)
    from click import Context

    from dlcalc.cli import DlcalcGroup

    group = DlcalcGroup()
    command = group.get_command(Context(group), command_name)
    assert command is not None
    parameters = set(inspect.signature(api_function(command_name)).parameters)
    for param in command.params:
        if param.name in ("json_", "latex", "markdown", "help"):
            continue
        long = max(param.opts, key=len).lstrip("-").replace("-", "_")
        assert long in parameters, (command_name, long)


def test_typed_values_and_text_give_the_same_solution():
    assert dlcalc.conv_out(size=(32, 32), kernel=5, stride=4).to_dict() == \
        dlcalc.conv_out(size="32x32", kernel="5", stride="4").to_dict()
    assert dlcalc.conv_out(size=7, kernel=3, padding=[(1, 1)]).to_dict() == \
        dlcalc.conv_out(size="7", kernel="3", padding="1").to_dict()
    assert dlcalc.conv_apply([[1, 2], [3, 4]], [[1]], bias=[0.5]).to_dict() == \
        dlcalc.conv_apply("1 2; 3 4", "1", bias="0.5").to_dict()


def test_the_api_returns_what_the_json_prints():
    result = runner.invoke(app, ["conv-out", "--size", "32", "--kernel", "5", "--stride", "4", "--check", "28",
                                 "--json"])
    assert result.exit_code == 1
    sol = dlcalc.conv_out(size=32, kernel=5, stride=4, check="28")
    assert json.loads(result.stdout) == json.loads(sol.json()) == json.loads(json.dumps(sol.to_dict()))


def test_a_solution_judges_claims_without_changing():
    sol = dlcalc.conv_out(size=32, kernel=5, stride=4)
    verdict = sol.check("28")
    assert not verdict.passed and verdict.correct == 7
    assert verdict.diagnosis == "28 is what stride 1 gives; with stride 4 the answer is 7"
    assert sol.verdict is None
    assert sol.check(7).passed and sol.check("output_size = 7").passed
    assert sol.checked("7").verdict.passed and sol.verdict is None


def test_bad_input_raises_input_error_naming_the_argument():
    with pytest.raises(dlcalc.InputError) as info:
        dlcalc.conv_out(size="32x", kernel=5)
    assert info.value.argument == "size" and info.value.option == "--size"
    with pytest.raises(dlcalc.InputError) as info:
        dlcalc.conv_apply("1 2; 3 4", None, pool="max")
    assert info.value.argument == "kernel_size"
    with pytest.raises(dlcalc.InputError, match="unknown quantity"):
        dlcalc.conv_out(size=32, kernel=5).check("kl=0.3")
    with pytest.raises(AttributeError):
        dlcalc.no_such_function  # noqa: B018


def test_every_output_format_from_python():
    sol = dlcalc.conv_out(size=32, kernel=5, stride=4, check="28")
    assert sol.text().startswith("conv-out: output size of a convolution")
    assert str(sol) == sol.text()
    assert "\\begin{align*}" in sol.latex()
    assert sol.markdown().startswith("### conv-out")
    html = sol.html()
    assert html.startswith('<div class="dlcalc">') and "Diagnosis" in html and "✗" in html


def test_notebook_display_offers_every_format():
    bundle = dlcalc.conv_out(size=32, kernel=5, stride=4)._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "text/markdown", "text/latex", "text/html"}
    assert "Result: output_size = [7]" in bundle["text/plain"]
    assert "$" in bundle["text/markdown"]
    assert bundle["text/latex"].startswith("\\begin{align*}")
    assert "\\[" not in bundle["text/html"] and "$" not in bundle["text/html"]  # no MathJax needed
    assert "⌊" in bundle["text/html"]  # the Unicode formula itself
