"""One thin Typer command per module; what every command shares lives here.

The root group in :mod:`dlcalc.cli` imports a command's module only when that command runs
(or its help or completion is asked for), so start-up does not grow with the number of commands.
"""

from typing import Annotated, Any

import click
import typer

from dlcalc.errors import DlcalcError, ExitCode

OUTPUT = "Output"
CHECKING = "Checking"


# Options with a fixed set of values are click Choices of strings, not Enums: an Enum class costs
# ~0.2 ms to create at every start-up, and the command gets the plain string it passes on anyway.
CONVENTION = click.Choice(["torch", "tf"])  # whose 'same' padding: PyTorch's (stride 1 only) or TensorFlow's SAME
POOL = click.Choice(["max", "avg"])


def command_app() -> typer.Typer:
    """A Typer app holding one command, configured like the root."""
    return typer.Typer(rich_markup_mode="rich", add_completion=False, pretty_exceptions_enable=False,
                       context_settings={"help_option_names": ["-h", "--help"]})


def examples(*lines: str) -> str:
    """A help epilog listing examples, one per line (Typer joins single newlines)."""
    return "[bold]Examples[/bold]\n\n" + "\n\n".join(lines)


# Options every command shares (the sqlite-utils habit: output options defined once).
JsonOpt = Annotated[bool, typer.Option("--json", help="One JSON object on stdout.", rich_help_panel=OUTPUT)]
LatexOpt = Annotated[bool, typer.Option("--latex", help="A LaTeX align* fragment.", rich_help_panel=OUTPUT)]
MarkdownOpt = Annotated[bool, typer.Option("--markdown", help="Markdown with $…$ math.",
                                           rich_help_panel=OUTPUT)]
SymbolicOpt = Annotated[bool | None, typer.Option(
    "--symbolic/--no-symbolic",
    help="Add the sympy cross-check (default: on, except with --json, where start-up matters).",
    rich_help_panel=OUTPUT, show_default=False)]
CheckOpt = Annotated[str | None, typer.Option(
    "--check", metavar="CLAIM", help="A claimed answer to verify: exit 0 if right, 1 if wrong.",
    rich_help_panel=CHECKING)]
RtolOpt = Annotated[float | None, typer.Option("--rtol", help="Relative tolerance for --check.",
                                               rich_help_panel=CHECKING, min=0)]
AtolOpt = Annotated[float | None, typer.Option("--atol", help="Absolute tolerance for --check.",
                                               rich_help_panel=CHECKING, min=0)]


def output_mode(json_: bool, latex: bool, markdown: bool) -> str:
    """The renderer chosen by the output flags ("auto" when none is given)."""
    chosen = [name for name, on in (("json", json_), ("latex", latex), ("markdown", markdown)) if on]
    if len(chosen) > 1:
        raise DlcalcError("choose one output format", "--" + "/--".join(chosen))
    return chosen[0] if chosen else "auto"


CAPTURED: list[Any] | None = None  # set by dlcalc.runner: solutions are kept instead of rendered


def finish(solution: Any, mode: str) -> int:
    """Render the solution (or hand it to dlcalc.runner); exit 1 when a --check claim was wrong, else 0."""
    if CAPTURED is not None:
        CAPTURED.append(solution)
    else:
        from dlcalc.render import render

        render(solution, mode)
    if solution.verdict is not None and not solution.verdict.passed:
        return ExitCode.CHECK_FAILED
    return ExitCode.OK
