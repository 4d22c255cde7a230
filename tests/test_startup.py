"""Start-up discipline: importing the CLI pulls in no heavy library (completion runs it on every TAB)."""

from __future__ import annotations

import os
import subprocess
import sys

HEAVY = {"numpy", "sympy", "scipy", "matplotlib", "rich", "pydantic"}


def imported(*argv: str, env: dict[str, str] | None = None) -> set[str]:
    run = subprocess.run([sys.executable, "-X", "importtime", *argv], capture_output=True, text=True,
                         env=dict(os.environ, **(env or {})), check=False)
    return {line.split("|")[-1].strip() for line in run.stderr.splitlines() if "|" in line}


def test_importing_the_cli_imports_nothing_heavy():
    assert not imported("-c", "import dlcalc.cli") & HEAVY


def test_completion_imports_nothing_heavy():
    env = {"COMP_WORDS": "dlcalc conv-out --pa", "COMP_CWORD": "2", "_DLCALC_COMPLETE": "complete_bash"}
    assert not imported("-c", "from dlcalc.cli import main; main()", env=env) & HEAVY


def test_fast_json_paths_import_nothing_heavy(tmp_path):
    sheet = tmp_path / "s.toml"
    sheet.write_text('[q]\ncommand = "conv-out"\nsize = 32\nkernel = 5\nclaim = 28\n')
    for argv in (["conv-out", "--size", "32", "--kernel", "5", "--json"],
                 ["params", "--input", "32x32", "--filters", "6", "--kernel", "5", "--json"],
                 ["check", str(sheet), "--json"]):
        assert not imported("-m", "dlcalc", *argv) & HEAVY, argv
