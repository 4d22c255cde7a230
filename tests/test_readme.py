"""The README's examples still print what the README shows.

Every ```console block holds `$ dlcalc ...` lines, each followed by its exact output (stdout, as
printed when stdout is not a terminal). Run `python tests/test_readme.py --update` to rewrite the
outputs after a deliberate change, then read the diff.
"""

from __future__ import annotations

import re
import shlex
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
BLOCK = re.compile(r"```console\n(.*?)```", re.DOTALL)


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


def run(command: str) -> str:
    from dlcalc.cli import app

    words = shlex.split(command)
    assert words[0] == "dlcalc", command
    result = CliRunner().invoke(app, words[1:], env={"NO_COLOR": "1", "COLUMNS": "100"})
    return (result.stdout + result.stderr).rstrip("\n")


CASES = examples(README.read_text(encoding="utf-8"))


def test_readme_has_examples():
    assert len(CASES) >= 4


@pytest.mark.parametrize(("command", "expected"), CASES, ids=[c for c, _ in CASES])
def test_readme_example(command, expected):
    assert run(command) == expected.rstrip("\n")


def update() -> None:
    text = README.read_text(encoding="utf-8")

    def fill(match: re.Match) -> str:
        lines = []
        for command, _ in examples(match.group(0)):
            lines.append(f"$ {command}")
            lines.append(run(command))
        return "```console\n" + "\n".join(lines) + "\n```"

    README.write_text(BLOCK.sub(fill, text), encoding="utf-8")


def check_installed(executable: str) -> int:
    """Run every README example with an installed ``dlcalc`` (a real process); 0 when all match."""
    import os
    import subprocess

    env = dict(os.environ, NO_COLOR="1", COLUMNS="100")
    failures = 0
    for command, expected in CASES:
        words = shlex.split(command)
        done = subprocess.run([executable, *words[1:]], capture_output=True, text=True, env=env, check=False)
        if (done.stdout + done.stderr).rstrip("\n") != expected.rstrip("\n"):
            failures += 1
            print(f"README example differs: {command}")
    print(f"{len(CASES) - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    if "--update" in sys.argv:
        update()
    elif "--installed" in sys.argv:
        sys.exit(check_installed(sys.argv[sys.argv.index("--installed") + 1]))
