"""``dlcalc conv-apply`` and :func:`dlcalc.conv_apply`: apply a kernel (or pooling) and show every output
element worked out."""

from typing import TYPE_CHECKING, Annotated, Any

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
from dlcalc.errors import InputError

if TYPE_CHECKING:
    from dlcalc.core.conv_apply import ApplySpec
    from dlcalc.solution import Solution

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


def conv_apply(input: Any = None, kernel: Any = None, *, padding: Any = 0, stride: Any = None, dilation: Any = 1,
               bias: Any = None, flip: bool = False, pad_mode: str = "zeros", groups: int | str = 1,
               pool: str | None = None, kernel_size: Any = None, ceil_mode: bool = False,
               count_include_pad: bool = True, convention: str = "torch", cell: Any = None,
               steps: int | str | None = None, check: Any = None, rtol: float | None = None,
               atol: float | None = None, stdin: Any = None) -> "Solution":
    """Apply a kernel (cross-correlation, as frameworks compute it; ``flip`` for true convolution) or
    max/average pooling to a matrix or C×H×W channels, every output cell worked out.

    ``input`` and ``kernel`` are text (``"1 2; 3 4"``, ``"[[1,2],[3,4]]"``, ``@x.npy``), nested lists or
    numpy arrays; an O×(C/G)×Kh×Kw kernel with ``groups`` for channels. ``cell`` (``(i, j)`` or
    ``"i,j"``) shows one cell, ``steps`` caps how many are written out. ``check`` is a claimed output,
    judged cell by cell. Definitions: PyTorch's ``Conv2d``, ``MaxPool2d`` and ``AvgPool2d``.

    Example:
        >>> import dlcalc
        >>> sol = dlcalc.conv_apply([[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 0], [0, 1]])
        >>> sol.result["output"].tolist()
        [[6, 8], [12, 14]]
        >>> sol.check("6 8; 12 15").passed
        False
    """
    from dlcalc.core.conv_apply import conv_apply as worked
    from dlcalc.parse.numbers import as_int


    spec = apply_problem(input, kernel, padding=padding, stride=stride, dilation=dilation, bias=bias, flip=flip,
                         pad_mode=pad_mode, groups=groups, pool=pool, kernel_size=kernel_size, ceil_mode=ceil_mode,
                         count_include_pad=count_include_pad, convention=convention, stdin=stdin)
    count = as_int(steps, "--steps") if steps is not None else None
    if count is not None and count < 0:
        raise InputError(f"expected a number of cells ≥ 0, got {count}", "--steps")
    sol = worked(spec, cell=_cell(cell) if cell is not None else None, steps=count)
    return sol.checked(check, rtol=rtol, atol=atol)


def apply_problem(input: Any = None, kernel: Any = None, *, padding: Any = 0, stride: Any = None, dilation: Any = 1,
                  bias: Any = None, flip: bool = False, pad_mode: str = "zeros", groups: int | str = 1,
                  pool: str | None = None, kernel_size: Any = None, ceil_mode: bool = False,
                  count_include_pad: bool = True, convention: str = "torch", stdin: Any = None) -> "ApplySpec":
    """The validated problem of a conv-apply run, from typed values or the command line's text."""
    from dlcalc.commands import choice
    from dlcalc.core.conv_apply import apply_spec
    from dlcalc.parse.matrices import as_array, as_number_list
    from dlcalc.parse.numbers import as_int
    from dlcalc.parse.shapes import as_padding, per_axis

    choice(pad_mode, ("zeros", "reflect", "replicate", "circular"), "--pad-mode")
    choice(pool, ("max", "avg"), "--pool")
    choice(convention, ("torch", "tf"), "--convention")
    if input is None:
        raise InputError("is required: the input matrix, e.g. \"1 2; 3 4\" or @x.npy", "--input")
    if isinstance(input, str) and input.strip() == "-" and isinstance(kernel, str) and kernel.strip() == "-":
        raise InputError("only one of --input and --kernel can be read from stdin", "--kernel")
    axes = "2 axes"
    mode, pads = as_padding(padding, 2, axes)
    x = as_array(input, "--input", stdin=stdin)
    w = as_array(kernel, "--kernel", stdin=stdin) if kernel is not None else None
    return apply_spec(
        x, w, bias=as_number_list(bias, "--bias") if bias is not None else None,
        stride=per_axis(stride, 2, "--stride", axes) if stride is not None else None,
        dilation=per_axis(dilation, 2, "--dilation", axes), padding=mode, pads=pads, pad_mode=pad_mode,
        groups=as_int(groups, "--groups", minimum=1), flip=flip, pool=pool,
        kernel_size=per_axis(kernel_size, 2, "--kernel-size", axes) if kernel_size is not None else None,
        ceil_mode=ceil_mode, count_include_pad=count_include_pad, convention=convention)


def _cell(value: Any) -> tuple[int, ...]:
    """``"0,1"`` (or ``"0,1,2"`` with channels), or a tuple of ints."""
    from dlcalc.parse.numbers import as_int

    parts = value.replace("[", " ").replace("]", " ").replace(",", " ").split() if isinstance(value, str) else \
        list(value) if isinstance(value, (tuple, list)) else [value]
    if len(parts) not in (2, 3):
        raise InputError(f"expected i,j (or o,i,j), got {value!r}", "--cell")
    return tuple(as_int(p, "--cell", minimum=0) for p in parts)


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
    return finish(conv_apply(input_, kernel, padding=padding, stride=stride, dilation=dilation, bias=bias, flip=flip,
                             pad_mode=pad_mode, groups=groups, pool=pool, kernel_size=kernel_size, ceil_mode=ceil_mode,
                             count_include_pad=count_include_pad, convention=convention, cell=cell, steps=steps,
                             check=check, rtol=rtol, atol=atol), mode)
