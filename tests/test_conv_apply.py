"""conv-apply: the numpy core against a plain loop written here, the seed's Q1.1, pooling, errors."""

from __future__ import annotations

import json
from fractions import Fraction

import numpy as np
import pytest
from helpers import assert_bad_input
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from dlcalc.cli import app
from dlcalc.commands.conv_apply import apply_problem as build_apply_spec
from dlcalc.core.conv_apply import conv_apply, output_values
from dlcalc.core.conv_apply.kernel import apply_kernel, apply_pool
from dlcalc.errors import InputError

runner = CliRunner()
SEED_INPUT = "1 2 3 4; 5 6 7 8; 9 10 11 12; 13 14 15 16"
SEED_KERNEL = "4 2; 5 1"
SEED_CLAIM = "1 19 26; 19 99 92; 26 86 64"


def text(matrix) -> str:
    """A 2-D list in the rows syntax."""
    return "; ".join(" ".join(str(v) for v in row) for row in matrix)


def pad_value(x: list, c: int, r: int, q: int, pads, mode: str):
    """The padded input at (c, r, q), from the definition of each padding mode (no numpy)."""
    (pt, _), (pl, _) = pads
    h, w = len(x[c]), len(x[c][0])

    def source(i: int, n: int) -> int | None:
        if mode == "zeros":
            return i if 0 <= i < n else None
        if mode == "replicate":
            return min(max(i, 0), n - 1)
        if mode == "circular":
            return i % n
        while i < 0 or i >= n:  # reflect, edge not repeated
            i = -i if i < 0 else 2 * (n - 1) - i
        return i

    i, j = source(r - pt, h), source(q - pl, w)
    return 0 if i is None or j is None else x[c][i][j]


def loop_conv(x, w, stride, dilation, pads, mode="zeros", groups=1, bias=None):
    """Cross-correlation by four nested loops over the definition (x: C×H×W, w: O×C/G×Kh×Kw)."""
    _c_in, h, wd = len(x), len(x[0]), len(x[0][0])
    o_n, per, kh, kw = len(w), len(w[0]), len(w[0][0]), len(w[0][0][0])
    (pt, pb), (pl, pr) = pads
    ho = (h + pt + pb - dilation[0] * (kh - 1) - 1) // stride[0] + 1
    wo = (wd + pl + pr - dilation[1] * (kw - 1) - 1) // stride[1] + 1
    out = []
    for o in range(o_n):
        g = o // (o_n // groups)
        plane = []
        for i in range(ho):
            row = []
            for j in range(wo):
                total = bias[o] if bias else 0
                for cg in range(per):
                    for a in range(kh):
                        for b in range(kw):
                            total += pad_value(x, g * per + cg, i * stride[0] + a * dilation[0],
                                               j * stride[1] + b * dilation[1], pads, mode) * w[o][cg][a][b]
                row.append(total)
            plane.append(row)
        out.append(plane)
    return out


def test_seed_q1_1_worked_and_checked():
    spec = build_apply_spec(input=SEED_INPUT, kernel=SEED_KERNEL, padding="1", stride="2")
    sol = conv_apply(spec)
    assert sol.result["output"].tolist() == [[1, 13, 20], [19, 99, 92], [26, 86, 64]]
    cell = next(s for s in sol.steps if s.label == "O[0,1]")
    assert cell.formula == "x[0,2]·w[0,0] + x[0,3]·w[0,1] + x[1,2]·w[1,0] + x[1,3]·w[1,1]"
    assert cell.substituted == "0·4 + 0·2 + 2·5 + 3·1"
    assert cell.value == 13
    assert sol.all_checks_passed


def test_seed_claim_is_wrong_in_two_cells():
    result = runner.invoke(app, ["conv-apply", "--input", SEED_INPUT, "--kernel", SEED_KERNEL, "--padding", "1",
                                 "--stride", "2", "--check", SEED_CLAIM, "--json"])
    assert result.exit_code == 1
    verdict = json.loads(result.stdout)["verdict"]
    assert verdict["passed"] is False
    assert verdict["correct"] == [[1, 13, 20], [19, 99, 92], [26, 86, 64]]
    assert "2 of 9 cells are wrong" in verdict["details"][0]
    assert any("O[0,1]: claimed 19, correct 13 = 0·4 + 0·2 + 2·5 + 3·1" in d for d in verdict["details"])
    assert "O[1,0], the cell mirrored across the diagonal" in verdict["diagnosis"]


