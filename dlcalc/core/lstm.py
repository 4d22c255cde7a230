"""One LSTM step's forward and backward pass, and backpropagation through time, with checks.

The cell (the seed's Q2.1 notation; Hochreiter & Schmidhuber 1997 with a forget gate, as in
PyTorch's ``nn.LSTM`` and Goodfellow et al., *Deep Learning*, §10.10.1):

    z_t = W·[h_{t−1}; x_t] + b, split into four gates (order ifog, or PyTorch's ifgo)
    i_t = σ(ẑ_i), f_t = σ(ẑ_f), o_t = σ(ẑ_o), g_t = tanh(ẑ_g)
    c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t
    h_t = o_t ⊙ tanh(c_t)

Backward, given δh_t = ∂L/∂h_t (the loss's own gradient at t plus what flows back from t+1)
and, from step t+1, δc_{t+1} and f_{t+1}:

    δo_t = δh_t ⊙ tanh(c_t)
    δc_t = δh_t ⊙ o_t ⊙ (1 − tanh²(c_t)) + δc_{t+1} ⊙ f_{t+1}
    δi_t = δc_t ⊙ g_t,   δf_t = δc_t ⊙ c_{t−1},   δg_t = δc_t ⊙ i_t,   δc_{t−1} = δc_t ⊙ f_t
    δẑ = δ(gate) ⊙ σ(ẑ)(1 − σ(ẑ)) for i, f, o;  δẑ_g = δg_t ⊙ (1 − g_t²)
    δW = δz·[h_{t−1}; x_t]ᵀ,  δb = δz,  [δh_{t−1}; δx_t] = Wᵀ·δz

A single step is judged on the loss ``L = Σ δh_t ⊙ h_t + Σ (δc_{t+1} ⊙ f_{t+1}) ⊙ c_t``, whose
gradients are exactly the upstream ones given; finite differences are taken of that loss.

Two backends compute the same step. A small cell (W with at most ``SMALL_W`` = 128 entries;
the default scalar cell has 8) is computed in pure Python on (nested) lists of floats, its values
drawn with :mod:`dlcalc.core.pcg64` (numpy's generator, bit for bit), so that ``dlcalc
lstm-grads`` does not import numpy, which alone costs ~70 ms, about the whole start-up budget.
Larger cells and BPTT use numpy. Both give the same Solution; numbers may differ in the last
bits (``math.tanh``/``math.exp`` against numpy's, and the order of the sums in W·[h; x]).
The threshold: the finite-difference checks take 2|W| + O(H + M) passes of O(|W|) each, so the
pure step grows as |W|². Measured (the whole worked step, pure against numpy without its import):
0.6 against 1.5 ms at |W| = 8, 3.3 against 7 ms at 72, 6 against 11 ms at 128 (hidden 4 × input
4, or hidden 2 × input 14), 15 against 20 ms at 240, 46 against 39 ms at 512. 128 keeps the pure
step within a few ms and covers the textbook sizes; a larger threshold would still start faster
up to |W| ≈ 500, but with the finite-difference check growing from a few ms to tens.
"""

from __future__ import annotations

import math
import operator
import os
import sys
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from dlcalc.errors import InputError
from dlcalc.parse import array_shape, term
from dlcalc.solution import Solution

if TYPE_CHECKING:
    import numpy as np

ORDERS = ("ifog", "ifgo")
GATE_NAMES = {"i": "input", "f": "forget", "o": "output", "g": "cell candidate"}
MAX_HIDDEN = 4096  # DLCALC_MAX_HIDDEN raises it
MAX_WORK = 2_000_000_000  # multiply-adds of a BPTT run; DLCALC_MAX_WORK raises it
SMALL_W = 128  # a single step whose W has at most this many entries is computed in pure Python
FD_EPS = 1e-6
FD_ENTRIES = 4000  # entries of each array the finite-difference check of one step perturbs, at most
FD_MIN_ENTRIES = 12  # ... and at least (as BPTT's check): a cell that cannot afford this is refused
FD_PASS = 1e-6
SHOW_ELEMENTS = 3  # vectors up to this long are worked element by element
OVERFLOW = "the values overflow float64; use smaller numbers"

Values = Any  # a vector or matrix: a numpy array, or a (nested) list of floats on the pure-Python path


# ---------------------------------------------------------------------------------------------
# Vectors and matrices, numpy or lists
# ---------------------------------------------------------------------------------------------


def _flat(values: Values) -> list[float]:
    """Every number of a numpy array or a nested list, row by row."""
    if not isinstance(values, list):
        return values.reshape(-1).tolist()
    if values and isinstance(values[0], list):
        return [x for part in values for x in _flat(part)]
    return list(values)


def _shape(values: Values) -> tuple[int, ...]:
    return array_shape(values) if isinstance(values, list) else tuple(values.shape)


def _size(values: Values) -> int:
    return math.prod(_shape(values))


def _copy(values: Values) -> list:
    """A (nested) list copy of a numpy array or a nested list."""
    if not isinstance(values, list):
        return values.tolist()
    return [_copy(v) if isinstance(v, list) else v for v in values]


def _all_finite(values: Values) -> bool:
    return all(map(math.isfinite, _flat(values)))


def _ends(n: int) -> list[int]:
    """The indices shown of a long axis: the first four, −1 for "…" when more than six, the last two."""
    return list(range(min(4, n))) + ([-1] if n > 6 else []) + list(range(max(4, n - 2), n))


class Vector:
    """A vector or matrix result: every number for JSON (``tolist``), a short form for people.

    It holds a numpy array, or a (nested) list of floats from the pure-Python path (no numpy import)."""

    __slots__ = ("array",)

    def __init__(self, array: Values) -> None:
        if isinstance(array, list):
            self.array = _copy(array)
        else:
            import numpy as np

            self.array = np.asarray(array, dtype=np.float64)

    @property
    def shape(self) -> tuple[int, ...]:
        return _shape(self.array)

    def flat(self) -> list[float]:
        return _flat(self.array)

    def tolist(self) -> Any:
        return _copy(self.array)

    def preview(self) -> Any:
        a, shape = self.array, self.shape
        if len(shape) == 1:
            return self.tolist() if shape[0] <= 8 else [*_flat(a[:4]), "…", *_flat(a[-2:])]
        if shape[0] <= 8 and shape[1] <= 8:
            return self.tolist()
        return [["…" if r < 0 or c < 0 else float(a[r][c]) for c in _ends(shape[1])] for r in _ends(shape[0])]


# ---------------------------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------------------------

STEP_KEYS = ("W", "b", "x", "h_prev", "c_prev", "dh", "dc_next", "f_next")


def _shape_of(key: str, hidden: int, inputs: int) -> tuple[int, ...]:
    return {"W": (4 * hidden, hidden + inputs), "b": (4 * hidden,), "x": (inputs,)}.get(key, (hidden,))


