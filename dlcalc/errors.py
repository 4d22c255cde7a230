"""Exit codes and the one error type for bad input."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """dlcalc's exit codes (CONTRACT.md): 0 success or check passed, 1 check failed, 2 bad input."""

    OK = 0
    CHECK_FAILED = 1
    BAD_INPUT = 2


class InputError(ValueError):
    """Bad input. The command line prints ``error: OPTION: MESSAGE`` on one line and exits 2; the Python
    API raises it.

    Args:
        message: what was wrong and what was expected.
        option: where the bad value came from, as the command line names it (``--size``), or a place
            such as ``claim.kl`` or ``line``; None when no one argument is to blame.

    ``argument`` is the same name as a Python keyword (``--kernel-size`` is ``kernel_size``).
    """

    def __init__(self, message: str, option: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.option = option

    @property
    def argument(self) -> str | None:
        """The keyword argument of the Python API that the bad value came from (``kernel_size``)."""
        if self.option is None or not self.option.startswith("--"):
            return self.option
        return self.option[2:].replace("-", "_")

    def __str__(self) -> str:
        return f"{self.option}: {self.message}" if self.option else self.message
