"""One LSTM step forward and backward, in numpy (the formulas in :mod:`dlcalc.core.lstm`).

Arrays are float64 vectors (``W`` a 4H×(H+M) matrix); the gates are split from ``z`` in the order
``ifog`` (the seed's) or ``ifgo`` (PyTorch's).
"""

from __future__ import annotations

import numpy as np

from dlcalc.errors import InputError

Arrays = dict[str, np.ndarray]
OVERFLOW = "the values overflow float64; use smaller numbers"


def sigmoid(z: np.ndarray) -> np.ndarray:
    """σ(z) = 1/(1 + e^{−z}), computed without overflow for large |z| (e^z/(1 + e^z) for z < 0)."""
    out = np.empty_like(z, dtype=np.float64)
    positive = z >= 0
    out[positive] = 1.0 / (1.0 + np.exp(-z[positive]))
    e = np.exp(z[~positive])
    out[~positive] = e / (1.0 + e)
    return out


def gate_slices(hidden: int, order: str) -> dict[str, slice]:
    """Which rows of z (and W) each gate takes: H rows each, in ``order``."""
    return {gate: slice(k * hidden, (k + 1) * hidden) for k, gate in enumerate(order)}


def forward(W: np.ndarray, b: np.ndarray, x: np.ndarray, h_prev: np.ndarray, c_prev: np.ndarray,
            order: str = "ifog") -> Arrays:
    """One step forward: pre-activations ``z_i, z_f, z_o, z_g``, gates, ``c``, ``tanh(c)``, ``h``."""
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


def backward(fw: Arrays, W: np.ndarray, x: np.ndarray, h_prev: np.ndarray, c_prev: np.ndarray,
             dh: np.ndarray, dc_next: np.ndarray, f_next: np.ndarray, order: str = "ifog") -> Arrays:
    """One step backward, given δh_t and, from step t+1, δc_{t+1} and f_{t+1}."""
    hidden = h_prev.size
    g: Arrays = {}
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


def surrogate_loss(v: Arrays, order: str) -> float:
    """L = Σ δh_t ⊙ h_t + Σ (δc_{t+1} ⊙ f_{t+1}) ⊙ c_t: its gradients are the upstream ones given."""
    fw = forward(v["W"], v["b"], v["x"], v["h_prev"], v["c_prev"], order)
    return float(np.sum(v["dh"] * fw["h"]) + np.sum(v["dc_next"] * v["f_next"] * fw["c"]))


def step_pass(v: Arrays, order: str) -> tuple[Arrays, Arrays]:
    """Forward and backward of one step: (forward, gradients). An overflow (numpy's floating-point
    error, or an infinite result) is the user's: an InputError on ``--values``."""
    with np.errstate(over="raise", invalid="raise"):
        try:
            fw = forward(v["W"], v["b"], v["x"], v["h_prev"], v["c_prev"], order)
            grads = backward(fw, v["W"], v["x"], v["h_prev"], v["c_prev"], v["dh"], v["dc_next"], v["f_next"],
                             order)
        except FloatingPointError:
            raise InputError(OVERFLOW, "--values") from None
    if not all(np.all(np.isfinite(a)) for a in (*fw.values(), *grads.values())):
        raise InputError("the values overflow float64 (W·[h; x] + b is infinite); use smaller numbers", "--values")
    return fw, grads
