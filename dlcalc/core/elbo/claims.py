"""What a claim about an ELBO may name, and the common slips that give a wrong one.

The quantities are those the solution computed, of ``elbo``, ``kl``, ``recon``, ``log_px`` and
``kl_posterior`` (there is no default: a claim names one, ``kl=0.4``). A wrong claim is diagnosed by
the usual slips: ln σ for ln σ², the KL reversed or without its ½, the mean for the sum, the KL added
instead of subtracted, the negative ELBO (the VAE loss), the Gaussian constant left in or out, nats
for bits, and for a discrete latent the KL to the prior for the KL to the posterior.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from dlcalc.claims import ClaimTable, Mistake, Quantity, mistake
from dlcalc.core.elbo.formulas import LN2, gaussian_kl_terms
from dlcalc.errors import InputError
from dlcalc.solution import Solution, non_finite_at

NAMES = ("elbo", "kl", "recon", "log_px", "kl_posterior")


@dataclass(slots=True)
class Terms:
    """The numbers a diagnosis needs, in nats (``scale`` turns them into the unit reported: 1, or 1/ln 2
    for bits): the KL to the prior, the reconstruction, the ELBO; for a Gaussian encoder its means and
    variances (and ln σ² when given), for a Gaussian decoder its constant; for a discrete latent
    log p(x) and the KL to the posterior."""

    scale: float
    kl: float
    recon: float | None = None
    elbo: float | None = None
    d: int = 1
    n: int = 1
    discrete: bool = False
    mu: list[float] = field(default_factory=list)
    var: list[float] = field(default_factory=list)
    prior_mu: list[float] = field(default_factory=list)
    prior_var: list[float] = field(default_factory=list)
    logvar: list[float] | None = None
    recon_terms: list[float] | None = None
    constant: float | None = None
    constant_included: bool = True
    kl_posterior: float | None = None
    log_px: float | None = None


def mistakes(terms: Terms, key: str) -> list[Mistake]:
    """The values the usual slips give for one quantity (in the unit reported)."""
    scale = terms.scale
    other_unit = "in nats, not bits" if scale != 1 else "in bits, not nats"
    other = LN2 if scale != 1 else 1 / LN2
    found: list[Mistake] = []
    kl, recon = terms.kl, terms.recon
    kl_variants: list[tuple[str, float]] = []
    if not terms.discrete:
        mus, var, pmus, pvar = terms.mu, terms.var, terms.prior_mu, terms.prior_var
        kl_variants.append(("ln σ used in place of ln σ²", sum(
            0.5 * (v / pv + (m - pm) ** 2 / pv - 1 - 0.5 * math.log(v / pv))
            for m, v, pm, pv in zip(mus, var, pmus, pvar, strict=True))))
        if terms.logvar is not None:
            kl_variants.append(("ln σ² read as ln σ (σ² = e^{2·logvar})", sum(gaussian_kl_terms(
                mus, [math.exp(2 * lv) for lv in terms.logvar], pmus, pvar))))
        kl_variants.append(("the KL reversed, KL(p ‖ q)", sum(gaussian_kl_terms(pmus, pvar, mus, var))))
        kl_variants.append(("the KL without the ½", 2 * kl))
        if terms.d > 1:
            kl_variants.append(("the mean over the latent dimensions, not the sum", kl / terms.d))
    if key == "kl":
        found += [mistake(what, (value * scale,)) for what, value in kl_variants]
        found += [mistake("the KL with the wrong sign", (-kl * scale,)),
                  mistake(f"the KL {other_unit}", (kl * scale * other,))]
    recon_variants: list[tuple[str, float]] = []
    if recon is not None:
        if terms.constant is not None:
            constant = terms.constant
            has = terms.recon_terms is not None and terms.constant_included
            recon_variants.append(("the reconstruction without the Gaussian constant" if has else
                                   "the reconstruction with the Gaussian constant", recon - constant if has
                                   else recon + constant))
        if terms.n > 1:
            recon_variants.append(("the mean over the data elements, not the sum", recon / terms.n))
        recon_variants.append(("the binary cross-entropy (a loss: the log-likelihood's negative)", -recon))
    if key == "recon" and recon is not None:
        found += [mistake(what, (value * scale,)) for what, value in recon_variants]
        found.append(mistake(f"the reconstruction {other_unit}", (recon * scale * other,)))
    if key == "elbo" and recon is not None:
        elbo = recon - kl
        found += [mistake("the KL added instead of subtracted (recon + KL)", ((recon + kl) * scale,)),
                  mistake("the negative ELBO (the VAE loss to minimise)", (-elbo * scale,)),
                  mistake(f"the ELBO {other_unit}", (elbo * scale * other,))]
        found += [mistake(f"the ELBO with {what}", ((recon - value) * scale,)) for what, value in kl_variants]
        found += [mistake(f"the ELBO with {what}", ((value - kl) * scale,)) for what, value in recon_variants]
        if terms.discrete and terms.log_px is not None:
            found.append(mistake("log p(x), not the ELBO", (terms.log_px * scale,)))
    if key == "kl_posterior" and terms.discrete and terms.kl_posterior is not None:
        found += [mistake("KL(q ‖ p(z)), to the prior, not the posterior", (kl * scale,)),
                  mistake("the KL with the wrong sign", (-terms.kl_posterior * scale,))]
    return found


def _slips(terms: Terms, name: str) -> Callable[[], list[Mistake]]:
    """The slips of one quantity, computed when a claim about it is wrong."""
    return lambda: mistakes(terms, name)


def claim_table(result: dict, terms: Terms) -> ClaimTable:
    """The quantities computed (of elbo, kl, recon, log_px, kl_posterior), each compared value by value
    (one per observation for several), with its slips; every claim names its quantity."""
    names = [name for name in NAMES if result.get(name) is not None]
    quantities = {name: Quantity(result[name] if isinstance(result[name], list) else [result[name]], joiner=", ",
                                 mistakes=_slips(terms, name)) for name in names}
    return ClaimTable(quantities, unnamed=f"expected NAME=VALUE such as elbo=-1.23 (names: {', '.join(names)})")


def finish(sol: Solution, terms: Terms) -> Solution:
    """The solution with its claim table, once every result is a finite float64 (else an InputError
    naming the result that is not)."""
    where = non_finite_at(sol.result)
    if where is not None:  # NaN and infinity never appear unnamed: say which result left float64
        raise InputError(f"the result {where} comes out as ±inf or NaN in float64: the inputs are too far apart "
                         "in scale; bring them closer", None)
    sol.claims = claim_table(sol.result, terms)
    return sol
