"""lstm-grads' values: the given ones checked, the rest drawn from the seed, and the limits on sizes.

Every value not given is drawn from ``numpy.random.default_rng(seed)``, rounded to two decimals so
that it is easy to copy into a hand calculation, in a fixed order (:data:`STEP_KEYS`) whether or
not it is given, so a given value never shifts the others. A sequence for backpropagation through
time draws its inputs (and mse targets) from ``default_rng(seed + 1)``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from difflib import get_close_matches
from typing import Any

import numpy as np

from dlcalc.errors import InputError
from dlcalc.parse.text import env_limit

ORDERS = ("ifog", "ifgo")
LOSSES = ("sum", "mse")
STEP_KEYS = ("W", "b", "x", "h_prev", "c_prev", "dh", "dc_next", "f_next")
SEQUENCE_KEYS = ("xs", "targets", "h0", "c0")
MAX_HIDDEN = 4096  # DLCALC_MAX_HIDDEN raises it
MAX_WORK = 2_000_000_000  # multiply-adds of a run; DLCALC_MAX_WORK raises it
MAX_STEPS = 10_000
MAX_SEED = 2**128
FD_ENTRIES = 256  # entries of each array the finite-difference check of one step perturbs, at most
FD_MIN_ENTRIES = 12  # ... and at least (as BPTT's check): a cell that cannot afford this is refused

Arrays = dict[str, np.ndarray]


def as_values(data: Mapping[str, Any], where: str = "", option: str = "--values") -> Arrays:
    """Given values (any of W, b, x, h_prev, c_prev, dh, dc_next, f_next, xs, targets, h0, c0: numbers,
    nested lists or arrays) as float64 arrays, read as ``numpy.asarray(value, dtype=float64)`` reads
    them (a number becomes one value). ``where`` names their source in messages (`` in 'cell.json'``)."""
    known = (*STEP_KEYS, *SEQUENCE_KEYS)
    values: Arrays = {}
    for key, value in data.items():
        if key not in known:
            close = get_close_matches(str(key), sorted(known), n=1)
            raise InputError(f"unknown key {key!r}{where}" + (f"; did you mean {close[0]}?" if close else "") +
                             f" (keys: {', '.join(sorted(known))})", option)
        try:
            array = np.asarray(value, dtype=np.float64)
        except OverflowError:  # an integer beyond float64
            array = np.array([math.inf])
        except (TypeError, ValueError):
            raise InputError(f"{key}{where} must be numbers (a number, a list or a list of rows)", option) from None
        if array.ndim == 0:
            array = array.reshape(1)
        if not np.all(np.isfinite(array)):
            raise InputError(f"{key}{where} must be finite numbers", option)
        values[key] = array
    return values


def draw(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Random values with two decimals, in [−1, 1]: easy to copy into a hand calculation."""
    return np.round(rng.uniform(-1.0, 1.0, size=shape), 2)


def check_request(hidden: int | None, input_size: int | None, seed: int, steps: int | None) -> None:
    """The limits on the options themselves: sizes 1 … DLCALC_MAX_HIDDEN, a seed 0 … 2¹²⁸ − 1, 1 … 10000 steps."""
    if not 0 <= seed < MAX_SEED:
        raise InputError(f"expected a seed from 0 to 2¹²⁸ − 1, got {seed}", "--seed")
    largest = env_limit("DLCALC_MAX_HIDDEN", MAX_HIDDEN, "--hidden")
    for name, size in (("--hidden", hidden), ("--input-size", input_size)):
        if size is not None and not 1 <= size <= largest:
            raise InputError(f"expected a size from 1 to {largest} (DLCALC_MAX_HIDDEN raises the limit), got {size}",
                             name)
    if steps is not None and not 1 <= steps <= MAX_STEPS:
        raise InputError(f"expected 1 to {MAX_STEPS} steps, got {steps}", "--steps")


def step_sizes(hidden: int | None, inputs: int | None, given: Arrays) -> tuple[int, int]:
    """H and M: the options', else W's shape (4H×(H+M)), else h_prev's and x's sizes, else 1."""
    if "W" in given:
        shape = given["W"].shape
        if len(shape) != 2 or shape[0] % 4:
            raise InputError(f"W must be a matrix with 4H rows, got shape {list(shape)}", "--values")
        hidden = hidden or shape[0] // 4
        inputs = inputs or max(shape[1] - hidden, 0)  # too few columns: W's shape is refused in step_values
    hidden = hidden or (given["h_prev"].size if "h_prev" in given else 1)
    inputs = inputs or (given["x"].size if "x" in given else 1)
    largest = env_limit("DLCALC_MAX_HIDDEN", MAX_HIDDEN, "--hidden")
    if hidden > largest or inputs > largest:
        raise InputError(f"sizes up to {largest} are supported (DLCALC_MAX_HIDDEN raises the limit), got hidden "
                         f"{hidden}, input {inputs}", "--hidden")
    return hidden, inputs


def fd_entries(hidden: int, inputs: int, budget: int) -> int | None:
    """How many entries of each array (W, b, x, h_{t−1}, c_{t−1}) the finite-difference check of one
    step perturbs: up to FD_ENTRIES, halved until its forward passes (two per entry, each
    4H(H+M) multiply-adds) fit in ``budget``; None when even FD_MIN_ENTRIES would not."""
    per_pass = 4 * hidden * (hidden + inputs)
    sizes = (4 * hidden * (hidden + inputs), 4 * hidden, inputs, hidden, hidden)
    entries = FD_ENTRIES
    while entries >= FD_MIN_ENTRIES:
        if 2 * sum(min(size, entries) for size in sizes) * per_pass <= budget:
            return entries
        entries //= 2
    return None


