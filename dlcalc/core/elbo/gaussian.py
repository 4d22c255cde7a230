"""The ELBO of a Gaussian encoder q(z) = N(μ, diag σ²) against a prior N(μ_p, diag σ_p²) (standard normal
by default), worked: the KL per dimension and in total, checked by numerical integration; with data,
the reconstruction term (:mod:`~dlcalc.core.elbo.decoder`) and ELBO = E_q[log p(x|z)] − KL.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from dlcalc import show
from dlcalc.core.elbo.claims import Terms, finish
from dlcalc.core.elbo.decoder import Decoder, Sampling, monte_carlo, reconstruction
from dlcalc.core.elbo.formulas import LARGEST_LOGVAR, LN2, finite, gaussian_kl_terms, in_range, kl_by_integration
from dlcalc.errors import InputError
from dlcalc.solution import Solution

MAX_DIMENSION_STEPS = 6  # dimensions whose KL is written out
MAX_INTEGRATED = 64  # dimensions checked by integration


@dataclass(frozen=True, slots=True)
class Encoder:
    """q(z) = N(μ, diag σ²) and the prior N(μ_p, diag σ_p²), each broadcast to the d dimensions;
    ``logvar`` is ln σ² when the spread was given so (the variances are then its exponentials)."""

    mu: tuple[float, ...]
    var: tuple[float, ...]
    prior_mu: tuple[float, ...]
    prior_var: tuple[float, ...]
    logvar: tuple[float, ...] | None = None

    @property
    def d(self) -> int:
        return len(self.mu)

    @property
    def standard_prior(self) -> bool:
        return all(m == 0 for m in self.prior_mu) and all(v == 1 for v in self.prior_var)


def _ratios_in_range(enc: Encoder, option: str) -> None:
    """The KL's σ²/σ_p² and (μ − μ_p)²/σ_p² must be finite, and σ²/σ_p² above 0 (its log is taken)."""
    for k, (m, v, pm, pv) in enumerate(zip(enc.mu, enc.var, enc.prior_mu, enc.prior_var, strict=True)):
        ratio, shift = v / pv, (m - pm) * (m - pm) / pv
        if not (0 < ratio < math.inf and shift < math.inf):
            raise InputError(f"dimension {k + 1}: σ²/σ_p² = {ratio:g} and (μ − μ_p)²/σ_p² = {shift:g} must be "
                             "finite and σ²/σ_p² above 0 in float64; bring σ and σ_p (or μ) closer in scale", option)


def _same_length(named: dict[str, list[float] | None]) -> int:
    lengths = {name: len(values) for name, values in named.items() if values is not None and len(values) > 1}
    sizes = set(lengths.values())
    if len(sizes) > 1:
        shown = ", ".join(f"{name} has {n}" for name, n in lengths.items())
        raise InputError(f"lengths disagree: {shown}", next(iter(lengths)))
    return sizes.pop() if sizes else 1


def _broadcast(values: list[float], n: int) -> list[float]:
    return values * n if len(values) == 1 else values


def encoder(mu: Sequence[float], logvar: Sequence[float] | None = None, sigma: Sequence[float] | None = None,
            prior_mu: Sequence[float] | None = None, prior_sigma: Sequence[float] | None = None) -> Encoder:
    """A checked encoder and prior: the spread as ln σ² (``logvar``) or σ, one of them; the prior N(0, 1)
    by default; one value stands for every dimension. Numbers whose squares (or the KL's ratios) would
    leave float64 are refused, naming the option."""
    mus = finite(mu, "--mu") or []
    if (logvar is None) == (sigma is None):
        raise InputError("give the encoder's spread as --logvar (ln σ²) or --sigma, one of them", "--logvar")
    logvars, sigmas = finite(logvar, "--logvar"), finite(sigma, "--sigma")
    if sigmas is not None and any(s <= 0 for s in sigmas):
        raise InputError(f"σ must be positive, got {min(sigmas):g}", "--sigma")
    pmus = finite(prior_mu, "--prior-mu") or [0.0]
    psigmas = finite(prior_sigma, "--prior-sigma") or [1.0]
    if any(s <= 0 for s in psigmas):
        raise InputError(f"σ_p must be positive, got {min(psigmas):g}", "--prior-sigma")
    in_range(mus, "--mu", "μ")
    in_range(pmus, "--prior-mu", "μ_p")
    in_range(sigmas, "--sigma", "σ", scale=True)
    in_range(psigmas, "--prior-sigma", "σ_p", scale=True)
    d = _same_length({"--mu": mus, "--logvar": logvars, "--sigma": sigmas, "--prior-mu": pmus,
                      "--prior-sigma": psigmas})
    mus = _broadcast(mus, d)
    if logvars is not None:
        logvars = _broadcast(logvars, d)
        if any(abs(v) > LARGEST_LOGVAR for v in logvars):
            raise InputError(f"ln σ² within ±{LARGEST_LOGVAR:g} is supported (σ² between 1e-300 and 1e300), got "
                             f"{max(logvars, key=abs):g}", "--logvar")
        var = [math.exp(v) for v in logvars]
    else:
        var = [s * s for s in _broadcast(sigmas or [], d)]
    spec = Encoder(tuple(mus), tuple(var), tuple(_broadcast(pmus, d)),
                   tuple(s * s for s in _broadcast(psigmas, d)), tuple(logvars) if logvars is not None else None)
    _ratios_in_range(spec, "--prior-sigma" if prior_sigma is not None else
                     "--sigma" if sigma is not None else "--logvar")
    return spec


