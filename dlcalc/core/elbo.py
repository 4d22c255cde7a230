"""The VAE evidence lower bound, term by term (Kingma & Welling 2014, "Auto-Encoding Variational
Bayes", eq. 3 and Appendix B).

    log p(x) = ELBO + KL(q(z) ‖ p(z|x)),   ELBO = E_q[log p(x|z)] − KL(q(z) ‖ p(z))

Gaussian encoder q(z) = N(μ, diag σ²) and prior N(μ_p, diag σ_p²) (standard normal by default):

    KL = ½ Σ_j ( σ_j²/σ_pj² + (μ_j − μ_pj)²/σ_pj² − 1 − ln(σ_j²/σ_pj²) )

Bernoulli decoder: log p(x|z) = Σ_k x_k ln x̂_k + (1 − x_k) ln(1 − x̂_k) (minus the binary cross-entropy);
Gaussian decoder: log p(x|z) = Σ_k −½ ln(2πσ_x²) − (x_k − x̂_k)²/(2σ_x²).

Discrete latent (the seed's sums over z): p(x) = Σ_z p(z) p(x|z), p(z|x) = p(z) p(x|z)/p(x),
ELBO = Σ_z q(z) ln(p(x|z) p(z)/q(z)), KL(q ‖ p(z|x)) = Σ_z q(z) ln(q(z)/p(z|x)); 0·ln 0 = 0.
Everything is in nats unless ``--bits`` (÷ ln 2).
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

from dlcalc.errors import InputError
from dlcalc.parse import format_number, parse_matrix, parse_number_list, term
from dlcalc.solution import Solution

LN2 = math.log(2.0)


def _floats(text: str | None, option: str) -> list[float] | None:
    if text is None:
        return None
    values = [float(v) for v in parse_number_list(text, option)]
    if not all(math.isfinite(v) for v in values):
        raise InputError("expected finite numbers", option)
    return values


LARGEST = 1e150  # |μ|, |x| and σ at most this, σ at least 1/LARGEST: squares stay inside float64
LARGEST_LOGVAR = 690.0  # ln σ² within ±690: σ² between 1e-300 and 1e300


def _in_range(values: list[float] | None, option: str, what: str, scale: bool = False) -> None:
    """Refuse numbers whose squares would leave float64: |v| ≤ 1e150, and for a scale also v ≥ 1e-150."""
    for v in values or []:
        if abs(v) > LARGEST or (scale and v < 1 / LARGEST):
            bound = "between 1e-150 and 1e150" if scale else "within ±1e150"
            raise InputError(f"{what} {bound} is supported (its square must fit in float64), got {v:g}", option)


def _ratios_in_range(mus: list[float], var: list[float], pmus: list[float], pvar: list[float], option: str) -> None:
    """The KL's σ²/σ_p² and (μ − μ_p)²/σ_p² must be finite, and σ²/σ_p² above 0 (its log is taken)."""
    for k, (m, v, pm, pv) in enumerate(zip(mus, var, pmus, pvar, strict=True)):
        ratio, shift = v / pv, (m - pm) * (m - pm) / pv
        if not (0 < ratio < math.inf and shift < math.inf):
            raise InputError(f"dimension {k + 1}: σ²/σ_p² = {ratio:g} and (μ − μ_p)²/σ_p² = {shift:g} must be "
                              "finite and σ²/σ_p² above 0 in float64; bring σ and σ_p (or μ) closer in scale", option)


def _same_length(named: dict[str, list | None]) -> int:
    lengths = {name: len(values) for name, values in named.items() if values is not None and len(values) > 1}
    sizes = set(lengths.values())
    if len(sizes) > 1:
        shown = ", ".join(f"{name} has {n}" for name, n in lengths.items())
        first = next(iter(lengths))
        raise InputError(f"lengths disagree: {shown}", first)
    return sizes.pop() if sizes else 1


def _broadcast(values: list[float], n: int) -> list[float]:
    return values * n if len(values) == 1 else values



# ---------------------------------------------------------------------------------------------
# Gaussian
# ---------------------------------------------------------------------------------------------


def gaussian_kl_terms(mu: list[float], var: list[float], prior_mu: list[float], prior_var: list[float]) -> list[float]:
    """½(σ²/σ_p² + (μ − μ_p)²/σ_p² − 1 − ln(σ²/σ_p²)) for each dimension."""
    return [0.5 * (v / pv + (m - pm) ** 2 / pv - 1.0 - math.log(v / pv))
            for m, v, pm, pv in zip(mu, var, prior_mu, prior_var, strict=True)]


