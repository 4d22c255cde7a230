"""The committed completion scripts in real shells, driven through tmux: TAB after `dlcalc conv-`
shows both conv commands, and after `dlcalc conv-out --pa` completes `--padding`."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHELLS = {
    "bash": (["bash", "--norc", "--noprofile"], f"source {ROOT}/completions/dlcalc.bash"),
    "zsh": (["zsh", "-f"], f"autoload -U compinit && compinit -u && source {ROOT}/completions/_dlcalc"),
    "fish": (["fish", "--no-config"], f"source {ROOT}/completions/dlcalc.fish"),
}


def dlcalc_bin() -> str | None:
    return shutil.which("dlcalc")


def needs(shell: str) -> None:
    missing = [tool for tool in ("tmux", shell) if not shutil.which(tool)]
    if dlcalc_bin() is None:
        missing.append("dlcalc on PATH")
    if missing:
        if os.environ.get("CI") and shell == "bash":
            pytest.fail(f"missing under CI: {', '.join(missing)}")
        pytest.skip(f"needs {', '.join(missing)}")


class Pane:
    def __init__(self, argv: list[str]) -> None:
        self.name = f"dlcalc-{uuid.uuid4().hex[:8]}"
        env = dict(os.environ, TERM="xterm", HOME=os.environ.get("HOME", "/tmp"))
        env["PATH"] = os.path.dirname(dlcalc_bin()) + os.pathsep + env.get("PATH", "")
        subprocess.run(["tmux", "new-session", "-d", "-s", self.name, "-x", "200", "-y", "50", *argv], env=env,
                       check=True)

    def send(self, *keys: str) -> None:
        subprocess.run(["tmux", "send-keys", "-t", self.name, *keys], check=True)

    def text(self) -> str:
        return subprocess.run(["tmux", "capture-pane", "-p", "-t", self.name], capture_output=True, text=True,
                              check=True).stdout

    def wait_for(self, *needles: str, timeout: float = 15.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.text()
            if all(n in screen for n in needles):
                return screen
            time.sleep(0.2)
        return self.text()

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], check=False, capture_output=True)


@pytest.mark.parametrize("shell", sorted(SHELLS))
def test_tab_completes_commands_and_options(shell):
    needs(shell)
    argv, setup = SHELLS[shell]
    pane = Pane(argv)
    try:
        pane.send(setup, "Enter")
        pane.send("clear", "Enter")
        time.sleep(0.5)
        pane.send("dlcalc conv-", "Tab")
        time.sleep(0.7)
        pane.send("Tab")
        screen = pane.wait_for("conv-out", "conv-apply")
        assert "conv-out" in screen and "conv-apply" in screen, screen
        pane.send("C-c")
        pane.send("clear", "Enter")
        time.sleep(0.5)
        pane.send("dlcalc conv-out --pa", "Tab")
        screen = pane.wait_for("--padding")
        assert "--padding" in screen, screen
    finally:
        pane.close()