def gaussian_elbo(enc: Encoder, dec: Decoder, sampling: Sampling | None = None, *, bits: bool = False) -> Solution:
    """The KL to the prior per dimension and in total (checked by integration), the reconstruction term
    when the data are given (``dec``), Monte Carlo estimates with ``sampling``, and the ELBO; in nats,
    or in bits (÷ ln 2)."""
    d, term = enc.d, show.term
    mus, var, pmus, pvar = list(enc.mu), list(enc.var), list(enc.prior_mu), list(enc.prior_var)
    unit = "bits" if bits else "nats"
    scale = 1 / LN2 if bits else 1.0
    sol = Solution("elbo", "the evidence lower bound of a Gaussian encoder" + (", in bits" if bits else ""))
    sol.inputs = {"mu": mus, "sigma": [math.sqrt(v) for v in var], "prior_mu": pmus,
                  "prior_sigma": [math.sqrt(v) for v in pvar], "decoder": dec.kind, "unit": unit}
    if enc.logvar is not None:
        sol.inputs["logvar"] = list(enc.logvar)
    sol.step("ELBO", "ELBO = E_q[log p(x|z)] − KL(q(z) ‖ p(z))", value=None,
             note="Kingma & Welling 2014, eq. 3: log p(x) = ELBO + KL(q(z) ‖ p(z|x)) ≥ ELBO")
    if enc.logvar is not None:
        sol.step("σ² from ln σ²", "σ² = exp(ln σ²)", "; ".join(f"exp({term(v)})" for v in enc.logvar[:6]),
                 [round(v, 12) for v in var] if d <= 6 else None)
    per_dim = gaussian_kl_terms(mus, var, pmus, pvar)
    if enc.standard_prior:
        formula = "KL = ½ Σ_j (σ_j² + μ_j² − 1 − ln σ_j²)"
        subs = [f"½({term(v)} + {term(m)}² − 1 − ln {term(v)})" for m, v in zip(mus, var, strict=True)]
        note = "against the standard normal prior (Kingma & Welling 2014, Appendix B)"
    else:
        formula = "KL = ½ Σ_j (σ_j²/σ_pj² + (μ_j − μ_pj)²/σ_pj² − 1 − ln(σ_j²/σ_pj²))"
        subs = [f"½({term(v)}/{term(pv)} + ({term(m)} − {term(pm)})²/{term(pv)} − 1 − ln({term(v)}/{term(pv)}))"
                for m, v, pm, pv in zip(mus, var, pmus, pvar, strict=True)]
        note = "against a diagonal Gaussian prior"
    for j, (text, value) in enumerate(zip(subs, per_dim, strict=True)):
        if j < MAX_DIMENSION_STEPS:
            sol.step(f"KL, dimension {j + 1}", formula.replace("Σ_j ", "").replace("_j", ""), text, value * scale)
    kl = sum(per_dim)
    sol.step("KL(q(z) ‖ p(z))", formula, " + ".join(term(v) for v in per_dim[:8]) + (" + …" if d > 8 else ""),
             kl * scale, note=note + ("; in bits: ÷ ln 2" if bits else ""))
    terms = Terms(scale, kl, d=d, mu=mus, var=var, prior_mu=pmus, prior_var=pvar,
                  logvar=list(enc.logvar) if enc.logvar is not None else None,
                  constant_included=not dec.drop_constant)
    check_by_integration(sol, enc, per_dim)
    recon = None
    sampled = sampling is not None and sampling.weights is not None  # the reconstruction by sampling needs no x̂
    if dec.x_hat is not None or (dec.x is not None and not sampled):
        recon = reconstruction(sol, terms, dec)
    if sampling is not None:
        recon = monte_carlo(sol, terms, enc, dec, sampling, recon)
    sol.result = {"kl": kl * scale, "kl_per_dim": [v * scale for v in per_dim]}
    if recon is not None:
        elbo = recon - kl
        sol.step("ELBO", "ELBO = E_q[log p(x|z)] − KL", f"{term(recon * scale)} − {term(kl * scale)}", elbo * scale)
        sol.result.update({"recon": recon * scale, "elbo": elbo * scale})
        if terms.recon_terms is not None:
            sol.result["recon_per_element"] = [t * scale for t in terms.recon_terms]
        terms.elbo = elbo
        sol.answer = f"ELBO = {elbo * scale:.6g} {unit} (reconstruction {recon * scale:.6g}, KL {kl * scale:.6g})"
    else:
        sol.result.update({"recon": None, "elbo": None})
        sol.answer = f"KL = {kl * scale:.6g} {unit}; give --x and --x-hat (or --samples) for the ELBO"
    return finish(sol, terms)


def check_by_integration(sol: Solution, enc: Encoder, per_dim: list[float]) -> None:
    """✓: each dimension's closed-form KL against ∫ q(ln q − ln p) by the trapezoid rule (the first 64)."""
    worst = 0.0
    for m, v, pm, pv, closed in zip(enc.mu[:MAX_INTEGRATED], enc.var, enc.prior_mu, enc.prior_var, per_dim,
                                    strict=False):
        numeric = kl_by_integration(m, math.sqrt(v), pm, math.sqrt(pv))
        worst = max(worst, abs(numeric - closed) / max(1e-12, abs(closed)) if abs(closed) > 1e-9 else
                    abs(numeric - closed))
    sol.add_check("closed form against numerical integration", "numerical integration", worst < 1e-6,
                  f"∫ q(z)(ln q − ln p) dz by the trapezoid rule over μ ± 12σ (2,001 points), per dimension: "
                  f"largest relative difference {worst:.1e}")
