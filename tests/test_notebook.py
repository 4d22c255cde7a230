"""examples/notebook.ipynb run in a real Jupyter kernel: each Solution displays itself in every format."""

from __future__ import annotations

import json
import os
from pathlib import Path

import jsonschema
import nbformat
import pytest
from nbclient import NotebookClient
from typer.testing import CliRunner

from dlcalc.cli import app

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "examples" / "notebook.ipynb"
SCHEMA = json.loads((ROOT / "dlcalc" / "solution.schema.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def executed() -> list:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    env_dir = str(ROOT)
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    NotebookClient(notebook, timeout=180, kernel_name="python3", resources={"metadata": {"path": env_dir}}).execute()
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def data_of(cell) -> dict:
    results = [out for out in cell.outputs if out.output_type == "execute_result"]
    assert len(results) == 1, cell.outputs
    return results[0]["data"]


def test_every_cell_runs_without_error(executed):
    for cell in executed:
        assert all(out.output_type != "error" for out in cell.outputs), cell.source


def test_a_solution_displays_in_every_format(executed):
    data = data_of(executed[1])  # dlcalc.conv_out(size=32, kernel=5, stride=4)
    assert set(data) >= {"text/plain", "text/markdown", "text/latex", "text/html"}
    assert "Result: output_size = [7]" in data["text/plain"]
    assert "### conv-out" in data["text/markdown"] and "$" in data["text/markdown"]
    assert data["text/latex"].startswith("\\begin{align*}")
    assert "⌊27/4⌋ + 1" in data["text/html"] and "window count" in data["text/html"]


def test_a_verdict_and_its_diagnosis(executed):
    assert data_of(executed[2])["text/plain"] == ("(False, '28x28 is what stride 1 gives; with stride 4 the answer "
                                                  "is 7×7')")
    html = data_of(executed[3])["text/html"]  # conv_apply with the seed's wrong matrix
    assert "2 of 9 cells are wrong" in html and "mirrored across the diagonal" in html


def test_results_are_plain_python_values(executed):
    assert data_of(executed[4])["text/plain"] == "61706"
    assert "Summary" in data_of(executed[5])["text/markdown"]


@pytest.mark.parametrize("args", [
    ["conv-out", "--size", "32", "--kernel", "5", "--stride", "4", "--check", "28"],
    ["conv-out", "--size", "32", "--kernel", "5", "--solve", "padding", "--out", "32"],
    ["conv-apply", "--input", "1 2; 3 4", "--kernel", "1 0; 0 1", "--padding", "1", "--check", "1 2 0; 3 5 2; 0 3 4"],
    ["conv-apply", "--input", "1 3 2 4; 5 7 6 8; 0 2 1 3; 4 6 5 7", "--pool", "avg", "--kernel-size", "2"],
    ["params", "--preset", "lenet5", "--check", "61706"],
    ["lstm-grads", "--check", "di=0.1"],
    ["lstm-grads", "--hidden", "2", "--steps", "3"],
    ["elbo", "--mu", "0.5,-1", "--sigma", "0.9,1.2", "--check", "kl=0.74"],
    ["gan-optimal-d", "--p-data", "0.2,0.5,0.3", "--p-g", "0.4,0.4,0.2", "--check", "0.333,0.556,0.6"],
    ["check", str(ROOT / "examples" / "seed-answers.toml")],
])
def test_json_follows_the_schema(args):
    result = CliRunner().invoke(app, [*args, "--json"])
    assert result.exit_code in (0, 1), result.output
    jsonschema.validate(json.loads(result.stdout), SCHEMA)
