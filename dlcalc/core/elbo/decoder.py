"""The reconstruction term E_q[log p(x|z)] of a Gaussian-encoder ELBO: from one decoder output x̂
(Bernoulli or Gaussian likelihood), or by Monte Carlo through a linear decoder x̂ = W z + b with the
reparameterisation trick z = μ + σ ⊙ ε; the Monte Carlo KL is checked against the closed form.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from dlcalc import show
from dlcalc.core.elbo.claims import Terms
from dlcalc.core.elbo.formulas import bernoulli_log_likelihood, gaussian_log_likelihood, in_range
from dlcalc.errors import InputError
from dlcalc.solution import Solution

if TYPE_CHECKING:
    from dlcalc.core.elbo.gaussian import Encoder

MAX_SAMPLES = 10_000_000


@dataclass(frozen=True, slots=True)
class Decoder:
    """The decoder's likelihood (``bernoulli`` or ``gaussian`` with σ_x), the data x and its output x̂
    (either may be None), and whether the Gaussian constant −½ ln(2πσ_x²) is left out."""

    kind: str = "bernoulli"
    x: tuple[float, ...] | None = None
    x_hat: tuple[float, ...] | None = None
    sigma_x: float | None = None
    drop_constant: bool = False

    def __post_init__(self) -> None:
        if self.kind not in ("bernoulli", "gaussian"):
            raise InputError(f"expected bernoulli or gaussian, got {self.kind!r}", "--decoder")


@dataclass(frozen=True, slots=True)
class Sampling:
    """Monte Carlo with ``samples`` draws from numpy's generator seeded ``seed``; ``weights`` is a linear
    decoder's W (n×d, or n×(d + 1) with the bias b as the last column) for the reconstruction."""

    samples: int
    seed: int = 0
    weights: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.samples < 2 or self.samples > MAX_SAMPLES:
            raise InputError(f"expected 2 to 10,000,000 samples, got {self.samples}", "--samples")


def reconstruction(sol: Solution, terms: Terms, dec: Decoder) -> float:
    """log p(x|z) at the one decoder output x̂, element by element (a one-sample estimate of E_q)."""
    term, scale = show.term, terms.scale
    if dec.x is None or dec.x_hat is None:
        raise InputError("needs both --x and --x-hat", "--x" if dec.x is None else "--x-hat")
    xs, hats, sigma_x = list(dec.x), list(dec.x_hat), dec.sigma_x
    in_range(xs, "--x", "x")
    in_range(hats, "--x-hat", "x̂")
    if sigma_x is not None and sigma_x > 0:
        in_range([sigma_x], "--sigma-x", "σ_x", scale=True)
    if len(xs) != len(hats):
        raise InputError(f"lengths disagree: --x has {len(xs)}, --x-hat has {len(hats)}", "--x-hat")
    if dec.kind == "bernoulli":
        if any(not 0 <= v <= 1 for v in xs):
            worst = max(xs, key=lambda v: abs(v - 0.5))
            raise InputError(f"a Bernoulli decoder needs targets in [0, 1], got {worst:g}", "--x")
        if any(not 0 <= v <= 1 for v in hats):
            raise InputError("x̂ are Bernoulli means, in [0, 1]", "--x-hat")
        values = bernoulli_log_likelihood(xs, hats)
        formula = "log p(x|z) = Σ_k x_k ln x̂_k + (1 − x_k) ln(1 − x̂_k)"
        subs = " + ".join(f"{term(a)}·ln {term(b)} + (1 − {term(a)})·ln(1 − {term(b)})"
                          for a, b in zip(xs[:3], hats[:3], strict=True))
        note = "minus the binary cross-entropy"
    else:
        if sigma_x is None or sigma_x <= 0:
            raise InputError("a Gaussian decoder needs σ_x > 0", "--sigma-x")
        drop = dec.drop_constant
        values = gaussian_log_likelihood(xs, hats, sigma_x, not drop)
        constant = -0.5 * math.log(2 * math.pi * sigma_x**2)
        terms.constant = constant * len(xs)
        formula = ("log p(x|z) = Σ_k −(x_k − x̂_k)²/(2σ_x²)" if drop else
                   "log p(x|z) = Σ_k −½ ln(2πσ_x²) − (x_k − x̂_k)²/(2σ_x²)")
        subs = " + ".join((f"−({term(a)} − {term(b)})²/(2·{term(sigma_x)}²)" if drop else
                           f"{term(constant)} − ({term(a)} − {term(b)})²/(2·{term(sigma_x)}²)")
                          for a, b in zip(xs[:3], hats[:3], strict=True))
        note = (f"the constant −½ ln(2πσ_x²) = {constant:.6g} per element is left out, as many courses do"
                if drop else f"the constant −½ ln(2πσ_x²) = {constant:.6g} per element is included")
    recon = sum(values)
    if len(xs) > 3:
        subs += " + …"
    per_element = ", ".join(f"{t * scale:.4g}" for t in values[:8]) + (", …" if len(values) > 8 else "")
    sol.step("Reconstruction term", formula, subs, recon * scale,
             note=f"{note}; per element: {per_element}; with one fixed x̂ this is a one-sample estimate of "
                  "E_q[log p(x|z)]")
    terms.recon, terms.recon_terms, terms.n = recon, values, len(xs)
    return recon


