"""``dlcalc conv-apply``: apply a kernel (or pooling) and show every output element worked out."""

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
    command_app,
    examples,
    finish,
    output_mode,
)

app = command_app()


PAD_MODE = click.Choice(["zeros", "reflect", "replicate", "circular"])


EXAMPLES = examples(
    'dlcalc conv-apply --input "1 2 3 4; 5 6 7 8; 9 10 11 12; 13 14 15 16" --kernel "4 2; 5 1" --padding 1 --stride 2',
    'dlcalc conv-apply --input "1 2 3 4; 5 6 7 8; 9 10 11 12; 13 14 15 16" --kernel "4 2; 5 1" --padding 1 '
    '--stride 2 --check "1 19 26; 19 99 92; 26 86 64"',
    'dlcalc conv-apply --input @x.npy --kernel @w.npy --groups 2 --bias "0.5, -1" --json',
    'dlcalc conv-apply --input "1 3 2 4; 5 7 6 8; 0 2 1 3; 4 6 5 7" --pool max --kernel-size 2',
    'dlcalc conv-apply --input "1 2; 3 4" --kernel "1 0; 0 1" --padding 1 --pad-mode reflect --cell 1,1',
)

MATRIX = "Matrix: \"1 2; 3 4\", \"[[1,2],[3,4]]\", @file.npy|csv|json, or - for stdin."


@app.command("conv-apply", epilog=EXAMPLES)
def conv_apply_command(
    input_: Annotated[str | None, typer.Option("--input", "-i", help="The input (H×W, or C×H×W). " + MATRIX,
                                               show_default=False)] = None,
    kernel: Annotated[str | None, typer.Option("--kernel", "-k", help="The kernel (Kh×Kw, or O×C/G×Kh×Kw).",
                                               show_default=False)] = None,
    padding: Annotated[str, typer.Option("--padding", "-p",
                                         help="0, 1x2 (per axis), 1,2 (top/left,bottom/right), same, valid.")] = "0",
    stride: Annotated[str | None, typer.Option("--stride", "-s", help="Stride [default: 1; the window for --pool].",
                                               show_default=False)] = None,
    dilation: Annotated[str, typer.Option("--dilation", "-d", help="Dilation, one or per axis.")] = "1",
    bias: Annotated[str | None, typer.Option("--bias", "-b", help="Bias: one number, or one per output channel.",
                                             show_default=False)] = None,
    flip: Annotated[bool, typer.Option("--flip", help="True convolution: rotate the kernel by 180° first.")] = False,
    pad_mode: Annotated[str, typer.Option("--pad-mode", click_type=PAD_MODE, help="How padding is filled.")] = "zeros",
    groups: Annotated[int, typer.Option("--groups", "-g", help="Grouped convolution (groups = channels: depthwise).",
                                        min=1)] = 1,
    convention: Annotated[str, typer.Option(click_type=CONVENTION, help="Whose 'same' padding: torch or tf.")
                          ] = "torch",
    pool: Annotated[str | None, typer.Option(click_type=POOL, help="Pool instead of convolving: max or avg.",
                                             rich_help_panel="Pooling", show_default=False)] = None,
    kernel_size: Annotated[str | None, typer.Option("--kernel-size", help="The pooling window, e.g. 2 or 3x3.",
                                                    rich_help_panel="Pooling", show_default=False)] = None,
    ceil_mode: Annotated[bool, typer.Option("--ceil-mode", help="Pooling with ceil_mode=True.",
                                            rich_help_panel="Pooling")] = False,
    count_include_pad: Annotated[bool, typer.Option(
        "--count-include-pad/--no-count-include-pad", help="Average pooling: count padded zeros in the divisor.",
        rich_help_panel="Pooling")] = True,
    cell: Annotated[str | None, typer.Option("--cell", help="Show only this output cell: i,j (or o,i,j).",
                                             rich_help_panel="Output", show_default=False)] = None,
    steps: Annotated[int | None, typer.Option(
        "--steps", help="Write out at most N cells [default: all up to 36, else 6].", rich_help_panel="Output",
        show_default=False)] = None,
    json_: JsonOpt = False,
    latex: LatexOpt = False,
    markdown: MarkdownOpt = False,
    check: CheckOpt = None,
    rtol: RtolOpt = None,
    atol: AtolOpt = None,
) -> int:
    """Apply a kernel (or max/avg pooling) and show every output element worked out.

    Cross-correlation by default, as deep learning frameworks compute it; --flip for true convolution.
    """
    mode = output_mode(json_, latex, markdown)
    from dlcalc.core.conv_apply import conv_apply_request

    solution = conv_apply_request(
        input_text=input_, kernel_text=kernel, padding=padding, stride=stride, dilation=dilation, bias=bias,
        flip=flip, pad_mode=pad_mode, groups=groups, pool=pool,
        kernel_size=kernel_size, ceil_mode=ceil_mode, count_include_pad=count_include_pad,
        convention=convention, cell=cell, steps=steps, check=check, rtol=rtol, atol=atol)
    return finish(solution, mode)
