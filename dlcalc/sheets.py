"""Answer sheets and batches: run many questions through the commands in one process.

A sheet is TOML, one table per question:

    [q1_1]
    command = "conv-apply"
    input = "1 2 3 4; 5 6 7 8; 9 10 11 12; 13 14 15 16"
    kernel = "4 2; 5 1"
    padding = 1
    stride = 2
    claim = "1 19 26; 19 99 92; 26 86 64"

Keys are the command's options with the command line's names (``check_layer`` or ``check-layer``);
``claim`` is the answer to check, and ``claim.NAME`` names one of several (``claim.di = "dc*g"``
for lstm-grads, ``claim.layer_3 = 2416`` and ``claim.shape_3 = "10x10x16"`` for params,
``claim.kl = 0.4`` for elbo, ``claim.v = -1.2`` for gan-optimal-d).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Callable
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

from dlcalc.errors import InputError
from dlcalc.runner import run
from dlcalc.show import short
from dlcalc.solution import Folded, Solution, Table, jsonable

MAX_LINE = 1_000_000


def load_sheet(path: str) -> dict[str, Any]:
    """A TOML answer sheet (InputError naming the file and line when it cannot be read)."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError as error:
        raise InputError(f"cannot read {path!r}: {error.strerror or error}", "SHEET") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(f"{path!r} is not UTF-8 text (TOML is UTF-8): byte {error.start} is "
                          f"0x{raw[error.start]:02x}", "SHEET") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InputError(f"{path!r} is not valid TOML: {error}", "SHEET") from None
    except RecursionError:
        raise InputError(f"{path!r} nests tables or arrays too deeply", "SHEET") from None
    return data


def run_question(qid: str, table: Any) -> dict[str, Any]:
    """One question: run its command and report claim, correct answer, verdict (or the error)."""
    record: dict[str, Any] = {"id": qid, "command": None, "claim": None, "correct": None, "passed": None,
                              "diagnosis": None, "details": [], "error": None}
    try:
        if not isinstance(table, dict):
            raise InputError("must be a table with command = ... and the options", qid)
        options = dict(table)
        command = options.pop("command", None)
        if command is None:
            raise InputError("has no command = \"...\"", qid)
        record["command"] = command
        claim = options.pop("claim", None)
        record["claim"] = claim
        solution = run(command, options)
        verdict = solution.verdict if claim is None else solution.check(
            claim, rtol=options.get("rtol"), atol=options.get("atol"), option="claim")
        if verdict is None:
            record["correct"] = _answer(solution)
        else:
            record.update(passed=verdict.passed, correct=jsonable(verdict.correct), diagnosis=verdict.diagnosis,
                          details=list(verdict.details))
    except InputError as error:  # reported on its question; the others go on
        where = f"[{qid}]"
        if error.option and error.option not in (qid, "SHEET"):
            where += f" {error.option}"
        record["error"] = f"{where}: {error.message}"
    return record


def _answer(solution: Solution) -> Any:
    result = jsonable(solution.result)
    return result.get("output_size", result) if isinstance(result, dict) else result


def check_sheets(paths: list[str], summary: bool = False,
                 progress: Callable[[], object] | None = None) -> tuple[Solution, int]:
    """Every question of every sheet; the Solution of the report, and the exit code."""
    sheets: list[dict[str, Any]] = []
    for path in paths:
        questions = []
        try:
            data = load_sheet(path)
            for qid, table in data.items():
                questions.append(run_question(str(qid), table))
            error = None
        except InputError as problem:
            error = problem.message
        right = sum(1 for q in questions if q["passed"] is True)
        wrong = sum(1 for q in questions if q["passed"] is False)
        errors = sum(1 for q in questions if q["error"]) + (1 if error else 0)
        sheets.append({"path": path, "questions": questions, "right": right, "wrong": wrong, "errors": errors,
                       "error": error})
        if progress is not None:
            progress()
    sol = Solution("check", f"{len(paths)} answer sheet{'s' if len(paths) != 1 else ''}")
    sol.inputs = {"sheets": list(paths)}
    rows: list[list[str]] = []
    many = len(paths) > 1
    for sheet in sheets:
        if sheet["error"]:
            sol.step(f"{sheet['path']}", value="error", note=sheet["error"])
            rows.append([sheet["path"], "", "", "", "error", short(sheet["error"], 80)])
        for q in sheet["questions"]:
            verdict = "error" if q["error"] else "right" if q["passed"] else "wrong" if q["passed"] is False \
                else "no claim"
            explanation = q["error"] or q["diagnosis"] or next(
                (d for d in q["details"] if d.lstrip().startswith(("✗", "counterexample"))), "") or ""
            label = f"{sheet['path']}: {q['id']}" if many else q["id"]
            sol.step(label, short(q["claim"], 200), short(q["correct"], 200), verdict, note=explanation)
            if not summary:
                rows.append([label, q["command"] or "", short(q["claim"]), short(q["correct"]), verdict,
                             short(explanation, 90)])
    result: dict[str, Any] = {"sheets": Folded(sheets, "every question's claim, answer and verdict (in --json)")}
    if summary or many:
        result["summary"] = Folded(summarize(sheets), "per question and per sheet (in --json)")
    if summary:
        rows = [[s["question"], str(s["right"]), str(s["wrong"]), str(s["errors"]),
                 "; ".join(f"{w['claim']} ×{w['count']}" + (f" ({short(w['diagnosis'], 60)})" if w["diagnosis"]
                                                            else "") for w in s["common_wrong"][:3])]
                for s in result["summary"].value["questions"]]
        sol.table = Table(["question", "right", "wrong", "errors", "commonest wrong answers"], rows, len(sol.steps),
                          right=(1, 2, 3))
        per_sheet = [[s["path"], f"{s['right']}/{len(s['questions'])}", str(s["wrong"]), str(s["errors"])]
                     for s in sheets]
        sol.step("Sheets", value=None, note="; ".join(f"{p} {score}" for p, score, _, _ in per_sheet))
    else:
        sol.table = Table(["question", "command", "claim", "correct", "verdict", "explanation"], rows,
                          len(sol.steps))
    sol.result = result
    total_wrong = sum(s["wrong"] for s in sheets)
    total_errors = sum(s["errors"] for s in sheets)
    total_right = sum(s["right"] for s in sheets)
    sol.answer = f"{total_right} right, {total_wrong} wrong, {total_errors} error{'s' if total_errors != 1 else ''}"
    code = 2 if total_errors else 1 if total_wrong else 0
    return sol, code


