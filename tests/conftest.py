"""Shared pytest fixtures."""

from __future__ import annotations

import pytest

# Environment variables that change how rich (and dlcalc's "auto" mode) render output.
_TERMINAL_ENV = (
    "NO_COLOR",
    "FORCE_COLOR",
    "TERM",
    "COLORTERM",
    "COLUMNS",
    "LINES",
    "CLICOLOR",
    "CLICOLOR_FORCE",
    "TTY_COMPATIBLE",
    "TTY_INTERACTIVE",
    "JUPYTER_COLUMNS",
    "JUPYTER_LINES",
)


@pytest.fixture(autouse=True)
def _clean_terminal_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Clear colour/terminal variables so output never depends on the terminal running the tests."""
    for name in _TERMINAL_ENV:
        monkeypatch.delenv(name, raising=False)
