"""gan-optimal-d: D* against a dense search, the JSD identity, quadrature against a Riemann sum,
equal distributions, plots, diagnoses and errors."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from helpers import assert_bad_input
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import dlcalc
from dlcalc.cli import app
from dlcalc.core.gan import Component, Density, continuous_terms, discrete_terms
from dlcalc.errors import InputError
from dlcalc.parse.distributions import parse_density, parse_grid
from dlcalc.sheets import run_question

runner = CliRunner()


def run_json(*args: str) -> dict:
    result = runner.invoke(app, ["gan-optimal-d", *args, "--json"])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def test_discrete_example():
    data = run_json("--p-data", "0.2,0.5,0.3", "--p-g", "0.4,0.4,0.2", "--check", "0.333,0.556,0.6")
    assert data["result"]["d_star"] == pytest.approx([1 / 3, 5 / 9, 0.6])
    assert data["verdict"]["passed"] is True
    v = 0.2 * math.log(1 / 3) + 0.5 * math.log(5 / 9) + 0.3 * math.log(0.6) + \
        0.4 * math.log(2 / 3) + 0.4 * math.log(4 / 9) + 0.2 * math.log(0.4)
    assert data["result"]["value"] == pytest.approx(v, abs=1e-14)
    assert all(c["passed"] for c in data["checks"])


def test_d_star_maximises_v_against_a_dense_search():
    p, q = [0.1, 0.6, 0.3], [0.5, 0.25, 0.25]
    d = run_json("--p-data", ",".join(map(str, p)), "--p-g", ",".join(map(str, q)))["result"]["d_star"]
    ys = np.linspace(1e-6, 1 - 1e-6, 200001)
    for a, b, got in zip(p, q, d, strict=True):
        assert got == pytest.approx(ys[np.argmax(a * np.log(ys) + b * np.log(1 - ys))], abs=1e-5)


simplex = st.lists(st.integers(1, 50), min_size=2, max_size=6)


@settings(max_examples=200, deadline=None)
@given(simplex, st.data())
def test_jsd_identity_on_random_discrete_distributions(weights, data):
    other = data.draw(st.lists(st.integers(0, 50), min_size=len(weights), max_size=len(weights)).filter(sum))
    p = [w / sum(weights) for w in weights]
    q = [w / sum(other) for w in other]
    t = discrete_terms(p, q)
    assert t["value"] == pytest.approx(-math.log(4) + 2 * t["jsd"], abs=1e-12)
    # JSD from its definition with the mixture written out
    m = [(a + b) / 2 for a, b in zip(p, q, strict=True)]
    kl = sum(a * math.log(a / c) for a, c in zip(p, m, strict=True) if a) + \
        sum(b * math.log(b / c) for b, c in zip(q, m, strict=True) if b)
    assert t["jsd"] == pytest.approx(kl / 2, abs=1e-12)
    assert 0 <= t["jsd"] <= math.log(2) + 1e-12


def test_gaussian_jsd_by_quadrature_against_a_fine_riemann_sum():
    p, q = parse_density("normal(0,1)", "--p-data"), parse_density("0.3*laplace(1,0.5) + 0.7*normal(-1,2)", "--p-g")
    t = continuous_terms(p, q)
    xs = np.linspace(-40, 40, 800001)
    a = np.array([p.pdf(v) for v in xs[::50]])  # the pdfs by the scalar path, on a coarse copy
    assert a.sum() > 0
    pa = np.exp(-0.5 * xs**2) / math.sqrt(2 * math.pi)
    qa = 0.3 * np.exp(-np.abs(xs - 1) / 0.5) / 1.0 + \
        0.7 * np.exp(-0.5 * ((xs + 1) / 2) ** 2) / (2 * math.sqrt(2 * math.pi))
    m = (pa + qa) / 2
    dx = xs[1] - xs[0]
    with np.errstate(divide="ignore", invalid="ignore"):
        riemann = 0.5 * np.nansum(np.where(pa > 0, pa * np.log(pa / m), 0)) * dx + \
            0.5 * np.nansum(np.where(qa > 0, qa * np.log(qa / m), 0)) * dx
    assert t["jsd"] == pytest.approx(riemann, abs=1e-7)
    assert t["value"] == pytest.approx(-math.log(4) + 2 * t["jsd"], abs=1e-9)


def test_equal_distributions_give_one_half_and_minus_log_4():
    data = run_json("--p-data", "0.5*normal(-2,1) + 0.5*normal(2,1)", "--p-g", "0.5*normal(-2,1) + 0.5*normal(2,1)",
                    "--x", "-3,0,2.5")
    assert data["result"]["d_star"] == [0.5, 0.5, 0.5]
    assert data["result"]["value"] == pytest.approx(-math.log(4), abs=1e-9)
    assert any(s["label"] == "p_g = p_data" for s in data["steps"])
    discrete = run_json("--p-data", "0.25,0.75", "--p-g", "0.25,0.75")
    assert discrete["result"]["jsd"] == 0 and discrete["result"]["value"] == pytest.approx(-math.log(4))


def test_uniform_densities_and_undefined_grid_points():
    data = run_json("--p-data", "uniform(0,1)", "--p-g", "uniform(0.5,2)", "--grid", "-1:3:9")
    d = data["result"]["d_star"]
    assert d[0] is None and d[-1] is None  # outside both supports: D* undefined, null, and said so
    assert d[3] == pytest.approx(0.6)  # x = 0.5: inside both, p_data = 1, p_g = 2/3, D* = 1/(1 + 2/3)
    assert any("undefined" in s["note"] for s in data["steps"])
    assert data["result"]["jsd"] == pytest.approx(0.5 * (0.5 * math.log(2) + 0.5 * math.log(1 / (5 / 6))) +
                                                  0.5 * ((1 / 3) * math.log((2 / 3) / (5 / 6)) +
                                                         (2 / 3) * math.log(2)), abs=1e-6)


def test_wrong_d_star_is_diagnosed():
    data = run_json("--p-data", "0.2,0.5,0.3", "--p-g", "0.4,0.4,0.2", "--check", "0.667,0.444,0.4")
    assert "p_g/(p_data + p_g)" in data["verdict"]["diagnosis"]
    ratio = run_json("--p-data", "0.2,0.5,0.3", "--p-g", "0.4,0.4,0.2", "--check", "0.5,1.25,1.5")
    assert "p_data/p_g" in ratio["verdict"]["diagnosis"]
    value = run_json("--p-data", "0.2,0.5,0.3", "--p-g", "0.4,0.4,0.2", "--check", "v=0.0496")
    assert "without the −log 4" in value["verdict"]["diagnosis"]


def test_derivation_is_verified():
    data = run_json("--p-data", "normal(0,1)", "--p-g", "normal(1,2)", "--derive")
    symbolic = [c for c in data["checks"] if c["method"] == "sympy"]
    assert len(symbolic) == 2 and all(c["passed"] for c in symbolic)


def test_terminal_plot_and_plot_file(tmp_path):
    result = runner.invoke(app, ["gan-optimal-d", "--p-data", "normal(0,1)", "--p-g", "normal(2,1)", "--grid",
                                 "-3:5:41", "--plot", "-"])
    assert result.exit_code == 0 and "●" in result.stdout
    pytest.importorskip("matplotlib", reason="the plot extra (matplotlib) is not installed")
    for name in ("d.png", "d.svg"):
        target = tmp_path / name
        result = runner.invoke(app, ["gan-optimal-d", "--p-data", "normal(0,1)", "--p-g", "normal(2,1)", "--plot",
                                     str(target)])
        assert result.exit_code == 0, result.output
        assert target.stat().st_size > 1000


@pytest.mark.parametrize(("args", "fragment"), [
    (["--p-data", "0.2,-0.5,1.3", "--p-g", "0.5,0.5,0"], "negative"),
    (["--p-data", "0.2,0.5", "--p-g", "0.5,0.5"], "sum to 0.7"),
    (["--p-data", "0.2,0.8", "--p-g", "0.2,0.4,0.4"], "lengths disagree"),
    (["--p-data", "0.5,0.5,0", "--p-g", "0.5,0.5,0"], "undefined"),
    (["--p-data", "normal(0,0)", "--p-g", "normal(1,1)"], "positive"),
    (["--p-data", "uniform(2,1)", "--p-g", "normal(1,1)"], "a < b"),
    (["--p-data", "normal(0,1", "--p-g", "normal(1,1)"], "ends"),
    (["--p-data", "normal(0,1) $ normal(1,1)", "--p-g", "normal(1,1)"], "column 13"),
    (["--p-data", "gauss(0,1)", "--p-g", "normal(1,1)"], "unknown distribution"),
    (["--p-data", "0.5*normal(0,1) + 0.4*normal(1,1)", "--p-g", "normal(1,1)"], "sum to 0.9"),
    (["--p-data", "uniform(0,1)", "--p-g", "uniform(0,1)", "--x", "5"], "undefined at x = 5"),
    (["--p-data", "__import__('os')", "--p-g", "normal(1,1)"], "--p-data"),
    (["--p-data", "normal(0,1)", "--p-g", "normal(1,1)", "--grid", "4:-4:10"], "--grid"),
    (["--p-data", "normal(0,1)", "--p-g", "normal(1,1)", "--plot", "out.pdf"], ".png or .svg"),
    (["--p-g", "normal(1,1)"], "--p-data"),
])
def test_bad_input_exits_2_with_one_line(args, fragment):
    result = runner.invoke(app, ["gan-optimal-d", *args])
    assert_bad_input(result, fragment)


@pytest.mark.parametrize("mode", ["--latex", "--markdown"])
def test_other_modes(mode):
    result = runner.invoke(app, ["gan-optimal-d", "--p-data", "0.2,0.5,0.3", "--p-g", "0.4,0.4,0.2", "--derive",
                                 "--plot", "-", mode])
    assert result.exit_code == 0 and "JSD" in result.stdout


def _jsd_by_mpmath(p_text: str, q_text: str) -> float:
    """The JSD by mpmath's adaptive quadrature at 30 digits, split at every component's centre,
    scale multiples and uniform ends (an integrator independent of dlcalc's Simpson/Gauss pair)."""
    import mpmath

    mpmath.mp.dps = 30
    p, q = parse_density(p_text, "--p-data"), parse_density(q_text, "--p-g")

    def pdf(density, x):
        total = mpmath.mpf(0)
        for c in density.components:
            if c.kind == "normal":
                total += c.weight * mpmath.npdf(x, c.a, c.b)
            elif c.kind == "uniform":
                total += c.weight * (1 / mpmath.mpf(c.b - c.a) if c.a <= x <= c.b else 0)
            else:
                total += c.weight * mpmath.exp(-abs(x - c.a) / c.b) / (2 * c.b)
        return total

    def integrand(x):
        a, b = pdf(p, x), pdf(q, x)
        m = (a + b) / 2
        return (a * mpmath.log(a / m) if a > 0 else 0) / 2 + (b * mpmath.log(b / m) if b > 0 else 0) / 2

    cuts = sorted({mpmath.mpf(x) for c in (*p.components, *q.components)
                   for x in ([c.a, c.b] if c.kind == "uniform" else [c.a + t * c.b for t in (-40, -12, -4, -1, 0, 1, 4,
                                                                                             12, 40)])})
    return float(mpmath.quad(integrand, [-mpmath.inf, *cuts, mpmath.inf]))


@pytest.mark.parametrize(("p_text", "q_text"), [
    ("normal(0,0.001)", "normal(0,1000)"),             # scales 10⁶ apart: a uniform grid missed the peak
    ("laplace(0,0.001)", "normal(0,1)"),
    ("0.5*normal(-3,0.1) + 0.5*normal(3,0.1)", "uniform(-4,4)"),
    ("normal(0,1)", "0.3*laplace(1,0.5) + 0.7*normal(-1,2)"),
])
def test_jsd_of_densities_at_very_different_scales_matches_mpmath(p_text, q_text):
    data = run_json("--p-data", p_text, "--p-g", q_text)
    assert data["result"]["jsd"] == pytest.approx(_jsd_by_mpmath(p_text, q_text), abs=1e-9)
    assert all(c["passed"] for c in data["checks"]), data["checks"]
    assert {"V two ways", "each density integrates to 1"} <= {c["name"] for c in data["checks"]}


def test_the_two_ways_are_two_quadrature_rules_and_can_disagree(monkeypatch):
    """The ✓ lines are not identities of one computation: break Gauss–Legendre and both fail or differ."""
    from dlcalc.core.gan import quadrature

    monkeypatch.setattr(quadrature, "GAUSS_NODES", 1)  # a one-point rule per piece: the KL terms go wrong
    data = run_json("--p-data", "normal(0,1)", "--p-g", "normal(1,2)")
    assert [c["passed"] for c in data["checks"] if c["name"] == "V two ways"] == [False]


@pytest.mark.parametrize(("density", "fragment"), [
    ("normal(0,1e-300)", "scales (or widths) of at least 1e-100"),
    ("normal(1e300,1)", "parameters within ±1e100"),
    ("normal(1e90,1e-90)", "the scale is below what float64 can resolve"),
    ("uniform(1e20,1.0000000000001e20)", "the width is below what float64 can resolve"),
])
def test_densities_beyond_float64_are_refused(density, fragment):
    assert_bad_input(runner.invoke(app, ["gan-optimal-d", "--p-data", density, "--p-g", "normal(0,1)"]), fragment)


def test_default_points_follow_the_densities():
    data = run_json("--p-data", "uniform(0,1)", "--p-g", "uniform(0.5,2)")
    assert data["inputs"]["points"] == [0, 0.5, 1, 1.5, 2]
    assert data["result"]["d_star"] == pytest.approx([1, 0.6, 0.6, 0, 0])
    assert run_json("--p-data", "normal(0,1)", "--p-g", "normal(0,1)")["inputs"]["points"] == [-2, -1, 0, 1, 2]


def test_numbers_with_exponents_are_a_discrete_distribution():
    data = run_json("--p-data", "1e-3,0.999", "--p-g", "5e-1,0.5")
    assert data["inputs"]["p_data"] == [0.001, 0.999]


# ---------------------------------------------------------------------------------------------
# The API, the densities, the claim table, and independent checks of every number
# ---------------------------------------------------------------------------------------------


def test_typed_values_and_text_give_the_same_solution():
    assert dlcalc.gan_optimal_d(p_data=[0.2, 0.5, 0.3], p_g=(0.4, 0.4, 0.2), support=["a", "b", "c"]).to_dict() == \
        dlcalc.gan_optimal_d(p_data="0.2,0.5,0.3", p_g="0.4,0.4,0.2", support="a,b,c").to_dict()
    mixture = Density((Component("normal", -2, 1, 0.5), Component("normal", 2, 1, 0.5)))
    typed = dlcalc.gan_optimal_d(p_data=mixture, p_g=Density((Component("laplace", 0, 2),)), grid=(-4, 4, 9))
    text = dlcalc.gan_optimal_d(p_data="0.5*normal(-2,1) + 0.5*normal(2,1)", p_g="laplace(0,2)", grid="-4:4:9")
    assert typed.to_dict() == text.to_dict()
    assert dlcalc.gan_optimal_d(p_data="normal(0,1)", p_g="normal(1,1)", x=[-1, 0.5]).to_dict() == \
        dlcalc.gan_optimal_d(p_data="normal(0,1)", p_g="normal(1,1)", x="-1,0.5").to_dict()


def test_the_api_returns_what_the_json_prints():
    data = run_json("--p-data", "0.2,0.5,0.3", "--p-g", "0.4,0.4,0.2", "--check", "0.667,0.444,0.4", "--check",
                    "v=-1.3")
    sol = dlcalc.gan_optimal_d(p_data="0.2,0.5,0.3", p_g="0.4,0.4,0.2", check=["0.667,0.444,0.4", "v=-1.3"])
    assert data == json.loads(sol.json())


@pytest.mark.parametrize(("kwargs", "argument"), [
    ({"p_g": [0.5, 0.5]}, "p_data"),
    ({"p_data": [0.5, 0.5]}, "p_g"),
    ({"p_data": [0.5, 0.6], "p_g": [0.5, 0.5]}, "p_data"),
    ({"p_data": [0.5, 0.5], "p_g": "normal(0,1)"}, "p_g"),
    ({"p_data": "normal(0,1)", "p_g": "normal(0,-1)"}, "p_g"),
    ({"p_data": "normal(0,1)", "p_g": "normal(1,1)", "grid": "1:0:5"}, "grid"),
    ({"p_data": "normal(0,1)", "p_g": "normal(1,1)", "x": [0], "grid": "-1:1:3"}, "grid"),
    ({"p_data": "uniform(0,1)", "p_g": "uniform(0,1)", "x": [5]}, "x"),
    ({"p_data": [0.5, 0.5], "p_g": [0.5, 0.5], "support": ["a"]}, "support"),
    ({"p_data": [0.5, 0.5], "p_g": [0.5, 0.5], "plot": "d.pdf"}, "plot"),
    ({"p_data": [0.5, 0.5], "p_g": [0.5, 0.5], "check": "w=1"}, "check"),
])
def test_bad_input_raises_input_error_naming_the_argument(kwargs, argument):
    with pytest.raises(InputError) as info:
        dlcalc.gan_optimal_d(**kwargs)
    assert info.value.argument == argument


def test_components_and_densities_check_their_own_parameters():
    with pytest.raises(InputError, match="the scale must be positive"):
        Component("normal", 0, 0)
    with pytest.raises(InputError, match="needs a < b"):
        Component("uniform", 2, 1)
    with pytest.raises(InputError, match="parameters within ±1e100"):
        Component("laplace", 1e200, 1)
    with pytest.raises(InputError, match="sum to 0.9"):
        Density((Component("normal", 0, 1, 0.5), Component("normal", 1, 1, 0.4)))
    # the parser gives the same checks its option, and the grammar its columns
    with pytest.raises(InputError, match="the scale must be positive") as info:
        parse_density("laplace(0, -2)", "--p-g")
    assert info.value.option == "--p-g"
    with pytest.raises(InputError, match="weights must be positive, got -0.5 at column 24"):
        parse_density("0.5*normal(0,1) + -0.5*normal(1,1)", "--p-data")
    assert parse_density("N(0,1)", "--p-data") == Density((Component("normal", 0.0, 1.0),))
    assert parse_grid("-1:1:5") == [-1.0, -0.5, 0.0, 0.5, 1.0] == parse_grid((-1, 1, 5))


def test_a_density_is_one_function_for_a_point_and_for_many():
    density = parse_density("0.3*laplace(1,0.5) + 0.5*normal(-1,2) + 0.2*uniform(0,1)", "--p-data")
    xs = np.linspace(-5, 5, 41)
    by_hand = [0.3 * math.exp(-abs(v - 1) / 0.5) / 1.0 + 0.5 * math.exp(-0.5 * ((v + 1) / 2) ** 2) /
               (2 * math.sqrt(2 * math.pi)) + (0.2 if 0 <= v <= 1 else 0.0) for v in xs]
    assert density.pdf(xs) == pytest.approx(by_hand, rel=1e-14)
    assert [density.pdf(float(v)) for v in xs] == density.pdf(xs).tolist()
    assert isinstance(density.pdf(0.5), float)


def test_d_star_of_two_normals_in_closed_form():
    """N(0,1) against N(1,1): p_data/p_g = exp(1/2 − x), so D* = 1/(1 + exp(x − 1/2))."""
    xs = [-1.0, 0.0, 0.5, 1.0, 2.0]
    d = dlcalc.gan_optimal_d(p_data="normal(0,1)", p_g="normal(1,1)", x=xs).result["d_star"].tolist()
    assert d == pytest.approx([1 / (1 + math.exp(v - 0.5)) for v in xs], rel=1e-14)


def test_claims_are_judged_through_the_claim_table():
    sol = dlcalc.gan_optimal_d(p_data="0.5*normal(-2,1) + 0.5*normal(2,1)", p_g="0.5*normal(-2,1) + 0.5*normal(2,1)",
                               x="-3,0,2.5")
    assert sol.check("1/2, 1/2, 1/2").passed and sol.check("0.5").passed
    assert sol.check({"v": -1.3863}).passed and sol.check("V=-1.3863").passed and sol.check({"d": 0.5}).passed
    wrong = sol.check({"value": 0})
    assert not wrong.passed and "2·JSD without the −log 4" in wrong.diagnosis
    assert wrong.claimed == {"value": 0} and set(wrong.correct) == {"value"}
    discrete = dlcalc.gan_optimal_d(p_data=[0.2, 0.5, 0.3], p_g=[0.4, 0.4, 0.2])
    r = discrete.result
    assert discrete.check({"jsd": round(r["jsd"], 5), "kl_data_mix": round(r["kl_data_mix"], 5),
                           "kl_g_mix": round(r["kl_g_mix"], 5)}).passed
    assert "without the ½" in discrete.check(f"jsd={2 * r['jsd']:.5f}").diagnosis
    with pytest.raises(InputError, match="cannot check 'w'"):
        discrete.check("w=1")
    undefined = dlcalc.gan_optimal_d(p_data="uniform(0,1)", p_g="uniform(0.5,2)", grid="-1:3:9")
    with pytest.raises(InputError, match="D\\* is undefined at some points"):
        undefined.check("0.5")
    assert undefined.check({"v": round(undefined.result["value"], 4)}).passed


def test_sheets_judge_gan_claims():
    record = run_question("q1", {"command": "gan-optimal-d", "p_data": "normal(0,1)", "p_g": "normal(0,1)",
                                 "x": "-1,0,1", "claim": "1/2, 1/2, 1/2"})
    assert record["passed"] is True, record
    record = run_question("q2", {"command": "gan-optimal-d", "p_data": "0.2,0.5,0.3", "p_g": "0.4,0.4,0.2",
                                 "claim": {"v": -1.2}})
    assert record["passed"] is False and record["correct"] == {"value": pytest.approx(-1.336679753)}


def test_kl_terms_of_densities_match_mpmath():
    import mpmath

    mpmath.mp.dps = 30
    sol = dlcalc.gan_optimal_d(p_data="normal(0,1)", p_g="laplace(1,0.5)")

    def pdf_p(x):
        return mpmath.npdf(x, 0, 1)

    def pdf_q(x):
        return mpmath.exp(-abs(x - 1) / mpmath.mpf(0.5)) / 1

    cuts = [-mpmath.inf, -12, -4, -1, 0, 1, 4, 12, 40, mpmath.inf]
    kl_p = mpmath.quad(lambda x: pdf_p(x) * mpmath.log(2 * pdf_p(x) / (pdf_p(x) + pdf_q(x))), cuts)
    kl_q = mpmath.quad(lambda x: pdf_q(x) * mpmath.log(2 * pdf_q(x) / (pdf_p(x) + pdf_q(x))) if pdf_q(x) > 0 else 0,
                       cuts)
    assert sol.result["kl_data_mix"] == pytest.approx(float(kl_p), abs=1e-9)
    assert sol.result["kl_g_mix"] == pytest.approx(float(kl_q), abs=1e-9)
    assert sol.result["value"] == pytest.approx(-math.log(4) + float(kl_p + kl_q), abs=1e-9)


def test_the_plot_is_drawn_from_the_series_the_core_computes():
    from dlcalc.core.gan import game
    from dlcalc.render.plot import add_plot, terminal_plot

    problem = game([0.2, 0.8], [0.5, 0.5])
    series = problem.series()
    assert series.xs == [0.0, 1.0] and series.d_star == pytest.approx([2 / 7, 8 / 13]) and series.discrete
    densities = game(parse_density("normal(0,1)", "--p-data"), parse_density("normal(2,1)", "--p-g"), x=[-3, 5])
    curve = densities.series()
    assert len(curve.xs) == 400 and curve.xs[0] == -3 and curve.xs[-1] == pytest.approx(5)
    drawing = terminal_plot(curve.xs, {"p_data": curve.p_data, "p_g": curve.p_g, "D*": curve.d_star})
    assert drawing.splitlines()[-1].startswith(" x from -3 to 5")
    sol = add_plot(dlcalc.gan_optimal_d(p_data=[0.2, 0.8], p_g=[0.5, 0.5]), series, "-")
    assert sol.steps[-1].label == "Plot" and "●" in sol.steps[-1].value
