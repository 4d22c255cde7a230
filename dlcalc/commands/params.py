"""``dlcalc params``: parameter counts, output shapes and MACs, layer by layer."""

from typing import Annotated

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
    symbolic: SymbolicOpt = None,
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
    from dlcalc.core.params import params_request

    solution = params_request(
        layers=layers, preset=preset, input_size=input_size, in_channels=in_channels,
        filters=filters, kernel=kernel, stride=stride, padding=padding, dilation=dilation, groups=groups, bias=bias,
        framework=framework, symbolic=(mode != "json") if symbolic is None else symbolic, check=check,
        check_layer=check_layer, check_shape=check_shape, rtol=rtol, atol=atol)
    return finish(solution, mode)
