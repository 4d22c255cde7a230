"""conv-out's formulas against independent methods: window enumeration, scatter, published shapes."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dlcalc
from dlcalc.commands.conv_out import conv_spec as build_spec
from dlcalc.core.conv import (
    common_mistakes,
    conv_output_size,
    count_transposed_positions,
    count_window_positions,
    pool_output_size,
    same_padding,
    transposed_output_size,
)
from dlcalc.errors import InputError


def windows(size: int, kernel: int, stride: int, left: int, right: int, dilation: int) -> list[list[int]]:
    """Every window of a padded axis, as the list of input indices it reads (padding = -1)."""
    padded = [-1] * left + list(range(size)) + [-1] * right
    taps = [k * dilation for k in range(kernel)]
    found = []
    start = 0
    while start + taps[-1] < len(padded):
        found.append([padded[start + t] for t in taps])
        start += stride
    return found


configs = st.tuples(
    st.integers(1, 60),  # size
    st.integers(1, 9),  # kernel
    st.integers(1, 7),  # stride
    st.integers(0, 5),  # left padding
    st.integers(0, 5),  # right padding
    st.integers(1, 4),  # dilation
)


@settings(max_examples=400, deadline=None)
@given(configs)
def test_formula_equals_enumerated_windows(config):
    size, kernel, stride, left, right, dilation = config
    if dilation * (kernel - 1) + 1 > size + left + right:
        with pytest.raises(InputError):
            conv_output_size(size, kernel, stride, (left, right), dilation)
        return
    expected = len(windows(size, kernel, stride, left, right, dilation))
    assert conv_output_size(size, kernel, stride, (left, right), dilation) == expected
    assert count_window_positions(size, kernel, stride, (left, right), dilation) == expected


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 30), st.integers(1, 6), st.integers(1, 5), st.integers(0, 4), st.integers(1, 3))
def test_transposed_equals_scatter(size, kernel, stride, padding, dilation):
    out = transposed_output_size(size, kernel, stride, padding, dilation, 0)
    # scatter written out independently: each input i and tap k write to i*S + k*D
    full = [0] * ((size - 1) * stride + dilation * (kernel - 1) + 1)
    for i in range(size):
        for k in range(kernel):
            full[i * stride + k * dilation] += 1
    assert out == len(full) - 2 * padding
    assert count_transposed_positions(size, kernel, stride, padding, dilation) == out


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 40), st.integers(1, 6), st.integers(1, 6), st.integers(0, 3), st.integers(1, 3))
def test_ceil_mode_equals_window_simulation(size, kernel, stride, padding, dilation):
    span = dilation * (kernel - 1) + 1
    if padding > span // 2 or span > size + 2 * padding:
        return
    # Windows start at i*S - P (input coordinates). Ceil mode keeps a window that runs past the end
    # when it still reaches an uncovered input element and does not start in the right padding.
    count, start = 0, -padding
    covered_to = -padding - 1
    while start < size:  # a window may not start in the right padding
        end = start + span - 1
        if end <= size - 1 + padding or covered_to < size - 1 + padding:
            count += 1
            covered_to = end
        else:
            break
        if end >= size - 1 + padding:
            break
        start += stride
    assert pool_output_size(size, kernel, stride, padding, dilation, ceil_mode=True) == count


def test_pytorch_ceil_mode_examples():
    # GoogLeNet (torchvision) uses MaxPool2d(3, stride=2, ceil_mode=True): 112 → 56 → 28 → 14 → 7.
    assert [pool_output_size(n, 3, 2, 0, 1, True) for n in (112, 56, 28, 14)] == [56, 28, 14, 7]
    assert [pool_output_size(n, 3, 2, 0, 1, False) for n in (112, 56, 28, 14)] == [55, 27, 13, 6]
    # L=5, K=2, S=2, P=1: the fourth window would start in the right padding and is removed.
    assert pool_output_size(5, 2, 2, 1, 1, True) == 3
    assert pool_output_size(5, 2, 2, 0, 1, True) == 3
    assert pool_output_size(4, 2, 2, 0, 1, True) == 2


def test_seed_q1_shapes():
    # Q1.1: 4×4 input, padding 1, 2×2 kernel, stride 2 → 3×3
    assert build_spec("4x4", "2", "2", "1").output_size() == (3, 3)
    # Q1.2: 32×32, 5×5 kernel: stride 1 gives 28, the stride 4 the seed writes gives 7, not 28
    assert build_spec("32x32", "5", "1").output_size() == (28, 28)
    assert build_spec("32x32", "5", "4").output_size() == (7, 7)
    # the smaller variant: 4×4 kernel, stride 2 → 15×15
    assert build_spec("32x32", "4", "2").output_size() == (15, 15)


def test_tf_same_split():
    assert same_padding(13, 6, 5, 1, "tf") == (1, 2)
    spec = build_spec("13", "6", "5", "same", convention="tf")
    assert spec.output_size() == (3,)
    assert spec.padding == ((1, 2),)
    # SAME keeps ceil(L/S) for many configurations: check against the definition
    for size in range(1, 30):
        for kernel in range(1, 8):
            for stride in range(1, 5):
                spec = build_spec(str(size), str(kernel), str(stride), "same", convention="tf")
                assert spec.output_size() == (-(-size // stride),)


def test_torch_same_keeps_size_and_puts_odd_pixel_right():
    spec = build_spec("10", "4", "1", "same", convention="torch")
    assert spec.padding == ((1, 2),)
    assert spec.output_size() == (10,)
    with pytest.raises(InputError, match="PyTorch refuses padding='same' with stride 2"):
        build_spec("10", "3", "2", "same", convention="torch")


def test_transposed_examples():
    # PyTorch docs: ConvTranspose2d(k=3, s=2, p=1, output_padding=1) doubles 7 → 14
    assert build_spec("7", "3", "2", "1", transposed=True, output_padding="1").output_size() == (14,)
    with pytest.raises(InputError, match="smaller than max"):
        build_spec("7", "3", "2", "1", transposed=True, output_padding="2")
    # output padding may reach dilation - 1 when dilation > stride
    assert build_spec("4", "3", "1", "0", "3", transposed=True, output_padding="2").output_size() == (12,)


def test_solution_steps_and_checks_agree():
    sol = dlcalc.conv_out("32", "5", "4", symbolic=True)
    assert sol.result["output_size"] == [7]
    assert sol.result["dropped"] == [3]
    assert "the last 3 input positions are never covered" in sol.steps[-1].note
    assert {c.method for c in sol.checks} == {"brute force", "sympy"}
    assert sol.all_checks_passed


def test_ceil_mode_removal_is_explained():
    sol = dlcalc.conv_out("5", "2", None, "1", pool="max", ceil_mode=True, symbolic=True)
    assert sol.result["output_size"] == [3]
    assert any("3, not 4" in s.note for s in sol.steps)
    assert sol.all_checks_passed


@settings(max_examples=60, deadline=None)
@given(configs)
def test_sympy_check_agrees(config):
    size, kernel, stride, left, right, dilation = config
    if dilation * (kernel - 1) + 1 > size + left + right:
        return
    sol = dlcalc.conv_out(str(size), str(kernel), str(stride), f"{left},{right}", str(dilation), symbolic=True)
    assert sol.all_checks_passed and [c.method for c in sol.checks] == ["brute force", "sympy"]


def test_mistakes_name_stride_one():
    mistakes = common_mistakes(build_spec("32", "5", "4"))
    assert mistakes[0].describe == "what stride 1 gives"
    assert mistakes[0].value() == (28,)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("0", "3"), "≥ 1"),
        (("32", "0"), "≥ 1"),
        (("32", "3", "0"), "≥ 1"),
        (("32", "3", "1", "0", "0"), "≥ 1"),
        (("4", "7"), "padded input is only"),
        (("32x32", "3x3x3"), "has 3 axes"),
        (("32", "3/2"), "fraction"),
        (("32", "3", "1", "-1"), "≥ 0"),
    ],
)
def test_bad_specs(args, message):
    with pytest.raises(InputError, match=message):
        build_spec(*args)


def test_pool_padding_limit():
    with pytest.raises(InputError, match="more than half"):
        build_spec("8", "2", None, "2", pool="max")
    assert build_spec("8", "3", None, "1", pool="max").output_size() == (3,)


def test_huge_axes_are_counted_quickly():
    import time

    start = time.perf_counter()
    for size, kernel, stride in ((10**9, 7, 3), (10**12 + 5, 3, 1), (999_999_937, 5, 2)):
        expected = (size - kernel) // stride + 1
        assert count_window_positions(size, kernel, stride, (0, 0)) == expected
        assert count_window_positions(size, kernel, stride, (1, 1), ceil_mode=True) == pool_output_size(
            size, kernel, stride, 1, 1, True)
    assert count_transposed_positions(10**7, 3, 2, 1) == transposed_output_size(10**7, 3, 2, 1)
    assert time.perf_counter() - start < 2


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 3000), st.integers(1, 5), st.integers(1, 4), st.integers(0, 2), st.booleans())
def test_bisection_agrees_with_walking(size, kernel, stride, padding, ceil):
    if kernel > size + 2 * padding or (ceil and padding > kernel // 2):
        return
    walked = count_window_positions(size, kernel, stride, (padding, padding), 1, ceil, walk_limit=10**9)
    bisected = count_window_positions(size, kernel, stride, (padding, padding), 1, ceil, walk_limit=3)
    assert walked == bisected
