"""Sympy side of elbo: the discrete identity checked exactly (``--symbolic``), the derivation from
KL(q ‖ p(z|x)) to ELBO + KL step by step, and the Gaussian KL's closed form integrated by sympy
(``--derive``; integrated on every call: nothing is cached)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction

import sympy as sp

from dlcalc.solution import Solution


def _r(value: Fraction) -> sp.Rational:
    return sp.Rational(value.numerator, value.denominator)


def _zero(expr: sp.Expr) -> bool:
    return sp.simplify(sp.expand_log(sp.logcombine(expr, force=True), force=True)) == 0 or \
        abs(float(sp.N(expr, 50))) < 1e-40


Probabilities = Sequence[Fraction]


def check_identity(sol: Solution, prior: Probabilities, likelihood: Probabilities, q: Probabilities,
                   tag: str = "") -> None:
    """✓: log p(x) = ELBO + KL(q ‖ p(z|x)) with exact rationals, simplified by sympy to 0 = 0."""
    p_z = [_r(v) for v in prior]
    lik = [_r(v) for v in likelihood]
    qz = [_r(v) for v in q]
    px = sum(a * b for a, b in zip(p_z, lik, strict=True))
    elbo = sum(qv * sp.log(l_ * pz / qv) for qv, l_, pz in zip(qz, lik, p_z, strict=True) if qv != 0)
    kl = sum(qv * sp.log(qv / (pz * l_ / px)) for qv, l_, pz in zip(qz, lik, p_z, strict=True) if qv != 0)
    ok = _zero(sp.log(px) - elbo - kl)
    sol.add_check(f"the identity exactly{tag}", "sympy", ok,
                  f"with exact rationals, ln({px}) − ELBO − KL(q ‖ p(z|x)) simplifies to 0")


def derivation(sol: Solution, prior: Probabilities, likelihood: Probabilities, q: Probabilities) -> None:
    """``--derive``: the seed's Q3 derivation, each step checked by sympy on the discrete numbers."""
    p_z = [_r(v) for v in prior]
    lik = [_r(v) for v in likelihood]
    qz = [_r(v) for v in q]
    px = sum(a * b for a, b in zip(p_z, lik, strict=True))
    joint = [a * b for a, b in zip(p_z, lik, strict=True)]
    post = [j / px for j in joint]
    pairs = [(qv, j, po, pz, li) for qv, j, po, pz, li in zip(qz, joint, post, p_z, lik, strict=True) if qv != 0]

    def total(term: Callable[..., sp.Expr]) -> sp.Expr:
        return sum(term(*pair) for pair in pairs)

    steps = [
        ("KL(q ‖ p(z|x)) = Σ_z q(z) ln(q(z)/p(z|x))",
         r"\mathrm{KL}(q \,\|\, p(z|x)) = \sum_z q(z) \ln\frac{q(z)}{p(z|x)}",
         total(lambda qv, j, po, pz, li: qv * sp.log(qv / po)), "the definition"),
        ("= Σ_z q(z) ln(q(z)·p(x)/p(x,z))", r"= \sum_z q(z) \ln\frac{q(z)\,p(x)}{p(x,z)}",
         total(lambda qv, j, po, pz, li: qv * sp.log(qv * px / j)), "p(z|x) = p(x,z)/p(x)"),
        ("= −Σ_z q(z) ln(p(x,z)/q(z)) + ln p(x)·Σ_z q(z)",
         r"= -\sum_z q(z) \ln\frac{p(x,z)}{q(z)} + \ln p(x) \sum_z q(z)",
         -total(lambda qv, j, po, pz, li: qv * sp.log(j / qv)) + sp.log(px) * sum(qz), "split the logarithm"),
        ("= −ELBO + ln p(x)", r"= -\mathrm{ELBO} + \ln p(x)",
         -total(lambda qv, j, po, pz, li: qv * sp.log(j / qv)) + sp.log(px), "Σ_z q(z) = 1; ELBO = Σ_z q ln(p(x,z)/q)"),
        ("ln p(x) = ELBO + KL(q ‖ p(z|x)) ≥ ELBO",
         r"\ln p(x) = \mathrm{ELBO} + \mathrm{KL}(q \,\|\, p(z|x)) \ge \mathrm{ELBO}",
         None, "rearranged; KL ≥ 0 (Gibbs' inequality), so the ELBO is a lower bound"),
        ("ELBO = Σ_z q(z) ln(p(x|z)·p(z)/q(z)) = E_q[ln p(x|z)] − KL(q ‖ p(z))",
         r"\mathrm{ELBO} = \sum_z q(z)\ln\frac{p(x|z)\,p(z)}{q(z)}"
         r" = \mathbb{E}_q[\ln p(x|z)] - \mathrm{KL}(q \,\|\, p(z))",
         None, "p(x,z) = p(x|z)·p(z): the form a VAE maximises"),
    ]
    first = steps[0][2]
    for number, (text, latex, value, why) in enumerate(steps, start=1):
        if value is not None:
            ok = _zero(value - first)
            note = f"{why}; sympy: equal to the first line exactly ({'✓' if ok else '✗'})"
            sol.add_check(f"derivation step {number}", "sympy", ok, f"{why}: the same value as step 1, exactly")
        else:
            if text.startswith("ln p(x)"):
                ok = _zero(sp.log(px) - total(lambda qv, j, po, pz, li: qv * sp.log(j / qv)) - first)
            else:
                ok = _zero(total(lambda qv, j, po, pz, li: qv * sp.log(li * pz / qv)) -
                           (total(lambda qv, j, po, pz, li: qv * sp.log(li)) -
                            total(lambda qv, j, po, pz, li: qv * sp.log(qv / pz))))
            note = f"{why}; sympy: holds exactly on these numbers ({'✓' if ok else '✗'})"
            sol.add_check(f"derivation step {number}", "sympy", ok, f"{why}: holds exactly on these numbers")
        sol.step(f"Derivation, step {number}", text, value=float(sp.N(value)) if value is not None else None,
                 note=note, latex=latex)