def summarize(sheets: list[dict]) -> dict[str, Any]:
    """Per question: how many got it right, and the commonest wrong answers with their diagnoses."""
    by_question: dict[str, dict[str, Any]] = {}
    for sheet in sheets:
        for q in sheet["questions"]:
            entry = by_question.setdefault(q["id"], {"question": q["id"], "right": 0, "wrong": 0, "errors": 0,
                                                     "wrong_answers": Counter(), "diagnoses": {}})
            if q["error"]:
                entry["errors"] += 1
            elif q["passed"]:
                entry["right"] += 1
            elif q["passed"] is False:
                entry["wrong"] += 1
                key = short(q["claim"], 60)
                entry["wrong_answers"][key] += 1
                entry["diagnoses"].setdefault(key, q["diagnosis"])
    questions = []
    for entry in by_question.values():
        common = [{"claim": claim, "count": count, "diagnosis": entry["diagnoses"].get(claim)}
                  for claim, count in entry["wrong_answers"].most_common()]
        questions.append({"question": entry["question"], "right": entry["right"], "wrong": entry["wrong"],
                          "errors": entry["errors"], "common_wrong": common})
    return {"questions": questions,
            "sheets": [{"path": s["path"], "right": s["right"], "wrong": s["wrong"], "errors": s["errors"],
                        "questions": len(s["questions"])} for s in sheets]}


# ---------------------------------------------------------------------------------------------
# Batch
# ---------------------------------------------------------------------------------------------


def batch_line(text: str, number: int) -> dict[str, Any]:
    """One JSON request line → the command's --json object, or an error object for that line."""
    try:
        if len(text) > MAX_LINE:
            raise InputError(f"a request line is limited to {MAX_LINE:,} characters, got {len(text):,}", "line")
        try:
            request = json.loads(text)
        except json.JSONDecodeError as error:
            raise InputError(f"not JSON: {error.msg} at column {error.colno}", "line") from None
        except RecursionError:
            raise InputError("JSON nested too deeply", "line") from None
        except ValueError as error:  # e.g. an integer of more than 4,300 digits
            raise InputError(f"not usable JSON: {str(error).split(';')[0]}", "line") from None
        if not isinstance(request, dict):
            raise InputError("expected an object {\"command\": ..., \"args\": {...}, \"claim\": ...}", "line")
        unknown = set(request) - {"command", "args", "claim", "id"}
        if unknown:
            raise InputError(f"unknown key {sorted(unknown)[0]!r}; a request has command, args, claim (and id)",
                              "line")
        command = request.get("command")
        if not isinstance(command, str):
            raise InputError("needs \"command\": the name of a dlcalc command", "command")
        args = request.get("args", {})
        if not isinstance(args, dict):
            raise InputError("\"args\" must be an object of options", "args")
        solution = run(command, args)
        if request.get("claim") is not None:
            solution.verdict = solution.check(request["claim"], rtol=args.get("rtol"), atol=args.get("atol"),
                                              option="claim")
        out = solution.to_dict()
        if "id" in request:
            out["id"] = request["id"]
        return out
    except InputError as error:  # a bad line must not stop the stream
        return {"line": number, "error": str(error), "exit_code": 2}
