"""The command line: one thin Typer command per subcommand; parse, call the core, render.

Start-up matters (completion runs this on every TAB): only typer/click are imported here;
the core, numpy, sympy and rich are imported inside the commands that need them.
"""

from __future__ import annotations

import os
import sys
from enum import Enum
from typing import Annotated, Any

import click
import typer
from typer.core import TyperGroup

from dlcalc import __version__
from dlcalc.errors import DlcalcError, ExitCode

OUTPUT = "Output"
CHECKING = "Checking"


class DlcalcGroup(TyperGroup):
    """Turns every usage or input error into one line on stderr and exit 2 (never a traceback)."""

    def main(self, args: Any = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        try:
            code = super().main(args=argv, prog_name=prog_name or "dlcalc", complete_var=complete_var,
                                standalone_mode=False, **extra)
        except click.exceptions.Exit as stop:  # pragma: no cover - click returns these normally
            code = stop.exit_code
        except click.ClickException as error:
            _error_line(argv, error.format_message())
            code = ExitCode.BAD_INPUT
        except DlcalcError as error:
            _error_line(argv, str(error))
            code = ExitCode.BAD_INPUT
        except click.exceptions.Abort:
            code = ExitCode.CHECK_FAILED
        code = int(code) if isinstance(code, int) else 0
        if standalone_mode:
            sys.exit(code)
        return code


def _error_line(argv: list[str], message: str) -> None:
    command = next((a for a in argv if not a.startswith("-")), "")
    prefix = f"dlcalc {command}" if command in COMMANDS else "dlcalc"
    message = " ".join(message.split())
    sys.stderr.write(f"{prefix}: error: {message}\n")


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


def _mode(json_: bool, latex: bool, markdown: bool) -> str:
    chosen = [name for name, on in (("json", json_), ("latex", latex), ("markdown", markdown)) if on]
    if len(chosen) > 1:
        raise DlcalcError("choose one output format", "--" + "/--".join(chosen))
    return chosen[0] if chosen else "auto"


def _finish(solution: Any, mode: str) -> int:
    from dlcalc.render import render

    render(solution, mode)
    if solution.verdict is not None and not solution.verdict.passed:
        return ExitCode.CHECK_FAILED
    return ExitCode.OK


class Convention(str, Enum):
    torch = "torch"
    tf = "tf"


class Pool(str, Enum):
    max = "max"
    avg = "avg"


class Unknown(str, Enum):
    padding = "padding"
    stride = "stride"
    kernel = "kernel"
    dilation = "dilation"
    size = "size"


def examples(*lines: str) -> str:
    """A help epilog listing examples, one per line (Typer joins single newlines)."""
    return "[bold]Examples[/bold]\n\n" + "\n\n".join(lines)


CONV_OUT_EXAMPLES = examples(
    "dlcalc conv-out --size 32 --kernel 5 --stride 1",
    "dlcalc conv-out --size 32 --kernel 5 --stride 4 --check 28",
    "dlcalc conv-out --size 13 --kernel 6 --stride 5 --padding same --convention tf",
    "dlcalc conv-out --size 224x224 --kernel 7 --stride 2 --padding 3 --json",
    "dlcalc conv-out --size 5 --kernel 2 --pool max --padding 1 --ceil-mode",
    "dlcalc conv-out --size 7 --kernel 3 --stride 2 --padding 1 --transposed --output-padding 1",
    "dlcalc conv-out --size 32 --kernel 5 --solve padding --out 32",
)


@app.command("conv-out", epilog=CONV_OUT_EXAMPLES)
def conv_out_command(
    size: Annotated[str | None, typer.Option("--size", "-L", help="Input size: 32, 32x32 or 16x32x32.",
                                             show_default=False)] = None,
    kernel: Annotated[str | None, typer.Option("--kernel", "-k", help="Kernel size, one or per axis.",
                                               show_default=False)] = None,
    stride: Annotated[str | None, typer.Option(
        "--stride", "-s", help="Stride, one or per axis [default: 1; the kernel for --pool].",
        show_default=False)] = None,
    padding: Annotated[str, typer.Option(
        "--padding", "-p", help="0, 1x2 (per axis), 1,2 (left,right), same or valid.")] = "0",
    dilation: Annotated[str, typer.Option("--dilation", "-d", help="Dilation, one or per axis.")] = "1",
    convention: Annotated[Convention, typer.Option(
        help="Whose 'same': torch (stride 1 only) or tf (TensorFlow SAME).")] = Convention.torch,
    transposed: Annotated[bool, typer.Option("--transposed", help="A transposed convolution.")] = False,
    output_padding: Annotated[str, typer.Option(
        "--output-padding", help="Extra size on one side of a transposed convolution.")] = "0",
    pool: Annotated[Pool | None, typer.Option(help="A pooling layer instead: max or avg.",
                                              show_default=False)] = None,
    ceil_mode: Annotated[bool, typer.Option("--ceil-mode", help="Pooling with ceil_mode=True.")] = False,
    solve: Annotated[Unknown | None, typer.Option(
        help="Find every integer value of this that gives --out.", rich_help_panel="Solving",
        show_default=False)] = None,
    out: Annotated[str | None, typer.Option("--out", help="The output size wanted by --solve.",
                                            rich_help_panel="Solving", show_default=False)] = None,
    json_: JsonOpt = False,
    latex: LatexOpt = False,
    markdown: MarkdownOpt = False,
    symbolic: SymbolicOpt = None,
    check: CheckOpt = None,
    rtol: RtolOpt = None,
    atol: AtolOpt = None,
) -> int:
    """Output size of a convolution, transposed convolution or pooling layer, worked per axis.

    O = ⌊(L + 2P − D(K−1) − 1)/S⌋ + 1, with SAME padding, ceil mode and --solve for an unknown.
    """
    mode = _mode(json_, latex, markdown)
    from dlcalc.core.conv import conv_out_request

    solution = conv_out_request(
        size=size, kernel=kernel, stride=stride, padding=padding, dilation=dilation,
        convention=convention.value, transposed=transposed, output_padding=output_padding,
        pool=pool.value if pool else None, ceil_mode=ceil_mode, solve=solve.value if solve else None,
        out=out, symbolic=(mode != "json") if symbolic is None else symbolic,
        check=check, rtol=rtol, atol=atol)
    return _finish(solution, mode)


COMMANDS = {"conv-out"}


def main() -> None:
    """Console-script entry point."""
    if os.environ.get("NO_COLOR"):
        os.environ.setdefault("TERM", "dumb")
    app()