def test_right_claim_passes_and_decimals_are_precision_aware():
    args = ["conv-apply", "--input", "1 2; 3 4", "--kernel", "0.5", "--check"]
    assert runner.invoke(app, [*args, "0.5 1; 1.5 2"]).exit_code == 0
    assert runner.invoke(app, [*args, "0.5 1.0; 1.5 2.0"]).exit_code == 0
    assert runner.invoke(app, [*args, "0.5 1; 1.5 2.1"]).exit_code == 1


def test_flipped_kernel_claim_is_diagnosed():
    spec = build_apply_spec(input=SEED_INPUT, kernel=SEED_KERNEL, padding="1", stride="2", flip=True)
    flipped = conv_apply(spec).result["output"].tolist()
    result = runner.invoke(app, ["conv-apply", "--input", SEED_INPUT, "--kernel", SEED_KERNEL, "--padding", "1",
                                 "--stride", "2", "--check", text(flipped)])
    assert result.exit_code == 1
    assert "flipped kernel" in result.stdout


def test_wrong_shape_says_which_and_why():
    result = runner.invoke(app, ["conv-apply", "--input", SEED_INPUT, "--kernel", SEED_KERNEL, "--padding", "1",
                                 "--stride", "2", "--check", "1 2; 3 4", "--json"])
    assert result.exit_code == 1
    verdict = json.loads(result.stdout)["verdict"]
    assert "expected a 3×3 output" in verdict["details"][0]
    assert "= 3 per axis" in verdict["details"][0]


def test_flip_equals_hand_rotated_kernel():
    rng = np.random.default_rng(1)
    x = rng.integers(-5, 6, (6, 7)).tolist()
    w = rng.integers(-3, 4, (3, 2)).tolist()
    rotated = [row[::-1] for row in w[::-1]]
    flipped = conv_apply(build_apply_spec(input=text(x), kernel=text(w), flip=True))
    by_hand = conv_apply(build_apply_spec(input=text(x), kernel=text(rotated)))
    assert flipped.result["output"].tolist() == by_hand.result["output"].tolist()


@st.composite
def problems(draw):
    groups = draw(st.sampled_from([1, 1, 2, 3]))
    per = draw(st.integers(1, 2))
    out_per = draw(st.integers(1, 2))
    c_in, o_n = groups * per, groups * out_per
    kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    dil = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    mode = draw(st.sampled_from(["zeros", "reflect", "replicate", "circular"]))
    h = draw(st.integers(max(1, dil[0] * (kh - 1) + 1 - 2), 7))
    wd = draw(st.integers(max(1, dil[1] * (kw - 1) + 1 - 2), 7))
    limit_h = h - 1 if mode == "reflect" else h
    limit_w = wd - 1 if mode == "reflect" else wd
    pads = ((draw(st.integers(0, min(2, limit_h))), draw(st.integers(0, min(2, limit_h)))),
            (draw(st.integers(0, min(2, limit_w))), draw(st.integers(0, min(2, limit_w)))))
    if dil[0] * (kh - 1) + 1 > h + sum(pads[0]) or dil[1] * (kw - 1) + 1 > wd + sum(pads[1]):
        pads = ((0, 0), (0, 0))
        h, wd = max(h, dil[0] * (kh - 1) + 1), max(wd, dil[1] * (kw - 1) + 1)
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    values = st.integers(-9, 9)
    x = [[[draw(values) for _ in range(wd)] for _ in range(h)] for _ in range(c_in)]
    w = [[[[draw(values) for _ in range(kw)] for _ in range(kh)] for _ in range(per)] for _ in range(o_n)]
    bias = [draw(values) for _ in range(o_n)] if draw(st.booleans()) else None
    return x, w, stride, dil, pads, mode, groups, bias


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_core_equals_the_loop_over_the_definition(problem):
    x, w, stride, dil, pads, mode, groups, bias = problem
    spec = build_apply_spec(input=json.dumps(x), kernel=json.dumps(w),
                            padding="x".join(f"{a},{b}" for a, b in pads), stride=f"{stride[0]}x{stride[1]}",
                            dilation=f"{dil[0]}x{dil[1]}", pad_mode=mode, groups=groups,
                            bias=",".join(map(str, bias)) if bias else None)
    expected = loop_conv(x, w, stride, dil, pads, mode, groups, bias)
    sol = conv_apply(spec)
    assert sol.result["output"].tolist() == expected
    assert sol.all_checks_passed


