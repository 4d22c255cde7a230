"""``dlcalc params`` and :func:`dlcalc.params`: parameter counts, output shapes and MACs, layer by layer."""

from typing import TYPE_CHECKING, Annotated, Any

import click
import typer

from dlcalc.commands import (
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

if TYPE_CHECKING:  # imported when the command runs, not when its module loads
    from dlcalc.core.params import Row
    from dlcalc.parse.layers import Item, Layer
    from dlcalc.solution import Solution

app = command_app()


FRAMEWORK = click.Choice(["torch", "keras"])
PRESET = click.Choice(["lenet5", "alexnet", "vgg16", "vgg19", "resnet18", "resnet50"])


EXAMPLES = examples(
    "dlcalc params --input 32x32 --in-channels 1 --filters 6 --kernel 5",
    'dlcalc params --input 32x32 --layers "conv(6,5) relu maxpool(2) conv(16,5) relu maxpool(2) flatten '
    'fc(120) relu fc(84) relu fc(10)" --check-layer 3=2416',
    "dlcalc params --preset resnet18 --json",
    'dlcalc params --input 20 --layers "embedding(10000,128) lstm(256, layers=2) fc(10)" --framework keras',
    "dlcalc params --input 32x32 --filters 5 --kernel 4 --stride 2 --check 80",
)
SINGLE = "One layer"

Value = int | str | tuple[int, ...] | list[int]


def params(input: Value | None = None, layers: Any = None, preset: str | None = None,
           in_channels: int | str | None = None, filters: int | str | None = None, kernel: Value | None = None,
           stride: Value = 1, padding: Value = 0, dilation: Value = 1, groups: int | str = 1, bias: bool = True,
           framework: str = "torch", symbolic: bool = False, check: Any = None, check_layer: Any = None,
           check_shape: Any = None, rtol: float | None = None, atol: float | None = None) -> "Solution":
    """Parameter counts, output shapes and MACs of a network, layer by layer, with each convention named.

    A convolution has ``(K_1·…·K_n·C_in/g + 1)·C_out`` parameters and ``C_out·∏O·C_in/g·∏K`` MACs, a
    fully connected layer ``(N_in + 1)·N_out``; batch norm, recurrent layers (PyTorch's two bias vectors
    or Keras's one), attention and the rest as in PyTorch's (or Keras's) layer documentation; output
    shapes by conv-out's formula (Dumoulin & Visin 2016). ``layers`` is the network in params' layer
    language (``"conv(6,5) relu maxpool(2) flatten fc(10)"``, ``@file``, or parsed items), ``preset`` a
    published one, or ``filters`` with ``kernel`` (``stride``, ``padding``, ...) one convolution.
    ``input`` is the input size (``"32x32"``, ``(32, 32)``; T token ids, T×F a sequence, N a vector).
    ``check`` claims the total (or ``"layer_3=2416"``); ``check_layer`` (``"3=2416"``, ``{3: 2416}``)
    and ``check_shape`` (``"3=10x10x16"``) one layer's count or output shape; ``symbolic`` adds sympy's
    evaluation of each layer's formula.

    Example:
        >>> import dlcalc
        >>> sol = dlcalc.params(input=(32, 32), layers="conv(6,5) relu maxpool(2) flatten fc(10)")
        >>> sol.result["total_params"], sol.result["output_shape"]
        (11926, [10])
        >>> sol.check({"layer_1": 150}).diagnosis
        'layer 1 (conv(6,5)): 150 is the count without the bias; the answer is 156'
        >>> dlcalc.params(input="32x32", filters=5, kernel=4, stride=2, check_shape="1=15x15x5").verdict.passed
        True
    """
    from dlcalc.commands import choice
    from dlcalc.core.params import PRESETS, counted, input_shape, params_solution, summarize
    from dlcalc.parse.layers import parse_layers, parse_network
    from dlcalc.parse.numbers import as_int
    from dlcalc.parse.shapes import as_shape

    sources = [name for name, given in (("--layers", layers), ("--preset", preset), ("--filters", filters))
               if given is not None]
    if len(sources) > 1:
        raise InputError(f"give one of --layers, --preset or --filters, not {' and '.join(sources)}", sources[1])
    choice(framework, ("torch", "keras"), "--framework")
    channels = as_int(in_channels, "--in-channels", minimum=1) if in_channels is not None else None
    if preset is not None:
        if preset not in PRESETS:
            from difflib import get_close_matches

            close = get_close_matches(str(preset), list(PRESETS), n=1)
            raise InputError(f"unknown preset {preset!r}" + (f"; did you mean {close[0]}?" if close else "") +
                             f" (one of {', '.join(PRESETS)})", "--preset")
        chosen = PRESETS[preset]
        items = parse_network(chosen["layers"], "--preset")
        size = as_shape(input, "--input") if input is not None and input != "" else chosen["input"]
        shape = input_shape(items, size, channels or chosen["channels"])
    else:
        if input is None:
            raise InputError("is required: the input size, e.g. 32x32 (with --in-channels)", "--input")
        size = as_shape(input, "--input")
        if filters is not None:
            if kernel is None:
                raise InputError("is required with --filters: the kernel size, e.g. 5", "--kernel")
            items = [_single_conv(len(size), as_int(filters, "--filters", minimum=1), kernel, stride, padding,
                                  dilation, as_int(groups, "--groups", minimum=1), bias)]
        elif layers is None:
            raise InputError("is required: the layers, e.g. \"conv(6,5) relu maxpool(2) flatten fc(10)\" "
                             "(or --preset, or one layer with --filters and --kernel)", "--layers")
        else:
            items = parse_layers(layers) if isinstance(layers, str) else _items(layers)
        shape = input_shape(items, size, channels)
    rows = summarize(items, shape, framework)
    sol = params_solution(rows, shape, framework, preset=preset)
    if symbolic:
        from dlcalc.symbolic.params import check_rows

        check_rows(sol, counted(rows))
    named = _numbered(check_layer, "layer", "--check-layer", rows) + \
        _numbered(check_shape, "shape", "--check-shape", rows)
    return sol.checked(check, named=named, rtol=rtol, atol=atol)


def _single_conv(naxes: int, filters: int, kernel: Value, stride: Value, padding: Value, dilation: Value,
                 groups: int, bias: bool) -> "Layer":
    """The one convolution of ``--filters`` and ``--kernel``, as its layer would be written
    (``conv(5, 4, s=2)``): a kernel, stride and dilation per axis, padding per axis or same/valid."""
    from dlcalc.parse.layers import Layer
    from dlcalc.parse.shapes import as_shape

    if not isinstance(bias, bool):
        raise InputError(f"expected true or false, got {bias!r}", "--bias")
    word = padding.strip().lower() if isinstance(padding, str) else ""
    values: dict[str, Any] = {
        "s": as_shape(stride, "--stride"), "d": as_shape(dilation, "--dilation"),
        "p": word if word in ("same", "valid") else as_shape(padding, "--padding", minimum=0)}
    k = as_shape(kernel, "--kernel")

    def text(value: Any) -> str:
        return "x".join(map(str, value)) if isinstance(value, tuple) else str(value)

    def arg(value: Any) -> Any:
        return value[0] if isinstance(value, tuple) and len(value) == 1 else value

    defaults = {"s": "1", "p": "0", "d": "1", "groups": "1", "bias": "true"}
    given = {**values, "groups": groups, "bias": bias}
    shown = {key: "true" if value is True else "false" if value is False else text(value)
             for key, value in given.items()}
    kwargs = {key: arg(given[key]) for key in defaults if shown[key] != defaults[key]}
    extras = [f"{key}={shown[key]}" for key in kwargs]
    name = {1: "conv1d", 2: "conv", 3: "conv3d"}.get(naxes, "conv")
    return Layer(name, [filters, arg(k)], kwargs, 1, f"{name}({', '.join([str(filters), text(k), *extras])})")


def _items(layers: Any) -> "list[Item]":
    """Layers given already parsed (a list of :class:`~dlcalc.parse.layers.Layer` and ``Residual``)."""
    from dlcalc.parse.layers import Layer, Residual

    if isinstance(layers, (list, tuple)) and layers and all(isinstance(i, (Layer, Residual)) for i in layers):
        return list(layers)
    raise InputError(f"expected the layers as text, e.g. \"conv(6,5) relu fc(10)\", or parsed ones, got {layers!r}",
                     "--layers")


def _numbered(claims: Any, family: str, option: str, rows: "list[Row]") -> list[tuple[str, Any, str]]:
    """``--check-layer``/``--check-shape`` claims (``"3=2416"``, ``(3, 2416)``, ``{3: 2416}``, or a list) as
    (quantity name, claimed value, option), each naming a layer of the summary."""
    from dlcalc.parse.numbers import as_int

    if claims is None:
        return []
    if isinstance(claims, dict):
        pairs = list(claims.items())
    else:
        pairs = []
        for claim in [claims] if isinstance(claims, (str, tuple)) else claims:
            if isinstance(claim, str):
                if "=" not in claim:
                    raise InputError(f"expected LAYER=VALUE such as 3=2416, got {claim!r}", option)
                index, value = (part.strip() for part in claim.split("=", 1))
                pairs.append((index, value))
            elif isinstance(claim, tuple) and len(claim) == 2:
                pairs.append(claim)
            else:
                raise InputError(f"expected LAYER=VALUE such as 3=2416, got {claim!r}", option)
    last = rows[-1].index
    found = []
    for index, value in pairs:
        number = as_int(index, option, minimum=1)
        if number > last:
            raise InputError(f"there is no layer {number}; the layers are numbered 1 to {last}", option)
        found.append((f"{family}_{number}", value, option))
    return found


@app.command("params", epilog=EXAMPLES)
def params_command(
    input_size: Annotated[str | None, typer.Option(
        "--input", "-i", help="Input size: 32x32 (an image, with --in-channels), T for token ids, TxF for a "
        "sequence, N for a vector.", show_default=False)] = None,
    in_channels: Annotated[int | None, typer.Option("--in-channels", "-c", min=1,
                                                    help="Input channels [default: 1].", show_default=False)] = None,
    layers: Annotated[str | None, typer.Option(
        "--layers", "-l", help='The network, e.g. "conv(6,5) relu maxpool(2) flatten fc(10)", or @file.',
        show_default=False)] = None,
    preset: Annotated[str | None, typer.Option(click_type=PRESET, help="A published network.",
                                               show_default=False)] = None,
    framework: Annotated[str, typer.Option(
        click_type=FRAMEWORK, help="Whose conventions: torch (two RNN biases, BN buffers) or keras.")] = "torch",
    filters: Annotated[int | None, typer.Option("--filters", min=1, help="Output channels of one conv layer.",
                                                rich_help_panel=SINGLE, show_default=False)] = None,
    kernel: Annotated[str | None, typer.Option("--kernel", "-k", help="Its kernel, e.g. 5 or 3x3.",
                                               rich_help_panel=SINGLE, show_default=False)] = None,
    stride: Annotated[str, typer.Option("--stride", "-s", help="Its stride.", rich_help_panel=SINGLE)] = "1",
    padding: Annotated[str, typer.Option("--padding", "-p", help="Its padding (or same/valid).",
                                         rich_help_panel=SINGLE)] = "0",
    dilation: Annotated[str, typer.Option("--dilation", "-d", help="Its dilation.", rich_help_panel=SINGLE)] = "1",
    groups: Annotated[int, typer.Option("--groups", "-g", min=1, help="Its groups.", rich_help_panel=SINGLE)] = 1,
    bias: Annotated[bool, typer.Option("--bias/--no-bias", help="Whether it has a bias.",
                                       rich_help_panel=SINGLE)] = True,
    json_: JsonOpt = False,
    latex: LatexOpt = False,
    markdown: MarkdownOpt = False,
    symbolic: SymbolicOpt = False,
    check: CheckOpt = None,
    check_layer: Annotated[list[str] | None, typer.Option(
        "--check-layer", metavar="N=COUNT", help="A claimed parameter count of layer N (repeatable).",
        rich_help_panel="Checking", show_default=False)] = None,
    check_shape: Annotated[list[str] | None, typer.Option(
        "--check-shape", metavar="N=SHAPE", help="A claimed output shape of layer N, e.g. 3=10x10x16.",
        rich_help_panel="Checking", show_default=False)] = None,
    rtol: RtolOpt = None,
    atol: AtolOpt = None,
) -> int:
    """Parameter counts, output shapes and MACs, layer by layer, with each convention named.

    --check claims the total; --check-layer and --check-shape one layer's count or shape.
    """
    mode = output_mode(json_, latex, markdown)
    return finish(params(input=input_size, layers=layers, preset=preset, in_channels=in_channels, filters=filters,
                         kernel=kernel, stride=stride, padding=padding, dilation=dilation, groups=groups, bias=bias,
                         framework=framework, symbolic=symbolic, check=check, check_layer=check_layer,
                         check_shape=check_shape, rtol=rtol, atol=atol), mode)
