"""The README's examples still print what the README shows (see tests/readme_examples.py)."""

from __future__ import annotations

import pytest
from readme_examples import README, examples, run_in_process, same_output

CASES = examples(README.read_text(encoding="utf-8"))


def test_readme_has_examples():
    assert len(CASES) >= 4


@pytest.mark.parametrize(("command", "expected"), CASES, ids=[c for c, _ in CASES])
def test_readme_example(command, expected):
    assert same_output(expected.rstrip("\n"), run_in_process(command))


def test_same_output_forgives_only_float_rounding():
    assert same_output("δh = 0.009057436104547973", "δh = 0.009057436104547971")
    assert same_output("largest relative error 8.0e-11 (dz)", "largest relative error 1.0e-10 (dz)")
    assert not same_output("δh = 0.009057", "δh = 0.009058")  # a real change in a shown digit
    assert not same_output("largest relative error 8.0e-11", "largest relative error 2.0e-05")
    assert not same_output("O = 28", "O = 29")
    assert not same_output("O = 28 (floor)", "O = 28 (ceil)")
    assert not same_output("[1, 2]", "[1, 2, 3]")
