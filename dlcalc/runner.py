"""Run a command from an options dict, in-process: what ``check`` and ``batch`` are built on.

Options are named as on the command line (``{"size": 32, "kernel": 5}`` is ``--size 32 --kernel 5``;
``in-channels`` and ``in_channels`` are the same); each goes to the command's API function, which
takes typed values or text, so a sheet's ``padding = 1`` and a batch line's ``"padding": "1,2"`` are
both fine. The API function returns the Solution; nothing is rendered.
"""

from __future__ import annotations

import inspect
from difflib import get_close_matches
from functools import cache
from typing import Any

from dlcalc.errors import InputError
from dlcalc.registry import RUNNABLE, api_function
from dlcalc.solution import Solution


@cache
def _parameters(name: str) -> tuple[Any, frozenset[str], frozenset[str], frozenset[str]]:
    """The API function, its keyword arguments, those that are switches (annotated bool), those required."""
    function = api_function(name)
    parameters = inspect.signature(function).parameters
    switches = frozenset(key for key, p in parameters.items() if p.annotation in (bool, "bool"))
    required = frozenset(key for key, p in parameters.items() if p.default is inspect.Parameter.empty)
    return function, frozenset(parameters), switches, required


def run(name: Any, options: dict[str, Any]) -> Solution:
    """The Solution of ``dlcalc NAME`` with these options (InputError when a name or a value is bad)."""
    if name not in RUNNABLE:
        close = get_close_matches(str(name), RUNNABLE, n=1)
        raise InputError(f"unknown command {name!r}" + (f"; did you mean {close[0]}?" if close else "") +
                         f" (one of {', '.join(RUNNABLE)})", "command")
    function, known, switches, required = _parameters(name)
    kwargs: dict[str, Any] = {}
    for key, value in options.items():
        argument = str(key).replace("-", "_")
        if argument not in known:
            close = get_close_matches(argument, sorted(k for k in known if len(k) > 1), n=1)
            raise InputError(f"{name} has no option --{argument.replace('_', '-')}" +
                             (f"; did you mean --{close[0].replace('_', '-')}?" if close else ""), str(key))
        if argument in switches and not isinstance(value, bool):
            raise InputError(f"--{argument.replace('_', '-')} is a switch: true or false, got {value!r}", str(key))
        kwargs[argument] = value
    for argument in sorted(required - set(kwargs)):
        raise InputError(f"{name} needs --{argument.replace('_', '-')}", argument)
    return function(**kwargs)
