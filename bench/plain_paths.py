"""Where the plain-Python paths stop paying: each small problem timed both ways, side by side.

Run: ``python bench/plain_paths.py [--rounds 7]``. conv-apply computes problems typed as text in
plain Python up to ``PLAIN_WORK`` multiply-adds, and lstm-grads one step of a cell whose W has at
most ``SMALL_W`` entries, so that neither imports numpy (about 70 ms here, as long as the whole
start-up of an empty Typer app). Each row times the plain path and the numpy path on the same
problem (numpy already imported, so its import is *not* in the numpy column), alternating in
every round, medians; "import" is numpy's import measured in a fresh interpreter. The plain path
is the right one while plain < numpy + import; the thresholds sit well inside that.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import time

import numpy as np  # noqa: F401  (imported up front: the numpy column excludes its import)

from dlcalc.core import conv_apply, lstm


def numpy_import_ms() -> float:
    code = "import time; t = time.perf_counter(); import numpy; print(time.perf_counter() - t)"
    runs = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                 check=True).stdout) for _ in range(5)]
    return statistics.median(runs) * 1000


def timed(function, rounds: int) -> float:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def conv_case(n: int, k: int, rounds: int) -> tuple[str, int, float, float]:
    """One n×n integer input, k×k kernel: the whole worked solution (both cores, Direct check)."""
    rng = random.Random(n * 100 + k)
    x = "; ".join(" ".join(str(rng.randint(-9, 9)) for _ in range(n)) for _ in range(n))
    w = "; ".join(" ".join(str(rng.randint(-9, 9)) for _ in range(k)) for _ in range(k))
    spec = conv_apply.build_apply_spec(input_text=x, kernel_text=w)
    ho, wo = spec.output_size()
    work = ho * wo * k * k
    saved = conv_apply.PLAIN_WORK

    def run(limit: int) -> None:
        conv_apply.PLAIN_WORK = limit
        try:
            conv_apply.conv_apply(spec)
        finally:
            conv_apply.PLAIN_WORK = saved

    plain = timed(lambda: run(10**12), rounds)
    vectorised = timed(lambda: run(-1), rounds)
    return f"conv-apply {n}×{n}, {k}×{k}", work, plain, vectorised


def lstm_case(hidden: int, inputs: int, rounds: int) -> tuple[str, int, float, float]:
    """One worked LSTM step with its finite-difference checks, pure Python against numpy."""
    pure, _, _, _ = lstm.step_values(hidden, inputs, 0, {}, pure=True)
    arrays, _, _, _ = lstm.step_values(hidden, inputs, 0, {})
    plain = timed(lambda: lstm.lstm_step(pure), rounds)
    vectorised = timed(lambda: lstm.lstm_step(arrays), rounds)
    return f"lstm-grads step H={hidden} M={inputs}", 4 * hidden * (hidden + inputs), plain, vectorised


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    load = numpy_import_ms()
    print(f"numpy import in a fresh interpreter: {load:.1f} ms")
    print(f"{'case':34} {'size':>9} {'plain ms':>9} {'numpy ms':>9} {'plain/(numpy+import)':>21}")
    rows = [conv_case(n, k, args.rounds) for n, k in ((4, 2), (16, 3), (32, 3), (64, 5), (100, 5), (160, 5))]
    rows += [lstm_case(h, m, args.rounds) for h, m in ((1, 1), (2, 2), (4, 4), (6, 6), (8, 8))]
    for name, size, plain, vectorised in rows:
        print(f"{name:34} {size:9,} {plain:9.2f} {vectorised:9.2f} {plain / (vectorised + load):21.2f}")
    print(f"thresholds: conv-apply PLAIN_WORK = {conv_apply.PLAIN_WORK:,} multiply-adds; "
          f"lstm-grads SMALL_W = {lstm.SMALL_W} entries of W (the size column)")
    print(f"rounds: {args.rounds}, python {sys.version.split()[0]}, numpy {np.__version__}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
