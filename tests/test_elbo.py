"""elbo: the closed-form KL against integration and Monte Carlo, the discrete identity, the Bernoulli
log-likelihood against a loop, the Monte Carlo reconstruction against its closed form, the API on typed
values and text, claims judged through the claim table, diagnoses and errors."""

from __future__ import annotations

import json
import math
from fractions import Fraction

import numpy as np
import pytest
from helpers import assert_bad_input
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import dlcalc
from dlcalc.cli import app
from dlcalc.core.elbo import bernoulli_log_likelihood, gaussian_kl_terms, kl_by_integration
from dlcalc.errors import InputError
from dlcalc.sheets import run_question

runner = CliRunner()


def run_json(*args: str) -> dict:
    result = runner.invoke(app, ["elbo", *args, "--json"])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


@settings(max_examples=100, deadline=None)
@given(st.floats(-3, 3), st.floats(0.2, 3), st.floats(-2, 2), st.floats(0.3, 3))
def test_closed_form_kl_equals_numerical_integration(mu, sigma, prior_mu, prior_sigma):
    closed = gaussian_kl_terms([mu], [sigma**2], [prior_mu], [prior_sigma**2])[0]
    assert closed == pytest.approx(kl_by_integration(mu, sigma, prior_mu, prior_sigma), rel=1e-6, abs=1e-9)


def test_closed_form_kl_against_monte_carlo_within_its_standard_error():
    mu, logvar = [0.5, -1.0, 0.3], [-0.2, 0.3, 1.1]
    data = run_json("--mu", ",".join(map(str, mu)), "--logvar", ",".join(map(str, logvar)), "--samples", "200000")
    sampled = next(s for s in data["steps"] if s["label"] == "KL by sampling")
    se = float(sampled["note"].split("standard error ")[1].split(";")[0])
    assert abs(sampled["value"] - data["result"]["kl"]) < 4 * se
    # and against the hand formula, term by term
    expected = [0.5 * (math.exp(lv) + m * m - 1 - lv) for m, lv in zip(mu, logvar, strict=True)]
    assert data["result"]["kl_per_dim"] == pytest.approx(expected, rel=1e-12)


def test_bernoulli_log_likelihood_against_a_loop():
    rng = np.random.default_rng(0)
    x = rng.integers(0, 2, 50).astype(float).tolist()
    x_hat = rng.uniform(0.01, 0.99, 50).tolist()
    loop = 0.0
    for xk, pk in zip(x, x_hat, strict=True):
        loop += math.log(pk) if xk == 1 else math.log(1 - pk)
    assert sum(bernoulli_log_likelihood(x, x_hat)) == pytest.approx(loop, rel=1e-13)


def test_gaussian_elbo_and_the_constant():
    with_constant = run_json("--mu", "0.2", "--sigma", "0.5", "--decoder", "gaussian", "--sigma-x", "0.5", "--x",
                             "1,2", "--x-hat", "0.5,2.5")
    without = run_json("--mu", "0.2", "--sigma", "0.5", "--decoder", "gaussian", "--sigma-x", "0.5", "--x", "1,2",
                       "--x-hat", "0.5,2.5", "--drop-constant")
    constant = -0.5 * math.log(2 * math.pi * 0.25)
    assert with_constant["result"]["recon"] - without["result"]["recon"] == pytest.approx(2 * constant)
    assert without["result"]["recon"] == pytest.approx(-2 * 0.25 / (2 * 0.25))
    diagnosed = run_json("--mu", "0.2", "--sigma", "0.5", "--decoder", "gaussian", "--sigma-x", "0.5", "--x", "1,2",
                         "--x-hat", "0.5,2.5", "--check", f"recon={without['result']['recon']:.4f}")
    assert "without the Gaussian constant" in diagnosed["verdict"]["diagnosis"]


