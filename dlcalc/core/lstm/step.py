"""One LSTM step worked: every forward quantity and gradient with its formula and numbers, the
finite-difference checks, and the claim table a claimed value (``di=0.13``) is judged by.

A claimed formula (``di = dc*g``) is judged by sympy (:mod:`dlcalc.symbolic.lstm`); the command
layer adds that judge to the table (:func:`dlcalc.commands.lstm_grads.lstm_grads`).
"""

from __future__ import annotations

from dlcalc.core.lstm.cell import Arrays, step_pass
from dlcalc.core.lstm.gradcheck import FD_EPS, FD_PASS, finite_difference_errors
from dlcalc.core.lstm.values import FD_ENTRIES, STEP_KEYS
from dlcalc.core.lstm.vectors import Vector, elements, value
from dlcalc.solution import ClaimTable, Quantity, Solution

GATE_NAMES = {"i": "input", "f": "forget", "o": "output", "g": "cell candidate"}
MODEL = ("z = W·[h_{t−1}; x_t] + b; i_t, f_t, o_t = σ(ẑ_i, ẑ_f, ẑ_o); g_t = tanh(ẑ_g); "
         "c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t; h_t = o_t ⊙ tanh(c_t)")
FORWARD_KEYS = ("z_i", "z_f", "z_o", "z_g", "i", "f", "o", "g", "c", "tanh_c", "h")
GRAD_KEYS = ("do", "dc", "di", "df", "dg", "dz", "dW", "db", "dh_prev", "dc_prev", "dx")
HATS = {"di_hat": "dz_i", "df_hat": "dz_f", "do_hat": "dz_o", "dg_hat": "dz_g"}
"""The gradients of the gates' pre-activations by their formula names (δî_t = δẑ_i, ...)."""
UNNAMED = 'an lstm-grads claim names what it claims: "di = dc*g" or "di=0.13"'


def vector_quantity(name: str, array: Vector) -> Quantity:
    """A claim about a vector or matrix: its numbers row by row, one claimed number standing for all."""
    return Quantity(array.flat, kind="values", label=name, joiner=", ")


def step_claims(fw: Arrays, grads: Arrays) -> ClaimTable:
    """Every forward quantity and gradient of the step, by name (``di``, ``dW``, ``h``, ``di_hat``)."""
    quantities = {key: vector_quantity(key, Vector(fw[key])) for key in FORWARD_KEYS}
    quantities.update({key: vector_quantity(key, Vector(grads[key])) for key in GRAD_KEYS})
    quantities.update({name: vector_quantity(name, Vector(grads[key])) for name, key in HATS.items()})
    return ClaimTable(quantities, unnamed=UNNAMED)