def test_fractions_are_exact():
    sol = conv_apply(build_apply_spec(input="1/3 1/2; 2 1/7", kernel="3/4 1/5"))
    x = [[Fraction(1, 3), Fraction(1, 2)], [Fraction(2), Fraction(1, 7)]]
    expected = [[x[0][0] * Fraction(3, 4) + x[0][1] * Fraction(1, 5)], [x[1][0] * Fraction(3, 4) + x[1][1] / 5]]
    assert sol.result["output"].tolist() == expected


def test_big_integers_stay_exact():
    big = 3**60
    sol = conv_apply(build_apply_spec(input=f"{big} {big}; 1 1", kernel=f"{big} 1"))
    assert sol.result["output"].tolist() == [[big * big + big], [big + 1]]


def loop_pool(x, kind, k, s, p, ceil, include_pad=True):
    """Pooling from PyTorch's definition, one window at a time (x: H×W)."""
    h, wd = len(x), len(x[0])

    def count(n):
        out = (n + 2 * p - k + ((s - 1) if ceil else 0)) // s + 1
        if ceil and (out - 1) * s >= n + p:
            out -= 1
        return out

    rows = []
    for i in range(count(h)):
        row = []
        for j in range(count(wd)):
            r0, c0 = i * s - p, j * s - p
            r1, c1 = min(r0 + k, h + p), min(c0 + k, wd + p)
            inside = [x[r][c] for r in range(max(r0, 0), min(r1, h)) for c in range(max(c0, 0), min(c1, wd))]
            if kind == "max":
                row.append(max(inside))
            else:
                size = (r1 - r0) * (c1 - c0) if include_pad else len(inside)
                row.append(Fraction(sum(inside), size))
        rows.append(row)
    return rows


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 9), st.integers(1, 9), st.integers(1, 4), st.integers(1, 3), st.integers(0, 2),
       st.booleans(), st.booleans(), st.sampled_from(["max", "avg"]), st.integers(0, 10**6))
def test_pooling_equals_the_definition(h, wd, k, s, p, ceil, include_pad, kind, seed):
    if p > k // 2 or k > min(h, wd) + 2 * p:
        return
    x = np.random.default_rng(seed).integers(-20, 20, (h, wd)).tolist()
    spec = build_apply_spec(input=text(x), kernel=None, pool=kind, kernel_size=str(k), stride=str(s),
                            padding=str(p), ceil_mode=ceil, count_include_pad=include_pad)
    expected = loop_pool(x, kind, k, s, p, ceil, include_pad)
    got = conv_apply(spec).result["output"].tolist()
    assert got == [[v.numerator if isinstance(v, Fraction) and v.denominator == 1 else v for v in r]
                   for r in expected]


def test_max_pool_names_the_winner():
    result = runner.invoke(app, ["conv-apply", "--input", "1 3 2 4; 5 7 6 8; 0 2 1 3; 4 6 5 7", "--pool", "max",
                                 "--kernel-size", "2", "--json"])
    data = json.loads(result.stdout)
    assert data["result"]["output"] == [[7, 8], [6, 7]]
    assert data["steps"][-1]["note"] == "the winner is x[3,3]"


def test_avg_pool_ceil_mode_divides_by_the_part_inside():
    # 5 wide, window 2, stride 2, ceil: the last window holds one column; PyTorch divides by 1 there
    spec = build_apply_spec(input="1 2 3 4 5", kernel=None, pool="avg", kernel_size="1x2",
                            ceil_mode=True)
    assert conv_apply(spec).result["output"].tolist() == [[Fraction(3, 2), Fraction(7, 2), 5]]


def test_float_input_matches_loop_closely():
    rng = np.random.default_rng(3)
    x, w = rng.standard_normal((9, 8)), rng.standard_normal((3, 3))
    spec = build_apply_spec(input=text(x.tolist()), kernel=text(w.tolist()), padding="1")
    got = np.array(conv_apply(spec).result["output"].tolist())
    expected = np.array(loop_conv([x.tolist()], [[w.tolist()]], (1, 1), (1, 1), ((1, 1), (1, 1)))[0])
    assert np.allclose(got, expected, rtol=1e-12, atol=1e-12)


def test_cell_and_steps_limit_what_is_written():
    sol = conv_apply(build_apply_spec(input=SEED_INPUT, kernel=SEED_KERNEL, padding="1", stride="2"),
                     cell=(2, 1))
    assert [s.label for s in sol.steps if s.label.startswith("O[")] == ["O[2,1]"]
    big = np.arange(100 * 100).reshape(100, 100)
    sol = conv_apply(build_apply_spec(input=text(big.tolist()), kernel="1 1; 1 1"))
    shown = [s for s in sol.steps if s.label.startswith("O[")]
    assert len(shown) == 6
    assert sol.steps[-1].label.startswith("… 9,795 more cells")