@pytest.mark.parametrize(("claim", "slip"), [
    ("kl", "ln σ used in place of ln σ²"),
    ("kl", "mean over the latent dimensions"),
    ("kl", "without the ½"),
    ("elbo", "KL added instead of subtracted"),
    ("elbo", "negative ELBO"),
])
def test_slips_are_diagnosed(claim, slip):
    base = ["--mu", "0.5,-1", "--logvar", "-0.2,0.3", "--x", "1,0,1", "--x-hat", "0.8,0.3,0.6"]
    data = run_json(*base)
    r = data["result"]
    var = [math.exp(-0.2), math.exp(0.3)]
    wrong = {
        "ln σ used in place of ln σ²": sum(0.5 * (v + m * m - 1 - 0.5 * math.log(v)) for m, v in zip([0.5, -1], var,
                                                                                                    strict=True)),
        "mean over the latent dimensions": r["kl"] / 2,
        "without the ½": 2 * r["kl"],
        "KL added instead of subtracted": r["recon"] + r["kl"],
        "negative ELBO": -r["elbo"],
    }[slip]
    verdict = run_json(*base, "--check", f"{claim}={wrong:.5f}")["verdict"]
    assert verdict["passed"] is False
    assert slip in verdict["diagnosis"]


def test_bits():
    nats = run_json("--mu", "1", "--sigma", "2")["result"]["kl"]
    bits = run_json("--mu", "1", "--sigma", "2", "--bits")["result"]["kl"]
    assert bits == pytest.approx(nats / math.log(2))
    wrong = run_json("--mu", "1", "--sigma", "2", "--bits", "--check", f"kl={nats:.4f}")["verdict"]
    assert "in nats, not bits" in wrong["diagnosis"]


def test_discrete_example_from_the_issue():
    data = run_json("--discrete", "--prior", "0.3,0.7", "--likelihood", "0.9,0.2", "--q", "0.5,0.5", "--symbolic")
    r = data["result"]
    px = 0.3 * 0.9 + 0.7 * 0.2
    assert r["log_px"] == pytest.approx(math.log(px))
    assert r["posterior"] == pytest.approx([0.27 / px, 0.14 / px])
    assert r["elbo"] + r["kl_posterior"] == pytest.approx(r["log_px"], abs=1e-14)
    assert all(c["passed"] for c in data["checks"])
    assert any(c["method"] == "sympy" for c in data["checks"])


probabilities = st.lists(st.integers(0, 20), min_size=2, max_size=5).filter(lambda v: sum(v) > 0)


@settings(max_examples=40, deadline=None)
@given(probabilities, st.data())
def test_discrete_identity_holds_exactly_on_random_tables(weights, data):
    k = len(weights)
    prior = [Fraction(w, sum(weights)) for w in weights]
    lik = [Fraction(data.draw(st.integers(1, 10)), 10) for _ in range(k)]
    q_weights = data.draw(st.lists(st.integers(0, 9), min_size=k, max_size=k).filter(lambda v: sum(v) > 0))
    q = [Fraction(w, sum(q_weights)) for w in q_weights]
    if any(qv > 0 and pv == 0 for qv, pv in zip(q, prior, strict=True)):
        return
    sol = dlcalc.elbo(discrete=True, prior=",".join(map(str, prior)), likelihood=",".join(map(str, lik)),
                      q=",".join(map(str, q)), symbolic=True)
    assert all(c.passed for c in sol.checks), [c.detail for c in sol.checks if not c.passed]


def test_derivation_steps_are_each_verified():
    data = run_json("--discrete", "--prior", "1/3,2/3", "--likelihood", "1/2,1/4", "--q", "1/4,3/4", "--derive")
    derivation = [c for c in data["checks"] if c["name"].startswith("derivation")]
    assert len(derivation) == 6 and all(c["passed"] for c in derivation)


