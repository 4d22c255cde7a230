"""Write the shell completion scripts in ``completions/`` from the app, through Typer.

Run ``python -m dlcalc.completion_scripts [DIR]`` after changing the commands; a test
regenerates them and fails when the committed ones are stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

FILES = {"bash": "dlcalc.bash", "zsh": "_dlcalc", "fish": "dlcalc.fish"}


def completion_script(shell: str) -> str:
    """The completion script Typer generates for ``dlcalc`` in ``shell``."""
    from typer._completion_shared import get_completion_script

    return get_completion_script(prog_name="dlcalc", complete_var="_DLCALC_COMPLETE", shell=shell)


def write_all(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for shell, name in FILES.items():
        path = folder / name
        path.write_text(completion_script(shell).rstrip("\n") + "\n", encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    default = Path(__file__).resolve().parent.parent / "completions"
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    for written in write_all(target):
        print(written)