def test_512_input_renders_quickly(tmp_path):
    import time

    np.save(tmp_path / "x.npy", np.random.default_rng(0).standard_normal((512, 512)))
    start = time.perf_counter()
    sobel = "1 0 -1; 2 0 -2; 1 0 -1"
    result = runner.invoke(app, ["conv-apply", "--input", f"@{tmp_path / 'x.npy'}", "--kernel", sobel])
    assert result.exit_code == 0
    assert time.perf_counter() - start < 1.5
    assert len(result.stdout.splitlines()) < 80


def test_the_core_directly():
    spec = build_apply_spec(input=SEED_INPUT, kernel=SEED_KERNEL, padding="1", stride="2")
    assert apply_kernel(spec).tolist() == [[[1, 13, 20], [19, 99, 92], [26, 86, 64]]]
    pool = build_apply_spec(input=SEED_INPUT, kernel=None, pool="max", kernel_size="2")
    assert apply_pool(pool).tolist() == [[[6, 8], [14, 16]]]
    stored, value = output_values(spec)
    assert value(0, 1, 1) == 99


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--input", "1 2; 3", "--kernel", "1"], "ragged"),
        (["--input", "1 a; 3 4", "--kernel", "1"], "--input"),
        (["--input", "", "--kernel", "1"], "--input"),
        (["--input", "1 2; 3 4", "--kernel", "1 1 1; 1 1 1; 1 1 1"], "--kernel"),
        (["--input", "[[[1,2],[3,4]],[[1,2],[3,4]]]", "--kernel", "[[[[1]]]]"], "input channel"),
        (["--input", "[[[1,2],[3,4]],[[1,2],[3,4]],[[1,2],[3,4]]]", "--kernel", "[[[[1]]]]", "--groups", "2"],
         "--groups"),
        (["--input", "1 2; 3 4", "--kernel", "1", "--stride", "0"], "--stride"),
        (["--input", "1 2; 3 4", "--kernel", "1", "--padding", "2", "--pad-mode", "reflect"], "reflect"),
        (["--input", "1 2; 3 4", "--pool", "max"], "--kernel-size"),
        (["--input", "1 2; 3 4", "--kernel", "1", "--cell", "5,5"], "--cell"),
        (["--input", "1 2; 3 4", "--kernel", "1", "--bias", "1,2"], "--bias"),
        (["--kernel", "1"], "--input"),
        (["--input", "1 2; 3 4", "--kernel", "1", "--check", "1 2; 3"], "--check"),
    ],
)
def test_bad_input_exits_2_with_one_line(args, fragment):
    result = runner.invoke(app, ["conv-apply", *args])
    assert_bad_input(result, fragment)


def test_memory_limit_is_refused_before_allocating(tmp_path, monkeypatch):
    np.save(tmp_path / "x.npy", np.zeros((300, 300)))
    monkeypatch.setenv("DLCALC_MAX_BYTES", "100000")
    with pytest.raises(InputError, match="DLCALC_MAX_BYTES"):
        build_apply_spec(input=f"@{tmp_path / 'x.npy'}", kernel="1")


@pytest.mark.parametrize("mode", ["--json", "--latex", "--markdown"])
def test_every_output_mode(mode):
    result = runner.invoke(app, ["conv-apply", "--input", SEED_INPUT, "--kernel", SEED_KERNEL, "--padding", "1",
                                 "--stride", "2", mode])
    assert result.exit_code == 0
    assert "99" in result.stdout


def test_matrix_from_stdin_and_same_padding():
    result = runner.invoke(app, ["conv-apply", "--input", "-", "--kernel", "1 1 1; 1 1 1; 1 1 1", "--padding", "same",
                                 "--json"], input="1 2 3\n4 5 6\n7 8 9\n")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    # box sums with zero padding keep the 3×3 size
    assert data["result"]["output"] == [[12, 21, 16], [27, 45, 33], [24, 39, 28]]
    assert data["result"]["output_size"] == [3, 3]


