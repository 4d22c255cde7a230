"""Run a dlcalc command in-process from an options dict: what ``check`` and ``batch`` are built on.

Options are the command line's own (``{"size": 32, "kernel": 5}`` is ``--size 32 --kernel 5``); each
value goes through that option's click type, so names, types, choices and error messages are the
same as on the command line. The command's ``finish`` hands back its Solution instead of rendering.
"""

from __future__ import annotations

from typing import Any

import click

from dlcalc import commands as shared
from dlcalc.errors import DlcalcError

_GROUP: Any = None


def _group() -> Any:
    """The root group: the one running (``dlcalc check`` built it already), else built once."""
    global _GROUP
    if _GROUP is None:
        from dlcalc.cli import DlcalcGroup

        running = click.get_current_context(silent=True)
        root = running.find_root().command if running is not None else None
        if isinstance(root, DlcalcGroup):
            _GROUP = root
        else:
            import typer

            from dlcalc.cli import app

            _GROUP = typer.main.get_command(app)
    return _GROUP


def command_names() -> list[str]:
    from dlcalc.cli import COMMANDS

    return [name for name in COMMANDS if name not in ("check", "batch")]


def get_command(name: str) -> click.Command:
    names = command_names()
    if name not in names:
        from difflib import get_close_matches

        close = get_close_matches(str(name), names, n=1)
        raise DlcalcError(f"unknown command {name!r}" + (f"; did you mean {close[0]}?" if close else "") +
                          f" (one of {', '.join(names)})", "command")
    group = _group()
    with click.Context(group) as ctx:
        return group.get_command(ctx, name)


def _text(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(_text(v) for v in value) if value and isinstance(value[0], list) else \
            ", ".join(_text(v) for v in value)
    return str(value)


class Binder:
    """A command's options, bound from a dict without building click's parser for every request
    (which costs more than the arithmetic): each value goes through the option's own click type."""

    def __init__(self, command: click.Command) -> None:
        self.command = command
        self.options: dict[str, tuple[click.Parameter, Any]] = {}
        for param in command.params:
            if not isinstance(param, click.Option) or param.name in ("help",):
                continue
            for opt in param.opts:
                self.options[opt.lstrip("-").replace("-", "_")] = (param, True)
            for opt in param.secondary_opts:
                self.options[opt.lstrip("-").replace("-", "_")] = (param, False)
        ctx = click.Context(command)
        self.defaults = {}
        for p in command.params:
            if isinstance(p, click.Option):
                default = p.get_default(ctx)
                self.defaults[p.name] = p.type_cast_value(ctx, default) if default is not None else (
                    [] if p.multiple else None)

    def kwargs(self, options: dict[str, Any]) -> dict[str, Any]:
        values = dict(self.defaults)
        ctx = click.Context(self.command)
        for key, value in options.items():
            name = str(key).replace("-", "_")
            if name not in self.options:
                from difflib import get_close_matches

                known = sorted(k for k in self.options if len(k) > 1)
                close = get_close_matches(name, known, n=1)
                raise DlcalcError(f"{self.command.name} has no option --{name.replace('_', '-')}" +
                                  (f"; did you mean --{close[0].replace('_', '-')}?" if close else ""), str(key))
            param, positive = self.options[name]
            if param.is_flag if isinstance(param, click.Option) else False:
                if not isinstance(value, bool):
                    raise DlcalcError(f"--{name.replace('_', '-')} is a switch: true or false, got {value!r}", str(key))
                values[param.name] = value if positive else not value
                continue
            if param.multiple:
                items = value if isinstance(value, list) else [value]
                values[param.name] = [param.type.convert(_text(v), param, ctx) for v in items]
            else:
                values[param.name] = param.type.convert(_text(value), param, ctx) if value is not None else None
        return values


_BINDERS: dict[str, Binder] = {}


def run(name: str, options: dict[str, Any], *, fast: bool = True) -> Any:
    """The Solution of ``dlcalc NAME`` with these options (DlcalcError or click errors when bad).

    ``fast`` sets ``--json`` unless an output format is given, so the optional sympy cross-checks
    stay off (the command line's --json default), as scripts and answer sheets want.
    """
    if name not in _BINDERS:
        _BINDERS[name] = Binder(get_command(name))
    binder = _BINDERS[name]
    kwargs = binder.kwargs(options)
    if fast and "json_" in kwargs and not any(kwargs.get(k) for k in ("json_", "latex", "markdown")) and \
            kwargs.get("symbolic") is None:
        kwargs["json_"] = True
    previous = shared.CAPTURED
    shared.CAPTURED = []
    try:
        binder.command.callback(**kwargs)
        captured = shared.CAPTURED
    finally:
        shared.CAPTURED = previous
    if not captured:
        raise DlcalcError("produced no result", name)
    return captured[-1]


def error_text(error: Exception) -> str:
    """One line for a DlcalcError or a click usage error."""
    if isinstance(error, click.ClickException):
        return " ".join(error.format_message().split())
    return " ".join(str(error).split())
