"""``dlcalc conv-out`` and :func:`dlcalc.conv_out`: output size of a convolution, transposed convolution
or pooling layer."""

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
    SymbolicOpt,
    command_app,
    examples,
    finish,
    output_mode,
)
from dlcalc.errors import InputError

if TYPE_CHECKING:
    from dlcalc.core.conv import ConvSpec
    from dlcalc.solution import Solution

app = command_app()

UNKNOWNS = ("padding", "stride", "kernel", "dilation", "size")

EXAMPLES = examples(
    "dlcalc conv-out --size 32 --kernel 5 --stride 1",
    "dlcalc conv-out --size 32 --kernel 5 --stride 4 --check 28",
    "dlcalc conv-out --size 13 --kernel 6 --stride 5 --padding same --convention tf",
    "dlcalc conv-out --size 224x224 --kernel 7 --stride 2 --padding 3 --json",
    "dlcalc conv-out --size 5 --kernel 2 --pool max --padding 1 --ceil-mode",
    "dlcalc conv-out --size 7 --kernel 3 --stride 2 --padding 1 --transposed --output-padding 1",
    "dlcalc conv-out --size 32 --kernel 5 --solve padding --out 32",
)

Value = int | str | tuple[int, ...] | list[int]


def conv_out(size: Value | None = None, kernel: Value | None = None, stride: Value | None = None,
             padding: Any = 0, dilation: Value = 1, *, convention: str = "torch", transposed: bool = False,
             output_padding: Value = 0, pool: str | None = None, ceil_mode: bool = False, solve: str | None = None,
             out: Value | None = None, symbolic: bool = False, check: Any = None, rtol: float | None = None,
             atol: float | None = None) -> "Solution":
    """Output size of a convolution, transposed convolution or pooling layer, worked per axis.

    ``O = ⌊(L + 2P − D(K−1) − 1)/S⌋ + 1`` (PyTorch's ``Conv2d``; Dumoulin & Visin 2016). Sizes and
    per-axis values are ints, tuples or text (``32``, ``(32, 32)``, ``"32x32"``); ``padding`` is an
    int, per axis, ``(left, right)`` pairs, or ``"same"``/``"valid"``. ``solve`` names an unknown
    (padding, stride, kernel, dilation or size) to find every integer value of that gives ``out``.
    ``check`` is a claimed output size; ``symbolic`` adds sympy's evaluation of the formula.

    Example:
        >>> import dlcalc
        >>> dlcalc.conv_out(size=32, kernel=5, stride=4).result["output_size"]
        [7]
        >>> dlcalc.conv_out(size=(32, 32), kernel=5, stride=4, check="28x28").verdict.diagnosis
        '28x28 is what stride 1 gives; with stride 4 the answer is 7×7'
    """
    from dlcalc.commands import choice
    from dlcalc.core.conv import conv_out as worked


    choice(convention, ("torch", "tf"), "--convention")
    choice(pool, ("max", "avg"), "--pool")
    choice(solve, UNKNOWNS, "--solve")
    if solve is not None:
        if check is not None:
            raise InputError("checks a computed output; with --solve, check the unknown by running conv-out with it",
                             "--check")
        return _solve(size, kernel, stride, padding, dilation, transposed, output_padding, pool, ceil_mode,
                      solve, out)
    if out is not None:
        raise InputError("is the target of --solve; add --solve padding|stride|kernel|dilation|size", "--out")
    if size is None:
        raise InputError("is required (the input size, e.g. 32 or 32x32)", "--size")
    if kernel is None:
        raise InputError("is required (the kernel size, e.g. 5 or 3x3)", "--kernel")
    spec = conv_spec(size, kernel, stride, padding, dilation, convention=convention, transposed=transposed,
                     output_padding=output_padding, pool=pool, ceil_mode=ceil_mode)
    sol = worked(spec)
    if symbolic:
        from dlcalc.symbolic.conv import check as sympy_check

        sympy_check(sol, spec)
    return sol.checked(check, rtol=rtol, atol=atol)


