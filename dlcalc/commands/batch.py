"""``dlcalc batch``: JSON lines in, one JSON result per line out, in order."""

import sys
from collections.abc import Iterable, Iterator
from typing import Any

from dlcalc.commands import command_app, examples

app = command_app()

EXAMPLES = examples(
    """echo '{"command": "conv-out", "args": {"size": 32, "kernel": 5}, "claim": 28}' | dlcalc batch""",
    "dlcalc batch < requests.jsonl > results.jsonl",
)


def batch(lines: Iterable[str]) -> Iterator[dict[str, Any]]:
    """One result per request line, in order: the command's ``--json`` object, or for a bad line
    ``{"line", "error", "exit_code": 2}``. A request is ``{"command", "args", "claim", "id"}``.

    Example:
        >>> import dlcalc
        >>> out = next(dlcalc.batch(['{"command": "conv-out", "args": {"size": 32, "kernel": 5}, "claim": 28}']))
        >>> out["result"]["output_size"], out["verdict"]["passed"]
        ([28], True)
    """
    from dlcalc.sheets import batch_line

    for number, line in enumerate(lines, start=1):
        if line.strip():
            yield batch_line(line, number)


@app.command("batch", epilog=EXAMPLES)
def batch_command() -> int:
    """Read {"command", "args", "claim"} JSON lines on stdin; write each result as one JSON line.

    Each result has the --json shape; a bad line gets {"line", "error", "exit_code"} and the stream
    goes on. Exit 2 if any line was bad, else 1 if any claim was wrong, else 0.
    """
    from dlcalc.render.json import dumps

    write = sys.stdout.write
    worst = 0
    for count, out in enumerate(batch(sys.stdin), start=1):
        if "error" in out:
            worst = 2
        elif out.get("verdict") and not out["verdict"]["passed"] and worst == 0:
            worst = 1
        write(dumps(out, indent=None) + "\n")
        if count % 256 == 0:
            sys.stdout.flush()
    sys.stdout.flush()
    return worst
