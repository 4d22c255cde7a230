"""The command line: the root group, and the registry of commands it loads lazily.

Start-up matters (completion runs this on every TAB): only typer/click are imported here.
Each command lives in its own module under :mod:`dlcalc.commands` and is imported, and turned
into a click command, only when it is the one being run, helped or completed; the core, numpy,
sympy and rich are imported further down still, by the code paths that need them.
"""

import importlib
import os
import sys
from collections.abc import Sequence
from difflib import get_close_matches
from typing import Annotated, Any

import click
import typer
from typer.core import TyperGroup

from dlcalc import __version__
from dlcalc.errors import ExitCode, InputError
from dlcalc.registry import COMMANDS


class DlcalcGroup(TyperGroup):
    """The root group: lazy subcommands, and every usage or input error as one line + exit 2."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            module = importlib.import_module(COMMANDS[cmd_name][0])
            command = typer.main.get_command(module.app)
            command.name = cmd_name
            command.short_help = COMMANDS[cmd_name][2]
            self.commands[cmd_name] = command
        return self.commands.get(cmd_name)

    def resolve_command(self, ctx: click.Context, args: list[str]) -> Any:
        name = args[0] if args else ""
        if name and not name.startswith("-") and name not in COMMANDS:
            close = get_close_matches(name, list(COMMANDS))
            hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            raise click.UsageError(f"No such command {name!r}.{hint} Commands: {', '.join(COMMANDS)}.")
        return super().resolve_command(ctx, args)

    def shell_complete(self, ctx: click.Context, incomplete: str) -> list[Any]:
        """Complete command names from the registry, without importing any command."""
        from click.shell_completion import CompletionItem

        items = [CompletionItem(name, help=short) for name, (_, _, short) in COMMANDS.items()
                 if name.startswith(incomplete)]
        return items + click.Command.shell_complete(self, ctx, incomplete)

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, windows_expand_args: bool = True, **extra: Any) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        try:
            code = super().main(args=argv, prog_name=prog_name or "dlcalc", complete_var=complete_var,
                                standalone_mode=False, windows_expand_args=windows_expand_args, **extra)
        except click.exceptions.Exit as stop:  # pragma: no cover - click returns these normally
            code = stop.exit_code
        except click.ClickException as error:
            if type(error).__name__ == "NoArgsIsHelpError":  # help already shown (click >= 8.2)
                sys.stdout.write(error.format_message() if not argv else "")
            else:
                _error_line(argv, error.format_message())
            code = ExitCode.BAD_INPUT
        except InputError as error:
            _error_line(argv, str(error))
            code = ExitCode.BAD_INPUT
        except click.exceptions.Abort:
            code = ExitCode.CHECK_FAILED
        except BrokenPipeError:  # `dlcalc ... | head -1`: the reader left; say nothing more
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            code = ExitCode.OK
        except Exception as error:  # a bug: still one line, never a traceback (unless asked)
            if os.environ.get("DLCALC_DEBUG"):
                raise
            _error_line(argv, f"internal error ({type(error).__name__}: {error}); please report it "
                              "with the command line (DLCALC_DEBUG=1 shows the traceback)")
            code = ExitCode.BAD_INPUT
        code = int(code) if isinstance(code, int) else 0
        if standalone_mode:
            sys.exit(code)
        return code


def _error_line(argv: list[str], message: str) -> None:
    """``dlcalc conv-out: error: --size: expected ...`` on stderr, on one line."""
    command = next((a for a in argv if not a.startswith("-")), "")
    prefix = f"dlcalc {command}" if command in COMMANDS else "dlcalc"
    sys.stderr.write(f"{prefix}: error: {' '.join(message.split())}\n")


app = typer.Typer(
    cls=DlcalcGroup,
    name="dlcalc",
    help="A calculator and verifier for the arithmetic of deep learning: worked solutions, "
         "independent checks, and a diagnosis of wrong answers.",
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"dlcalc {__version__}\n")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """A calculator and verifier for the arithmetic of deep learning."""


def main() -> None:
    """Console-script entry point."""
    app()
