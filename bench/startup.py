"""Start-up time of dlcalc against an empty one-command Typer app, timed side by side.

Run: ``python bench/startup.py [--rounds 30]``. Each round runs every command once, in turn,
so machine noise hits all of them alike. The ratio is the median over rounds of each round's
time divided by the empty app's time in that same round (a slow spell of the machine then
cancels out instead of landing on whichever case it hit); the times are medians too. Record the
printed table in BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PY = sys.executable
# the console script installed beside this interpreter, as a user runs it (no runpy, unlike -m)
DLCALC = [PY, str(Path(PY).with_name("dlcalc"))] if Path(PY).with_name("dlcalc").exists() else [
    PY, "-m", "dlcalc"]

SMALL_SHEET = HERE / "small-sheet.toml"
NPY = Path(tempfile.gettempdir()) / "dlcalc-bench-2x2.npy"  # written by main(): a path that must import numpy
COMPLETE = {"COMP_WORDS": "dlcalc conv-out --pa", "COMP_CWORD": "2", "_DLCALC_COMPLETE": "complete_bash"}

CASES = {
    "empty Typer app (reference)": [PY, str(HERE / "empty_app.py"), "--size", "3"],
    "TAB completion (bash)": [*DLCALC],
    "dlcalc conv-out --json": [*DLCALC, "conv-out", "--size", "32", "--kernel", "5", "--json"],
    "dlcalc conv-out (text)": [*DLCALC, "conv-out", "--size", "32", "--kernel", "5", "--no-symbolic"],
    "dlcalc params --json (one layer)": [*DLCALC, "params", "--input", "32x32", "--filters", "6", "--kernel", "5",
                                         "--json"],
    "dlcalc check small sheet --json": [*DLCALC, "check", str(SMALL_SHEET), "--json"],
    "dlcalc conv-apply --json (2×2 text)": [*DLCALC, "conv-apply", "--input", "1 2; 3 4", "--kernel", "1", "--json"],
    "dlcalc lstm-grads --json (default)": [*DLCALC, "lstm-grads", "--json"],
    "conv-apply --json on a .npy (numpy)": [*DLCALC, "conv-apply", "--input", f"@{NPY}", "--kernel", "1", "--json"],
    "lstm-grads --hidden 8 --json (numpy)": [*DLCALC, "lstm-grads", "--hidden", "8", "--json"],
    "dlcalc elbo --json (Gaussian KL)": [*DLCALC, "elbo", "--mu", "0.5", "--sigma", "1", "--json"],
    "dlcalc gan-optimal-d --json (discrete)": [*DLCALC, "gan-optimal-d", "--p-data", "0.5,0.5", "--p-g", "0.3,0.7",
                                            "--json"],
}
ENV = {"TAB completion (bash)": COMPLETE}
TARGETS = {"TAB completion (bash)": 1.2, "dlcalc conv-out --json": 1.2, "dlcalc params --json (one layer)": 1.2,
           "dlcalc check small sheet --json": 1.2, "dlcalc conv-apply --json (2×2 text)": 1.5,
           "dlcalc lstm-grads --json (default)": 1.5, "dlcalc elbo --json (Gaussian KL)": 1.5,
           "dlcalc gan-optimal-d --json (discrete)": 1.5}


def time_once(argv: list[str], extra: dict[str, str] | None = None) -> float:
    env = dict(os.environ, NO_COLOR="1", **(extra or {}))
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # users have cached bytecode; so does the reference
    start = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    subprocess.run([PY, "-c", f"import numpy; numpy.save({str(NPY)!r}, numpy.array([[1, 2], [3, 4]]))"], check=True)
    for name, argv in CASES.items():  # warm the file cache and .pyc files; a failing case would time its error path
        done = subprocess.run(argv, capture_output=True, env=dict(os.environ, NO_COLOR="1", **ENV.get(name, {})),
                              check=False)
        if done.returncode != 0:
            sys.exit(f"{name}: exit {done.returncode}: {done.stderr.decode(errors='replace').strip()}")
    samples: dict[str, list[float]] = {name: [] for name in CASES}
    for _ in range(args.rounds):
        for name, argv in CASES.items():
            samples[name].append(time_once(argv, ENV.get(name)))
    reference = samples["empty Typer app (reference)"]
    print(f"{'case':38} {'median ms':>10} {'min ms':>8} {'ratio':>7} {'target':>7}")
    failed = False
    for name, values in samples.items():
        median = statistics.median(values)
        ratio = statistics.median(value / ref for value, ref in zip(values, reference, strict=True))
        target = TARGETS.get(name)
        mark = ""
        if target is not None:
            mark = f"≤{target}" + (" ✓" if ratio <= target else " ✗")
            failed |= ratio > target
        print(f"{name:38} {median * 1000:10.1f} {min(values) * 1000:8.1f} {ratio:7.2f} {mark:>7}")
    print(f"rounds: {args.rounds}, python {sys.version.split()[0]}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
