"""The README's console examples: read them, rewrite their outputs, or run them with an installed dlcalc.

Every ```console block holds `$ dlcalc ...` lines, each followed by its exact output (stdout, as
printed when stdout is not a terminal). No pytest here, so CI can run it against a wheel:

    python tests/readme_examples.py --update                 # rewrite the outputs, then read the diff
    python tests/readme_examples.py --installed PATH/dlcalc  # run every example with that executable

An output matches when its text is the same except for floating-point digits that a machine's numpy
(its BLAS and its SIMD exp/tanh) decides: two numbers match when they agree to 1e-9 relatively, or
when both are below 1e-6 in size, such as the finite-difference errors of a correct gradient
(rounding noise; 8.0e-11 on one CPU, 1.0e-10 on another). Every other character must be identical.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
BLOCK = re.compile(r"```console\n(.*?)```", re.DOTALL)
ENV = {"NO_COLOR": "1", "COLUMNS": "100"}
NUMBER = re.compile(r"[-−]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")
NOISE = 1e-6


def _value(token: str) -> float:
    return float(token.replace("−", "-"))


def same_output(expected: str, got: str) -> bool:
    """Whether ``got`` reads as ``expected``: identical text, numbers equal up to float rounding (above)."""
    if expected == got:
        return True
    if NUMBER.sub("#", expected) != NUMBER.sub("#", got):
        return False
    for want, have in zip(NUMBER.findall(expected), NUMBER.findall(got), strict=True):
        if want == have:
            continue
        a, b = _value(want), _value(have)
        if not (abs(a - b) <= 1e-9 * max(abs(a), abs(b)) or max(abs(a), abs(b)) < NOISE):
            return False
    return True


def examples(text: str) -> list[tuple[str, str]]:
    """(command, expected output) pairs from the README's console blocks."""
    found = []
    for block in BLOCK.findall(text):
        command, output = None, []
        for line in block.splitlines():
            if line.startswith("$ "):
                if command is not None:
                    found.append((command, "\n".join(output)))
                command, output = line[2:], []
            elif command is not None:
                output.append(line)
        if command is not None:
            found.append((command, "\n".join(output)))
    return found


def run_in_process(command: str) -> str:
    from typer.testing import CliRunner

    from dlcalc.cli import app

    words = shlex.split(command)
    assert words[0] == "dlcalc", command
    result = CliRunner().invoke(app, words[1:], env=ENV)
    return (result.stdout + result.stderr).rstrip("\n")


def update() -> None:
    text = README.read_text(encoding="utf-8")

    def fill(match: re.Match) -> str:
        lines = []
        for command, _ in examples(match.group(0)):
            lines.append(f"$ {command}")
            lines.append(run_in_process(command))
        return "```console\n" + "\n".join(lines) + "\n```"

    README.write_text(BLOCK.sub(fill, text), encoding="utf-8")


def check_installed(executable: str) -> int:
    """Run every README example with an installed ``dlcalc`` (a real process); 0 when all match."""
    cases = examples(README.read_text(encoding="utf-8"))
    failures = 0
    for command, expected in cases:
        words = shlex.split(command)
        done = subprocess.run([executable, *words[1:]], capture_output=True, text=True, cwd=ROOT,
                              env=dict(os.environ, **ENV), check=False)
        if not same_output(expected.rstrip("\n"), (done.stdout + done.stderr).rstrip("\n")):
            failures += 1
            print(f"README example differs: {command}")
    print(f"{len(cases) - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    if "--update" in sys.argv:
        update()
    elif "--installed" in sys.argv:
        sys.exit(check_installed(sys.argv[sys.argv.index("--installed") + 1]))
    else:
        print(__doc__)