def monte_carlo(sol: Solution, terms: Terms, enc: Encoder, dec: Decoder, sampling: Sampling,
                recon: float | None) -> float | None:
    """The KL by sampling (checked against the closed form within 4 standard errors) and, with a linear
    decoder's weights, the reconstruction by sampling, which replaces the one-sample value ``recon``."""
    scale, samples, seed = terms.scale, sampling.samples, sampling.seed
    mus, var, pmus, pvar = (np.array(v) for v in (enc.mu, enc.var, enc.prior_mu, enc.prior_var))
    rng = np.random.default_rng(seed)
    eps = rng.standard_normal((samples, len(mus)))
    z = mus + np.sqrt(var) * eps  # the reparameterisation trick
    log_q = np.sum(-0.5 * eps**2 - 0.5 * np.log(2 * np.pi * var), axis=1)
    log_p = np.sum(-0.5 * (z - pmus) ** 2 / pvar - 0.5 * np.log(2 * np.pi * pvar), axis=1)
    kl_samples = log_q - log_p
    kl_mc, kl_se = float(kl_samples.mean()), float(kl_samples.std(ddof=1) / math.sqrt(samples))
    sol.step("KL by sampling", "KL ≈ (1/N) Σ_n [ln q(z_n) − ln p(z_n)], z_n = μ + σ ⊙ ε_n, ε_n ~ N(0, I)",
             f"N = {samples:,}, seed {seed}", kl_mc * scale, note=f"standard error {kl_se * scale:.3g}; the closed "
             f"form gives {terms.kl * scale:.6g}")
    within = abs(kl_mc - terms.kl) <= 4 * kl_se + 1e-12
    sol.add_check("closed-form KL against Monte Carlo", "Monte Carlo", within,
                  f"|{kl_mc:.6g} − {terms.kl:.6g}| = {abs(kl_mc - terms.kl):.3g} ≤ 4 standard errors "
                  f"({4 * kl_se:.3g})")
    if sampling.weights is None:
        return recon
    if dec.x is None:
        raise InputError("Monte Carlo reconstruction needs the data --x", "--x")
    in_range(dec.x, "--x", "x")
    if dec.sigma_x is not None and dec.sigma_x > 0:
        in_range([dec.sigma_x], "--sigma-x", "σ_x", scale=True)
    xs = np.array(dec.x)
    weights = np.asarray(sampling.weights, dtype=float)
    d = len(mus)
    if weights.shape == (len(xs), d + 1):
        w, b = weights[:, :d], weights[:, d]
    elif weights.shape == (len(xs), d):
        w, b = weights, np.zeros(len(xs))
    else:
        raise InputError(f"expected {len(xs)}×{d} (or {len(xs)}×{d + 1} with a bias column) decoder weights "
                         f"for {len(xs)} outputs and {d} latent dimensions, got "
                         f"{'×'.join(map(str, weights.shape))}", "--decoder-weights")
    out = z @ w.T + b
    if dec.kind == "bernoulli":
        if np.any((xs < 0) | (xs > 1)):
            raise InputError("a Bernoulli decoder needs targets in [0, 1]", "--x")
        # ln σ(a) = −softplus(−a), ln(1 − σ(a)) = −softplus(a): stable for large |a|
        log_lik = np.sum(xs * -np.logaddexp(0, -out) + (1 - xs) * -np.logaddexp(0, out), axis=1)
        how = "x̂ = σ(W z + b), log p(x|z) = Σ x ln x̂ + (1 − x) ln(1 − x̂)"
    else:
        sigma_x = dec.sigma_x
        if sigma_x is None or sigma_x <= 0:
            raise InputError("a Gaussian decoder needs σ_x > 0", "--sigma-x")
        constant = 0.0 if dec.drop_constant else -0.5 * math.log(2 * math.pi * sigma_x**2)
        log_lik = np.sum(constant - (xs - out) ** 2 / (2 * sigma_x**2), axis=1)
        how = "x̂ = W z + b, Gaussian log-likelihood"
    recon_mc, recon_se = float(log_lik.mean()), float(log_lik.std(ddof=1) / math.sqrt(samples))
    sol.step("Reconstruction by sampling", "E_q[log p(x|z)] ≈ (1/N) Σ_n log p(x|z_n)", how, recon_mc * scale,
             note=f"standard error {recon_se * scale:.3g} (reparameterisation trick, N = {samples:,})")
    terms.recon, terms.recon_terms, terms.n = recon_mc, None, len(xs)
    return recon_mc