def gaussian_kl_closed_form(sol: Solution) -> None:
    """sympy integrates ∫ q ln(q/p) dz for two Gaussians; the result is compared with the formula used."""
    z, mu, mu_p = sp.symbols("z mu mu_p", real=True)
    s, s_p = sp.symbols("sigma sigma_p", positive=True)
    q = sp.exp(-(z - mu) ** 2 / (2 * s**2)) / sp.sqrt(2 * sp.pi * s**2)
    log_ratio = -(z - mu) ** 2 / (2 * s**2) + (z - mu_p) ** 2 / (2 * s_p**2) - sp.log(s / s_p)
    integral = sp.simplify(sp.integrate(q * sp.expand(log_ratio), (z, -sp.oo, sp.oo), conds="none"))
    formula = sp.Rational(1, 2) * (s**2 / s_p**2 + (mu - mu_p) ** 2 / s_p**2 - 1 - sp.log(s**2 / s_p**2))
    agrees = sp.simplify(sp.expand_log(integral - formula, force=True)) == 0
    sol.step("Gaussian KL by integration", "KL(N(μ, σ²) ‖ N(μ_p, σ_p²)) = ∫ q(z) ln(q(z)/p(z)) dz",
             f"sympy: {sp.sstr(integral)}", None,
             note="equals ½(σ²/σ_p² + (μ − μ_p)²/σ_p² − 1 − ln(σ²/σ_p²)) (integrated now)",
             latex=r"\mathrm{KL}(\mathcal{N}(\mu,\sigma^2)\,\|\,\mathcal{N}(\mu_p,\sigma_p^2)) = \tfrac12\Big("
                   r"\tfrac{\sigma^2}{\sigma_p^2} + \tfrac{(\mu-\mu_p)^2}{\sigma_p^2} - 1 - "
                   r"\ln\tfrac{\sigma^2}{\sigma_p^2}\Big)")
    sol.add_check("Gaussian KL closed form by integration", "sympy", bool(agrees),
                  "sympy's integral of q ln(q/p) over the real line simplifies to the closed form used")
