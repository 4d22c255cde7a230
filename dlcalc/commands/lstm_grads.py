"""``dlcalc lstm-grads`` and :func:`dlcalc.lstm_grads`: one LSTM step's backward pass (or BPTT), verified,
and claimed gradient formulas judged."""

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any

import click
import typer

from dlcalc.commands import AtolOpt, JsonOpt, LatexOpt, MarkdownOpt, RtolOpt, command_app, examples, finish, output_mode
from dlcalc.errors import InputError
from dlcalc.parse.formula.names import LEFT

if TYPE_CHECKING:  # imported when the command runs, not when its module loads
    from dlcalc.solution import ClaimTable, Solution, Verdict

app = command_app()


GATE_ORDER = click.Choice(["ifog", "ifgo"])
LOSS = click.Choice(["sum", "mse"])

FORMULA_NAMES = tuple(LEFT)
"""The gradients a claimed formula may define."""

EXAMPLES = examples(
    "dlcalc lstm-grads",
    "dlcalc lstm-grads --hidden 3 --input-size 2 --seed 7 --gate-order ifgo --json",
    'dlcalc lstm-grads --check-formula "di = dh*g" --check-formula "dc = dh*o*(1 - tanh(c)^2) + dc_next*f"',
    "dlcalc lstm-grads --values @cell.json --check di=0.1312",
    "dlcalc lstm-grads --hidden 4 --input-size 3 --steps 5 --loss mse",
    "dlcalc lstm-grads --formulas --latex",
)
INPUTS = "Values"


def lstm_grads(hidden: int | str | None = None, input_size: int | str | None = None, seed: int | str = 0,
               values: Any = None, gate_order: str = "ifog", steps: int | str | None = None, loss: str = "sum",
               target: Any = None, formulas: bool = False, symbolic: bool = False, check: Any = None,
               check_formula: str | list[str] | None = None, rtol: float | None = None,
               atol: float | None = None) -> "Solution":
    """One LSTM step's forward and backward pass (or backpropagation through ``steps`` steps), every
    gradient checked against central differences; claimed values and gradient formulas judged.

    ``z = W·[h_{t−1}; x_t] + b``; ``i, f, o = σ(ẑ)``, ``g = tanh(ẑ_g)``; ``c_t = f ⊙ c_{t−1} + i ⊙ g``;
    ``h_t = o ⊙ tanh(c_t)`` (Hochreiter & Schmidhuber 1997 with a forget gate, PyTorch's ``nn.LSTM``;
    Goodfellow et al., *Deep Learning*, §10.10.1). ``values`` is ``"@cell.json"`` or a dict of numbers,
    lists or arrays (any of W, b, x, h_prev, c_prev, dh, dc_next, f_next, and xs, targets, h0, c0 with
    ``steps``); the rest is drawn from ``seed``. ``gate_order`` is ``ifog`` or PyTorch's ``ifgo``;
    ``loss`` (through time) ``sum`` or ``mse`` against ``target``. ``check`` is ``"NAME=VALUES"`` (or a
    list of them, or a dict), ``check_formula`` a formula such as ``"di = dc*g"`` (or a list), judged
    by sympy for all values; ``formulas`` derives each formula with sympy, ``symbolic`` checks them.

    Example:
        >>> import dlcalc
        >>> sol = dlcalc.lstm_grads(values={"W": [[0, 0]] * 4, "b": [0, 0, 0, 0], "x": [2], "h_prev": [3],
        ...                                 "c_prev": [1], "dh": [1], "dc_next": [0.4], "f_next": [0.5]})
        >>> sol.result["forward"]["c"].tolist(), sol.result["grads"]["di"].tolist()
        ([0.5], [0.0])
        >>> sol.check("di=0").passed, sol.check({"df": 0.2}).passed
        (True, False)
        >>> dlcalc.lstm_grads(check_formula="di = dh*g").verdict.diagnosis[:58]
        'δi_t = δh_t ⊙ g_t: δh_t stands where δc_t belongs (δc_t = '
    """
    from dlcalc.commands import choice
    from dlcalc.core.lstm import lstm_solution
    from dlcalc.parse.numbers import as_int

    choice(gate_order, ("ifog", "ifgo"), "--gate-order")
    choice(loss, ("sum", "mse"), "--loss")
    sol = lstm_solution(
        _given(values), hidden=as_int(hidden, "--hidden") if hidden is not None else None,
        input_size=as_int(input_size, "--input-size") if input_size is not None else None,
        seed=as_int(seed, "--seed"), order=gate_order, steps=as_int(steps, "--steps") if steps is not None else None,
        loss=loss, target=_target(target) if target is not None else None)
    if formulas or symbolic:
        from dlcalc.symbolic.lstm import formulas_solution, symbolic_check

        if formulas:
            formulas_solution(sol)
        else:
            symbolic_check(sol)
    if sol.claims is not None:
        sol.claims = with_formulas(sol.claims)
    return sol.checked(named=_named(check), formulas=_texts(check_formula, "--check-formula"), rtol=rtol, atol=atol)


