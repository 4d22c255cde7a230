"""Backpropagation through time: T steps forward, the one-step backward from t = T down to 1, the
unrolled gradient checked by central differences of the whole loss, and its claim table.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dlcalc.core.lstm.cell import OVERFLOW, Arrays, backward, forward
from dlcalc.core.lstm.gradcheck import FD_EPS, difference_noise, numeric_gradient, relative_errors
from dlcalc.core.lstm.step import MODEL, UNNAMED, vector_quantity
from dlcalc.core.lstm.vectors import Vector, value
from dlcalc.errors import InputError
from dlcalc.solution import ClaimTable, Quantity, Solution

Cache = tuple[Arrays, np.ndarray, np.ndarray]  # one step's forward values, h_{t−1} and c_{t−1}
BPTT_GRADS = ("dW", "db", "dx", "dh0", "dc0")


def sequence_loss(hs: np.ndarray, loss: str, targets: np.ndarray | None) -> tuple[float, np.ndarray]:
    """The loss over all steps and its gradient with respect to every h_t.

    ``sum``: L = Σ_t Σ_k h_t[k], so ∂L/∂h_t = 1. ``mse``: L = mean over t and k of (h_t − y_t)²,
    so ∂L/∂h_t = 2(h_t − y_t)/(T·H).
    """
    if loss == "sum":
        return float(hs.sum()), np.ones_like(hs)
    if targets is None:
        raise ValueError("the mse loss needs targets")
    diff = hs - targets
    return float(np.mean(diff**2)), 2.0 * diff / diff.size


def bptt_forward(W: np.ndarray, b: np.ndarray, xs: np.ndarray, h0: np.ndarray, c0: np.ndarray,
                 order: str) -> list[Cache]:
    """The forward pass over every step, keeping what the backward pass needs."""
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
    caches = bptt_forward(W, b, xs, h0, c0, order)
    hs = np.array([fw["h"] for fw, _, _ in caches])
    loss_value, dhs = sequence_loss(hs, loss, targets)
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
    return {"loss": loss_value, "dW": dW, "db": db, "dxs": dxs, "dh0": dh_next, "dc0": dc_next * f_next,
            "hs": hs, "per_step": per_step}


def bptt_claims(loss: float, grads: dict[str, Vector], hs: Vector) -> ClaimTable:
    """What a BPTT run computes, by name: the loss, δW, δb, δx (T×M), δh_0, δc_0 and h (T×H)."""
    quantities = {"loss": Quantity([loss], label="loss", joiner=", ")}
    quantities.update({key: vector_quantity(key, grads[key]) for key in BPTT_GRADS})
    quantities["h"] = vector_quantity("h", hs)
    return ClaimTable(quantities, unnamed=UNNAMED)


def _checked_bptt(W: np.ndarray, b: np.ndarray, xs: np.ndarray, h0: np.ndarray, c0: np.ndarray, loss: str,
                  targets: np.ndarray | None, order: str) -> dict[str, Any]:
    """:func:`bptt`, an overflow refused as the user's (an InputError on ``--values``)."""
    with np.errstate(over="raise", invalid="raise"):
        try:
            out = bptt(W, b, xs, h0, c0, loss, targets, order)
        except FloatingPointError:
            raise InputError(OVERFLOW, "--values") from None
    if not (np.isfinite(out["loss"]) and all(np.all(np.isfinite(out[k])) for k in ("dW", "db", "dxs"))):
        raise InputError(OVERFLOW, "--values")
    return out


def bptt_solution(v: Arrays, xs: np.ndarray, h0: np.ndarray, c0: np.ndarray, loss: str,
                  targets: np.ndarray | None, order: str, drawn: list[str], seed: int,
                  samples: int = 12) -> Solution:
    """BPTT over the whole sequence, worked step by step, the unrolled gradient checked by central
    differences of the loss (every entry for small problems, a fixed sample of each array else)."""
    W, b = v["W"], v["b"]
    out = _checked_bptt(W, b, xs, h0, c0, loss, targets, order)
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
                 value=value(dh))
        sol.step(f"t = {t + 1}: δc_t", "δc_t = δh_t ⊙ o_t ⊙ (1 − tanh²(c_t)) + δc_{t+1} ⊙ f_{t+1}", value=value(dc),
                 note="δc_{T+1} = 0 after the last step" if t == steps - 1 else "")
    sol.step("δW", "δW = Σ_t δz_t·[h_{t−1}; x_t]ᵀ", value=value(out["dW"]))
    sol.step("δb", "δb = Σ_t δz_t", value=value(out["db"]))
    sol.step("δh_0", "δh_0 = W_hᵀ·δz_1", value=value(out["dh0"]))
    sol.step("δc_0", "δc_0 = δc_1 ⊙ f_1", value=value(out["dc0"]))
    _difference_check(sol, out, W, b, xs, h0, c0, loss, targets, order, samples)
    grads = {"dW": Vector(out["dW"]), "db": Vector(out["db"]), "dx": Vector(out["dxs"]), "dh0": Vector(out["dh0"]),
             "dc0": Vector(out["dc0"])}
    hs = Vector(out["hs"])
    sol.result = {"loss": out["loss"], "grads": grads, "forward": {"h": hs}}
    sol.answer = f"loss {out['loss']:.6g}; the gradients of all {steps} steps"
    sol.claims = bptt_claims(out["loss"], grads, hs)
    return sol


def _difference_check(sol: Solution, out: dict[str, Any], W: np.ndarray, b: np.ndarray, xs: np.ndarray,
                      h0: np.ndarray, c0: np.ndarray, loss: str, targets: np.ndarray | None, order: str,
                      samples: int) -> None:
    """✓ line: δW, δb, δx, δh_0, δc_0 against central differences of the whole unrolled loss."""
    rng = np.random.default_rng(7)
    work = {"W": W.copy(), "b": b.copy(), "xs": xs.copy(), "h0": h0.copy(), "c0": c0.copy()}

    def loss_now() -> float:
        caches = bptt_forward(work["W"], work["b"], work["xs"], work["h0"], work["c0"], order)
        return sequence_loss(np.array([fw["h"] for fw, _, _ in caches]), loss, targets)[0]

    worst, where, count, bad = 0.0, "", 0, 0
    noise = difference_noise(out["loss"])
    with np.errstate(over="ignore", invalid="ignore"):
        for key, grad_key in (("W", "dW"), ("b", "db"), ("xs", "dxs"), ("h0", "dh0"), ("c0", "dc0")):
            array = work[key]
            picks = None if array.size <= samples * 4 else rng.choice(array.size, samples, replace=False)
            numeric = numeric_gradient(loss_now, array, indices=picks).reshape(-1)
            analytic = np.asarray(out[grad_key]).reshape(-1)
            if picks is not None:
                numeric, analytic = numeric[picks], analytic[picks]
            count += numeric.size
            close = np.abs(analytic - numeric) <= noise
            errors = relative_errors(analytic, numeric)
            bad += int(np.sum((errors >= 1e-5) & ~close))
            if errors.size and errors.max() >= worst:
                worst, where = float(errors.max()), grad_key
    sol.add_check("finite differences through all steps", "finite differences", bad == 0,
                  f"{count} entries of δW, δb, δx, δh_0, δc_0 against central differences of the whole unrolled "
                  f"loss (ε = {FD_EPS:g}): largest relative error {worst:.1e}" + (f" ({where})" if where else "") +
                  f"; differences within the rounding noise of the loss ({noise:.0e}) pass")
