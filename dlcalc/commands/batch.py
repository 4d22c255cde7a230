"""``dlcalc batch``: JSON lines in, one JSON result per line out, in order."""

import sys

from dlcalc.commands import command_app, examples

app = command_app()

EXAMPLES = examples(
    """echo '{"command": "conv-out", "args": {"size": 32, "kernel": 5}, "claim": 28}' | dlcalc batch""",
    "dlcalc batch < requests.jsonl > results.jsonl",
)


@app.command("batch", epilog=EXAMPLES)
def batch_command() -> int:
    """Read {"command", "args", "claim"} JSON lines on stdin; write each result as one JSON line.

    Each result has the --json shape; a bad line gets {"line", "error", "exit_code"} and the stream
    goes on. Exit 2 if any line was bad, else 1 if any claim was wrong, else 0.
    """
    import json

    from dlcalc.core.sheets import batch_line
    from dlcalc.render.json import sanitize

    write = sys.stdout.write
    worst = 0
    for number, line in enumerate(sys.stdin, start=1):
        if not line.strip():
            continue
        out = batch_line(line, number)
        if "error" in out:
            worst = 2
        elif out.get("verdict") and not out["verdict"]["passed"] and worst == 0:
            worst = 1
        try:  # to_dict() already gives JSON types; only a non-finite float needs the slower sanitize pass
            text = json.dumps(out, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        except ValueError:
            text = json.dumps(sanitize(out), ensure_ascii=False, separators=(",", ":"))
        write(text + "\n")
        if number % 256 == 0:
            sys.stdout.flush()
    sys.stdout.flush()
    return worst
