"""dlcalc: a calculator and verifier for the arithmetic of deep learning.

``import dlcalc`` gives one function per command (``dlcalc.conv_out``, ``dlcalc.params``,
``dlcalc.lstm_grads``, ...), each returning a Solution; see :mod:`dlcalc.api`. They are imported on
first use, so the command line starts fast.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.2.0"

_CLASSES = {"InputError": "dlcalc.errors", "Solution": "dlcalc.solution", "Step": "dlcalc.solution",
            "Check": "dlcalc.solution", "Verdict": "dlcalc.solution"}


def __getattr__(name: str) -> Any:
    if name in _CLASSES:
        return getattr(importlib.import_module(_CLASSES[name]), name)
    api = importlib.import_module("dlcalc.api")
    if name in api.FUNCTIONS:
        return getattr(api, name)
    raise AttributeError(f"module 'dlcalc' has no attribute {name!r}")


def __dir__() -> list[str]:
    api = importlib.import_module("dlcalc.api")
    return sorted([*globals(), *api.__all__])
