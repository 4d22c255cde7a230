"""The README's examples still print what the README shows (see tests/readme_examples.py)."""

from __future__ import annotations

import pytest
from readme_examples import README, examples, run_in_process

CASES = examples(README.read_text(encoding="utf-8"))


def test_readme_has_examples():
    assert len(CASES) >= 4


@pytest.mark.parametrize(("command", "expected"), CASES, ids=[c for c, _ in CASES])
def test_readme_example(command, expected):
    assert run_in_process(command) == expected.rstrip("\n")
