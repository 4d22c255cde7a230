"""``dlcalc lstm-grads``: one LSTM step's backward pass (or BPTT), verified, and formula checking."""

from typing import Annotated

import click
import typer

from dlcalc.commands import AtolOpt, JsonOpt, LatexOpt, MarkdownOpt, RtolOpt, command_app, examples, finish, output_mode

app = command_app()


GATE_ORDER = click.Choice(["ifog", "ifgo"])
LOSS = click.Choice(["sum", "mse"])


EXAMPLES = examples(
    "dlcalc lstm-grads",
    "dlcalc lstm-grads --hidden 3 --input-size 2 --seed 7 --gate-order ifgo --json",
    'dlcalc lstm-grads --check-formula "di = dh*g" --check-formula "dc = dh*o*(1 - tanh(c)^2) + dc_next*f"',
    "dlcalc lstm-grads --values @cell.json --check di=0.1312",
    "dlcalc lstm-grads --hidden 4 --input-size 3 --steps 5 --loss mse",
    "dlcalc lstm-grads --formulas --latex",
)
INPUTS = "Values"


@app.command("lstm-grads", epilog=EXAMPLES)
def lstm_grads_command(
    hidden: Annotated[int | None, typer.Option("--hidden", "-H", help="Hidden size [default: 1, or W's].",
                                               rich_help_panel=INPUTS, show_default=False)] = None,
    input_size: Annotated[int | None, typer.Option("--input-size", "-M", help="Input size [default: 1, or W's].",
                                                   rich_help_panel=INPUTS, show_default=False)] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed for the values not given.", rich_help_panel=INPUTS)] = 0,
    values: Annotated[str | None, typer.Option(
        "--values", help="@file.json with any of W, b, x, h_prev, c_prev, dh, dc_next, f_next (and xs, targets, "
        "h0, c0 for --steps).", rich_help_panel=INPUTS, show_default=False)] = None,
    gate_order: Annotated[str, typer.Option("--gate-order", click_type=GATE_ORDER,
                                            help="Rows of W: ifog (the seed's) or ifgo (PyTorch's).")] = "ifog",
    steps: Annotated[int | None, typer.Option("--steps", "-T", help="Backpropagation through T steps.",
                                              rich_help_panel="Through time", show_default=False)] = None,
    loss: Annotated[str, typer.Option(click_type=LOSS, help="BPTT loss: sum of all h_t, or mse against --target.",
                                      rich_help_panel="Through time")] = "sum",
    target: Annotated[str | None, typer.Option("--target", help="Targets for mse: T×H (or H values) as a matrix.",
                                               rich_help_panel="Through time", show_default=False)] = None,
    formulas: Annotated[bool, typer.Option("--formulas", help="The backward formulas, derived and checked by sympy.")
                        ] = False,
    symbolic: Annotated[bool, typer.Option("--symbolic", help="Also check the formulas with sympy (slower start).")
                        ] = False,
    json_: JsonOpt = False,
    latex: LatexOpt = False,
    markdown: MarkdownOpt = False,
    check_formula: Annotated[list[str] | None, typer.Option(
        "--check-formula", metavar="FORMULA", help='A claimed formula, e.g. "di = dc*g" (repeatable).',
        rich_help_panel="Checking", show_default=False)] = None,
    check: Annotated[list[str] | None, typer.Option(
        "--check", metavar="NAME=VALUES", help="Claimed values, e.g. di=0.0123,-0.2 (repeatable).",
        rich_help_panel="Checking", show_default=False)] = None,
    rtol: RtolOpt = None,
    atol: AtolOpt = None,
) -> int:
    """One LSTM step's backward pass (or BPTT), verified three ways; checks gradient formulas.

    z = W·[h_{t−1}; x_t] + b; i, f, o = σ, g = tanh; c_t = f ⊙ c_{t−1} + i ⊙ g; h_t = o ⊙ tanh(c_t).
    """
    mode = output_mode(json_, latex, markdown)
    from dlcalc.core.lstm import lstm_request

    solution = lstm_request(
        hidden=hidden, input_size=input_size, seed=seed, values=values, order=gate_order, steps=steps,
        loss=loss, target=target, formulas=formulas, symbolic=symbolic, check_formula=check_formula,
        check=check, rtol=rtol, atol=atol)
    return finish(solution, mode)
