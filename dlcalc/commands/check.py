"""``dlcalc check``: a whole answer sheet (or a class's) checked in one process."""

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated

import typer

from dlcalc.commands import JsonOpt, LatexOpt, MarkdownOpt, command_app, examples, output_mode

if TYPE_CHECKING:
    from dlcalc.solution import Solution

app = command_app()

EXAMPLES = examples(
    "dlcalc check examples/seed-answers.toml",
    "dlcalc check submissions/*.toml --summary",
    "dlcalc check answers.toml --json",
)


def check(sheets: str | Sequence[str], summary: bool = False) -> "Solution":
    """Check every question of one or many TOML answer sheets.

    Each question names its command and that command's options, and ``claim = ...`` (or named
    claims, ``claim.kl = 0.4``). The result holds every question's claim, answer and verdict
    (``result["sheets"]``) and, with ``summary`` or several sheets, a per-question summary.

    Example:
        >>> import dlcalc
        >>> dlcalc.check("examples/seed-answers.toml").answer
        '7 right, 7 wrong, 0 errors'
    """
    from dlcalc.sheets import check_sheets

    return check_sheets([sheets] if isinstance(sheets, str) else list(sheets), summary)[0]


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
    from dlcalc.render import render, resolve_mode
    from dlcalc.sheets import check_sheets

    if resolve_mode(mode, sys.stdout) == "rich" and len(sheets) > 3:
        from rich.progress import Progress

        with Progress(transient=True) as bar:
            task = bar.add_task("checking", total=len(sheets))
            solution, code = check_sheets(sheets, summary, progress=lambda: bar.advance(task))
    else:
        solution, code = check_sheets(sheets, summary)
    render(solution, mode)
    return code