def kl_by_integration(mu: float, sigma: float, prior_mu: float, prior_sigma: float, points: int = 2001) -> float:
    """KL of one dimension by the trapezoid rule over μ ± 12σ: ∫ q(z)(ln q(z) − ln p(z)) dz.

    Pure Python (no numpy import on this path); for an integrand this smooth and this small at
    the ends the trapezoid rule converges geometrically, so 2,001 points give ~1e-12.
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


def gaussian_elbo(*, mu: str, logvar: str | None = None, sigma: str | None = None, prior_mu: str | None = None,
                  prior_sigma: str | None = None, x: str | None = None, x_hat: str | None = None,
                  decoder: str = "bernoulli", sigma_x: float | None = None, drop_constant: bool = False,
                  samples: int | None = None, seed: int = 0, decoder_weights: str | None = None,
                  bits: bool = False) -> tuple[Solution, dict[str, Any]]:
    """The Gaussian-encoder ELBO, worked; returns the solution and what the diagnosis needs."""
    mus = _floats(mu, "--mu")
    if (logvar is None) == (sigma is None):
        raise InputError("give the encoder's spread as --logvar (ln σ²) or --sigma, one of them", "--logvar")
    logvars = _floats(logvar, "--logvar")
    sigmas = _floats(sigma, "--sigma")
    if sigmas is not None and any(s <= 0 for s in sigmas):
        raise InputError(f"σ must be positive, got {min(sigmas):g}", "--sigma")
    pmus = _floats(prior_mu, "--prior-mu") or [0.0]
    psigmas = _floats(prior_sigma, "--prior-sigma") or [1.0]
    if any(s <= 0 for s in psigmas):
        raise InputError(f"σ_p must be positive, got {min(psigmas):g}", "--prior-sigma")
    _in_range(mus, "--mu", "μ")
    _in_range(pmus, "--prior-mu", "μ_p")
    _in_range(sigmas, "--sigma", "σ", scale=True)
    _in_range(psigmas, "--prior-sigma", "σ_p", scale=True)
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
        var = [s * s for s in _broadcast(sigmas, d)]
    pmus, pvar = _broadcast(pmus, d), [s * s for s in _broadcast(psigmas, d)]
    _ratios_in_range(mus, var, pmus, pvar, "--prior-sigma" if prior_sigma is not None else
                     "--sigma" if sigma is not None else "--logvar")
    unit = "bits" if bits else "nats"
    scale = 1 / LN2 if bits else 1.0
    sol = Solution("elbo", "the evidence lower bound of a Gaussian encoder" + (", in bits" if bits else ""))
    sol.inputs = {"mu": mus, "sigma": [math.sqrt(v) for v in var], "prior_mu": pmus,
                  "prior_sigma": [math.sqrt(v) for v in pvar], "decoder": decoder, "unit": unit}
    if logvars is not None:
        sol.inputs["logvar"] = logvars
    standard = all(m == 0 for m in pmus) and all(v == 1 for v in pvar)
    sol.step("ELBO", "ELBO = E_q[log p(x|z)] − KL(q(z) ‖ p(z))", value=None,
             note="Kingma & Welling 2014, eq. 3: log p(x) = ELBO + KL(q(z) ‖ p(z|x)) ≥ ELBO")
    if logvars is not None:
        sol.step("σ² from ln σ²", "σ² = exp(ln σ²)", "; ".join(f"exp({term(v)})" for v in logvars[:6]),
                 [round(v, 12) for v in var] if d <= 6 else None)
    per_dim = gaussian_kl_terms(mus, var, pmus, pvar)
    if standard:
        formula = "KL = ½ Σ_j (σ_j² + μ_j² − 1 − ln σ_j²)"
        subs = [f"½({term(v)} + {term(m)}² − 1 − ln {term(v)})" for m, v in zip(mus, var, strict=True)]
        note = "against the standard normal prior (Kingma & Welling 2014, Appendix B)"
    else:
        formula = "KL = ½ Σ_j (σ_j²/σ_pj² + (μ_j − μ_pj)²/σ_pj² − 1 − ln(σ_j²/σ_pj²))"
        subs = [f"½({term(v)}/{term(pv)} + ({term(m)} − {term(pm)})²/{term(pv)} − 1 − ln({term(v)}/{term(pv)}))"
                for m, v, pm, pv in zip(mus, var, pmus, pvar, strict=True)]
        note = "against a diagonal Gaussian prior"
    for j, (text, value) in enumerate(zip(subs, per_dim, strict=True)):
        if j < 6:
            sol.step(f"KL, dimension {j + 1}", formula.replace("Σ_j ", "").replace("_j", ""), text, value * scale)
    kl = sum(per_dim)
    sol.step("KL(q(z) ‖ p(z))", formula, " + ".join(term(v) for v in per_dim[:8]) + (" + …" if d > 8 else ""),
             kl * scale, note=note + ("; in bits: ÷ ln 2" if bits else ""))
    numbers: dict[str, Any] = {"kl": kl, "kl_per_dim": per_dim, "mu": mus, "var": var, "pmus": pmus, "pvar": pvar,
                               "logvars": logvars, "d": d, "recon": None, "recon_terms": None, "constant": None}
    checks_by_integration(sol, mus, var, pmus, pvar, per_dim)
    recon = None
    if x is not None or x_hat is not None:
        recon = _reconstruction(sol, numbers, x, x_hat, decoder, sigma_x, drop_constant, scale)
    if samples is not None:
        recon = _monte_carlo(sol, numbers, x, decoder, sigma_x, drop_constant, samples, seed, decoder_weights,
                             scale, recon)
    sol.result = {"kl": kl * scale, "kl_per_dim": [v * scale for v in per_dim]}
    if recon is not None:
        elbo = recon - kl
        sol.step("ELBO", "ELBO = E_q[log p(x|z)] − KL", f"{term(recon * scale)} − {term(kl * scale)}", elbo * scale)
        sol.result.update({"recon": recon * scale, "elbo": elbo * scale})
        if numbers.get("recon_terms") is not None:
            sol.result["recon_per_element"] = [t * scale for t in numbers["recon_terms"]]
        numbers["elbo"] = elbo
        sol.answer = f"ELBO = {elbo * scale:.6g} {unit} (reconstruction {recon * scale:.6g}, KL {kl * scale:.6g})"
    else:
        sol.result.update({"recon": None, "elbo": None})
        sol.answer = f"KL = {kl * scale:.6g} {unit}; give --x and --x-hat (or --samples) for the ELBO"
    numbers["scale"] = scale
    return sol, numbers


def checks_by_integration(sol: Solution, mus, var, pmus, pvar, per_dim) -> None:
    worst = 0.0
    for m, v, pm, pv, closed in zip(mus[:64], var, pmus, pvar, per_dim, strict=False):
        numeric = kl_by_integration(m, math.sqrt(v), pm, math.sqrt(pv))
        worst = max(worst, abs(numeric - closed) / max(1e-12, abs(closed)) if abs(closed) > 1e-9 else
                    abs(numeric - closed))
    sol.check("closed form against numerical integration", "numerical integration", worst < 1e-6,
              f"∫ q(z)(ln q − ln p) dz by the trapezoid rule over μ ± 12σ (2,001 points), per dimension: "
              f"largest relative difference {worst:.1e}")


def _reconstruction(sol, numbers, x_text, x_hat_text, decoder, sigma_x, drop_constant, scale) -> float:
    if x_text is None or x_hat_text is None:
        raise InputError("needs both --x and --x-hat", "--x" if x_text is None else "--x-hat")
    xs, hats = _floats(x_text, "--x"), _floats(x_hat_text, "--x-hat")
    _in_range(xs, "--x", "x")
    _in_range(hats, "--x-hat", "x̂")
    if sigma_x is not None and sigma_x > 0:
        _in_range([sigma_x], "--sigma-x", "σ_x", scale=True)
    if len(xs) != len(hats):
        raise InputError(f"lengths disagree: --x has {len(xs)}, --x-hat has {len(hats)}", "--x-hat")
    if decoder == "bernoulli":
        if any(not 0 <= v <= 1 for v in xs):
            worst = max(xs, key=lambda v: abs(v - 0.5))
            raise InputError(f"a Bernoulli decoder needs targets in [0, 1], got {worst:g}", "--x")
        if any(not 0 <= v <= 1 for v in hats):
            raise InputError("x̂ are Bernoulli means, in [0, 1]", "--x-hat")
        terms = bernoulli_log_likelihood(xs, hats)
        formula = "log p(x|z) = Σ_k x_k ln x̂_k + (1 − x_k) ln(1 − x̂_k)"
        subs = " + ".join(f"{term(a)}·ln {term(b)} + (1 − {term(a)})·ln(1 − {term(b)})"
                          for a, b in zip(xs[:3], hats[:3], strict=True))
        note = "minus the binary cross-entropy"
    else:
        if sigma_x is None or sigma_x <= 0:
            raise InputError("a Gaussian decoder needs σ_x > 0", "--sigma-x")
        terms = gaussian_log_likelihood(xs, hats, sigma_x, not drop_constant)
        constant = -0.5 * math.log(2 * math.pi * sigma_x**2)
        numbers["constant"] = constant * len(xs)
        formula = ("log p(x|z) = Σ_k −(x_k − x̂_k)²/(2σ_x²)" if drop_constant else
                   "log p(x|z) = Σ_k −½ ln(2πσ_x²) − (x_k − x̂_k)²/(2σ_x²)")
        subs = " + ".join((f"−({term(a)} − {term(b)})²/(2·{term(sigma_x)}²)" if drop_constant else
                           f"{term(constant)} − ({term(a)} − {term(b)})²/(2·{term(sigma_x)}²)")
                          for a, b in zip(xs[:3], hats[:3], strict=True))
        note = (f"the constant −½ ln(2πσ_x²) = {constant:.6g} per element is left out, as many courses do"
                if drop_constant else f"the constant −½ ln(2πσ_x²) = {constant:.6g} per element is included")
    recon = sum(terms)
    if len(xs) > 3:
        subs += " + …"
    per_element = ", ".join(f"{t * scale:.4g}" for t in terms[:8]) + (", …" if len(terms) > 8 else "")
    sol.step("Reconstruction term", formula, subs, recon * scale,
             note=f"{note}; per element: {per_element}; with one fixed x̂ this is a one-sample estimate of "
                  "E_q[log p(x|z)]")
    numbers["recon"], numbers["recon_terms"] = recon, terms
    numbers["n"] = len(xs)
    return recon


def _monte_carlo(sol, numbers, x_text, decoder, sigma_x, drop_constant, samples, seed, weights_text, scale, recon):
    import numpy as np

    if samples < 2 or samples > 10_000_000:
        raise InputError(f"expected 2 to 10,000,000 samples, got {samples}", "--samples")
    mus, var, pmus, pvar = (np.array(numbers[k]) for k in ("mu", "var", "pmus", "pvar"))
    rng = np.random.default_rng(seed)
    eps = rng.standard_normal((samples, len(mus)))
    z = mus + np.sqrt(var) * eps  # the reparameterisation trick
    log_q = np.sum(-0.5 * eps**2 - 0.5 * np.log(2 * np.pi * var), axis=1)
    log_p = np.sum(-0.5 * (z - pmus) ** 2 / pvar - 0.5 * np.log(2 * np.pi * pvar), axis=1)
    kl_samples = log_q - log_p
    kl_mc, kl_se = float(kl_samples.mean()), float(kl_samples.std(ddof=1) / math.sqrt(samples))
    sol.step("KL by sampling", "KL ≈ (1/N) Σ_n [ln q(z_n) − ln p(z_n)], z_n = μ + σ ⊙ ε_n, ε_n ~ N(0, I)",
             f"N = {samples:,}, seed {seed}", kl_mc * scale, note=f"standard error {kl_se * scale:.3g}; the closed "
             f"form gives {numbers['kl'] * scale:.6g}")
    within = abs(kl_mc - numbers["kl"]) <= 4 * kl_se + 1e-12
    sol.check("closed-form KL against Monte Carlo", "Monte Carlo", within,
              f"|{kl_mc:.6g} − {numbers['kl']:.6g}| = {abs(kl_mc - numbers['kl']):.3g} ≤ 4 standard errors "
              f"({4 * kl_se:.3g})")
    if weights_text is None:
        return recon
    if x_text is None:
        raise InputError("Monte Carlo reconstruction needs the data --x", "--x")
    xs = np.array(_floats(x_text, "--x"))
    weights = np.array(parse_matrix(weights_text, "--decoder-weights"), dtype=float)
    d = len(mus)
    if weights.shape == (len(xs), d + 1):
        W, b = weights[:, :d], weights[:, d]
    elif weights.shape == (len(xs), d):
        W, b = weights, np.zeros(len(xs))
    else:
        raise InputError(f"expected {len(xs)}×{d} (or {len(xs)}×{d + 1} with a bias column) decoder weights "
                          f"for {len(xs)} outputs and {d} latent dimensions, got "
                          f"{'×'.join(map(str, weights.shape))}", "--decoder-weights")
    out = z @ W.T + b
    if decoder == "bernoulli":
        if np.any((xs < 0) | (xs > 1)):
            raise InputError("a Bernoulli decoder needs targets in [0, 1]", "--x")
        # ln σ(a) = −softplus(−a), ln(1 − σ(a)) = −softplus(a): stable for large |a|
        log_lik = np.sum(xs * -np.logaddexp(0, -out) + (1 - xs) * -np.logaddexp(0, out), axis=1)
        how = "x̂ = σ(W z + b), log p(x|z) = Σ x ln x̂ + (1 − x) ln(1 − x̂)"
    else:
        if sigma_x is None or sigma_x <= 0:
            raise InputError("a Gaussian decoder needs σ_x > 0", "--sigma-x")
        constant = 0.0 if drop_constant else -0.5 * math.log(2 * math.pi * sigma_x**2)
        log_lik = np.sum(constant - (xs - out) ** 2 / (2 * sigma_x**2), axis=1)
        how = "x̂ = W z + b, Gaussian log-likelihood"
    recon_mc, recon_se = float(log_lik.mean()), float(log_lik.std(ddof=1) / math.sqrt(samples))
    sol.step("Reconstruction by sampling", "E_q[log p(x|z)] ≈ (1/N) Σ_n log p(x|z_n)", how, recon_mc * scale,
             note=f"standard error {recon_se * scale:.3g} (reparameterisation trick, N = {samples:,})")
    numbers["recon"], numbers["recon_terms"], numbers["n"] = recon_mc, None, len(xs)
    return recon_mc


# ---------------------------------------------------------------------------------------------
# Discrete latent
# ---------------------------------------------------------------------------------------------


def _probabilities(text: str, option: str, rows: bool = False) -> list:
    """Exact probabilities (fractions where written so; decimals as exact decimals)."""
    if rows:
        matrix = parse_matrix(text, option)
        return [[_exact(v, option) for v in row] for row in matrix]
    return [_exact(v, option) for v in parse_number_list(text, option)]


def _exact(value, option: str) -> Fraction:
    number = Fraction(str(value)) if isinstance(value, float) else Fraction(value)
    if not 0 <= number <= 1:
        raise InputError(f"probabilities lie in [0, 1], got {format_number(value)}", option)
    return number


def _distribution(values: list[Fraction], option: str) -> None:
    total = sum(values)
    if total != 1:
        raise InputError(f"the probabilities must sum to 1, but they sum to {float(total):g}"
                          + (f" ({total})" if total.denominator < 1000 else ""), option)


def discrete_elbo(*, prior: str, likelihood: str, q: str, bits: bool = False, symbolic: bool = True
                  ) -> tuple[Solution, dict[str, Any]]:
    """The seed's sums over z: p(x), the posterior, ELBO, KL(q ‖ p(z|x)) and the identity, exactly."""
    p_z = _probabilities(prior, "--prior")
    _distribution(p_z, "--prior")
    table = _probabilities(likelihood, "--likelihood", rows=True)
    q_rows = _probabilities(q, "--q", rows=True)
    k = len(p_z)
    for name, rows in (("--likelihood", table), ("--q", q_rows)):
        for row in rows:
            if len(row) != k:
                raise InputError(f"lengths disagree: --prior has {k} values of z, {name} has {len(row)}", name)
    for row in q_rows:
        _distribution(row, "--q")
    if len(q_rows) not in (1, len(table)):
        raise InputError(f"give one q, or one row of q per x ({len(table)})", "--q")
    scale = 1 / LN2 if bits else 1.0
    unit = "bits" if bits else "nats"
    sol = Solution("elbo", "the ELBO of a discrete latent variable, and the identity log p(x) = ELBO + KL"
                   + (" (in bits)" if bits else ""))
    sol.inputs = {"prior": [float(v) for v in p_z], "likelihood": [[float(v) for v in r] for r in table],
                  "q": [[float(v) for v in r] for r in q_rows], "unit": unit}
    sol.display = {"prior": ", ".join(map(str, p_z)), "q": "; ".join(", ".join(map(str, r)) for r in q_rows)}
    results = []
    for index, row in enumerate(table):
        qz = q_rows[index if len(q_rows) > 1 else 0]
        tag = f" (x = x{index + 1})" if len(table) > 1 else ""
        joint = [pz * lik for pz, lik in zip(p_z, row, strict=True)]
        px = sum(joint)
        if px == 0:
            raise InputError(f"p(x) = Σ p(z) p(x|z) = 0 for row {index + 1}: log p(x) is −∞", "--likelihood")
        posterior = [j / px for j in joint]
        sol.step(f"p(x){tag}", "p(x) = Σ_z p(z)·p(x|z)",
                 " + ".join(f"{_p(a)}·{_p(b)}" for a, b in zip(p_z, row, strict=True)), _show_fraction(px))
        sol.step(f"log p(x){tag}", "log p(x)", f"ln {_show_fraction(px)}", math.log(px) * scale)
        sol.step(f"posterior p(z|x){tag}", "p(z|x) = p(z)·p(x|z)/p(x)", ", ".join(
            f"{_p(j)}/{_p(px)}" for j in joint), [float(p) for p in posterior],
            note="exactly " + ", ".join(_show_fraction(p) for p in posterior))
        elbo_terms, kl_terms = [], []
        for z, (qv, lik, pz, post) in enumerate(zip(qz, row, p_z, posterior, strict=True)):
            if qv == 0:
                elbo_terms.append(0.0)
                kl_terms.append(0.0)  # 0·ln 0 = 0
                continue
            if lik == 0 or pz == 0:
                raise InputError(f"q(z{z + 1}) = {qv} > 0 where p(x|z)·p(z) = 0: ln 0 in the ELBO's term for "
                                  f"z{z + 1} (row {index + 1}), so ELBO = −∞ and KL(q ‖ p(z|x)) = ∞", "--q")
            elbo_terms.append(float(qv) * math.log(lik * pz / qv))
            kl_terms.append(float(qv) * math.log(qv / post))
        elbo, kl_post = sum(elbo_terms), sum(kl_terms)
        recon = sum(float(qv) * math.log(lik) for qv, lik in zip(qz, row, strict=True) if qv)
        kl_prior = sum(float(qv) * math.log(qv / pz) for qv, pz in zip(qz, p_z, strict=True) if qv)
        sol.step(f"ELBO{tag}", "ELBO = Σ_z q(z) ln(p(x|z)·p(z)/q(z))", " + ".join(
            f"{_p(qv)}·ln({_p(lik)}·{_p(pz)}/{_p(qv)})" for qv, lik, pz in zip(qz, row, p_z, strict=True) if qv),
            elbo * scale,
            note=f"= E_q[log p(x|z)] − KL(q ‖ p(z)) = {recon * scale:.6g} − {kl_prior * scale:.6g}")
        sol.step(f"KL(q ‖ p(z|x)){tag}", "KL = Σ_z q(z) ln(q(z)/p(z|x))", " + ".join(
            f"{_p(qv)}·ln({_p(qv)}/{_p(post)})" for qv, post in zip(qz, posterior, strict=True) if qv),
            kl_post * scale, note="0·ln 0 counts as 0" if 0 in qz else "")
        sol.step(f"log p(x) = ELBO + KL{tag}", "log p(x) = ELBO + KL(q ‖ p(z|x))",
                 f"{elbo * scale:.10g} + {kl_post * scale:.10g}", (elbo + kl_post) * scale)
        sol.check(f"the identity{tag}", "floating point", math.isclose(elbo + kl_post, math.log(px), rel_tol=1e-12,
                                                                        abs_tol=1e-12),
                  f"ELBO + KL − log p(x) = {elbo + kl_post - math.log(px):.1e}")
        results.append({"log_px": math.log(px) * scale, "p_x": float(px), "posterior": [float(p) for p in posterior],
                        "elbo": elbo * scale, "kl_posterior": kl_post * scale, "recon": recon * scale,
                        "kl": kl_prior * scale, "q": qz, "row": row, "prior": p_z})
    if symbolic:
        from dlcalc.symbolic.elbo import check_identity

        for index, r in enumerate(results):
            check_identity(sol, r["prior"], r["row"], r["q"], f" (x = x{index + 1})" if len(results) > 1 else "")
    first = results[0]
    keys = ("kl", "recon", "elbo", "log_px", "kl_posterior", "posterior")
    sol.result = {key: first[key] for key in keys} if len(results) == 1 else {
        key: [r[key] for r in results] for key in keys}
    sol.answer = (f"log p(x) = {first['log_px']:.6g} = ELBO {first['elbo']:.6g} + KL {first['kl_posterior']:.6g} "
                  f"{unit}" if len(results) == 1 else f"{len(results)} observations; see the steps")
    numbers = {"kl": first["kl"] / scale, "recon": first["recon"] / scale, "elbo": first["elbo"] / scale,
               "scale": scale, "d": k, "n": 1, "discrete": True, "kl_posterior": first["kl_posterior"] / scale,
               "log_px": first["log_px"] / scale}
    return sol, numbers


