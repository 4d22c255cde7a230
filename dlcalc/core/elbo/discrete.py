"""The ELBO of a discrete latent variable, exactly (the seed's sums over z), one observation per row:

    p(x) = Σ_z p(z) p(x|z),   p(z|x) = p(z) p(x|z)/p(x),
    ELBO = Σ_z q(z) ln(p(x|z) p(z)/q(z)),   KL(q ‖ p(z|x)) = Σ_z q(z) ln(q(z)/p(z|x)),   0·ln 0 = 0,

and the identity log p(x) = ELBO + KL(q ‖ p(z|x)), checked in floating point. Probabilities are exact
fractions (a decimal such as 0.3 is 3/10); the logarithms are floats.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from dlcalc import show
from dlcalc.core.elbo.claims import Terms, finish
from dlcalc.core.elbo.formulas import LN2
from dlcalc.errors import InputError
from dlcalc.solution import Solution

Row = tuple[Fraction, ...]
Number = int | Fraction | float


@dataclass(frozen=True, slots=True)
class DiscreteLatent:
    """p(z) (``prior``), p(x|z) for each z in each row of ``likelihood`` (one row per observation x),
    and q(z): one row for every x, or one per x."""

    prior: Row
    likelihood: tuple[Row, ...]
    q: tuple[Row, ...]

    def q_for(self, index: int) -> Row:
        """q(z) for observation ``index``."""
        return self.q[index if len(self.q) > 1 else 0]


def exact(value: Number, option: str) -> Fraction:
    """A probability as an exact fraction (a float by its decimal text: 0.3 is 3/10), in [0, 1]."""
    number = Fraction(str(value)) if isinstance(value, float) else Fraction(value)
    if not 0 <= number <= 1:
        raise InputError(f"probabilities lie in [0, 1], got {show.number(value)}", option)
    return number


def _sums_to_one(values: Row, option: str) -> None:
    total = sum(values)
    if total != 1:
        raise InputError(f"the probabilities must sum to 1, but they sum to {float(total):g}"
                         + (f" ({total})" if total.denominator < 1000 else ""), option)


def discrete_latent(prior: Sequence[Number], likelihood: Sequence[Sequence[Number]],
                    q: Sequence[Sequence[Number]]) -> DiscreteLatent:
    """A checked problem: probabilities in [0, 1], p(z) and each q summing to 1, every row as long as
    p(z), and one q or one per observation."""
    p_z = tuple(exact(v, "--prior") for v in prior)
    _sums_to_one(p_z, "--prior")
    table = tuple(tuple(exact(v, "--likelihood") for v in row) for row in likelihood)
    q_rows = tuple(tuple(exact(v, "--q") for v in row) for row in q)
    k = len(p_z)
    for name, rows in (("--likelihood", table), ("--q", q_rows)):
        for row in rows:
            if len(row) != k:
                raise InputError(f"lengths disagree: --prior has {k} values of z, {name} has {len(row)}", name)
    for row in q_rows:
        _sums_to_one(row, "--q")
    if len(q_rows) not in (1, len(table)):
        raise InputError(f"give one q, or one row of q per x ({len(table)})", "--q")
    return DiscreteLatent(p_z, table, q_rows)


def _p(value: Fraction) -> str:
    """A probability inside a product or quotient: a fraction in parentheses, (3/10)."""
    text = _fraction(value)
    return f"({text})" if "/" in text else text


def _fraction(value: Fraction) -> str:
    """``3/10``; a whole number as digits; beyond denominators of 10,000, 6 significant digits."""
    if value.denominator == 1:
        return str(value.numerator)
    if value.denominator <= 10_000:
        return f"{value.numerator}/{value.denominator}"
    return f"{float(value):.6g}"


def discrete_elbo(problem: DiscreteLatent, *, bits: bool = False) -> Solution:
    """p(x), log p(x), the posterior, the ELBO, KL(q ‖ p(z|x)) and the identity, for each observation."""
    p_z, table, q_rows = problem.prior, problem.likelihood, problem.q
    scale = 1 / LN2 if bits else 1.0
    unit = "bits" if bits else "nats"
    sol = Solution("elbo", "the ELBO of a discrete latent variable, and the identity log p(x) = ELBO + KL"
                   + (" (in bits)" if bits else ""))
    sol.inputs = {"prior": [float(v) for v in p_z], "likelihood": [[float(v) for v in r] for r in table],
                  "q": [[float(v) for v in r] for r in q_rows], "unit": unit}
    sol.display = {"prior": ", ".join(map(str, p_z)), "q": "; ".join(", ".join(map(str, r)) for r in q_rows)}
    results = [_observation(sol, problem, index, scale) for index in range(len(table))]
    first = results[0]
    keys = ("kl", "recon", "elbo", "log_px", "kl_posterior", "posterior")
    sol.result = {key: first[key] for key in keys} if len(results) == 1 else {
        key: [r[key] for r in results] for key in keys}
    sol.answer = (f"log p(x) = {first['log_px']:.6g} = ELBO {first['elbo']:.6g} + KL {first['kl_posterior']:.6g} "
                  f"{unit}" if len(results) == 1 else f"{len(results)} observations; see the steps")
    terms = Terms(scale, first["kl"] / scale, recon=first["recon"] / scale, elbo=first["elbo"] / scale,
                  d=len(p_z), discrete=True, kl_posterior=first["kl_posterior"] / scale,
                  log_px=first["log_px"] / scale)
    return finish(sol, terms)


def _observation(sol: Solution, problem: DiscreteLatent, index: int, scale: float) -> dict[str, Any]:
    """The steps and the identity check of observation ``index``; its results (in the unit reported)."""
    p_z, row, qz = problem.prior, problem.likelihood[index], problem.q_for(index)
    tag = f" (x = x{index + 1})" if len(problem.likelihood) > 1 else ""
    joint = [pz * lik for pz, lik in zip(p_z, row, strict=True)]
    px = sum(joint)
    if px == 0:
        raise InputError(f"p(x) = Σ p(z) p(x|z) = 0 for row {index + 1}: log p(x) is −∞", "--likelihood")
    posterior = [j / px for j in joint]
    sol.step(f"p(x){tag}", "p(x) = Σ_z p(z)·p(x|z)",
             " + ".join(f"{_p(a)}·{_p(b)}" for a, b in zip(p_z, row, strict=True)), _fraction(px))
    sol.step(f"log p(x){tag}", "log p(x)", f"ln {_fraction(px)}", math.log(px) * scale)
    sol.step(f"posterior p(z|x){tag}", "p(z|x) = p(z)·p(x|z)/p(x)", ", ".join(
        f"{_p(j)}/{_p(px)}" for j in joint), [float(p) for p in posterior],
        note="exactly " + ", ".join(_fraction(p) for p in posterior))
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
        elbo * scale, note=f"= E_q[log p(x|z)] − KL(q ‖ p(z)) = {recon * scale:.6g} − {kl_prior * scale:.6g}")
    sol.step(f"KL(q ‖ p(z|x)){tag}", "KL = Σ_z q(z) ln(q(z)/p(z|x))", " + ".join(
        f"{_p(qv)}·ln({_p(qv)}/{_p(post)})" for qv, post in zip(qz, posterior, strict=True) if qv),
        kl_post * scale, note="0·ln 0 counts as 0" if 0 in qz else "")
    sol.step(f"log p(x) = ELBO + KL{tag}", "log p(x) = ELBO + KL(q ‖ p(z|x))",
             f"{elbo * scale:.10g} + {kl_post * scale:.10g}", (elbo + kl_post) * scale)
    sol.add_check(f"the identity{tag}", "floating point",
                  math.isclose(elbo + kl_post, math.log(px), rel_tol=1e-12, abs_tol=1e-12),
                  f"ELBO + KL − log p(x) = {elbo + kl_post - math.log(px):.1e}")
    return {"log_px": math.log(px) * scale, "p_x": float(px), "posterior": [float(p) for p in posterior],
            "elbo": elbo * scale, "kl_posterior": kl_post * scale, "recon": recon * scale, "kl": kl_prior * scale}
