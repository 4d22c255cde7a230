"""dlcalc: a calculator and verifier for the arithmetic of deep learning."""

__version__ = "0.1.0"