def with_formulas(table: "ClaimTable") -> "ClaimTable":
    """lstm-grads' claim table with the judge of claimed formulas (sympy, imported when one is judged)
    and the other spellings of the names (``δi_t``, ``dzi``, ``δc_{t−1}``)."""
    return dataclasses.replace(table, formula=judge_formula, formula_names=FORMULA_NAMES, resolve=resolve_name)


def judge_formula(text: str) -> "tuple[str, Verdict]":
    """``NAME = FORMULA`` judged for all values by :func:`dlcalc.symbolic.lstm.judge_text`."""
    from dlcalc.symbolic.lstm import judge_text

    return judge_text(text, "--check-formula")


def resolve_name(name: str) -> str | None:
    """The canonical name (``di``, ``dc_prev``, ``di_hat``) of a spelling the formula lexer reads (``δi_t``,
    ``\\delta c_{t-1}``, ``dzi``), or None when it is not one name."""
    from dlcalc.parse.formula.lexer import Lexer

    try:
        tokens = Lexer(name, "--check").run()
    except InputError:
        return None
    if len(tokens) == 2 and tokens[0].kind == "name" and tokens[1].kind == "end":
        return str(tokens[0].value)
    return None


def _named(check: Any) -> list[tuple[str, Any, str]]:
    """``--check`` claims as (name, values, option): ``"di=0.0123,-0.2"`` texts (one or a list), or a dict."""
    if check is None:
        return []
    if isinstance(check, Mapping):
        return [(str(name), value, "--check") for name, value in check.items()]
    items: list[tuple[str, Any, str]] = []
    for claim in [check] if isinstance(check, (str, Mapping)) else list(check):
        if isinstance(claim, Mapping):
            items += _named(claim)
            continue
        text = str(claim)
        if "=" not in text:
            raise InputError(f"expected NAME=VALUES such as di=0.0123,-0.2, got {text!r}", "--check")
        name, value = (part.strip() for part in text.split("=", 1))
        items.append((name, value, "--check"))
    return items


def _texts(value: str | list[str] | None, option: str) -> list[str]:
    if value is None:
        return []
    texts = [value] if isinstance(value, str) else list(value)
    for text in texts:
        if not isinstance(text, str):
            raise InputError(f"expected formula text, got {type(text).__name__}", option)
    return texts


def _given(values: Any) -> dict[str, Any]:
    """``--values``: ``@cell.json`` (or its path), or a dict of numbers, lists or arrays, as float64 arrays."""
    from dlcalc.core.lstm import as_values

    if values is None:
        return {}
    if isinstance(values, Mapping):
        return as_values(values)
    if not isinstance(values, str):
        raise InputError(f"expected @file.json or a dict of values, got {type(values).__name__}", "--values")
    import json
    import os

    from dlcalc.parse.files import read_text_file

    text = values.strip()
    if text.startswith("@"):
        text = text[1:].strip()
    raw = read_text_file(os.path.expanduser(text), repr(text), "--values")
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as error:
        raise InputError(f"{text!r} is not JSON: {error.msg} at line {error.lineno}, column {error.colno}",
                         "--values") from None
    except RecursionError:
        raise InputError(f"{text!r} nests its lists too deeply", "--values") from None
    if not isinstance(data, dict):
        raise InputError(f"expected a JSON object with keys such as W, b, x, got {type(data).__name__}", "--values")
    return as_values(data, f" in {text!r}")


def _target(target: Any) -> Any:
    """``--target``: T×H (or H values) as a matrix's text, nested lists or an array."""
    import numpy as np

    from dlcalc.parse.matrices import as_array

    return np.asarray(as_array(target, "--target"), dtype=np.float64)


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
    return finish(lstm_grads(hidden, input_size, seed, values, gate_order, steps, loss, target, formulas, symbolic,
                             check, check_formula, rtol, atol), mode)
