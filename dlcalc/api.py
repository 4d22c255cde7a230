"""The Python API: one function per command, the same call the command line makes.

    >>> import dlcalc
    >>> dlcalc.conv_out(size=32, kernel=5, stride=1).result["output_size"]
    [28]
    >>> dlcalc.params(input="32x32", layers="conv(6,5) relu").result["total_params"]
    156

Each function's keyword arguments are the command's options (``--in-channels`` is ``in_channels``)
and take typed values (ints, tuples, lists, numpy arrays) or the text the command line takes. Each
returns a :class:`~dlcalc.solution.Solution`: ``.result``, ``.to_dict()`` (the ``--json`` object),
``.check(claim)`` (a :class:`~dlcalc.solution.Verdict`), ``.text()``, ``.latex()``, ``.markdown()``,
``.html()``; in Jupyter it displays itself. Bad input raises :class:`~dlcalc.errors.InputError`,
whose ``argument`` names the keyword at fault.

The functions live in their command modules (:mod:`dlcalc.commands`) and are imported on first use.
"""

from __future__ import annotations

from typing import Any

from dlcalc.errors import InputError
from dlcalc.registry import COMMANDS, api_function
from dlcalc.solution import Check, Solution, Step, Verdict

FUNCTIONS = {function: name for name, (_, function, _) in COMMANDS.items()}

__all__ = ["Check", "InputError", "Solution", "Step", "Verdict", *FUNCTIONS]


def __getattr__(name: str) -> Any:
    if name in FUNCTIONS:
        return api_function(FUNCTIONS[name])
    raise AttributeError(f"module 'dlcalc.api' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