def lstm_step(v: Arrays, order: str = "ifog", drawn: list[str] | None = None, seed: int = 0,
              entries: int = FD_ENTRIES) -> tuple[Solution, Arrays, Arrays]:
    """The worked forward and backward pass of one step, with finite-difference checks (``entries``
    of each array at most); returns (the Solution, the forward values, the gradients)."""
    fw, grads = step_pass(v, order)
    errors = finite_difference_errors(v, fw, grads, order, max_entries=entries)
    hidden, inputs = v["h_prev"].size, v["x"].size
    sol = Solution("lstm-grads", f"one LSTM step, forward and backward (hidden {hidden}, input {inputs})")
    sol.inputs = {"hidden": hidden, "input_size": inputs, "gate_order": order, "seed": seed,
                  "drawn_from_seed": list(drawn or []), **{k: Vector(v[k]) for k in STEP_KEYS}}
    sol.display = {"drawn_from_seed": ", ".join(drawn) if drawn else "none"}
    order_text = ", ".join(f"{GATE_NAMES[g]} gate {g}" for g in order)
    s = sol.step
    s("Model", MODEL, value=None, note="the loss of one step is L = Σ δh_t ⊙ h_t + Σ δc_{t+1} ⊙ f_{t+1} ⊙ c_t, "
      "so ∂L/∂h_t = δh_t and the path through c_{t+1} contributes δc_{t+1} ⊙ f_{t+1}")
    s("Pre-activations", "z = W·[h_{t−1}; x_t] + b", value=value(fw["z"]),
      note=f"split in the order {order} ({order_text}), {hidden} row{'s' if hidden > 1 else ''} each")
    for gate in ("i", "f", "o"):
        s(f"{GATE_NAMES[gate].capitalize()} gate", f"{gate}_t = σ(ẑ_{gate})",
          elements(fw[f"z_{gate}"], template="σ({0})", bare=True), value(fw[gate]))
    s("Cell candidate", "g_t = tanh(ẑ_g)", elements(fw["z_g"], template="tanh({0})", bare=True), value(fw["g"]))
    s("Cell state", "c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t",
      elements(fw["f"], v["c_prev"], fw["i"], fw["g"], template="{0}·{1} + {2}·{3}"), value(fw["c"]))
    s("Squashed cell", "tanh(c_t)", elements(fw["c"], template="tanh({0})", bare=True), value(fw["tanh_c"]))
    s("Hidden state", "h_t = o_t ⊙ tanh(c_t)", elements(fw["o"], fw["tanh_c"]), value(fw["h"]))
    s("δo_t", "δo_t = δh_t ⊙ tanh(c_t)", elements(v["dh"], fw["tanh_c"]), value(grads["do"]))
    s("δc_t through h_t", "δh_t ⊙ o_t ⊙ (1 − tanh²(c_t))",
      elements(v["dh"], fw["o"], fw["tanh_c"], template="{0}·{1}·(1 − {2}²)"), value(grads["dc_from_h"]))
    s("δc_t from c_{t+1}", "δc_{t+1} ⊙ f_{t+1}", elements(v["dc_next"], v["f_next"]),
      value(grads["dc_from_next"]), note="c_{t+1} = f_{t+1} ⊙ c_t + …, so ∂c_{t+1}/∂c_t = f_{t+1}")
    s("δc_t", "δc_t = δh_t ⊙ o_t ⊙ (1 − tanh²(c_t)) + δc_{t+1} ⊙ f_{t+1}",
      elements(grads["dc_from_h"], grads["dc_from_next"], joiner=" + "), value(grads["dc"]),
      note="both paths: through h_t = o_t ⊙ tanh(c_t), and through the next cell state")
    s("δi_t", "δi_t = δc_t ⊙ g_t", elements(grads["dc"], fw["g"]), value(grads["di"]))
    s("δf_t", "δf_t = δc_t ⊙ c_{t−1}", elements(grads["dc"], v["c_prev"]), value(grads["df"]))
    s("δg_t", "δg_t = δc_t ⊙ i_t", elements(grads["dc"], fw["i"]), value(grads["dg"]))
    for gate in ("i", "f", "o"):
        s(f"δẑ_{gate}", f"δẑ_{gate} = δ{gate}_t ⊙ {gate}_t ⊙ (1 − {gate}_t)",
          elements(grads[f"d{gate}"], fw[gate], fw[gate], template="{0}·{1}·(1 − {2})"),
          value(grads[f"dz_{gate}"]), note="σ′(ẑ) = σ(ẑ)(1 − σ(ẑ))" if gate == "i" else "")
    s("δẑ_g", "δẑ_g = δg_t ⊙ (1 − g_t²)", elements(grads["dg"], fw["g"], template="{0}·(1 − {1}²)"),
      value(grads["dz_g"]), note="tanh′(ẑ) = 1 − tanh²(ẑ)")
    s("δz", "δz = [" + "; ".join(f"δẑ_{g}" for g in order) + "]", value=value(grads["dz"]))
    s("δW", "δW = δz·[h_{t−1}; x_t]ᵀ", value=value(grads["dW"]),
      note=f"an outer product: {4 * hidden}×{hidden + inputs}, the shape of W")
    s("δb", "δb = δz", value=value(grads["db"]))
    s("δh_{t−1}", "δh_{t−1} = W_hᵀ·δz (W_h: the first H columns of W)", value=value(grads["dh_prev"]))
    s("δx_t", "δx_t = W_xᵀ·δz (W_x: the last M columns of W)", value=value(grads["dx"]))
    s("δc_{t−1}", "δc_{t−1} = δc_t ⊙ f_t", elements(grads["dc"], fw["f"]), value(grads["dc_prev"]))

    sampled = 4 * hidden * (hidden + inputs) > entries
    groups = {"gates and cell (δo, δc, δi, δf, δg, δz)": ("do", "dc", "di", "df", "dg", "dz"),
              "parameters (δW, δb)": ("dW", "db"), "inputs (δh_{t−1}, δc_{t−1}, δx)": ("dh_prev", "dc_prev", "dx")}
    for name, keys in groups.items():
        worst = max(keys, key=lambda k: errors[k][0])
        sol.add_check(f"finite differences: {name}", "finite differences", all(errors[k][1] < FD_PASS for k in keys),
                      f"largest relative error {errors[worst][0]:.1e} ({worst}); central differences, ε = {FD_EPS:g}, "
                      "float64, CS231n's |a − n| / max(10⁻⁸, |a| + |n|)" +
                      (f"; {entries:,} sampled entries of each array larger than that" if sampled else ""))
    sol.result = {"forward": {k: Vector(fw[k]) for k in FORWARD_KEYS},
                  "grads": {k: Vector(grads[k]) for k in GRAD_KEYS}}
    sol.answer = "every gradient of the step; " + ("all agree with finite differences"
                                                   if all(c.passed for c in sol.checks) else "a check FAILED")
    sol.claims = step_claims(fw, grads)
    return sol, fw, grads
