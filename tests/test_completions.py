"""Completion scripts: the committed ones are what Typer generates now, and completion answers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from dlcalc.completion_scripts import FILES, completion_script

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("shell", sorted(FILES))
def test_committed_completion_scripts_are_current(shell):
    committed = (ROOT / "completions" / FILES[shell]).read_text(encoding="utf-8")
    assert committed == completion_script(shell).rstrip("\n") + "\n", (
        f"completions/{FILES[shell]} is stale: run `python -m dlcalc.completion_scripts`")


def complete(words: str, cword: int) -> list[str]:
    env = dict(os.environ, COMP_WORDS=words, COMP_CWORD=str(cword), _DLCALC_COMPLETE="complete_bash")
    out = subprocess.run([sys.executable, "-c", "from dlcalc.cli import main; main()"], env=env,
                         capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    return out.stdout.split()


def test_bash_completion_of_commands_and_options():
    assert "conv-out" in complete("dlcalc conv-", 1)
    assert complete("dlcalc conv-out --pa", 2) == ["--padding"]
    assert "--kernel" in complete("dlcalc conv-out --", 2)
