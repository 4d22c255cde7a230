"""``dlcalc check``: a whole answer sheet (or a class's) checked in one process."""

import sys
from typing import Annotated

import typer

from dlcalc.commands import JsonOpt, LatexOpt, MarkdownOpt, command_app, examples, output_mode

app = command_app()

EXAMPLES = examples(
    "dlcalc check examples/seed-answers.toml",
    "dlcalc check submissions/*.toml --summary",
    "dlcalc check answers.toml --json",
)


@app.command("check", epilog=EXAMPLES)
def check_command(
    sheets: Annotated[list[str], typer.Argument(help="TOML answer sheets: one table per question.",
                                                show_default=False)],
    summary: Annotated[bool, typer.Option("--summary", help="Per question and per sheet: how many got it right, "
                                          "the commonest wrong answers and the mistakes behind them.")] = False,
    json_: JsonOpt = False,
    latex: LatexOpt = False,
    markdown: MarkdownOpt = False,
) -> int:
    """Check every question of one or many answer sheets; exit 1 if any answer is wrong, 2 if malformed.

    A question names its command and that command's options, and claim = ... (or claim.NAME = ...).
    """
    mode = output_mode(json_, latex, markdown)
    from dlcalc.core.sheets import check_sheets
    from dlcalc.render import render, resolve_mode

    shown = resolve_mode(mode, sys.stdout)
    if shown == "rich" and len(sheets) > 3:
        from rich.progress import Progress

        with Progress(transient=True) as bar:
            task = bar.add_task("checking", total=len(sheets))
            solution, code = check_sheets(sheets, summary, progress=lambda: bar.advance(task))
    else:
        solution, code = check_sheets(sheets, summary)
    render(solution, mode)
    return code
