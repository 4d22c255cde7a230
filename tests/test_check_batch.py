"""check and batch: answer sheets (the seed's among them), summaries, JSON lines, error isolation."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dlcalc.cli import app

runner = CliRunner()
ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "seed-answers.toml"


def check_json(*args: str) -> tuple[int, dict]:
    result = runner.invoke(app, ["check", *args, "--json"])
    return result.exit_code, json.loads(result.stdout)


def verdicts(data: dict) -> dict[str, object]:
    return {q["id"]: q["error"] or q["passed"] for sheet in data["result"]["sheets"] for q in sheet["questions"]}


def test_seed_sheet_verdicts():
    code, data = check_json(str(SEED))
    assert code == 1
    assert verdicts(data) == {
        "q1_1_output": False, "q1_1_size": True, "q1_2_params": True, "q1_2_shape": False,
        "q1_2_small_params": False, "q1_2_small_total": True, "q1_2_small_shape": True,
        "q2_1_do": True, "q2_1_dc": False, "q2_1_di": False, "q2_1_df": False, "q2_1_dg": False,
        "q3_identity": True, "q4_equal": True,
    }
    questions = {q["id"]: q for q in data["result"]["sheets"][0]["questions"]}
    assert "mirrored across the diagonal" in questions["q1_1_output"]["diagnosis"]
    assert "without the bias" in questions["q1_2_small_params"]["diagnosis"]
    assert "f_t appears where f_{t+1} belongs" in questions["q2_1_dc"]["diagnosis"]


def test_a_sheet_with_only_right_answers_exits_0(tmp_path):
    sheet = tmp_path / "right.toml"
    sheet.write_text('[a]\ncommand = "conv-out"\nsize = 32\nkernel = 5\nclaim = 28\n'
                     '[b]\ncommand = "params"\ninput = "32x32"\nfilters = 6\nkernel = 5\nclaim = 156\n')
    code, data = check_json(str(sheet))
    assert code == 0 and verdicts(data) == {"a": True, "b": True}


def test_malformed_questions_are_named_and_the_rest_still_checked(tmp_path):
    sheet = tmp_path / "bad.toml"
    sheet.write_text('[good]\ncommand = "conv-out"\nsize = 32\nkernel = 5\nclaim = 27\n'
                     '[typo]\ncommand = "conv-out"\nsiz = 32\nkernel = 5\nclaim = 28\n'
                     '[nocommand]\nsize = 3\n'
                     '[unknown]\ncommand = "conv-outt"\n'
                     '[claimtype]\ncommand = "conv-out"\nsize = 32\nkernel = 5\nclaim = "abc"\n')
    code, data = check_json(str(sheet))
    assert code == 2
    v = verdicts(data)
    assert v["good"] is False
    assert "[typo]" in v["typo"] and "did you mean --size" in v["typo"]
    assert "no command" in v["nocommand"]
    assert "did you mean conv-out" in v["unknown"]
    assert "[claimtype]" in v["claimtype"]


def test_unreadable_and_invalid_sheets(tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text("[a\ncommand = ")
    latin = tmp_path / "latin.toml"
    latin.write_bytes('[q]\ncommand = "conv-out"\nclaim = "café"\n'.encode("latin-1"))
    code, data = check_json(str(broken), str(tmp_path / "missing.toml"), str(latin))
    assert code == 2
    errors = [s["error"] for s in data["result"]["sheets"]]
    assert "not valid TOML" in errors[0] and "cannot read" in errors[1]
    where = len('[q]\ncommand = "conv-out"\nclaim = "caf')  # the é, one latin-1 byte
    assert f"is not UTF-8 text (TOML is UTF-8): byte {where} is 0xe9" in errors[2]


def test_summaries_over_generated_submissions(tmp_path):
    rng = random.Random(4)
    answers = {"q_size": ("conv-out", 'size = 32\nkernel = 5\nstride = 4', ["7", "28", "7.75"]),
               "q_params": ("params", 'input = "32x32"\nfilters = 6\nkernel = 5', ["156", "150", "156"])}
    paths, expected_right = [], {"q_size": 0, "q_params": 0}
    for k in range(12):
        lines = []
        for qid, (command, options, choices) in answers.items():
            claim = rng.choice(choices)
            expected_right[qid] += claim == choices[0]
            lines.append(f'[{qid}]\ncommand = "{command}"\n{options}\nclaim = {claim}\n')
        path = tmp_path / f"student{k}.toml"
        path.write_text("\n".join(lines))
        paths.append(str(path))
    code, data = check_json(*paths, "--summary")
    summary = {q["question"]: q for q in data["result"]["summary"]["questions"]}
    for qid, right in expected_right.items():
        assert summary[qid]["right"] == right
        assert summary[qid]["right"] + summary[qid]["wrong"] == 12
    if summary["q_size"]["wrong"]:
        assert summary["q_size"]["common_wrong"][0]["diagnosis"]
    text = runner.invoke(app, ["check", *paths, "--summary"]).stdout
    assert "commonest wrong answers" in text


def batch(lines: list[str]) -> tuple[int, list[dict]]:
    result = runner.invoke(app, ["batch"], input="\n".join(lines) + "\n")
    return result.exit_code, [json.loads(line) for line in result.stdout.splitlines()]


def test_batch_order_shape_and_error_isolation():
    code, out = batch([
        json.dumps({"command": "conv-out", "args": {"size": 32, "kernel": 5}, "claim": 28}),
        "not json",
        json.dumps({"command": "conv-out", "args": {"siz": 3}}),
        json.dumps({"command": "params", "args": {"input": "32x32", "filters": 6, "kernel": 5}, "claim": 150}),
        json.dumps({"command": "lstm-grads", "args": {}, "claim": {"di": "dc*g"}, "id": 7}),
    ])
    assert code == 2
    assert [o.get("command") or "error" for o in out] == ["conv-out", "error", "error", "params", "lstm-grads"]
    assert set(out[0]) == {"command", "inputs", "result", "steps", "checks", "verdict"}
    assert out[0]["verdict"]["passed"] is True
    assert out[1]["line"] == 2 and "not JSON" in out[1]["error"]
    assert out[2]["line"] == 3 and "did you mean --size" in out[2]["error"]
    assert out[3]["verdict"]["passed"] is False and "without the bias" in out[3]["verdict"]["diagnosis"]
    assert out[4]["verdict"]["passed"] is True and out[4]["id"] == 7


def test_batch_throughput_smoke():
    """A real subprocess streams 3,000 conv-out requests well above 1,000 a second (bench/batch.py measures)."""
    lines = "".join(json.dumps({"command": "conv-out", "args": {"size": 32 + k % 50, "kernel": 3 + k % 3}}) + "\n"
                    for k in range(3000))
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "dlcalc", "batch"], input=lines, capture_output=True, text=True,
                          check=False)
    elapsed = time.perf_counter() - start
    assert done.returncode == 0, done.stderr
    out = done.stdout.splitlines()
    assert len(out) == 3000
    assert json.loads(out[-1])["result"]["output_size"] == [32 + 2999 % 50 - (3 + 2999 % 3) + 1]
    assert 3000 / elapsed > 1000


@pytest.mark.parametrize("mode", ["--latex", "--markdown"])
def test_report_in_other_modes(mode):
    result = runner.invoke(app, ["check", str(SEED), mode])
    assert result.exit_code == 1 and "q1_1_output" in result.stdout.replace("\\", "")