def test_gaussian_kl_derived_by_integration(tmp_path, monkeypatch):
    """--derive integrates every time: nothing is cached, so a ✓ is always sympy's own."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    for _ in range(2):
        data = run_json("--mu", "0.5", "--sigma", "0.7", "--derive")
        check = next(c for c in data["checks"] if c["name"] == "Gaussian KL closed form by integration")
        assert check["passed"]
        step = next(s for s in data["steps"] if s["label"] == "Gaussian KL by integration")
        assert "integrated now" in step["note"]
    assert not (tmp_path / "dlcalc").exists()


def test_the_integration_check_can_fail(monkeypatch):
    """The ✓ comes from the integral computed in this run: a wrong integral gives a ✗."""
    import sympy

    monkeypatch.setattr(sympy, "integrate", lambda *args, **kwargs: sympy.Integer(7))
    sol = dlcalc.elbo(mu=0.5, sigma=0.7, derive=True)
    check = next(c for c in sol.checks if c.name == "Gaussian KL closed form by integration")
    assert check.passed is False


@pytest.mark.parametrize(("args", "fragment"), [
    (["--mu", "0.5", "--sigma", "0"], "positive"),
    (["--mu", "0.5", "--sigma", "-1"], "positive"),
    (["--mu", "0.5,1", "--sigma", "1,1,1"], "lengths disagree"),
    (["--mu", "0.5", "--logvar", "0", "--sigma", "1"], "one of them"),
    (["--mu", "0.5", "--sigma", "1", "--x", "1,2", "--x-hat", "0.5,0.5"], "[0, 1]"),
    (["--mu", "0.5", "--sigma", "1", "--x", "1,0", "--x-hat", "0,0.5"], "ln x̂ at element 0"),
    (["--mu", "0.5", "--sigma", "1", "--x", "1,0"], "--x-hat"),
    (["--discrete", "--prior", "0.3,0.6", "--likelihood", "0.9,0.2", "--q", "0.5,0.5"], "sum to 0.9"),
    (["--discrete", "--prior", "0.3,0.7", "--likelihood", "0.9,1.2", "--q", "0.5,0.5"], "[0, 1]"),
    (["--discrete", "--prior", "0.3,0.7", "--likelihood", "0.9,0.2,0.1", "--q", "0.5,0.5"], "lengths disagree"),
    (["--discrete", "--prior", "1,0", "--likelihood", "0.9,0.2", "--q", "0.5,0.5"], "ln 0"),
    (["--discrete", "--prior", "0.3,0.7"], "--likelihood"),
    (["--mu", "0.5", "--sigma", "1", "--check", "elbo=1"], "cannot check 'elbo'"),
    (["--sigma", "1"], "--mu"),
    (["--mu", "0.5", "--sigma", "1", "--decoder", "gaussian", "--x", "1", "--x-hat", "1"], "σ_x"),
])
def test_bad_input_exits_2_with_one_line(args, fragment):
    result = runner.invoke(app, ["elbo", *args])
    assert_bad_input(result, fragment)


@pytest.mark.parametrize("mode", ["--latex", "--markdown"])
def test_other_modes(mode):
    result = runner.invoke(app, ["elbo", "--discrete", "--prior", "0.3,0.7", "--likelihood", "0.9,0.2", "--q",
                                 "0.5,0.5", "--derive", mode])
    assert result.exit_code == 0 and "ELBO" in result.stdout


@pytest.mark.parametrize(("args", "fragment"), [
    (["--mu", "1e308", "--sigma", "1"], "--mu: μ within ±1e150 is supported"),
    (["--mu", "0", "--sigma", "1e-320"], "--sigma: σ between 1e-150 and 1e150 is supported"),
    (["--mu", "0", "--sigma", "1", "--prior-sigma", "1e160"], "--prior-sigma: σ_p between 1e-150 and 1e150"),
    (["--mu", "0", "--logvar", "700"], "--logvar: ln σ² within ±690 is supported"),
    (["--mu", "0", "--sigma", "1e-100", "--prior-sigma", "1e120"], "--prior-sigma: dimension 1: σ²/σ_p² = 0"),
    (["--mu", "1e100", "--sigma", "1", "--prior-sigma", "1e-100"], "(μ − μ_p)²/σ_p² = inf"),
    (["--mu", "0.5", "--sigma", "1", "--x", "1e300", "--x-hat", "0", "--decoder", "gaussian", "--sigma-x", "1"],
     "--x: x within ±1e150"),
])
def test_numbers_beyond_float64_are_refused_naming_the_option(args, fragment):
    """Was an internal error (OverflowError, math domain error) before the bounds."""
    assert_bad_input(runner.invoke(app, ["elbo", *args]), fragment)


def test_the_largest_supported_numbers_still_compute():
    result = runner.invoke(app, ["elbo", "--mu", "1e70", "--sigma", "1e-70", "--prior-sigma", "1e70", "--json"])
    assert result.exit_code == 0, result.output
    kl = json.loads(result.stdout)["result"]["kl"]
    # ½(σ²/σ_p² + μ²/σ_p² − 1 − ln(σ²/σ_p²)) with σ²/σ_p² = 1e-280, μ²/σ_p² = 1
    assert kl == pytest.approx(0.5 * (1e-280 + 1 - 1 - math.log(1e-280)), rel=1e-12)


@pytest.mark.parametrize("extra", [[], ["--samples", "10"]])
def test_a_result_beyond_float64_is_refused_and_named(extra):
    result = runner.invoke(app, ["elbo", "--mu", "0.5", "--sigma", "1", "--x", "1e150", "--x-hat", "0",
                                 "--decoder", "gaussian", "--sigma-x", "1e-150", *extra])
    assert_bad_input(result, "the result recon comes out as ±inf or NaN in float64")


# ---------------------------------------------------------------------------------------------
# The API, the claim table, and independent checks of every number
# ---------------------------------------------------------------------------------------------


def test_typed_values_and_text_give_the_same_solution():
    typed = dlcalc.elbo(mu=[0.5, -1], logvar=(-0.2, 0.3), x=[1, 0, 1], x_hat=[0.8, 0.3, 0.6])
    text = dlcalc.elbo(mu="0.5,-1", logvar="-0.2,0.3", x="1,0,1", x_hat="0.8,0.3,0.6")
    assert typed.to_dict() == text.to_dict()
    assert dlcalc.elbo(mu=0.2, sigma=0.5, decoder="gaussian", sigma_x=0.5, x=[1, 2], x_hat=np.array([0.5, 2.5]),
                       samples=100, seed=3, decoder_weights=[[1.0], [2.0]]).to_dict() == \
        dlcalc.elbo(mu="0.2", sigma="0.5", decoder="gaussian", sigma_x="0.5", x="1,2", x_hat="0.5,2.5",
                    samples="100", seed="3", decoder_weights="1; 2").to_dict()
    exact = dlcalc.elbo(discrete=True, prior=[Fraction(3, 10), Fraction(7, 10)], likelihood=[[0.9, 0.2], [0.1, 0.8]],
                        q=[0.5, 0.5])
    assert exact.to_dict() == dlcalc.elbo(discrete=True, prior="3/10, 7/10", likelihood="0.9,0.2; 0.1,0.8",
                                          q="0.5,0.5").to_dict()


def test_the_api_returns_what_the_json_prints():
    args = ["--mu", "0.5,-1", "--sigma", "0.9,1.2", "--x", "1,0", "--x-hat", "0.7,0.2", "--check", "kl=0.67",
            "--check", "elbo=-1"]
    sol = dlcalc.elbo(mu="0.5,-1", sigma="0.9,1.2", x="1,0", x_hat="0.7,0.2", check=["kl=0.67", "elbo=-1"])
    assert run_json(*args) == json.loads(sol.json())


@pytest.mark.parametrize(("kwargs", "argument"), [
    ({"sigma": 1}, "mu"),
    ({"mu": [0.5], "sigma": [-1]}, "sigma"),
    ({"mu": [0.5, float("nan")], "sigma": 1}, "mu"),
    ({"mu": 0.5, "sigma": 1, "decoder": "poisson"}, "decoder"),
    ({"mu": 0.5, "sigma": 1, "x": [1, 0], "x_hat": [0.5]}, "x_hat"),
    ({"mu": 0.5, "sigma": 1, "samples": 1}, "samples"),
    ({"mu": 0.5, "sigma": 1, "x": [1], "samples": 10, "decoder_weights": [[1, 2, 3]]}, "decoder_weights"),
    ({"mu": 0.5, "sigma": 1, "x": [1, 0]}, "x_hat"),
    ({"discrete": True, "prior": [0.3, 0.6], "likelihood": [0.9, 0.2], "q": [0.5, 0.5]}, "prior"),
    ({"discrete": True, "prior": [0.3, 0.7], "likelihood": [[[0.9, 0.2]]], "q": [0.5, 0.5]}, "likelihood"),
    ({"discrete": True, "prior": [0.3, 0.7], "likelihood": [0.9, 0.2]}, "q"),
    ({"mu": 0.5, "sigma": 1, "check": "elbo=1"}, "check"),
])
def test_bad_input_raises_input_error_naming_the_argument(kwargs, argument):
    with pytest.raises(InputError) as info:
        dlcalc.elbo(**kwargs)
    assert info.value.argument == argument


def test_claims_are_judged_through_the_claim_table():
    sol = dlcalc.elbo(mu=[0.5, -1], logvar=[-0.2, 0.3], x=[1, 0, 1], x_hat=[0.8, 0.3, 0.6])
    r = sol.result
    assert set(sol.claims.quantities) == {"elbo", "kl", "recon"}
    assert sol.check(f"kl={r['kl']:.4f}").passed and sol.check({"KL": round(r["kl"], 4)}).passed
    verdict = sol.check({"elbo": round(r["elbo"], 3), "recon": round(-r["recon"], 3)})
    assert not verdict.passed and set(verdict.correct) == {"elbo", "recon"}
    assert verdict.details[0].startswith("elbo: ✓") and "recon: " in verdict.diagnosis
    assert "binary cross-entropy" in verdict.diagnosis
    with pytest.raises(InputError, match="cannot check 'log_px'"):
        sol.check("log_px=-1")
    with pytest.raises(InputError, match=r"elbo=-1\.23 \(names: elbo, kl, recon\)"):
        sol.check("-0.4")
    assert sol.verdict is None  # judging leaves the solution as it was


def test_a_discrete_solution_judges_log_px_and_the_posterior_kl():
    sol = dlcalc.elbo(discrete=True, prior="0.3,0.7", likelihood="0.9,0.2", q="0.5,0.5")
    assert set(sol.claims.quantities) == {"elbo", "kl", "recon", "log_px", "kl_posterior"}
    assert sol.check({"log_px": -0.8916}).passed
    prior_kl = sol.result["kl"]
    wrong = sol.check(f"kl_posterior={prior_kl:.4f}")
    assert not wrong.passed and "to the prior, not the posterior" in wrong.diagnosis
    assert "log p(x), not the ELBO" in sol.check(f"elbo={sol.result['log_px']:.4f}").diagnosis


def test_sheets_judge_named_elbo_claims(tmp_path):
    record = run_question("q3", {"command": "elbo", "discrete": True, "prior": "0.3,0.7", "likelihood": "0.9,0.2",
                                 "q": "0.5,0.5", "claim": {"log_px": -0.8916}})
    assert record["passed"] is True and record["error"] is None
    record = run_question("q4", {"command": "elbo", "mu": "0.5,-1", "sigma": "0.9,1.2", "claim": {"kl": 0.4}})
    assert record["passed"] is False and "kl: the correct answer is 0.6730389589" in record["details"][-1]
    record = run_question("q5", {"command": "elbo", "mu": "0.5", "sigma": "1", "claim": "0.4"})
    assert "elbo=-1.23" in record["error"]


def test_the_sympy_identity_runs_only_when_asked():
    plain = runner.invoke(app, ["elbo", "--discrete", "--prior", "0.3,0.7", "--likelihood", "0.9,0.2", "--q",
                                "0.5,0.5"])
    assert plain.exit_code == 0 and "sympy" not in plain.stdout and "✓ the identity (floating point)" in plain.stdout
    asked = runner.invoke(app, ["elbo", "--discrete", "--prior", "0.3,0.7", "--likelihood", "0.9,0.2", "--q",
                                "0.5,0.5", "--symbolic"])
    assert "✓ the identity exactly (sympy)" in asked.stdout
    assert [c.method for c in dlcalc.elbo(discrete=True, prior="0.3,0.7", likelihood="0.9,0.2; 0.1,0.8",
                                          q="0.5,0.5", symbolic=True).checks] == \
        ["floating point", "floating point", "sympy", "sympy"]


def test_discrete_terms_by_hand():
    """Every number of the discrete ELBO against the sums written out with exact fractions."""
    prior, lik, q = [Fraction(1, 3), Fraction(2, 3)], [Fraction(1, 2), Fraction(1, 4)], [Fraction(1, 4),
                                                                                        Fraction(3, 4)]
    r = dlcalc.elbo(discrete=True, prior="1/3,2/3", likelihood="1/2,1/4", q="1/4,3/4").result
    px = sum(a * b for a, b in zip(prior, lik, strict=True))
    post = [a * b / px for a, b in zip(prior, lik, strict=True)]
    assert r["log_px"] == pytest.approx(math.log(Fraction(1, 3)), rel=1e-15)
    assert r["posterior"] == [0.5, 0.5]
    assert r["recon"] == pytest.approx(sum(float(c) * math.log(b) for c, b in zip(q, lik, strict=True)), rel=1e-14)
    assert r["kl"] == pytest.approx(sum(float(c) * math.log(c / a) for c, a in zip(q, prior, strict=True)), rel=1e-14)
    assert r["kl_posterior"] == pytest.approx(sum(float(c) * math.log(c / p) for c, p in zip(q, post, strict=True)),
                                              rel=1e-14)
    assert r["elbo"] == pytest.approx(r["recon"] - r["kl"], rel=1e-14)


def test_the_monte_carlo_example_needs_no_x_hat():
    """The command's own example: a linear decoder by sampling, from x alone (was "needs both --x and --x-hat")."""
    result = runner.invoke(app, ["elbo", "--mu", "0.1", "--logvar", "-1", "--x", "0.2,0.4", "--decoder-weights",
                                 "1 0; -1 0.5", "--decoder", "gaussian", "--sigma-x", "0.5", "--samples", "10000",
                                 "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["result"]["elbo"] == pytest.approx(data["result"]["recon"] - data["result"]["kl"], rel=1e-14)
    assert "recon_per_element" not in data["result"]
    assert any(s["label"] == "Reconstruction by sampling" for s in data["steps"])


def test_monte_carlo_reconstruction_against_its_closed_form():
    """A linear Gaussian decoder has E_q[log p(x|z)] in closed form: E(x − Wz − b)² = (x − Wμ − b)² + Σ_j W²σ_j²."""
    mu, sigma, w, b, x, sigma_x = [0.1, -0.4], [0.8, 0.5], [[1.0, 0.5], [-1.0, 2.0]], [0.2, 0.0], [0.3, -0.1], 0.7
    sol = dlcalc.elbo(mu=mu, sigma=sigma, x=x, decoder="gaussian", sigma_x=sigma_x, samples=200_000, seed=1,
                      decoder_weights=[[*row, bias] for row, bias in zip(w, b, strict=True)])
    step = next(s for s in sol.steps if s.label == "Reconstruction by sampling")
    se = float(step.note.split("standard error ")[1].split(" ")[0])
    exact = 0.0
    for xk, row, bk in zip(x, w, b, strict=True):
        mean = sum(wj * mj for wj, mj in zip(row, mu, strict=True)) + bk
        spread = sum(wj**2 * sj**2 for wj, sj in zip(row, sigma, strict=True))
        exact += -0.5 * math.log(2 * math.pi * sigma_x**2) - ((xk - mean) ** 2 + spread) / (2 * sigma_x**2)
    assert abs(sol.result["recon"] - exact) < 4 * se
    assert sol.result["elbo"] == pytest.approx(sol.result["recon"] - sol.result["kl"], rel=1e-14)


def test_bits_are_nats_over_ln_2_for_every_result():
    nats = dlcalc.elbo(discrete=True, prior="0.3,0.7", likelihood="0.9,0.2", q="0.5,0.5").result
    bits = dlcalc.elbo(discrete=True, prior="0.3,0.7", likelihood="0.9,0.2", q="0.5,0.5", bits=True).result
    for key in ("kl", "recon", "elbo", "log_px", "kl_posterior"):
        assert bits[key] == pytest.approx(nats[key] / math.log(2), rel=1e-14)


def test_the_core_takes_typed_values():
    from dlcalc.core.elbo import Decoder, discrete_elbo, discrete_latent, encoder, gaussian_elbo

    sol = gaussian_elbo(encoder([0.5, -1.0], sigma=[0.9, 1.2]), Decoder())
    assert sol.result["kl"] == pytest.approx(sum(gaussian_kl_terms([0.5, -1.0], [0.81, 1.44], [0, 0], [1, 1])))
    with pytest.raises(InputError, match="σ must be positive") as info:
        encoder([0.5], sigma=[0.0])
    assert info.value.option == "--sigma"
    problem = discrete_latent([0.3, 0.7], [[0.9, 0.2]], [[0.5, 0.5]])
    assert problem.prior == (Fraction(3, 10), Fraction(7, 10))
    assert discrete_elbo(problem).result["log_px"] == pytest.approx(math.log(0.41))
