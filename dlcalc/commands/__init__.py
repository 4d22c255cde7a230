"""One module per command: its Python API function and its thin Typer command; what they share lives here.

A command module defines two things:

* the **API function** (``conv_out``), exported as ``dlcalc.conv_out``: keyword arguments named like
  the command's options, each taking a typed value or the text the command line takes; it parses
  with :mod:`dlcalc.parse`, calls the topic in :mod:`dlcalc.core`, judges any claim, and returns
  the :class:`~dlcalc.solution.Solution`;
* ``app``, holding the **Typer command**, which passes its options to the API function and renders.

The root group in :mod:`dlcalc.cli` imports a command's module only when that command runs (or its
help or completion is asked for), so start-up does not grow with the number of commands.
"""

from typing import Annotated, Any

import click
import typer

from dlcalc.errors import ExitCode, InputError

OUTPUT = "Output"
CHECKING = "Checking"

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
MarkdownOpt = Annotated[bool, typer.Option("--markdown", help="Markdown with $…$ math.", rich_help_panel=OUTPUT)]
SymbolicOpt = Annotated[bool, typer.Option("--symbolic/--no-symbolic", help="Add the sympy cross-checks (slower).",
                                           rich_help_panel=OUTPUT)]
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
        raise InputError("choose one output format", "--" + "/--".join(chosen))
    return chosen[0] if chosen else "auto"


def finish(solution: Any, mode: str) -> int:
    """Render the solution; exit 1 when a claim was judged wrong, else 0."""
    from dlcalc.render import render

    render(solution, mode)
    if solution.verdict is not None and not solution.verdict.passed:
        return ExitCode.CHECK_FAILED
    return ExitCode.OK


def choice(value: str | None, allowed: tuple[str, ...], option: str) -> str | None:
    """``value`` if it is one of ``allowed`` (or None), else an InputError listing them (for the API)."""
    if value is not None and value not in allowed:
        raise InputError(f"expected {' or '.join(allowed) if len(allowed) <= 2 else ', '.join(allowed)}, "
                         f"got {value!r}", option)
    return value