def step_entries(hidden: int, inputs: int) -> int:
    """:func:`fd_entries` within DLCALC_MAX_WORK, or an InputError naming the limit."""
    budget = env_limit("DLCALC_MAX_WORK", MAX_WORK, "--hidden")
    entries = fd_entries(hidden, inputs, budget)
    if entries is None:
        need = 2 * (FD_MIN_ENTRIES * 3 + inputs + 2 * hidden) * 4 * hidden * (hidden + inputs)
        raise InputError(f"checking one step of this cell by finite differences needs about {need:,} multiply-adds "
                         f"even sampled, more than the limit of {budget:,}; shrink the sizes or raise DLCALC_MAX_WORK",
                         "--hidden")
    return entries


def sequence_work(hidden: int, inputs: int, steps: int) -> None:
    """Refuse a sequence whose forward pass alone exceeds DLCALC_MAX_WORK multiply-adds."""
    work, budget = hidden * (hidden + inputs) * 4 * steps, env_limit("DLCALC_MAX_WORK", MAX_WORK, "--steps")
    if work > budget:
        raise InputError(f"this sequence needs about {work:,} multiply-adds, more than the limit of {budget:,}; "
                         "shorten it, shrink the sizes, or raise DLCALC_MAX_WORK", "--steps")


def _shape_of(key: str, hidden: int, inputs: int) -> tuple[int, ...]:
    return {"W": (4 * hidden, hidden + inputs), "b": (4 * hidden,), "x": (inputs,)}.get(key, (hidden,))


def step_values(hidden: int | None, inputs: int | None, seed: int, given: Arrays
                ) -> tuple[Arrays, list[str], int, int]:
    """All values of one step: the given ones, the rest drawn from the seed; (values, drawn, H, M).

    W and b of a cell with H + M > 8 are divided by √H (PyTorch's init, U(−1/√H, 1/√H): the gates do
    not saturate); f_{t+1} is drawn from U(0.05, 0.95), a forget gate lying in (0, 1)."""
    hidden, inputs = step_sizes(hidden, inputs, given)
    rng = np.random.default_rng(seed)
    values: Arrays = {}
    drawn: list[str] = []
    for key in STEP_KEYS:
        shape = _shape_of(key, hidden, inputs)
        fresh = draw(rng, shape)  # drawn whether or not given, so a value never shifts the others
        if key in ("W", "b") and hidden + inputs > 8:
            fresh = fresh / math.sqrt(hidden)
        if key == "f_next":
            fresh = np.round(rng.uniform(0.05, 0.95, size=shape), 2)
        if key in given:
            value = given[key]
            if value.shape != shape:
                want = "×".join(map(str, shape))
                raise InputError(f"{key} must have shape {want} (W is 4H×(H+M) for [h_{{t−1}}; x_t] with H={hidden}, "
                                 f"M={inputs}), got {'×'.join(map(str, value.shape))}", "--values")
            values[key] = value
        else:
            values[key] = fresh
            drawn.append(key)
    return values, drawn, hidden, inputs


def sequence_values(given: Arrays, steps: int, hidden: int, inputs: int, seed: int, loss: str,
                    target: np.ndarray | None = None
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None, list[str]]:
    """The sequence of a BPTT run: (xs T×M, h_0, c_0, targets T×H for mse or None, the keys drawn).

    xs and the targets not given are drawn from ``default_rng(seed + 1)``; h_0 and c_0 default to zeros.
    ``target`` (``--target``) wins over ``given["targets"]``; H values stand for every step."""
    rng = np.random.default_rng(seed + 1)
    drawn: list[str] = []
    xs = given.get("xs")
    if xs is None:
        xs = draw(rng, (steps, inputs))
        drawn.append("xs")
    elif xs.reshape(len(xs), -1).shape != (steps, inputs):
        raise InputError(f"xs must be {steps}×{inputs} (T×M), got {'×'.join(map(str, xs.shape))}", "--values")
    xs = xs.reshape(steps, inputs)
    h0 = given.get("h0", np.zeros(hidden))
    c0 = given.get("c0", np.zeros(hidden))
    for key, array in (("h0", h0), ("c0", c0)):
        if array.shape != (hidden,):
            raise InputError(f"{key} must have {hidden} values, got {array.size}", "--values")
    if loss != "mse":
        if target is not None:
            raise InputError("is for --loss mse", "--target")
        return xs, h0, c0, None, drawn
    if target is not None:
        targets = target
    elif "targets" in given:
        targets = given["targets"]
    else:
        targets = draw(rng, (steps, hidden))
        drawn.append("targets")
    if targets.size == hidden and steps > 1:
        targets = np.tile(targets.reshape(1, hidden), (steps, 1))
    if targets.size != steps * hidden:
        raise InputError(f"the target must be T×H = {steps}×{hidden} (or H values for every step), "
                         f"got {'×'.join(map(str, targets.shape))}", "--target")
    return xs, h0, c0, targets.reshape(steps, hidden), drawn