def conv_spec(size: Value, kernel: Value, stride: Value | None = None, padding: Any = 0, dilation: Value = 1, *,
              convention: str = "torch", transposed: bool = False, output_padding: Value = 0, pool: str | None = None,
              ceil_mode: bool = False) -> "ConvSpec":
    """The validated layer of a conv-out problem, from typed values or the command line's text."""
    from dlcalc.core.conv import layer
    from dlcalc.parse.shapes import as_padding, as_shape, per_axis, shape_text

    sizes = as_shape(size, "--size")
    n, size_text = len(sizes), shape_text(size)
    mode, pads = as_padding(padding, n, size_text)
    return layer(sizes, per_axis(kernel, n, "--kernel", size_text),
                 per_axis(stride, n, "--stride", size_text) if stride is not None else None, mode,
                 per_axis(dilation, n, "--dilation", size_text), pads=pads, convention=convention,
                 transposed=transposed, output_padding=per_axis(output_padding, n, "--output-padding", size_text,
                                                                minimum=0), pool=pool, ceil_mode=ceil_mode)


def _solve(size: Any, kernel: Any, stride: Any, padding: Any, dilation: Any, transposed: bool, output_padding: Any,
           pool: str | None, ceil_mode: bool, unknown: str, out: Any) -> "Solution":
    """``--solve``: every integer value of the unknown that gives the output size ``out``, per axis."""
    from dlcalc.parse.shapes import as_padding, as_shape, per_axis, shape_text
    from dlcalc.symbolic.conv import solve

    if out is None:
        raise InputError("--solve needs the output size wanted, e.g. --out 32", "--out")
    if pool or ceil_mode:
        raise InputError("solving is for convolutions; pooling's stride and ceil mode are not solved", "--solve")
    target = as_shape(out, "--out")
    n, out_text = len(target), shape_text(out)
    given = {"size": size, "kernel": kernel, "stride": 1 if stride is None else stride, "padding": padding,
             "dilation": dilation}
    if unknown not in ("size", "kernel") and str(given[unknown]) not in ("0", "1"):
        raise InputError(f"--{unknown} is the unknown; leave it out", f"--{unknown}")
    for name in ("size", "kernel"):
        if name != unknown and given[name] is None:
            raise InputError(f"is required to solve for the {unknown}", f"--{name}")
        if name == unknown and given[name] is not None:
            raise InputError("is the unknown; leave it out", f"--{name}")
    values: dict[str, tuple[int, ...]] = {}
    for name, value in given.items():
        if name == unknown:
            continue
        if name == "padding":
            mode, pads = as_padding(value, n, out_text)
            if mode != "explicit" or any(left != right for left, right in pads):
                raise InputError("--solve takes a number for the padding, the same on both sides", "--padding")
            values[name] = tuple(left for left, _ in pads)
        else:
            values[name] = per_axis(value, n, f"--{name}", out_text)
    ops = per_axis(output_padding, n, "--output-padding", out_text, minimum=0)
    return solve(values, unknown, target, transposed=transposed, output_padding=ops)


@app.command("conv-out", epilog=EXAMPLES)
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
        click_type=click.Choice(UNKNOWNS), help="Find every integer value of this that gives --out.",
        rich_help_panel="Solving", show_default=False)] = None,
    out: Annotated[str | None, typer.Option("--out", help="The output size wanted by --solve.",
                                            rich_help_panel="Solving", show_default=False)] = None,
    json_: JsonOpt = False,
    latex: LatexOpt = False,
    markdown: MarkdownOpt = False,
    symbolic: SymbolicOpt = False,
    check: CheckOpt = None,
    rtol: RtolOpt = None,
    atol: AtolOpt = None,
) -> int:
    """Output size of a convolution, transposed convolution or pooling layer, worked per axis.

    O = ⌊(L + 2P − D(K−1) − 1)/S⌋ + 1, with SAME padding, ceil mode and --solve for an unknown.
    """
    mode = output_mode(json_, latex, markdown)
    return finish(conv_out(size, kernel, stride, padding, dilation, convention=convention, transposed=transposed,
                           output_padding=output_padding, pool=pool, ceil_mode=ceil_mode, solve=solve, out=out,
                           symbolic=symbolic, check=check, rtol=rtol, atol=atol), mode)
