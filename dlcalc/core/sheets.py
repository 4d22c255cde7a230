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

import re
from collections import Counter
from typing import Any

from dlcalc.errors import DlcalcError
from dlcalc.parse import LazyPattern
from dlcalc.solution import Folded, Solution, Table

MAX_LINE = 1_000_000
MULTIPLE_CHECKS = {"lstm-grads", "elbo", "gan-optimal-d"}
_NUMBERS = LazyPattern(r"\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?(\s*,\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?)*\s*")


def claim_options(command: str, claim: Any) -> dict[str, Any]:
    """The options that check a claim: ``claim`` alone, or a table of named claims."""
    if claim is None:
        return {}
    if not isinstance(claim, dict):
        if command == "lstm-grads":
            text = str(claim)
            left = text.split("=", 1)[0].strip()
            value = text.split("=", 1)[1] if "=" in text else ""
            if "=" in text and _NUMBERS.fullmatch(value):
                return {"check": [text]}
            if "=" in text and left:
                return {"check_formula": [text]}
            raise DlcalcError("an lstm-grads claim names what it claims: \"di = dc*g\" or \"di=0.13\"", "claim")
        return {"check": [claim] if command in MULTIPLE_CHECKS else claim}
    options: dict[str, Any] = {}
    for name, value in claim.items():
        key = str(name)
        if command == "params":
            match = re.fullmatch(r"(layer|shape)_?(\d+)", key)
            if key in ("total", "params"):
                options["check"] = value
            elif match:
                which = "check_layer" if match.group(1) == "layer" else "check_shape"
                options.setdefault(which, []).append(f"{match.group(2)}={_flat(value)}")
            else:
                raise DlcalcError(f"claim.{key}: params names claims total, layer_N or shape_N", f"claim.{key}")
        elif command == "lstm-grads":
            text = _flat(value)
            if isinstance(value, (int, float)) or _NUMBERS.fullmatch(text):
                options.setdefault("check", []).append(f"{key}={text}")
            else:
                options.setdefault("check_formula", []).append(f"{key} = {text}")
        elif command in ("elbo", "gan-optimal-d"):
            options.setdefault("check", []).append(f"{key}={_flat(value)}")
        else:
            raise DlcalcError(f"{command} takes one claim (claim = ...), not named ones", f"claim.{key}")
    return options


def _flat(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_flat(v) for v in value)
    return str(value)


def load_sheet(path: str) -> dict[str, Any]:
    """A TOML answer sheet (DlcalcError naming the file and line when it cannot be read).

    Plain sheets are read by :mod:`dlcalc.core.plain_toml` (3 ms of start-up less); anything
    else, and every error, by tomllib."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError as error:
        raise DlcalcError(f"cannot read {path!r}: {error.strerror or error}", "SHEET") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise DlcalcError(f"{path!r} is not UTF-8 text (TOML is UTF-8): byte {error.start} is "
                          f"0x{raw[error.start]:02x}", "SHEET") from None
    from dlcalc.core import plain_toml

    data = plain_toml.loads(text)
    if data is not None:
        return data
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise DlcalcError(f"{path!r} is not valid TOML: {error}", "SHEET") from None
    except RecursionError:
        raise DlcalcError(f"{path!r} nests tables or arrays too deeply", "SHEET") from None
    return data


def run_question(qid: str, table: Any) -> dict[str, Any]:
    """One question: run its command and report claim, correct answer, verdict (or the error)."""
    import click

    from dlcalc.runner import error_text, run

    record: dict[str, Any] = {"id": qid, "command": None, "claim": None, "correct": None, "passed": None,
                              "diagnosis": None, "details": [], "error": None}
    try:
        if not isinstance(table, dict):
            raise DlcalcError("must be a table with command = ... and the options", qid)
        options = dict(table)
        command = options.pop("command", None)
        if command is None:
            raise DlcalcError("has no command = \"...\"", qid)
        record["command"] = command
        claim = options.pop("claim", None)
        record["claim"] = claim
        options.update(claim_options(str(command), claim))
        solution = run(str(command), options)
        verdict = solution.verdict
        if verdict is None:
            record["passed"] = None
            record["correct"] = _answer(solution)
        else:
            from dlcalc.solution import jsonable

            record.update(passed=verdict.passed, correct=jsonable(verdict.correct), diagnosis=verdict.diagnosis,
                          details=list(verdict.details))
    except (DlcalcError, click.ClickException) as error:  # reported on its question; the others go on
        where = f"[{qid}]"
        option = getattr(error, "option", None)
        if option and option not in (qid, "SHEET"):
            where += f" {option}"
        message = error.message if isinstance(error, DlcalcError) else error_text(error)
        record["error"] = f"{where}: {message}"
    return record


def _answer(solution: Solution) -> Any:
    from dlcalc.solution import jsonable

    result = jsonable(solution.result)
    return result.get("output_size", result) if isinstance(result, dict) else result


def short(value: Any, limit: int = 48) -> str:
    """A claim or an answer on one line, cut to ``limit`` characters."""
    if value is None:
        return ""
    if isinstance(value, float):
        text = f"{value:.6g}"
    elif isinstance(value, dict):
        text = "; ".join(f"{k} = {short(v, limit)}" for k, v in value.items())
    elif isinstance(value, list):
        text = "[" + ", ".join(short(v, limit) for v in value) + "]"
    else:
        text = " ".join(str(value).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def check_sheets(paths: list[str], summary: bool = False, progress=None) -> tuple[Solution, int]:
    """Every question of every sheet; the Solution of the report, and the exit code."""
    sheets = []
    for path in paths:
        questions = []
        try:
            data = load_sheet(path)
            for qid, table in data.items():
                questions.append(run_question(str(qid), table))
            error = None
        except DlcalcError as problem:
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
    rows = []
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
    import json

    import click

    from dlcalc.runner import error_text, run

    try:
        if len(text) > MAX_LINE:
            raise DlcalcError(f"a request line is limited to {MAX_LINE:,} characters, got {len(text):,}", "line")
        try:
            request = json.loads(text)
        except json.JSONDecodeError as error:
            raise DlcalcError(f"not JSON: {error.msg} at column {error.colno}", "line") from None
        except RecursionError:
            raise DlcalcError("JSON nested too deeply", "line") from None
        except ValueError as error:  # e.g. an integer of more than 4,300 digits
            raise DlcalcError(f"not usable JSON: {str(error).split(';')[0]}", "line") from None
        if not isinstance(request, dict):
            raise DlcalcError("expected an object {\"command\": ..., \"args\": {...}, \"claim\": ...}", "line")
        unknown = set(request) - {"command", "args", "claim", "id"}
        if unknown:
            raise DlcalcError(f"unknown key {sorted(unknown)[0]!r}; a request has command, args, claim (and id)",
                              "line")
        command = request.get("command")
        if not isinstance(command, str):
            raise DlcalcError("needs \"command\": the name of a dlcalc command", "command")
        args = request.get("args", {})
        if not isinstance(args, dict):
            raise DlcalcError("\"args\" must be an object of options", "args")
        options = dict(args)
        options.update(claim_options(command, request.get("claim")))
        solution = run(command, options)
        out = solution.to_dict()
        if "id" in request:
            out["id"] = request["id"]
        return out
    except (DlcalcError, click.ClickException) as error:  # a bad line must not stop the stream
        message = str(error) if isinstance(error, DlcalcError) else error_text(error)
        return {"line": number, "error": message, "exit_code": 2}