def json_numbers(value: Any) -> tuple[Any, tuple[int, ...]]:
    """A JSON value read as ``numpy.array(value, dtype=float64)`` reads it, as (nested lists of
    floats, shape): numbers, numeric strings (Python's ``float``) and null (NaN) at the leaves, all
    the items of a list of the same shape. Raises numpy's errors: ValueError for a ragged list or
    a non-numeric string, TypeError for an object, OverflowError for an integer beyond float64."""
    if isinstance(value, list):
        if all(type(item) in (int, float) for item in value):  # a row of numbers: the common case, fast
            return [float(item) for item in value], (len(value),)
        parts = [json_numbers(item) for item in value]
        shapes = {shape for _, shape in parts}
        if len(shapes) > 1:
            raise ValueError("the lists have different shapes")
        return [numbers for numbers, _ in parts], (len(value), *shapes.pop())
    if value is None:
        return math.nan, ()
    if isinstance(value, (bool, int, float, str)):
        return float(value), ()
    raise TypeError(f"{type(value).__name__} is not a number")


def load_values(path: str | None, option: str = "--values") -> dict[str, list]:
    """Values from a JSON file: any of W, b, x, h_prev, c_prev, dh, dc_next, f_next, xs, targets, h0, c0,
    as nested lists of floats (a number becomes a list of one), read without numpy."""
    if path is None:
        return {}
    text = path.strip()
    if text.startswith("@"):
        text = text[1:].strip()
    import json

    try:
        with open(os.path.expanduser(text), encoding="utf-8") as handle:
            data = json.load(handle)
    except OSError as error:
        raise InputError(f"cannot read {text!r}: {error.strerror or error}", option) from None
    except json.JSONDecodeError as error:
        raise InputError(f"{text!r} is not JSON: {error.msg} at line {error.lineno}, column {error.colno}",
                          option) from None
    if not isinstance(data, dict):
        raise InputError(f"expected a JSON object with keys such as W, b, x, got {type(data).__name__}", option)
    known = set(STEP_KEYS) | {"xs", "targets", "h0", "c0"}
    values = {}
    for key, value in data.items():
        if key not in known:
            from difflib import get_close_matches

            close = get_close_matches(key, sorted(known), n=1)
            raise InputError(f"unknown key {key!r} in {text!r}" + (f"; did you mean {close[0]}?" if close else "") +
                              f" (keys: {', '.join(sorted(known))})", option)
        try:
            numbers, _ = json_numbers(value)
        except (TypeError, ValueError):
            raise InputError(f"{key} in {text!r} must be numbers (a number, a list or a list of rows)",
                              option) from None
        except OverflowError:  # an integer beyond float64
            numbers = math.inf
        numbers = numbers if isinstance(numbers, list) else [numbers]
        if not _all_finite(numbers):
            raise InputError(f"{key} in {text!r} must be finite numbers", option)
        values[key] = numbers
    return values


