"""What the tests of every command share."""

from __future__ import annotations


def assert_bad_input(result, fragment: str) -> None:
    """Bad input: exit 2, nothing on stdout, one line on stderr containing ``fragment``, no traceback."""
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0], result.stderr
    assert "Traceback" not in result.stderr
