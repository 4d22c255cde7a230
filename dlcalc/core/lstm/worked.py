"""One lstm-grads problem from typed values: one step worked (:mod:`~dlcalc.core.lstm.step`) or a
sequence through time (:mod:`~dlcalc.core.lstm.bptt`), the values not given drawn from the seed."""

from __future__ import annotations

import numpy as np

from dlcalc.core.lstm.bptt import bptt_solution
from dlcalc.core.lstm.step import lstm_step
from dlcalc.core.lstm.values import (
    LOSSES,
    ORDERS,
    Arrays,
    check_request,
    sequence_values,
    sequence_work,
    step_entries,
    step_sizes,
    step_values,
)
from dlcalc.errors import InputError
from dlcalc.solution import Solution


def lstm_solution(given: Arrays | None = None, *, hidden: int | None = None, input_size: int | None = None,
                  seed: int = 0, order: str = "ifog", steps: int | None = None, loss: str = "sum",
                  target: np.ndarray | None = None) -> Solution:
    """The worked Solution with its claim table: one step, or (``steps``) backpropagation through ``steps``
    steps with the ``sum`` or ``mse`` loss (against ``target``, T×H or H values, else the given or drawn
    targets). ``given`` holds the values given (:func:`~dlcalc.core.lstm.values.as_values`)."""
    if order not in ORDERS:
        raise InputError(f"expected ifog or ifgo, got {order!r}", "--gate-order")
    if loss not in LOSSES:
        raise InputError(f"expected sum or mse, got {loss!r}", "--loss")
    check_request(hidden, input_size, seed, steps)
    if steps is None and target is not None:
        raise InputError("is for backpropagation through time; add --steps T", "--target")
    given = given or {}
    hidden, inputs = step_sizes(hidden, input_size, given)
    if steps is None:
        entries = step_entries(hidden, inputs)  # a cell too large to check is refused before its values are drawn
        v, drawn, hidden, inputs = step_values(hidden, inputs, seed, given)
        return lstm_step(v, order, drawn, seed, entries)[0]
    sequence_work(hidden, inputs, steps)
    v, drawn, hidden, inputs = step_values(hidden, inputs, seed, given)
    xs, h0, c0, targets, more = sequence_values(given, steps, hidden, inputs, seed, loss, target)
    return bptt_solution(v, xs, h0, c0, loss, targets, order, [*drawn, *more], seed)