def draw(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Random values with two decimals, in [−1, 1]: easy to copy into a hand calculation."""
    import numpy as np

    return np.round(rng.uniform(-1.0, 1.0, size=shape), 2)


def seeded_uniform(seed: int, pure: bool) -> Callable[[float, float, tuple[int, ...]], Values]:
    """``(low, high, shape) ↦ round(U(low, high), 2)`` drawn in turn from ``default_rng(seed)``: numpy's
    generator, or (``pure``) its pure-Python port :mod:`dlcalc.core.pcg64`, which gives the same numbers."""
    if pure:
        from dlcalc.core import pcg64

        generator = pcg64.default_rng(seed)
        return lambda low, high, shape: pcg64.round_nested(generator.uniform(low, high, shape))
    import numpy as np

    rng = np.random.default_rng(seed)
    return lambda low, high, shape: np.round(rng.uniform(low, high, size=shape), 2)


def _divided(values: Values, divisor: float) -> Values:
    if isinstance(values, list):
        return [_divided(v, divisor) if isinstance(v, list) else v / divisor for v in values]
    return values / divisor


def step_sizes(hidden: int | None, inputs: int | None, given: dict[str, Values]) -> tuple[int, int]:
    """H and M: the options', else W's shape (4H×(H+M)), else h_prev's and x's sizes, else 1."""
    if "W" in given:
        shape = _shape(given["W"])
        if len(shape) != 2 or shape[0] % 4:
            raise InputError(f"W must be a matrix with 4H rows, got shape {list(shape)}", "--values")
        hidden = hidden or shape[0] // 4
        inputs = inputs or max(shape[1] - hidden, 0)  # too few columns: W's shape is refused in step_values
    hidden = hidden or (_size(given["h_prev"]) if "h_prev" in given else 1)
    inputs = inputs or (_size(given["x"]) if "x" in given else 1)
    from dlcalc.parse import env_limit

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
    """:func:`fd_entries` within DLCALC_MAX_WORK, or a InputError naming the limit."""
    from dlcalc.parse import env_limit

    budget = env_limit("DLCALC_MAX_WORK", MAX_WORK, "--hidden")
    entries = fd_entries(hidden, inputs, budget)
    if entries is None:
        need = 2 * (FD_MIN_ENTRIES * 3 + inputs + 2 * hidden) * 4 * hidden * (hidden + inputs)
        raise InputError(f"checking one step of this cell by finite differences needs about {need:,} multiply-adds "
                          f"even sampled, more than the limit of {budget:,}; shrink the sizes or raise DLCALC_MAX_WORK",
                          "--hidden")
    return entries


def small_cell(hidden: int, inputs: int) -> bool:
    """Whether one step of this cell is computed in pure Python: W (4H×(H+M)) has at most SMALL_W entries."""
    return 4 * hidden * (hidden + inputs) <= SMALL_W


def step_values(hidden: int | None, inputs: int | None, seed: int, given: dict[str, Values], pure: bool = False
                ) -> tuple[dict[str, Values], list[str], int, int]:
    """All values of one step: the given ones, the rest drawn from the seed; (values, drawn, H, M).
    Numpy arrays, or (``pure``) nested lists of floats: the same numbers either way."""
    hidden, inputs = step_sizes(hidden, inputs, given)
    uniform = seeded_uniform(seed, pure)
    values, drawn = {}, []
    for key in STEP_KEYS:
        shape = _shape_of(key, hidden, inputs)
        fresh = uniform(-1.0, 1.0, shape)  # drawn whether or not given, so a value never shifts the others
        if key in ("W", "b") and hidden + inputs > 8:  # PyTorch's init, U(−1/√H, 1/√H): gates not saturated
            fresh = _divided(fresh, math.sqrt(hidden))
        if key == "f_next":
            fresh = uniform(0.05, 0.95, shape)  # a forget gate lies in (0, 1)
        if key in given:
            value = _copy(given[key]) if pure else _array(given[key])
            if _shape(value) != shape:
                want = "×".join(map(str, shape))
                raise InputError(f"{key} must have shape {want} (W is 4H×(H+M) for [h_{{t−1}}; x_t] with H={hidden}, "
                                  f"M={inputs}), got {'×'.join(map(str, _shape(value)))}", "--values")
            values[key] = value
        else:
            values[key] = fresh
            drawn.append(key)
    return values, drawn, hidden, inputs


def _array(values: Values) -> np.ndarray:
    import numpy as np

    return np.asarray(values, dtype=np.float64)


# ---------------------------------------------------------------------------------------------
# The cell, numpy
# ---------------------------------------------------------------------------------------------


def sigmoid(z: np.ndarray) -> np.ndarray:
    """σ(z) = 1/(1 + e^{−z}), computed without overflow for large |z|."""
    import numpy as np

    out = np.empty_like(z, dtype=np.float64)
    positive = z >= 0
    out[positive] = 1.0 / (1.0 + np.exp(-z[positive]))
    e = np.exp(z[~positive])
    out[~positive] = e / (1.0 + e)
    return out


def gate_slices(hidden: int, order: str) -> dict[str, slice]:
    return {gate: slice(k * hidden, (k + 1) * hidden) for k, gate in enumerate(order)}


def forward(W: np.ndarray, b: np.ndarray, x: np.ndarray, h_prev: np.ndarray, c_prev: np.ndarray,
            order: str = "ifog") -> dict[str, np.ndarray]:
    """One step forward: pre-activations ``z_i, z_f, z_o, z_g``, gates, ``c``, ``tanh(c)``, ``h``."""
    import numpy as np

    hidden = h_prev.size
    z = W @ np.concatenate([h_prev, x]) + b
    s = gate_slices(hidden, order)
    out = {"z": z, "z_i": z[s["i"]], "z_f": z[s["f"]], "z_o": z[s["o"]], "z_g": z[s["g"]]}
    out["i"], out["f"], out["o"] = sigmoid(out["z_i"]), sigmoid(out["z_f"]), sigmoid(out["z_o"])
    out["g"] = np.tanh(out["z_g"])
    out["c"] = out["f"] * c_prev + out["i"] * out["g"]
    out["tanh_c"] = np.tanh(out["c"])
    out["h"] = out["o"] * out["tanh_c"]
    return out


def backward(fw: dict[str, np.ndarray], W: np.ndarray, x: np.ndarray, h_prev: np.ndarray, c_prev: np.ndarray,
             dh: np.ndarray, dc_next: np.ndarray, f_next: np.ndarray, order: str = "ifog") -> dict[str, np.ndarray]:
    """One step backward (the formulas in the module docstring)."""
    import numpy as np

    hidden = h_prev.size
    g = {}
    g["do"] = dh * fw["tanh_c"]
    g["dc_from_h"] = dh * fw["o"] * (1.0 - fw["tanh_c"] ** 2)
    g["dc_from_next"] = dc_next * f_next
    g["dc"] = g["dc_from_h"] + g["dc_from_next"]
    g["di"] = g["dc"] * fw["g"]
    g["df"] = g["dc"] * c_prev
    g["dg"] = g["dc"] * fw["i"]
    g["dc_prev"] = g["dc"] * fw["f"]
    g["dz_i"] = g["di"] * fw["i"] * (1.0 - fw["i"])
    g["dz_f"] = g["df"] * fw["f"] * (1.0 - fw["f"])
    g["dz_o"] = g["do"] * fw["o"] * (1.0 - fw["o"])
    g["dz_g"] = g["dg"] * (1.0 - fw["g"] ** 2)
    dz = np.empty(4 * hidden)
    for gate, part in gate_slices(hidden, order).items():
        dz[part] = g[f"dz_{gate}"]
    g["dz"] = dz
    g["dW"] = np.outer(dz, np.concatenate([h_prev, x]))
    g["db"] = dz.copy()
    dhx = W.T @ dz
    g["dh_prev"], g["dx"] = dhx[:hidden], dhx[hidden:]
    return g


def surrogate_loss(v: dict[str, np.ndarray], order: str) -> float:
    """L = Σ δh_t ⊙ h_t + Σ (δc_{t+1} ⊙ f_{t+1}) ⊙ c_t: its gradients are the upstream ones given."""
    import numpy as np

    fw = forward(v["W"], v["b"], v["x"], v["h_prev"], v["c_prev"], order)
    return float(np.sum(v["dh"] * fw["h"]) + np.sum(v["dc_next"] * v["f_next"] * fw["c"]))


def rel_error(analytic: Values, numeric: Values, noise: float = 0.0) -> float:
    """CS231n's relative error: max |a − n| / max(1e-8, |a| + |n|), ignoring entries whose
    difference is within ``noise`` (the rounding error of a central difference of the loss).
    Arrays or lists; NaN if any entry is NaN (as numpy's max), 0 for none."""
    errors = []
    for a, n in zip(_flat(analytic), _flat(numeric), strict=True):
        gap = abs(a - n)
        errors.append(0.0 if gap <= noise else gap / max(1e-8, abs(a) + abs(n)))
    return math.nan if any(map(math.isnan, errors)) else max(errors, default=0.0)


def _both(analytic: Values, numeric: Values, noise: float) -> tuple[float, float]:
    return rel_error(analytic, numeric), rel_error(analytic, numeric, noise)


def difference_noise(loss: float, eps: float = FD_EPS) -> float:
    """How far a central difference of a loss of this size can be off by rounding alone:
    10 machine epsilons of max(1, |L|), over ε."""
    return 10 * sys.float_info.epsilon * max(1.0, abs(loss)) / eps


def numeric_gradient(function: Callable[[], float], point: np.ndarray, eps: float = FD_EPS,
                     indices: Any = None) -> np.ndarray:
    """Central differences (f(p + ε) − f(p − ε)) / 2ε of a scalar function, element by element
    (or at the given flat indices only)."""
    import numpy as np

    grad = np.zeros_like(point, dtype=np.float64)
    flat = point.reshape(-1)
    out = grad.reshape(-1)
    for k in (range(flat.size) if indices is None else indices):
        keep = flat[k]
        flat[k] = keep + eps
        up = function()
        flat[k] = keep - eps
        down = function()
        flat[k] = keep
        out[k] = (up - down) / (2 * eps)
    return grad


PERTURBED = (("W", "dW"), ("b", "db"), ("x", "dx"), ("h_prev", "dh_prev"), ("c_prev", "dc_prev"))


def finite_difference_errors(v: dict[str, np.ndarray], fw: dict[str, np.ndarray], grads: dict[str, np.ndarray],
                             order: str, max_entries: int = 4000) -> dict[str, tuple[float, float]]:
    """The largest relative error of every gradient against central differences of the loss.

    Parameters and inputs (W, b, x, h_{t−1}, c_{t−1}) are perturbed in the real cell; the
    intermediate gradients by perturbing that quantity with the rest held: the gates (i, f, o, g)
    in ``c = f c_{t−1} + i g, h = o tanh(c)``, ``c`` itself, and the pre-activations ``z``.
    Large matrices are sampled (``max_entries`` of their elements, the same ones every run).
    Returns, per gradient, (largest relative error, the same ignoring differences within rounding
    noise): the first is reported, the second judged.
    """
    import numpy as np

    errors = {}
    work = {k: a.copy() for k, a in v.items()}
    noise = difference_noise(surrogate_loss(v, order))
    rng = np.random.default_rng(12345)

    def sample(array: np.ndarray):
        return None if array.size <= max_entries else rng.choice(array.size, max_entries, replace=False)

    for key, grad_key in PERTURBED:
        picks = sample(work[key])
        numeric = numeric_gradient(lambda: surrogate_loss(work, order), work[key], indices=picks)
        analytic = grads[grad_key]
        if picks is not None:
            numeric, analytic = numeric.reshape(-1)[picks], analytic.reshape(-1)[picks]
        errors[grad_key] = _both(analytic, numeric, noise)
    dh, dcn = v["dh"], v["dc_next"] * v["f_next"]
    gates = {k: fw[k].copy() for k in ("i", "f", "o", "g")}

    def loss_of_gates() -> float:
        c = gates["f"] * v["c_prev"] + gates["i"] * gates["g"]
        return float(np.sum(dh * gates["o"] * np.tanh(c)) + np.sum(dcn * c))

    for gate in ("i", "f", "o", "g"):
        errors[f"d{gate}"] = _both(grads[f"d{gate}"], numeric_gradient(loss_of_gates, gates[gate]), noise)
    c = fw["c"].copy()
    errors["dc"] = _both(grads["dc"], numeric_gradient(
        lambda: float(np.sum(dh * fw["o"] * np.tanh(c)) + np.sum(dcn * c)), c), noise)
    z = fw["z"].copy()
    hidden = v["h_prev"].size
    s = gate_slices(hidden, order)

    def loss_of_z() -> float:
        i, f, o, g = sigmoid(z[s["i"]]), sigmoid(z[s["f"]]), sigmoid(z[s["o"]]), np.tanh(z[s["g"]])
        cz = f * v["c_prev"] + i * g
        return float(np.sum(dh * o * np.tanh(cz)) + np.sum(dcn * cz))

    errors["dz"] = _both(grads["dz"], numeric_gradient(loss_of_z, z), noise)
    return errors


# ---------------------------------------------------------------------------------------------
# The cell in pure Python, for small cells: lists of floats, the same formulas element by element
# ---------------------------------------------------------------------------------------------


def sigmoid_scalar(z: float) -> float:
    """σ(z) = 1/(1 + e^{−z}), as :func:`sigmoid`: e^z/(1 + e^z) for z < 0, so ``math.exp`` never overflows."""
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def _total(terms: Iterable[float]) -> float:
    """The running sum, left to right: the same on every Python (``sum`` compensates from 3.12 on),
    and overflowing to ±inf or NaN as numpy does (``math.fsum`` raises)."""
    total = 0.0
    for x in terms:
        total += x
    return total


def _dot(row: list[float], vector: list[float]) -> float:
    """Σ_k row[k]·vector[k]."""
    return _total(map(operator.mul, row, vector))


def _cell_state(f: list[float], c_prev: list[float], i: list[float], g: list[float]) -> list[float]:
    """c = f ⊙ c_{t−1} + i ⊙ g."""
    return [ff * cp + ii * gg for ff, cp, ii, gg in zip(f, c_prev, i, g, strict=True)]


def forward_small(W: list[list[float]], b: list[float], x: list[float], h_prev: list[float], c_prev: list[float],
                  order: str = "ifog") -> dict[str, list[float]]:
    """:func:`forward` on lists: z = W·[h_{t−1}; x_t] + b, the gates, c, tanh(c), h."""
    hx = h_prev + x
    z = [_dot(row, hx) + bias for row, bias in zip(W, b, strict=True)]
    s = gate_slices(len(h_prev), order)
    out = {"z": z, **{f"z_{gate}": z[s[gate]] for gate in "ifog"}}
    for gate in "ifo":
        out[gate] = [sigmoid_scalar(v) for v in out[f"z_{gate}"]]
    out["g"] = [math.tanh(v) for v in out["z_g"]]
    out["c"] = _cell_state(out["f"], c_prev, out["i"], out["g"])
    out["tanh_c"] = [math.tanh(c) for c in out["c"]]
    out["h"] = [o * t for o, t in zip(out["o"], out["tanh_c"], strict=True)]
    return out


def _times(*vectors: list[float]) -> list[float]:
    """The element-wise product, multiplied left to right."""
    out = list(vectors[0])
    for vector in vectors[1:]:
        out = [a * b for a, b in zip(out, vector, strict=True)]
    return out


def _one_minus(vector: list[float], square: bool = False) -> list[float]:
    """1 − v, or (``square``) 1 − v² (as a product: ``**`` raises OverflowError)."""
    return [1.0 - (v * v if square else v) for v in vector]


def backward_small(fw: dict[str, list[float]], W: list[list[float]], x: list[float], h_prev: list[float],
                   c_prev: list[float], dh: list[float], dc_next: list[float], f_next: list[float],
                   order: str = "ifog") -> dict[str, Any]:
    """:func:`backward` on lists, each product in the same order as there."""
    hidden = len(h_prev)
    g: dict[str, Any] = {}
    g["do"] = _times(dh, fw["tanh_c"])
    g["dc_from_h"] = _times(dh, fw["o"], _one_minus(fw["tanh_c"], square=True))
    g["dc_from_next"] = _times(dc_next, f_next)
    g["dc"] = [a + b for a, b in zip(g["dc_from_h"], g["dc_from_next"], strict=True)]
    g["di"], g["df"] = _times(g["dc"], fw["g"]), _times(g["dc"], c_prev)
    g["dg"], g["dc_prev"] = _times(g["dc"], fw["i"]), _times(g["dc"], fw["f"])
    for gate in "ifo":
        g[f"dz_{gate}"] = _times(g[f"d{gate}"], fw[gate], _one_minus(fw[gate]))
    g["dz_g"] = _times(g["dg"], _one_minus(fw["g"], square=True))
    dz = [0.0] * (4 * hidden)
    for gate, part in gate_slices(hidden, order).items():
        dz[part] = g[f"dz_{gate}"]
    hx = h_prev + x
    g["dz"], g["db"] = dz, list(dz)
    g["dW"] = [[d * u for u in hx] for d in dz]
    dhx = [_dot([row[k] for row in W], dz) for k in range(len(hx))]  # Wᵀ·δz
    g["dh_prev"], g["dx"] = dhx[:hidden], dhx[hidden:]
    return g


def _loss_of_cell(dh: list[float], o: list[float], c: list[float], dcn: list[float]) -> float:
    """Σ δh ⊙ o ⊙ tanh(c) + Σ (δc_{t+1} ⊙ f_{t+1}) ⊙ c: the step's loss as a function of o and c."""
    return _total(d * oo * math.tanh(cc) for d, oo, cc in zip(dh, o, c, strict=True)) + _total(_times(dcn, c))


def surrogate_loss_small(v: dict[str, Any], order: str) -> float:
    """:func:`surrogate_loss` on lists."""
    fw = forward_small(v["W"], v["b"], v["x"], v["h_prev"], v["c_prev"], order)
    return _total(_times(v["dh"], fw["h"])) + _total(_times(v["dc_next"], v["f_next"], fw["c"]))


def numeric_gradient_small(function: Callable[[], float], values: list, eps: float = FD_EPS) -> list:
    """:func:`numeric_gradient` on a vector or matrix of lists, perturbed in place (and restored):
    (f(p + ε) − f(p − ε)) / 2ε for every number."""
    if values and isinstance(values[0], list):
        return [numeric_gradient_small(function, row, eps) for row in values]
    grad = []
    for k, keep in enumerate(values):
        values[k] = keep + eps
        up = function()
        values[k] = keep - eps
        down = function()
        values[k] = keep
        grad.append((up - down) / (2 * eps))
    return grad


def finite_difference_errors_small(v: dict[str, Any], fw: dict[str, list[float]], grads: dict[str, Any],
                                   order: str) -> dict[str, tuple[float, float]]:
    """:func:`finite_difference_errors` on lists: the same quantities, losses and errors, every entry."""
    errors = {}
    work = {k: _copy(a) for k, a in v.items()}
    noise = difference_noise(surrogate_loss_small(v, order))
    for key, grad_key in PERTURBED:
        numeric = numeric_gradient_small(lambda: surrogate_loss_small(work, order), work[key])
        errors[grad_key] = _both(grads[grad_key], numeric, noise)
    dh, dcn = v["dh"], _times(v["dc_next"], v["f_next"])
    gates = {k: list(fw[k]) for k in ("i", "f", "o", "g")}

    def loss_of_gates() -> float:
        return _loss_of_cell(dh, gates["o"], _cell_state(gates["f"], v["c_prev"], gates["i"], gates["g"]), dcn)

    for gate in ("i", "f", "o", "g"):
        errors[f"d{gate}"] = _both(grads[f"d{gate}"], numeric_gradient_small(loss_of_gates, gates[gate]), noise)
    c = list(fw["c"])
    errors["dc"] = _both(grads["dc"], numeric_gradient_small(lambda: _loss_of_cell(dh, fw["o"], c, dcn), c), noise)
    z = list(fw["z"])
    s = gate_slices(len(v["h_prev"]), order)

    def loss_of_z() -> float:
        i, f, o = ([sigmoid_scalar(u) for u in z[s[gate]]] for gate in "ifo")
        return _loss_of_cell(dh, o, _cell_state(f, v["c_prev"], i, [math.tanh(u) for u in z[s["g"]]]), dcn)

    errors["dz"] = _both(grads["dz"], numeric_gradient_small(loss_of_z, z), noise)
    return errors


# ---------------------------------------------------------------------------------------------
# One step by either backend
# ---------------------------------------------------------------------------------------------


def _numpy_pass(v: dict[str, np.ndarray], order: str, entries: int = FD_ENTRIES
                ) -> tuple[dict, dict, dict[str, tuple[float, float]]]:
    """One step with numpy; an overflow (numpy's floating-point error) is the user's, exit 2."""
    import numpy as np

    with np.errstate(over="raise", invalid="raise"):
        try:
            fw = forward(v["W"], v["b"], v["x"], v["h_prev"], v["c_prev"], order)
            grads = backward(fw, v["W"], v["x"], v["h_prev"], v["c_prev"], v["dh"], v["dc_next"], v["f_next"],
                             order)
        except FloatingPointError:
            raise InputError(OVERFLOW, "--values") from None
    if not all(np.all(np.isfinite(a)) for a in (*fw.values(), *grads.values())):
        raise InputError("the values overflow float64 (W·[h; x] + b is infinite); use smaller numbers", "--values")
    return fw, grads, finite_difference_errors(v, fw, grads, order, max_entries=entries)


def _pure_pass(v: dict[str, list], order: str, entries: int = FD_ENTRIES
               ) -> tuple[dict, dict, dict[str, tuple[float, float]]]:
    """One step in pure Python; an overflow (inf or NaN among the results, an OverflowError) is the user's, exit 2."""
    try:
        fw = forward_small(v["W"], v["b"], v["x"], v["h_prev"], v["c_prev"], order)
        grads = backward_small(fw, v["W"], v["x"], v["h_prev"], v["c_prev"], v["dh"], v["dc_next"], v["f_next"],
                               order)
    except OverflowError:  # math's functions raise where numpy's give inf
        raise InputError(OVERFLOW, "--values") from None
    if not all(_all_finite(a) for a in (*fw.values(), *grads.values())):  # where numpy's errstate would raise
        raise InputError(OVERFLOW, "--values")
    return fw, grads, finite_difference_errors_small(v, fw, grads, order)


def step_pass(v: dict[str, Values], order: str, entries: int = FD_ENTRIES
              ) -> tuple[dict, dict, dict[str, tuple[float, float]]]:
    """Forward, backward and the finite-difference errors of one step: (forward, gradients, errors).
    The backend is the values': pure Python for lists (:func:`step_values` with ``pure``), else numpy."""
    return (_pure_pass if isinstance(v["W"], list) else _numpy_pass)(v, order, entries)


# ---------------------------------------------------------------------------------------------
# Showing the numbers
# ---------------------------------------------------------------------------------------------


def _elements(*arrays: Values, joiner: str = "·", template: str | None = None, bare: bool = False) -> str:
    """The element-wise substitution for short vectors (``0.5·0.3004; …``), else "". ``bare``
    numbers are for a function's argument (``σ(-0.49)``), the others parenthesise a negative."""
    if _size(arrays[0]) > SHOW_ELEMENTS:
        return ""
    parts = []
    for values in zip(*map(_flat, arrays), strict=True):
        numbers = [f"{x:.4g}" if bare else term(x) for x in values]
        parts.append(template.format(*numbers) if template else joiner.join(numbers))
    return "; ".join(parts)


def _value(values: Values) -> Any:
    """One number as a float, more as a :class:`Vector`."""
    return float(_flat(values)[0]) if _size(values) == 1 else Vector(values)


# ---------------------------------------------------------------------------------------------
# One step, worked
# ---------------------------------------------------------------------------------------------

MODEL = ("z = W·[h_{t−1}; x_t] + b; i_t, f_t, o_t = σ(ẑ_i, ẑ_f, ẑ_o); g_t = tanh(ẑ_g); "
         "c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t; h_t = o_t ⊙ tanh(c_t)")
FORWARD_KEYS = ("z_i", "z_f", "z_o", "z_g", "i", "f", "o", "g", "c", "tanh_c", "h")
GRAD_KEYS = ("do", "dc", "di", "df", "dg", "dz", "dW", "db", "dh_prev", "dc_prev", "dx")


def lstm_step(v: dict[str, Values], order: str = "ifog", drawn: list[str] | None = None,
              seed: int = 0, entries: int = FD_ENTRIES) -> tuple[Solution, dict, dict]:
    """The worked forward and backward pass of one step, with finite-difference checks; the values
    are numpy arrays or, for a small cell, lists (see :func:`step_pass`), the Solution the same."""
    fw, grads, errors = step_pass(v, order, entries)
    hidden, inputs = _size(v["h_prev"]), _size(v["x"])
    sol = Solution("lstm-grads", f"one LSTM step, forward and backward (hidden {hidden}, input {inputs})")
    sol.inputs = {"hidden": hidden, "input_size": inputs, "gate_order": order, "seed": seed,
                  "drawn_from_seed": list(drawn or []), **{k: Vector(v[k]) for k in STEP_KEYS}}
    sol.display = {"drawn_from_seed": ", ".join(drawn) if drawn else "none"}
    order_text = ", ".join(f"{GATE_NAMES[g]} gate {g}" for g in order)
    s = sol.step
    s("Model", MODEL, value=None, note="the loss of one step is L = Σ δh_t ⊙ h_t + Σ δc_{t+1} ⊙ f_{t+1} ⊙ c_t, "
      "so ∂L/∂h_t = δh_t and the path through c_{t+1} contributes δc_{t+1} ⊙ f_{t+1}")
    s("Pre-activations", "z = W·[h_{t−1}; x_t] + b", value=_value(fw["z"]),
      note=f"split in the order {order} ({order_text}), {hidden} row{'s' if hidden > 1 else ''} each")
    for gate in ("i", "f", "o"):
        s(f"{GATE_NAMES[gate].capitalize()} gate", f"{gate}_t = σ(ẑ_{gate})",
          _elements(fw[f"z_{gate}"], template="σ({0})", bare=True), _value(fw[gate]))
    s("Cell candidate", "g_t = tanh(ẑ_g)", _elements(fw["z_g"], template="tanh({0})", bare=True), _value(fw["g"]))
    s("Cell state", "c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t",
      _elements(fw["f"], v["c_prev"], fw["i"], fw["g"], template="{0}·{1} + {2}·{3}"), _value(fw["c"]))
    s("Squashed cell", "tanh(c_t)", _elements(fw["c"], template="tanh({0})", bare=True), _value(fw["tanh_c"]))
    s("Hidden state", "h_t = o_t ⊙ tanh(c_t)", _elements(fw["o"], fw["tanh_c"]), _value(fw["h"]))
    s("δo_t", "δo_t = δh_t ⊙ tanh(c_t)", _elements(v["dh"], fw["tanh_c"]), _value(grads["do"]))
    s("δc_t through h_t", "δh_t ⊙ o_t ⊙ (1 − tanh²(c_t))",
      _elements(v["dh"], fw["o"], fw["tanh_c"], template="{0}·{1}·(1 − {2}²)"), _value(grads["dc_from_h"]))
    s("δc_t from c_{t+1}", "δc_{t+1} ⊙ f_{t+1}", _elements(v["dc_next"], v["f_next"]),
      _value(grads["dc_from_next"]), note="c_{t+1} = f_{t+1} ⊙ c_t + …, so ∂c_{t+1}/∂c_t = f_{t+1}")
    s("δc_t", "δc_t = δh_t ⊙ o_t ⊙ (1 − tanh²(c_t)) + δc_{t+1} ⊙ f_{t+1}",
      _elements(grads["dc_from_h"], grads["dc_from_next"], joiner=" + "), _value(grads["dc"]),
      note="both paths: through h_t = o_t ⊙ tanh(c_t), and through the next cell state")
    s("δi_t", "δi_t = δc_t ⊙ g_t", _elements(grads["dc"], fw["g"]), _value(grads["di"]))
    s("δf_t", "δf_t = δc_t ⊙ c_{t−1}", _elements(grads["dc"], v["c_prev"]), _value(grads["df"]))
    s("δg_t", "δg_t = δc_t ⊙ i_t", _elements(grads["dc"], fw["i"]), _value(grads["dg"]))
    for gate in ("i", "f", "o"):
        s(f"δẑ_{gate}", f"δẑ_{gate} = δ{gate}_t ⊙ {gate}_t ⊙ (1 − {gate}_t)",
          _elements(grads[f"d{gate}"], fw[gate], fw[gate], template="{0}·{1}·(1 − {2})"),
          _value(grads[f"dz_{gate}"]), note="σ′(ẑ) = σ(ẑ)(1 − σ(ẑ))" if gate == "i" else "")
    s("δẑ_g", "δẑ_g = δg_t ⊙ (1 − g_t²)", _elements(grads["dg"], fw["g"], template="{0}·(1 − {1}²)"),
      _value(grads["dz_g"]), note="tanh′(ẑ) = 1 − tanh²(ẑ)")
    s("δz", "δz = [" + "; ".join(f"δẑ_{g}" for g in order) + "]", value=_value(grads["dz"]))
    s("δW", "δW = δz·[h_{t−1}; x_t]ᵀ", value=_value(grads["dW"]),
      note=f"an outer product: {4 * hidden}×{hidden + inputs}, the shape of W")
    s("δb", "δb = δz", value=_value(grads["db"]))
    s("δh_{t−1}", "δh_{t−1} = W_hᵀ·δz (W_h: the first H columns of W)", value=_value(grads["dh_prev"]))
    s("δx_t", "δx_t = W_xᵀ·δz (W_x: the last M columns of W)", value=_value(grads["dx"]))
    s("δc_{t−1}", "δc_{t−1} = δc_t ⊙ f_t", _elements(grads["dc"], fw["f"]), _value(grads["dc_prev"]))

    sampled = 4 * hidden * (hidden + inputs) > entries
    groups = {"gates and cell (δo, δc, δi, δf, δg, δz)": ("do", "dc", "di", "df", "dg", "dz"),
              "parameters (δW, δb)": ("dW", "db"), "inputs (δh_{t−1}, δc_{t−1}, δx)": ("dh_prev", "dc_prev", "dx")}
    for name, keys in groups.items():
        worst = max(keys, key=lambda k: errors[k][0])
        sol.check(f"finite differences: {name}", "finite differences", all(errors[k][1] < FD_PASS for k in keys),
                  f"largest relative error {errors[worst][0]:.1e} ({worst}); central differences, ε = {FD_EPS:g}, "
                  "float64, CS231n's |a − n| / max(10⁻⁸, |a| + |n|)" +
                  (f"; {entries:,} sampled entries of each array larger than that" if sampled else ""))
    sol.result = {"forward": {k: Vector(fw[k]) for k in FORWARD_KEYS},
                  "grads": {k: Vector(grads[k]) for k in GRAD_KEYS}}
    sol.answer = "every gradient of the step; " + ("all agree with finite differences"
                                                   if all(c.passed for c in sol.checks) else "a check FAILED")
    return sol, fw, grads


def check_numbers(sol: Solution, claims: list[str], rtol: float | None, atol: float | None) -> list:
    """``--check di=0.0123,-0.2``: claimed values of any forward quantity or gradient, as the
    ``(key, label, verdict)`` parts of :func:`dlcalc.verify.combine`."""
    from dlcalc.verify import check_claim, split_named

    known = {**{k: sol.result["forward"][k] for k in FORWARD_KEYS}, **{k: sol.result["grads"][k]
                                                                        for k in GRAD_KEYS}}
    parts = []
    for text in claims:
        name, values = split_named(text, "--check", "di=0.0123,-0.2", "NAME=VALUES")
        name = name.replace("δ", "d")
        if name not in known:
            from difflib import get_close_matches

            close = get_close_matches(name, list(known), n=1)
            raise InputError(f"unknown quantity {name!r}" + (f"; did you mean {close[0]}?" if close else "") +
                              f" (one of {', '.join(known)})", "--check")
        truth = known[name].flat()
        parts.append((name, name, check_claim(values.replace(";", ","), truth, rtol=rtol, atol=atol, joiner=", ")))
    return parts


# ---------------------------------------------------------------------------------------------
# Backpropagation through time
# ---------------------------------------------------------------------------------------------


def sequence_loss(hs: np.ndarray, loss: str, targets: np.ndarray | None) -> tuple[float, np.ndarray]:
    """The loss over all steps and its gradient with respect to every h_t.

    ``sum``: L = Σ_t Σ_k h_t[k], so ∂L/∂h_t = 1. ``mse``: L = mean over t and k of (h_t − y_t)²,
    so ∂L/∂h_t = 2(h_t − y_t)/(T·H).
    """
    import numpy as np

    if loss == "sum":
        return float(hs.sum()), np.ones_like(hs)
    diff = hs - targets
    return float(np.mean(diff**2)), 2.0 * diff / diff.size


def bptt_forward(W: np.ndarray, b: np.ndarray, xs: np.ndarray, h0: np.ndarray, c0: np.ndarray, order: str):
    h, c = h0, c0
    caches = []
    for x in xs:
        fw = forward(W, b, x, h, c, order)
        caches.append((fw, h, c))
        h, c = fw["h"], fw["c"]
    return caches


def bptt(W: np.ndarray, b: np.ndarray, xs: np.ndarray, h0: np.ndarray, c0: np.ndarray, loss: str,
         targets: np.ndarray | None, order: str = "ifog") -> dict[str, Any]:
    """Forward over T steps, then the one-step backward from t = T down to 1, carrying δh and δc.

    At step t: δh_t = ∂L/∂h_t + (δh_{t} from step t+1's δh_{t−1}); δc_{t+1} and f_{t+1} come from
    step t+1 (zero after the last step). δW and δb are summed over the steps.
    """
    import numpy as np

    caches = bptt_forward(W, b, xs, h0, c0, order)
    hs = np.array([fw["h"] for fw, _, _ in caches])
    value, dhs = sequence_loss(hs, loss, targets)
    hidden = h0.size
    dW, db = np.zeros_like(W), np.zeros_like(b)
    dxs = np.zeros_like(xs)
    dh_next, dc_next, f_next = np.zeros(hidden), np.zeros(hidden), np.zeros(hidden)
    per_step = []
    for t in range(len(xs) - 1, -1, -1):
        fw, h_prev, c_prev = caches[t]
        dh = dhs[t] + dh_next
        g = backward(fw, W, xs[t], h_prev, c_prev, dh, dc_next, f_next, order)
        dW += g["dW"]
        db += g["db"]
        dxs[t] = g["dx"]
        per_step.append((t, dh, g["dc"]))
        dh_next, dc_next, f_next = g["dh_prev"], g["dc"], fw["f"]
    per_step.reverse()
    return {"loss": value, "dW": dW, "db": db, "dxs": dxs, "dh0": dh_next, "dc0": dc_next * f_next,
            "hs": hs, "per_step": per_step}


def bptt_solution(v: dict[str, np.ndarray], xs: np.ndarray, h0: np.ndarray, c0: np.ndarray, loss: str,
                  targets: np.ndarray | None, order: str, drawn: list[str], seed: int,
                  samples: int = 12) -> Solution:
    """BPTT over the whole sequence, worked step by step, the unrolled gradient checked by central
    differences of the loss (every entry for small problems, a fixed sample of each array else)."""
    import numpy as np

    W, b = v["W"], v["b"]
    with np.errstate(over="raise", invalid="raise"):
        try:
            out = bptt(W, b, xs, h0, c0, loss, targets, order)
        except FloatingPointError:
            raise InputError("the values overflow float64; use smaller numbers", "--values") from None
    if not (np.isfinite(out["loss"]) and all(np.all(np.isfinite(out[k])) for k in ("dW", "db", "dxs"))):
        raise InputError("the values overflow float64; use smaller numbers", "--values")
    steps, hidden = len(xs), h0.size
    sol = Solution("lstm-grads", f"backpropagation through time over {steps} steps (hidden {hidden}, "
                   f"input {xs.shape[1]}, loss {loss})")
    sol.inputs = {"hidden": hidden, "input_size": xs.shape[1], "steps": steps, "loss": loss, "gate_order": order,
                  "seed": seed, "drawn_from_seed": drawn, "W": Vector(W), "b": Vector(b), "xs": Vector(xs),
                  "h0": Vector(h0), "c0": Vector(c0)}
    if targets is not None:
        sol.inputs["targets"] = Vector(targets)
    sol.display = {"drawn_from_seed": ", ".join(drawn) if drawn else "none"}
    sol.step("Model", MODEL, value=None, note="run for t = 1 … T from h_0, c_0; then backward from t = T")
    sol.step("Loss", "L = Σ_t Σ_k h_t[k]" if loss == "sum" else "L = mean over t, k of (h_t − y_t)²",
             value=out["loss"], note="∂L/∂h_t = 1 for every t" if loss == "sum" else "∂L/∂h_t = 2(h_t − y_t)/(T·H)")
    shown = out["per_step"] if steps <= 6 else out["per_step"][-3:]
    if steps > 6:
        sol.step(f"t = {steps} … {steps - 2}", value=None, note=f"the last three steps are shown; the other "
                 f"{steps - 3} are computed the same way")
    for t, dh, dc in reversed(shown):
        sol.step(f"t = {t + 1}: δh_t", "δh_t = ∂L/∂h_t + δh_t from step t+1 (its δh_{t−1} = W_hᵀ·δz_{t+1})",
                 value=_value(dh))
        sol.step(f"t = {t + 1}: δc_t", "δc_t = δh_t ⊙ o_t ⊙ (1 − tanh²(c_t)) + δc_{t+1} ⊙ f_{t+1}", value=_value(dc),
                 note="δc_{T+1} = 0 after the last step" if t == steps - 1 else "")
    sol.step("δW", "δW = Σ_t δz_t·[h_{t−1}; x_t]ᵀ", value=_value(out["dW"]))
    sol.step("δb", "δb = Σ_t δz_t", value=_value(out["db"]))
    sol.step("δh_0", "δh_0 = W_hᵀ·δz_1", value=_value(out["dh0"]))
    sol.step("δc_0", "δc_0 = δc_1 ⊙ f_1", value=_value(out["dc0"]))

    rng = np.random.default_rng(7)
    work = {"W": W.copy(), "b": b.copy(), "xs": xs.copy(), "h0": h0.copy(), "c0": c0.copy()}

    def loss_now() -> float:
        caches = bptt_forward(work["W"], work["b"], work["xs"], work["h0"], work["c0"], order)
        return sequence_loss(np.array([fw["h"] for fw, _, _ in caches]), loss, targets)[0]

    worst, where, count, bad = 0.0, "", 0, 0
    noise = difference_noise(out["loss"])
    for key, grad_key in (("W", "dW"), ("b", "db"), ("xs", "dxs"), ("h0", "dh0"), ("c0", "dc0")):
        array = work[key]
        picks = None if array.size <= samples * 4 else rng.choice(array.size, samples, replace=False)
        numeric = numeric_gradient(loss_now, array, indices=picks).reshape(-1)
        analytic = np.asarray(out[grad_key]).reshape(-1)
        if picks is not None:
            numeric, analytic = numeric[picks], analytic[picks]
        count += numeric.size
        close = np.abs(analytic - numeric) <= noise
        errors = np.abs(analytic - numeric) / np.maximum(1e-8, np.abs(analytic) + np.abs(numeric))
        bad += int(np.sum((errors >= 1e-5) & ~close))
        if errors.size and errors.max() >= worst:
            worst, where = float(errors.max()), grad_key
    sol.check("finite differences through all steps", "finite differences", bad == 0,
              f"{count} entries of δW, δb, δx, δh_0, δc_0 against central differences of the whole unrolled "
              f"loss (ε = {FD_EPS:g}): largest relative error {worst:.1e}" + (f" ({where})" if where else "") +
              f"; differences within the rounding noise of the loss ({noise:.0e}) pass")
    sol.result = {"loss": out["loss"], "grads": {"dW": Vector(out["dW"]), "db": Vector(out["db"]),
                                                 "dx": Vector(out["dxs"]), "dh0": Vector(out["dh0"]),
                                                 "dc0": Vector(out["dc0"])},
                  "forward": {"h": Vector(out["hs"])}}
    sol.answer = f"loss {out['loss']:.6g}; the gradients of all {steps} steps"
    return sol


# ---------------------------------------------------------------------------------------------
# One lstm-grads request
# ---------------------------------------------------------------------------------------------


def lstm_request(*, hidden: int | None = None, input_size: int | None = None, seed: int = 0,
                 values: str | None = None, order: str = "ifog", steps: int | None = None, loss: str = "sum",
                 target: str | None = None, formulas: bool = False, symbolic: bool = False,
                 check_formula: list[str] | None = None, check: list[str] | None = None,
                 rtol: float | None = None, atol: float | None = None) -> Solution:
    """lstm-grads from its option texts."""
    if order not in ORDERS:
        raise InputError(f"expected ifog or ifgo, got {order!r}", "--gate-order")
    if loss not in ("sum", "mse"):
        raise InputError(f"expected sum or mse, got {loss!r}", "--loss")
    if not 0 <= seed < 2**128:
        raise InputError(f"expected a seed from 0 to 2¹²⁸ − 1, got {seed}", "--seed")
    from dlcalc.parse import env_limit

    largest = env_limit("DLCALC_MAX_HIDDEN", MAX_HIDDEN, "--hidden")
    for name, size in (("--hidden", hidden), ("--input-size", input_size)):
        if size is not None and not 1 <= size <= largest:
            raise InputError(f"expected a size from 1 to {largest} (DLCALC_MAX_HIDDEN raises the limit), got {size}",
                              name)
    given = load_values(values)
    hidden, inputs = step_sizes(hidden, input_size, given)
    pure = steps is None and small_cell(hidden, inputs)  # one small step: pure Python, no numpy import
    # a cell too large to check is refused before its values are drawn
    entries = step_entries(hidden, inputs) if steps is None else FD_ENTRIES
    v, drawn, hidden, inputs = step_values(hidden, inputs, seed, given, pure=pure)
    if steps is None:
        if target is not None:
            raise InputError("is for backpropagation through time; add --steps T", "--target")
        sol, _, _ = lstm_step(v, order, drawn, seed, entries)
    else:
        if not 1 <= steps <= 10_000:
            raise InputError(f"expected 1 to 10000 steps, got {steps}", "--steps")
        work, budget = hidden * (hidden + inputs) * 4 * steps, env_limit("DLCALC_MAX_WORK", MAX_WORK, "--steps")
        if work > budget:
            raise InputError(f"this sequence needs about {work:,} multiply-adds, more than the limit of {budget:,}; "
                              "shorten it, shrink the sizes, or raise DLCALC_MAX_WORK", "--steps")
        import numpy as np

        given = {key: _array(value) for key, value in given.items()}
        rng = np.random.default_rng(seed + 1)
        xs = given.get("xs")
        if xs is None:
            xs = draw(rng, (steps, inputs))
            drawn = [*drawn, "xs"]
        elif xs.reshape(len(xs), -1).shape != (steps, inputs):
            raise InputError(f"xs must be {steps}×{inputs} (T×M), got {'×'.join(map(str, xs.shape))}", "--values")
        xs = xs.reshape(steps, inputs)
        h0 = given.get("h0", np.zeros(hidden))
        c0 = given.get("c0", np.zeros(hidden))
        for key, array in (("h0", h0), ("c0", c0)):
            if array.shape != (hidden,):
                raise InputError(f"{key} must have {hidden} values, got {array.size}", "--values")
        targets = None
        if loss == "mse":
            if target is not None:
                from dlcalc.parse import parse_numeric

                targets = np.array(parse_numeric(target, "--target"), dtype=np.float64)
            elif "targets" in given:
                targets = given["targets"]
            else:
                targets = draw(rng, (steps, hidden))
                drawn = [*drawn, "targets"]
            if targets.size == hidden and steps > 1:
                targets = np.tile(targets.reshape(1, hidden), (steps, 1))
            if targets.size != steps * hidden:
                raise InputError(f"the target must be T×H = {steps}×{hidden} (or H values for every step), "
                                  f"got {'×'.join(map(str, targets.shape))}", "--target")
            targets = targets.reshape(steps, hidden)
        elif target is not None:
            raise InputError("is for --loss mse", "--target")
        sol = bptt_solution(v, xs, h0, c0, loss, targets, order, drawn, seed)
    if formulas or symbolic or check_formula:
        from dlcalc.symbolic.lstm import derive, formulas_solution

        if formulas:
            formulas_solution(sol, derive())
        elif symbolic:
            from dlcalc.symbolic.lstm import ORDER, agrees

            derived = derive()
            bad = [key for key in ORDER if not agrees(key, derived[key])]
            sol.check("the formulas symbolically", "sympy", not bad,
                      "each backward formula above equals sympy's derivative of the cell, for all values" if not bad
                      else f"differs for {', '.join(bad)}")
    if check_formula or check:
        sol.verdict = _judge_all(sol, check_formula or [], check or [], rtol, atol)
    return sol


def _judge_all(sol: Solution, formula_claims: list[str], number_claims: list[str], rtol, atol):
    from dlcalc.solution import Verdict
    from dlcalc.verify import combine

    parts = check_numbers(sol, number_claims, rtol, atol)
    if formula_claims:
        from dlcalc.symbolic.formula import parse_formula, to_notation
        from dlcalc.symbolic.lstm import FORMULAS, judge

        for text in formula_claims:
            key, expr = parse_formula(text)
            if key not in FORMULAS:
                raise InputError(f"{key} is not one of the formulas checked here ({', '.join(FORMULAS)})",
                                  "--check-formula")
            ok, lines, diagnosis = judge(key, expr)
            parts.append((key, None, Verdict(to_notation(expr), to_notation(FORMULAS[key]), ok, lines, diagnosis)))
    return combine(parts)
