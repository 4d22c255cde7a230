"""The commands: each one's module, the name of its API function, and its one-line description.

A new topic adds one line here. The command line (:mod:`dlcalc.cli`), the Python API
(:mod:`dlcalc.api`), and ``check`` and ``batch`` (:mod:`dlcalc.runner`) all find commands here, and
import a command's module only when it is used.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

# name -> (module, its API function, one-line description). The order is the order of `dlcalc --help`.
# A command module holds the API function (dlcalc.conv_out, ...) and `app`, the Typer command.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "conv-out": ("dlcalc.commands.conv_out", "conv_out",
                 "Output size of a convolution, transposed convolution or pooling layer."),
    "conv-apply": ("dlcalc.commands.conv_apply", "conv_apply",
                   "Apply a kernel or pooling to a matrix, every output element worked out and checked."),
    "params": ("dlcalc.commands.params", "params",
               "Parameter counts, output shapes and MACs of a layer or network, conventions explicit."),
    "lstm-grads": ("dlcalc.commands.lstm_grads", "lstm_grads",
                   "One LSTM step's backward pass (or BPTT), verified three ways; checks gradient formulas."),
    "elbo": ("dlcalc.commands.elbo", "elbo",
             "The VAE evidence lower bound term by term: KL, reconstruction, ELBO, log p(x) = ELBO + KL."),
    "gan-optimal-d": ("dlcalc.commands.gan", "gan_optimal_d",
                      "The optimal GAN discriminator, the value of the game and the Jensen–Shannon divergence."),
    "check": ("dlcalc.commands.check", "check", "Check a whole answer sheet (or a class's) in one process."),
    "batch": ("dlcalc.commands.batch", "batch", "JSON lines in, one JSON result per line out, for scripts."),
}

RUNNABLE = [name for name in COMMANDS if name not in ("check", "batch")]
"""The commands a sheet question or a batch line may run."""


def api_function(name: str) -> Callable[..., Any]:
    """The API function of the command ``name`` (``conv-out`` → :func:`dlcalc.conv_out`)."""
    module, function, _ = COMMANDS[name]
    return getattr(importlib.import_module(module), function)
