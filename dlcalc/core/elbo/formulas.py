"""The formulas of the VAE ELBO, one term at a time (Kingma & Welling 2014, "Auto-Encoding Variational
Bayes", eq. 3 and Appendix B), in nats:

* Gaussian encoder against a diagonal Gaussian prior, per dimension:
  ``KL = ½(σ²/σ_p² + (μ − μ_p)²/σ_p² − 1 − ln(σ²/σ_p²))``;
* Bernoulli decoder: ``log p(x|z) = Σ_k x_k ln x̂_k + (1 − x_k) ln(1 − x̂_k)`` (minus the binary cross-entropy);
* Gaussian decoder: ``log p(x|z) = Σ_k −½ ln(2πσ_x²) − (x_k − x̂_k)²/(2σ_x²)``.

The independent method for the KL, :func:`kl_by_integration`, integrates ``q(ln q − ln p)`` numerically
and uses no closed form.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from dlcalc.errors import InputError

LN2 = math.log(2.0)
LARGEST = 1e150  # |μ|, |x| and σ at most this, σ at least 1/LARGEST: squares stay inside float64
LARGEST_LOGVAR = 690.0  # ln σ² within ±690: σ² between 1e-300 and 1e300


def finite(values: Sequence[float] | None, option: str) -> list[float] | None:
    """The values as floats, refused unless finite."""
    if values is None:
        return None
    floats = [float(v) for v in values]
    if not all(math.isfinite(v) for v in floats):
        raise InputError("expected finite numbers", option)
    return floats


def in_range(values: Sequence[float] | None, option: str, what: str, scale: bool = False) -> None:
    """Refuse numbers whose squares would leave float64: |v| ≤ 1e150, and for a scale also v ≥ 1e-150."""
    for v in values or []:
        if abs(v) > LARGEST or (scale and v < 1 / LARGEST):
            bound = "between 1e-150 and 1e150" if scale else "within ±1e150"
            raise InputError(f"{what} {bound} is supported (its square must fit in float64), got {v:g}", option)


def gaussian_kl_terms(mu: list[float], var: list[float], prior_mu: list[float], prior_var: list[float]) -> list[float]:
    """½(σ²/σ_p² + (μ − μ_p)²/σ_p² − 1 − ln(σ²/σ_p²)) for each dimension."""
    return [0.5 * (v / pv + (m - pm) ** 2 / pv - 1.0 - math.log(v / pv))
            for m, v, pm, pv in zip(mu, var, prior_mu, prior_var, strict=True)]


def kl_by_integration(mu: float, sigma: float, prior_mu: float, prior_sigma: float, points: int = 2001) -> float:
    """KL of one dimension by the trapezoid rule over μ ± 12σ: ∫ q(z)(ln q(z) − ln p(z)) dz.

    For an integrand this smooth and this small at the ends the trapezoid rule converges
    geometrically, so 2,001 points give ~1e-12.
    """
    low, step = mu - 12 * sigma, 24 * sigma / (points - 1)
    norm_q, norm_p = math.log(sigma * math.sqrt(2 * math.pi)), math.log(prior_sigma * math.sqrt(2 * math.pi))
    total = 0.0
    for k in range(points):
        z = low + k * step
        log_q = -0.5 * ((z - mu) / sigma) ** 2 - norm_q
        log_p = -0.5 * ((z - prior_mu) / prior_sigma) ** 2 - norm_p
        value = math.exp(log_q) * (log_q - log_p)
        total += value / 2 if k in (0, points - 1) else value
    return total * step


def bernoulli_log_likelihood(x: list[float], x_hat: list[float]) -> list[float]:
    """x ln x̂ + (1 − x) ln(1 − x̂) per element; a log of 0 where it is needed is an error, named."""
    terms = []
    for k, (xk, pk) in enumerate(zip(x, x_hat, strict=True)):
        term = 0.0
        if xk > 0:
            if pk <= 0:
                raise InputError(f"ln x̂ at element {k}: x̂ = {pk:g} but x = {xk:g}, so log p(x|z) is −∞", "--x-hat")
            term += xk * math.log(pk)
        if xk < 1:
            if pk >= 1:
                raise InputError(f"ln(1 − x̂) at element {k}: x̂ = {pk:g} but x = {xk:g}, so log p(x|z) is −∞",
                                 "--x-hat")
            term += (1 - xk) * math.log(1 - pk)
        terms.append(term)
    return terms


def gaussian_log_likelihood(x: list[float], x_hat: list[float], sigma_x: float, constant: bool = True) -> list[float]:
    """−½ ln(2πσ_x²) − (x − x̂)²/(2σ_x²) per element (the constant left out when asked)."""
    c = -0.5 * math.log(2 * math.pi * sigma_x**2) if constant else 0.0
    return [c - (xk - pk) ** 2 / (2 * sigma_x**2) for xk, pk in zip(x, x_hat, strict=True)]
