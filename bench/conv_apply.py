"""Speed and memory of conv-apply's vectorised core (``dlcalc.core.conv_apply.kernel.apply_kernel``).

Run: ``python bench/conv_apply.py [--rounds 7]`` (needs scipy: ``pip install -e '.[bench]'``).
Record the printed table in BENCHMARKS.md. Exits 1 when a target is missed or a result disagrees
with its reference.

Machines here are noisy, so speed is a ratio against a reference timed side by side: each round
runs every function of a case once, in turn (the order reversed every other round), and the
table gives the median and the minimum over the rounds; the ratio is median over median. Only
the compute call is timed: the inputs are written to .npy files in a temporary directory and the
spec is built from ``@file.npy`` once, outside the timed region (the text parser is not what is
measured). One untimed call of each function first warms the caches (and pages in the
memory-mapped input) and checks the results agree (``numpy.allclose``).

Cases:

1. **Single channel**: a 1024×1024 float64 matrix, a 5×5 kernel, no padding, stride 1.
   dlcalc against ``scipy.signal.correlate2d(x, k, mode='valid')`` (the same cross-correlation,
   compiled). Target: dlcalc/scipy ≤ 1.0.
2. **Multi-channel**: 64 → 64 channels, 128×128, 3×3 kernels, float64, no padding, stride 1.
   dlcalc against a plain im2col + matmul written here (``sliding_window_view``, one reshape into
   a (C·Kh·Kw)×(H'·W') column matrix, one ``@``): what numpy alone does with the whole column
   matrix in memory (nine times the input). Target: dlcalc/im2col ≤ 1.5.
3. **Peak memory**: a 4096×4096 float64 matrix (128 MiB), a 3×3 kernel. The peak of
   ``apply_kernel(spec)`` alone, from ``tracemalloc`` (numpy reports its array allocations to it),
   above what was allocated before the call, over the input's size in bytes. The result array
   (O×H'×W', about the input's size) is part of that peak. Target: < 3×. Building the spec is
   measured separately (its own tracemalloc peak, also over the input's bytes): ``@file.npy`` is
   opened with ``numpy.load(mmap_mode="r")``, so the input itself is a read-only memory map of
   the file, not a heap allocation, and tracemalloc sees only what parsing allocates beside it
   (the finiteness check's boolean mask). The table says whether the input was memory-mapped.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the checkout's dlcalc, not an installed one

from dlcalc.commands.conv_apply import apply_problem  # noqa: E402
from dlcalc.core.conv_apply import ApplySpec  # noqa: E402
from dlcalc.core.conv_apply.kernel import BLOCK_ELEMENTS, apply_kernel  # noqa: E402

try:
    import scipy
    from scipy.signal import correlate2d
except ImportError:  # pragma: no cover - a benchmark-only dependency
    sys.exit("bench/conv_apply.py needs scipy: pip install -e '.[bench]' (or pip install scipy)")

MiB = 1024**2


# ---------------------------------------------------------------------------------------------
# References
# ---------------------------------------------------------------------------------------------


def im2col_reference(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Cross-correlation, no padding, stride 1: the whole column matrix, then one matmul."""
    c, _, _ = x.shape
    o, _, kh, kw = w.shape
    windows = sliding_window_view(x, (kh, kw), axis=(1, 2))  # C×H'×W'×Kh×Kw, a view
    ho, wo = windows.shape[1:3]
    columns = windows.transpose(0, 3, 4, 1, 2).reshape(c * kh * kw, ho * wo)  # the copy
    return (w.reshape(o, c * kh * kw) @ columns).reshape(o, ho, wo)


# ---------------------------------------------------------------------------------------------
# Timing and the table
# ---------------------------------------------------------------------------------------------


def write_npy(directory: str, name: str, array: np.ndarray) -> str:
    path = os.path.join(directory, name)
    np.save(path, array)
    return path


def spec_from(directory: str, x: np.ndarray, w: np.ndarray, tag: str) -> ApplySpec:
    x_path = write_npy(directory, f"{tag}_x.npy", x)
    w_path = write_npy(directory, f"{tag}_w.npy", w)
    return apply_problem(f"@{x_path}", f"@{w_path}")


def time_side_by_side(functions: dict[str, Callable[[], object]], rounds: int) -> dict[str, list[float]]:
    """Alternating rounds: every function once per round, the order reversed every other round."""
    samples: dict[str, list[float]] = {name: [] for name in functions}
    order = list(functions)
    for round_ in range(rounds):
        gc.collect()
        for name in order if round_ % 2 == 0 else reversed(order):
            start = time.perf_counter()
            functions[name]()
            samples[name].append(time.perf_counter() - start)
    return samples


class Table:
    def __init__(self) -> None:
        self.failed = False
        print(f"{'case':48} {'median':>9} {'min':>9} {'ratio':>6}  target")

    def section(self, title: str) -> None:
        print(title)

    def row(self, name: str, median: str, minimum: str, ratio: float | None, target: float | None = None,
            strict: bool = False) -> None:
        mark = ""
        if target is not None and ratio is not None:
            ok = ratio < target if strict else ratio <= target
            mark = f"{'<' if strict else '≤'}{target:.1f} {'✓' if ok else '✗'}"
            self.failed |= not ok
        ratio_text = f"{ratio:6.2f}" if ratio is not None else ""
        print(f"  {name:46} {median:>9} {minimum:>9} {ratio_text:>6}  {mark}")

    def timings(self, samples: dict[str, list[float]], reference: str, target_name: str, target: float) -> None:
        ref = statistics.median(samples[reference])
        for name, values in samples.items():
            median = statistics.median(values)
            self.row(name, f"{median * 1000:.1f} ms", f"{min(values) * 1000:.1f} ms", median / ref,
                     target if name == target_name else None)

    def agree(self, what: str, ok: bool, detail: str = "") -> None:
        if not ok:
            self.failed = True
            print(f"  ✗ {what} DISAGREE {detail}")


