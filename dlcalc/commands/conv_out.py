"""``dlcalc conv-out``: output size of a convolution, transposed convolution or pooling layer."""

from typing import Annotated

import click
import typer

from dlcalc.commands import (
    CONVENTION,
    POOL,
    AtolOpt,
    CheckOpt,
    JsonOpt,
    LatexOpt,
    MarkdownOpt,
    RtolOpt,
    SymbolicOpt,
    command_app,
    examples,
    finish,
    output_mode,
)

app = command_app()

UNKNOWN = click.Choice(["padding", "stride", "kernel", "dilation", "size"])


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
    convention: Annotated[str, typer.Option(
        click_type=CONVENTION, help="Whose 'same': torch (stride 1 only) or tf (TensorFlow SAME).")] = "torch",
    transposed: Annotated[bool, typer.Option("--transposed", help="A transposed convolution.")] = False,
    output_padding: Annotated[str, typer.Option(
        "--output-padding", help="Extra size on one side of a transposed convolution.")] = "0",
    pool: Annotated[str | None, typer.Option(click_type=POOL, help="A pooling layer instead: max or avg.",
                                             show_default=False)] = None,
    ceil_mode: Annotated[bool, typer.Option("--ceil-mode", help="Pooling with ceil_mode=True.")] = False,
    solve: Annotated[str | None, typer.Option(
        click_type=UNKNOWN, help="Find every integer value of this that gives --out.", rich_help_panel="Solving",
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
    mode = output_mode(json_, latex, markdown)
    from dlcalc.core.conv import conv_out_request

    solution = conv_out_request(
        size=size, kernel=kernel, stride=stride, padding=padding, dilation=dilation,
        convention=convention, transposed=transposed, output_padding=output_padding,
        pool=pool, ceil_mode=ceil_mode, solve=solve,
        out=out, symbolic=(mode != "json") if symbolic is None else symbolic,
        check=check, rtol=rtol, atol=atol)
    return finish(solution, mode)
