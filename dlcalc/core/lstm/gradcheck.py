"""Finite differences: every gradient of one step against central differences of its loss.

The relative error is CS231n's ``max |a − n| / max(10⁻⁸, |a| + |n|)``; a difference within the
rounding noise of the central difference itself (:func:`difference_noise`) is not counted against
the gradient, so that a loss of size 10⁶ is not failed for its last bits.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import numpy as np

from dlcalc.core.lstm.cell import Arrays, gate_slices, sigmoid, surrogate_loss
from dlcalc.core.lstm.values import FD_ENTRIES

FD_EPS = 1e-6
FD_PASS = 1e-6  # a gradient passes when its judged relative error is below this
PERTURBED = (("W", "dW"), ("b", "db"), ("x", "dx"), ("h_prev", "dh_prev"), ("c_prev", "dc_prev"))


def relative_errors(analytic: np.ndarray, numeric: np.ndarray) -> np.ndarray:
    """|a − n| / max(10⁻⁸, |a| + |n|), entry by entry, flattened."""
    a, n = np.asarray(analytic, dtype=np.float64).reshape(-1), np.asarray(numeric, dtype=np.float64).reshape(-1)
    return np.abs(a - n) / np.maximum(1e-8, np.abs(a) + np.abs(n))


def rel_error(analytic: np.ndarray, numeric: np.ndarray, noise: float = 0.0) -> float:
    """The largest relative error, ignoring entries whose difference is within ``noise`` (the rounding
    error of a central difference of the loss); NaN if any entry is NaN, 0 for none."""
    a, n = np.asarray(analytic, dtype=np.float64).reshape(-1), np.asarray(numeric, dtype=np.float64).reshape(-1)
    if a.shape != n.shape:
        raise ValueError(f"{a.size} analytic entries against {n.size} numeric ones")
    if not a.size:
        return 0.0
    with np.errstate(over="ignore", invalid="ignore"):
        errors = np.where(np.abs(a - n) <= noise, 0.0, relative_errors(a, n))
    return float(np.max(errors))


def difference_noise(loss: float, eps: float = FD_EPS) -> float:
    """How far a central difference of a loss of this size can be off by rounding alone:
    10 machine epsilons of max(1, |L|), over ε."""
    return 10 * sys.float_info.epsilon * max(1.0, abs(loss)) / eps


def numeric_gradient(function: Callable[[], float], point: np.ndarray, eps: float = FD_EPS,
                     indices: np.ndarray | None = None) -> np.ndarray:
    """Central differences (f(p + ε) − f(p − ε)) / 2ε of a scalar function, element by element
    (or at the given flat indices only), ``point`` perturbed in place and restored."""
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


def _both(analytic: np.ndarray, numeric: np.ndarray, noise: float) -> tuple[float, float]:
    return rel_error(analytic, numeric), rel_error(analytic, numeric, noise)


def finite_difference_errors(v: Arrays, fw: Arrays, grads: Arrays, order: str,
                             max_entries: int = FD_ENTRIES) -> dict[str, tuple[float, float]]:
    """The largest relative error of every gradient against central differences of the loss.

    Parameters and inputs (W, b, x, h_{t−1}, c_{t−1}) are perturbed in the real cell; the
    intermediate gradients by perturbing that quantity with the rest held: the gates (i, f, o, g)
    in ``c = f c_{t−1} + i g, h = o tanh(c)``, ``c`` itself, and the pre-activations ``z``.
    Every array larger than ``max_entries`` is sampled (that many of its elements, the same ones every
    run), the gates, c and z too, so the number of differences taken does not grow with the cell.
    Returns, per gradient, (largest relative error, the same ignoring differences within rounding
    noise): the first is reported, the second judged.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        return _errors(v, fw, grads, order, max_entries)


def _errors(v: Arrays, fw: Arrays, grads: Arrays, order: str, max_entries: int) -> dict[str, tuple[float, float]]:
    errors = {}
    work = {k: a.copy() for k, a in v.items()}
    noise = difference_noise(surrogate_loss(v, order))
    rng = np.random.default_rng(12345)

    def checked(loss: Callable[[], float], array: np.ndarray, analytic: np.ndarray) -> tuple[float, float]:
        picks = None if array.size <= max_entries else rng.choice(array.size, max_entries, replace=False)
        numeric = numeric_gradient(loss, array, indices=picks)
        if picks is not None:
            numeric, analytic = numeric.reshape(-1)[picks], analytic.reshape(-1)[picks]
        return _both(analytic, numeric, noise)

    for key, grad_key in PERTURBED:
        errors[grad_key] = checked(lambda: surrogate_loss(work, order), work[key], grads[grad_key])
    dh, dcn = v["dh"], v["dc_next"] * v["f_next"]
    gates = {k: fw[k].copy() for k in ("i", "f", "o", "g")}

    def loss_of_gates() -> float:
        c = gates["f"] * v["c_prev"] + gates["i"] * gates["g"]
        return float(np.sum(dh * gates["o"] * np.tanh(c)) + np.sum(dcn * c))

    for gate in ("i", "f", "o", "g"):
        errors[f"d{gate}"] = checked(loss_of_gates, gates[gate], grads[f"d{gate}"])
    c = fw["c"].copy()
    errors["dc"] = checked(lambda: float(np.sum(dh * fw["o"] * np.tanh(c)) + np.sum(dcn * c)), c, grads["dc"])
    z = fw["z"].copy()
    s = gate_slices(v["h_prev"].size, order)

    def loss_of_z() -> float:
        i, f, o, g = sigmoid(z[s["i"]]), sigmoid(z[s["f"]]), sigmoid(z[s["o"]]), np.tanh(z[s["g"]])
        cz = f * v["c_prev"] + i * g
        return float(np.sum(dh * o * np.tanh(cz)) + np.sum(dcn * cz))

    errors["dz"] = checked(loss_of_z, z, grads["dz"])
    return errors