def test_depthwise_convolution_keeps_channels_apart():
    x = [[[1, 2], [3, 4]], [[10, 20], [30, 40]]]
    result = runner.invoke(app, ["conv-apply", "--input", json.dumps(x), "--kernel", "1", "--groups", "2",
                                 "--bias", "0, 1", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["result"]["output"] == [[[1, 2], [3, 4]], [[11, 21], [31, 41]]]


@pytest.mark.parametrize("mode", ["zeros", "reflect", "replicate", "circular"])
def test_text_and_npy_inputs_give_the_same_worked_solution(mode, tmp_path):
    """The same numbers typed as text or read from a .npy file: the same windows, sums and output."""
    x = np.random.default_rng(5).integers(-9, 10, (7, 6))
    np.save(tmp_path / "x.npy", x)
    options = {"kernel": "1 2 0; -1 3 1", "padding": "2x3", "pad_mode": mode, "stride": "2"}
    mapped = conv_apply(build_apply_spec(input=text(x.tolist()), **options))
    copied = conv_apply(build_apply_spec(input=f"@{tmp_path / 'x.npy'}", **options))
    assert mapped.all_checks_passed and copied.all_checks_passed
    assert [s.substituted for s in mapped.steps] == [s.substituted for s in copied.steps]
    assert mapped.result["output"].tolist() == copied.result["output"].tolist()


@pytest.mark.parametrize(("x", "w", "expected"), [
    ("1/2 1", "0.5", [[0.25, 0.5]]),          # fractions in, a float kernel: floats, scaled right
    ("0.5 1", "1/2 1/4", [[0.5]]),            # and the reverse
    ("3 1/3", "0.25", [[0.75, 1 / 12]]),
])
def test_exact_input_with_float_kernel_is_computed_in_floats(x, w, expected):
    sol = conv_apply(build_apply_spec(input=x, kernel=w))
    assert np.allclose(sol.result["output"].tolist(), expected, rtol=1e-15, atol=0)
    assert sol.all_checks_passed


def test_reflect_padding_in_a_real_process():
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "dlcalc", "conv-apply", "--input", "1 2; 3 4", "--kernel", "1 0; 0 1",
                           "--padding", "1", "--pad-mode", "reflect", "--json"], capture_output=True, text=True,
                          check=False)
    # reflect-padded: rows 4 3 4 3 / 2 1 2 1 / 4 3 4 3 / 2 1 2 1, so every diagonal pair sums to 5
    assert json.loads(done.stdout)["result"]["output"] == [[5, 5, 5], [5, 5, 5], [5, 5, 5]]


@pytest.mark.parametrize(("args", "cell"), [
    (["--input", "1e308 1e308", "--kernel", "10"], "O[0,0]"),
    (["--input", "1 1e308", "--kernel", "1", "--bias", "1e308"], "O[0,1]"),
    (["--input", "1e308 1e308; 1 1", "--pool", "avg", "--kernel-size", "1x2", "--stride", "1"], "O[0,0]"),
    (["--input", "[[[1, 1], [1, 1]], [[1e308, 1e308], [1, 1]]]", "--kernel", "1 1", "--groups", "2"], "O[1,0,0]"),
])
def test_an_overflowing_output_is_refused_naming_the_cell(args, cell):
    """NaN and infinity never appear unnamed: an output beyond float64 is an input error, exit 2."""
    result = runner.invoke(app, ["conv-apply", *args, "--json"])
    assert_bad_input(result, f"the output overflows float64 at {cell}")


def test_an_overflow_from_a_npy_input_prints_no_numpy_warning(tmp_path):
    import subprocess
    import sys

    np.save(tmp_path / "x.npy", np.array([[1e308, 1e308], [1.0, 2.0]]))
    done = subprocess.run([sys.executable, "-m", "dlcalc", "conv-apply", "--input", f"@{tmp_path / 'x.npy'}",
                           "--kernel", "1 1"], capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "dlcalc conv-apply: error: --input: the output overflows float64 at O[0,0] (beyond ±1.8e308); "
        "use smaller numbers"]


def test_cancelling_huge_terms_are_not_an_overflow():
    sol = conv_apply(build_apply_spec(input="1e308 1e308", kernel="1 -1"))
    assert sol.result["output"].tolist() == [[0.0]]


@pytest.mark.parametrize(("x", "claim"), [
    ("2", "6"),                      # a 1×1 output claimed as one number
    ("1 2 3", "3 6 9"),              # a 1×3 output claimed as a plain list
    ("[[[1, 2], [3, 4]]]", "3 6; 9 12"),  # one channel, claimed as a matrix
])
def test_a_claim_without_the_outer_brackets_is_read_as_the_output(x, claim):
    result = runner.invoke(app, ["conv-apply", "--input", x, "--kernel", "3", "--check", claim])
    assert result.exit_code == 0, result.output
    wrong = runner.invoke(app, ["conv-apply", "--input", x, "--kernel", "3", "--check", claim + "1"])
    assert wrong.exit_code == 1, wrong.output