def _p(value: Fraction) -> str:
    """A probability inside a product or quotient: a fraction in parentheses, (3/10)."""
    text = _show_fraction(value)
    return f"({text})" if "/" in text else text


def _show_fraction(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    if value.denominator <= 10_000:
        return f"{value.numerator}/{value.denominator}"
    return f"{float(value):.6g}"


# ---------------------------------------------------------------------------------------------
# Checking claims
# ---------------------------------------------------------------------------------------------


def mistakes(numbers: dict[str, Any], key: str) -> list:
    """The values the usual slips give for one quantity (in the unit reported)."""
    from dlcalc.verify import Mistake

    scale = numbers["scale"]
    other_unit = "in nats, not bits" if scale != 1 else "in bits, not nats"
    other = LN2 if scale != 1 else 1 / LN2
    found: list[Mistake] = []
    kl, recon = numbers.get("kl"), numbers.get("recon")
    kl_variants: list[tuple[str, float]] = []
    if not numbers.get("discrete") and kl is not None:
        mus, var, pmus, pvar = numbers["mu"], numbers["var"], numbers["pmus"], numbers["pvar"]
        kl_variants.append(("ln σ used in place of ln σ²", sum(
            0.5 * (v / pv + (m - pm) ** 2 / pv - 1 - 0.5 * math.log(v / pv))
            for m, v, pm, pv in zip(mus, var, pmus, pvar, strict=True))))
        if numbers.get("logvars") is not None:
            kl_variants.append(("ln σ² read as ln σ (σ² = e^{2·logvar})", sum(gaussian_kl_terms(
                mus, [math.exp(2 * lv) for lv in numbers["logvars"]], pmus, pvar))))
        kl_variants.append(("the KL reversed, KL(p ‖ q)", sum(gaussian_kl_terms(pmus, pvar, mus, var))))
        kl_variants.append(("the KL without the ½", 2 * kl))
        if numbers["d"] > 1:
            kl_variants.append(("the mean over the latent dimensions, not the sum", kl / numbers["d"]))
    if key == "kl" and kl is not None:
        found += [Mistake(f"{what}", (value * scale,)) for what, value in kl_variants]
        found += [Mistake("the KL with the wrong sign", (-kl * scale,)),
                  Mistake(f"the KL {other_unit}", (kl * scale * other,))]
    recon_variants: list[tuple[str, float]] = []
    if recon is not None:
        if numbers.get("constant") is not None:
            constant = numbers["constant"]
            has = numbers.get("recon_terms") is not None and numbers.get("constant_included", True)
            recon_variants.append(("the reconstruction without the Gaussian constant" if has else
                                   "the reconstruction with the Gaussian constant", recon - constant if has
                                   else recon + constant))
        if numbers.get("n", 1) > 1:
            recon_variants.append(("the mean over the data elements, not the sum", recon / numbers["n"]))
        recon_variants.append(("the binary cross-entropy (a loss: the log-likelihood's negative)", -recon))
    if key == "recon" and recon is not None:
        found += [Mistake(what, (value * scale,)) for what, value in recon_variants]
        found.append(Mistake(f"the reconstruction {other_unit}", (recon * scale * other,)))
    if key == "elbo" and recon is not None and kl is not None:
        elbo = recon - kl
        found += [Mistake("the KL added instead of subtracted (recon + KL)", ((recon + kl) * scale,)),
                  Mistake("the negative ELBO (the VAE loss to minimise)", (-elbo * scale,)),
                  Mistake(f"the ELBO {other_unit}", (elbo * scale * other,))]
        found += [Mistake(f"the ELBO with {what}", ((recon - value) * scale,)) for what, value in kl_variants]
        found += [Mistake(f"the ELBO with {what}", ((value - kl) * scale,)) for what, value in recon_variants]
        if numbers.get("discrete"):
            found.append(Mistake("log p(x), not the ELBO", (numbers["log_px"] * scale,)))
    if key == "kl_posterior" and numbers.get("discrete"):
        found += [Mistake("KL(q ‖ p(z)), to the prior, not the posterior", (kl * scale,)),
                  Mistake("the KL with the wrong sign", (-numbers["kl_posterior"] * scale,))]
    return found


def judge(sol: Solution, numbers: dict[str, Any], claims: list[str], rtol, atol):
    from dlcalc.verify import check_claim, combine, split_named

    parts = []
    for text in claims:
        name, value = split_named(text, "--check", f"elbo=-1.23 (names: {', '.join(_checkable(sol))})")
        name = name.lower()
        if name not in _checkable(sol):
            raise InputError(f"cannot check {name!r} here; checkable: {', '.join(_checkable(sol))}", "--check")
        truth = sol.result[name]
        truths = truth if isinstance(truth, list) else [truth]
        parts.append((name, name, check_claim(value, truths, rtol=rtol, atol=atol, mistakes=mistakes(numbers, name),
                                              joiner=", ")))
    return combine(parts)


def _checkable(sol: Solution) -> list[str]:
    return [k for k in ("elbo", "kl", "recon", "log_px", "kl_posterior") if sol.result.get(k) is not None]


def elbo_request(*, discrete: bool = False, prior: str | None = None, likelihood: str | None = None,
                 q: str | None = None, mu: str | None = None, logvar: str | None = None, sigma: str | None = None,
                 prior_mu: str | None = None, prior_sigma: str | None = None, x: str | None = None,
                 x_hat: str | None = None, decoder: str = "bernoulli", sigma_x: float | None = None,
                 drop_constant: bool = False, samples: int | None = None, seed: int = 0,
                 decoder_weights: str | None = None, derive: bool = False, bits: bool = False,
                 symbolic: bool = True, check: list[str] | None = None, rtol: float | None = None,
                 atol: float | None = None) -> Solution:
    """elbo from its option texts."""
    try:
        sol = _elbo_request(discrete=discrete, prior=prior, likelihood=likelihood, q=q, mu=mu, logvar=logvar,
                             sigma=sigma, prior_mu=prior_mu, prior_sigma=prior_sigma, x=x, x_hat=x_hat,
                             decoder=decoder, sigma_x=sigma_x, drop_constant=drop_constant, samples=samples,
                             seed=seed, decoder_weights=decoder_weights, derive=derive, bits=bits,
                             symbolic=symbolic, check=check, rtol=rtol, atol=atol)
    except (OverflowError, ZeroDivisionError) as error:  # the bounds above should make these impossible
        raise InputError(f"the numbers leave float64's range ({error}); use smaller ones", None) from None
    from dlcalc.parse import non_finite_at

    where = non_finite_at(sol.result)
    if where is not None:  # NaN and infinity never appear unnamed: say which result left float64
        raise InputError(f"the result {where} comes out as ±inf or NaN in float64: the inputs are too far apart "
                          "in scale; bring them closer", None)
    return sol


def _elbo_request(*, discrete: bool, prior: str | None, likelihood: str | None, q: str | None, mu: str | None,
                  logvar: str | None, sigma: str | None, prior_mu: str | None, prior_sigma: str | None,
                  x: str | None, x_hat: str | None, decoder: str, sigma_x: float | None, drop_constant: bool,
                  samples: int | None, seed: int, decoder_weights: str | None, derive: bool, bits: bool,
                  symbolic: bool, check: list[str] | None, rtol: float | None, atol: float | None) -> Solution:
    if discrete:
        for name, value in (("--prior", prior), ("--likelihood", likelihood), ("--q", q)):
            if value is None:
                raise InputError("is required with --discrete (e.g. --prior \"0.3,0.7\" --likelihood \"0.9,0.2\" "
                                  "--q \"0.5,0.5\")", name)
        sol, numbers = discrete_elbo(prior=prior, likelihood=likelihood, q=q, bits=bits, symbolic=symbolic)
        if derive:
            from dlcalc.symbolic.elbo import derivation

            rows = _probabilities(likelihood, "--likelihood", rows=True)
            qs = _probabilities(q, "--q", rows=True)
            derivation(sol, _probabilities(prior, "--prior"), rows[0], qs[0])
    else:
        if mu is None:
            raise InputError("is required: the encoder mean, e.g. --mu \"0.5,-1\" (or --discrete)", "--mu")
        if decoder not in ("bernoulli", "gaussian"):
            raise InputError(f"expected bernoulli or gaussian, got {decoder!r}", "--decoder")
        sol, numbers = gaussian_elbo(mu=mu, logvar=logvar, sigma=sigma, prior_mu=prior_mu, prior_sigma=prior_sigma,
                                     x=x, x_hat=x_hat, decoder=decoder, sigma_x=sigma_x,
                                     drop_constant=drop_constant, samples=samples, seed=seed,
                                     decoder_weights=decoder_weights, bits=bits)
        numbers["constant_included"] = not drop_constant
        if derive:
            from dlcalc.symbolic.elbo import gaussian_kl_closed_form

            gaussian_kl_closed_form(sol)
    if check:
        sol.verdict = judge(sol, numbers, check, rtol, atol)
    return sol
