"""lstm-grads: one LSTM step's forward and backward pass, and backpropagation through time, checked.

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

* :mod:`~dlcalc.core.lstm.values`: the given values checked, the rest drawn from the seed, the limits;
* :mod:`~dlcalc.core.lstm.cell`: the cell forward and backward, in numpy;
* :mod:`~dlcalc.core.lstm.gradcheck`: central differences and the relative error;
* :mod:`~dlcalc.core.lstm.vectors`: results as vectors, and element-wise substitutions;
* :mod:`~dlcalc.core.lstm.step`: one step worked, its checks and its claim table;
* :mod:`~dlcalc.core.lstm.bptt`: backpropagation through time, its check and its claim table;
* :mod:`~dlcalc.core.lstm.worked`: one problem, a step or a sequence, from typed values.

Claimed formulas are judged by sympy in :mod:`dlcalc.symbolic.lstm`.
"""

from dlcalc.core.lstm.bptt import bptt, bptt_forward, bptt_solution, sequence_loss
from dlcalc.core.lstm.cell import backward, forward, gate_slices, sigmoid, step_pass, surrogate_loss
from dlcalc.core.lstm.gradcheck import (
    FD_EPS,
    FD_PASS,
    difference_noise,
    finite_difference_errors,
    numeric_gradient,
    rel_error,
)
from dlcalc.core.lstm.step import FORWARD_KEYS, GRAD_KEYS, lstm_step, step_claims
from dlcalc.core.lstm.values import (
    FD_ENTRIES,
    MAX_HIDDEN,
    MAX_WORK,
    ORDERS,
    STEP_KEYS,
    as_values,
    draw,
    fd_entries,
    step_sizes,
    step_values,
)
from dlcalc.core.lstm.vectors import Vector
from dlcalc.core.lstm.worked import lstm_solution

__all__ = ["FD_ENTRIES", "FD_EPS", "FD_PASS", "FORWARD_KEYS", "GRAD_KEYS", "MAX_HIDDEN", "MAX_WORK", "ORDERS",
           "STEP_KEYS", "Vector", "as_values", "backward", "bptt", "bptt_forward", "bptt_solution", "difference_noise",
           "draw", "fd_entries", "finite_difference_errors", "forward", "gate_slices", "lstm_solution", "lstm_step",
           "numeric_gradient", "rel_error", "sequence_loss", "sigmoid", "step_claims", "step_pass", "step_sizes",
           "step_values", "surrogate_loss"]
