"""Plots of a solution's curves: drawn in Unicode for the terminal, or written as a .png/.svg figure
with matplotlib (the ``plot`` extra). gan-optimal-d's ``--plot`` draws D*, p_data and p_g.

The topic computes the curves (:class:`~dlcalc.core.gan.game.Series`); this module only draws them
and records the plot as a step of the solution.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from dlcalc.errors import InputError

if TYPE_CHECKING:
    from dlcalc.core.gan.game import Series
    from dlcalc.solution import Solution

MARKS = {"D*": "●", "p_data": "·", "p_g": "∘"}
TERMINAL = ("", "-", "terminal")
"""The ``--plot`` values that mean a drawing in the terminal rather than a file."""


def terminal_plot(xs: Sequence[float], series: dict[str, Sequence[float | None]], height: int = 12,
                  width: int = 64) -> str:
    """The series drawn in Unicode on a shared grid (each scaled to its own maximum; D* from 0 to 1)."""
    columns = min(width, len(xs))
    picks = [round(k * (len(xs) - 1) / max(1, columns - 1)) for k in range(columns)]
    grid = [[" "] * columns for _ in range(height)]
    for name, values in series.items():
        top = max((v for v in values if v is not None), default=0) or 1.0
        if name == "D*":
            top = 1.0
        for col, index in enumerate(picks):
            v = values[index]
            if v is None:
                continue
            row = height - 1 - min(height - 1, int(round(v / top * (height - 1))))
            if grid[row][col] == " " or name == "D*":
                grid[row][col] = MARKS[name]
    lines = ["│" + "".join(row) for row in grid]
    lines.append("└" + "─" * columns)
    lines.append(f" x from {xs[0]:g} to {xs[-1]:g};  ● D* (0 to 1)  · p_data  ∘ p_g (each to its maximum)")
    return "\n".join(lines)


def write_figure(series: Series, target: str) -> None:
    """D*, p_data and p_g as a matplotlib figure in ``target`` (.png or .svg); InputError naming
    ``--plot`` for another suffix, a missing matplotlib or a file that cannot be written."""
    if not target.lower().endswith((".png", ".svg")):
        raise InputError(f"expected a .png or .svg file (or no value for a terminal plot), got {target!r}", "--plot")
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise InputError("writing a figure needs matplotlib: pip install 'dlcalc[plot]' "
                         "(or use --plot with no file for a terminal plot)", "--plot") from None
    figure, axis = plt.subplots(figsize=(7, 4))
    axis.plot(series.xs, series.p_data, label="p_data")
    axis.plot(series.xs, series.p_g, label="p_g")
    axis.set_xlabel("x" if not series.discrete else "support")
    right = axis.twinx()
    right.plot(series.xs, [d if d is not None else float("nan") for d in series.d_star], "k--", label="D*")
    right.set_ylim(0, 1)
    right.set_ylabel("D*(x)")
    axis.legend(loc="upper left")
    right.legend(loc="upper right")
    axis.set_title("optimal discriminator D* = p_data/(p_data + p_g)")
    try:
        figure.savefig(target)
    except OSError as error:
        raise InputError(f"cannot write {target!r}: {error.strerror or error}", "--plot") from None
    finally:
        plt.close(figure)


def add_plot(solution: Solution, series: Series, target: str) -> Solution:
    """Draw ``series`` in the terminal (``target`` empty, ``-`` or ``terminal``: the drawing becomes a
    step) or into the file ``target`` (the step says where); returns the solution."""
    if target in TERMINAL:
        drawing = terminal_plot(series.xs, {"p_data": series.p_data, "p_g": series.p_g, "D*": series.d_star})
        solution.step("Plot", value=drawing, latex=r"\text{(plot: see the text output)}")
    else:
        write_figure(series, target)
        solution.step("Plot", value=f"written to {target}")
    return solution