def max_gap(a: np.ndarray, b: np.ndarray) -> str:
    return f"(max |difference| {float(np.max(np.abs(a - b))):.3g})" if a.shape == b.shape else \
        f"(shapes {a.shape} and {b.shape})"


def is_memory_mapped(array: np.ndarray) -> bool:
    while array is not None:
        if isinstance(array, np.memmap):
            return True
        array = array.base if isinstance(array.base, np.ndarray) else None
    return False


# ---------------------------------------------------------------------------------------------
# The cases
# ---------------------------------------------------------------------------------------------


def case_single(table: Table, directory: str, rounds: int, rng: np.random.Generator) -> None:
    x = rng.standard_normal((1024, 1024))
    k = rng.standard_normal((5, 5))
    spec = spec_from(directory, x, k, "single")
    x, k = spec.x.array[0], spec.w.array[0, 0]  # the very arrays dlcalc reads (x memory-mapped)
    table.section("1. single channel 1024×1024 f64, 5×5, valid, stride 1 (dlcalc/scipy)")
    functions = {
        "dlcalc apply_kernel": lambda: apply_kernel(spec),
        "scipy correlate2d valid (reference)": lambda: correlate2d(x, k, mode="valid"),
    }
    results = {name: f() for name, f in functions.items()}  # warm-up and agreement
    expected = results["scipy correlate2d valid (reference)"]
    for name in ("dlcalc apply_kernel",):
        got = results[name]
        got = got[0] if got.ndim == 3 and got.shape[0] == 1 else got
        table.agree(name, got.shape == expected.shape and np.allclose(got, expected), max_gap(got, expected))
    del results
    table.timings(time_side_by_side(functions, rounds), "scipy correlate2d valid (reference)",
                  "dlcalc apply_kernel", 1.0)


def case_multi(table: Table, directory: str, rounds: int, rng: np.random.Generator) -> None:
    x = rng.standard_normal((64, 128, 128))
    w = rng.standard_normal((64, 64, 3, 3))
    spec = spec_from(directory, x, w, "multi")
    x, w = spec.x.array, spec.w.array
    table.section("2. 64→64 channels 128×128 f64, 3×3, pad 0, stride 1 (dlcalc/im2col)")
    functions = {
        "dlcalc apply_kernel": lambda: apply_kernel(spec),
        "im2col + one matmul (reference)": lambda: im2col_reference(x, w),
    }
    results = {name: f() for name, f in functions.items()}
    expected = results["im2col + one matmul (reference)"]
    for name in ("dlcalc apply_kernel",):
        got = results[name]
        table.agree(name, got.shape == expected.shape and np.allclose(got, expected), max_gap(got, expected))
    del results
    table.timings(time_side_by_side(functions, rounds), "im2col + one matmul (reference)",
                  "dlcalc apply_kernel", 1.5)


def traced_peak(function: Callable[[], object]) -> tuple[object, int]:
    """(result, peak bytes above what was allocated when the call began), from tracemalloc."""
    gc.collect()
    tracemalloc.reset_peak()
    before = tracemalloc.get_traced_memory()[0]
    result = function()
    return result, tracemalloc.get_traced_memory()[1] - before


def case_memory(table: Table, directory: str, rng: np.random.Generator) -> None:
    x = rng.standard_normal((4096, 4096))
    k = rng.standard_normal((3, 3))
    input_bytes = x.nbytes
    x_path = write_npy(directory, "memory_x.npy", x)
    w_path = write_npy(directory, "memory_w.npy", k)
    del x
    gc.collect()
    tracemalloc.start()
    try:
        spec, build_peak = traced_peak(lambda: apply_problem(
            f"@{x_path}", f"@{w_path}"))
        mapped = is_memory_mapped(spec.x.array)
        out, apply_peak = traced_peak(lambda: apply_kernel(spec))
        out_bytes = out.nbytes
        del out
    finally:
        tracemalloc.stop()
    table.section(f"3. peak memory, 4096×4096 f64 ({input_bytes / MiB:.0f} MiB), 3×3 (peak/input bytes)")

    def mib(n: int) -> str:
        return f"{n / MiB:.1f} MiB"

    table.row("dlcalc apply_kernel (result included)", mib(apply_peak), "", apply_peak / input_bytes, 3.0,
              strict=True)
    table.row("  of which the result array O×H'×W'", mib(out_bytes), "", out_bytes / input_bytes)
    table.row("apply_problem from @x.npy (separate)", mib(build_peak), "", build_peak / input_bytes)
    total = input_bytes + build_peak + apply_peak
    table.row("input + spec + apply_kernel, all counted", mib(total), "", total / input_bytes, 3.0, strict=True)
    print(f"  input {'memory-mapped from the .npy (not on the heap, not in tracemalloc)' if mapped else 'in memory'}; "
          "memory columns: tracemalloc peak above the start of the call")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=7, help="timed rounds per case (default 7)")
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    rng = np.random.default_rng(0)
    table = Table()
    with tempfile.TemporaryDirectory(prefix="dlcalc-bench-") as directory:
        case_single(table, directory, args.rounds, rng)
        case_multi(table, directory, args.rounds, rng)
        case_memory(table, directory, rng)
    print(f"rounds: {args.rounds}, python {platform.python_version()}, numpy {np.__version__}, "
          f"scipy {scipy.__version__}, {os.cpu_count()} CPUs, BLOCK_ELEMENTS = {BLOCK_ELEMENTS}")
    return 1 if table.failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
