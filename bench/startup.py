"""Start-up time of dlcalc against two references, timed side by side: an empty one-command Typer app,
and the same app importing numpy (what a command computing with numpy cannot beat).

Run: ``python bench/startup.py [--rounds 30]``. Each round runs every case once, in turn, so machine
noise hits all of them alike. A ratio is the median over rounds of each round's time divided by its
reference's time in that same round (a slow spell of the machine then cancels out instead of landing
on whichever case it hit); the times are medians too. "text" is the default output into a pipe (plain
text); the "terminal" cases run on a pseudo-terminal, where the output is a rich table. Record the
printed table in BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import os
import pty
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

EMPTY = "empty Typer app (reference)"
NUMPY = "empty Typer app + import numpy (reference 2)"
CASES = {
    EMPTY: [PY, str(HERE / "empty_app.py"), "--size", "3"],
    NUMPY: [PY, str(HERE / "empty_numpy_app.py"), "--size", "3"],
    "TAB completion (bash)": [*DLCALC],
    "conv-out --json": [*DLCALC, "conv-out", "--size", "32", "--kernel", "5", "--json"],
    "conv-out (text)": [*DLCALC, "conv-out", "--size", "32", "--kernel", "5"],
    "conv-out (rich table on a terminal)": [*DLCALC, "conv-out", "--size", "32", "--kernel", "5"],
    "params --json (one layer)": [*DLCALC, "params", "--input", "32x32", "--filters", "6", "--kernel", "5", "--json"],
    "params (text, one layer)": [*DLCALC, "params", "--input", "32x32", "--filters", "6", "--kernel", "5"],
    "params (rich table on a terminal)": [*DLCALC, "params", "--input", "32x32", "--filters", "6", "--kernel", "5"],
    "check small sheet --json": [*DLCALC, "check", str(SMALL_SHEET), "--json"],
    "conv-apply --json (2×2)": [*DLCALC, "conv-apply", "--input", "1 2; 3 4", "--kernel", "1", "--json"],
    "conv-apply --json (.npy)": [*DLCALC, "conv-apply", "--input", f"@{NPY}", "--kernel", "1", "--json"],
    "lstm-grads --json (default)": [*DLCALC, "lstm-grads", "--json"],
    "lstm-grads --hidden 8 --json": [*DLCALC, "lstm-grads", "--hidden", "8", "--json"],
    "elbo --json (Gaussian KL)": [*DLCALC, "elbo", "--mu", "0.5", "--sigma", "1", "--json"],
    "gan-optimal-d --json (discrete)": [*DLCALC, "gan-optimal-d", "--p-data", "0.5,0.5", "--p-g", "0.3,0.7",
                                        "--json"],
}
ENV = {"TAB completion (bash)": COMPLETE}
TERMINAL = {"conv-out (rich table on a terminal)", "params (rich table on a terminal)"}
# case -> (reference, target ratio) (issue 14)
TARGETS = {"TAB completion (bash)": (EMPTY, 1.2), "conv-out --json": (EMPTY, 1.3),
           "params --json (one layer)": (EMPTY, 1.3), "conv-out (text)": (EMPTY, 1.35),
           "params (text, one layer)": (EMPTY, 1.35), "check small sheet --json": (NUMPY, 1.2),
           "conv-apply --json (2×2)": (NUMPY, 1.2), "conv-apply --json (.npy)": (NUMPY, 1.2),
           "lstm-grads --json (default)": (NUMPY, 1.2),
           "elbo --json (Gaussian KL)": (NUMPY, 1.2), "gan-optimal-d --json (discrete)": (NUMPY, 1.2)}


def time_once(argv: list[str], extra: dict[str, str] | None = None, terminal: bool = False) -> float:
    env = dict(os.environ, **(extra or {}))
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # users have cached bytecode; so does the reference
    env.pop("NO_COLOR", None)
    if not terminal:
        start = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)
        return time.perf_counter() - start
    leader, follower = pty.openpty()  # stdout is a terminal: the rich table a user sees
    env.update(COLUMNS="100", TERM="xterm-256color")
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=follower, stderr=subprocess.DEVNULL, env=env)
    os.close(follower)
    while True:
        try:
            if not os.read(leader, 65536):
                break
        except OSError:  # the terminal closed
            break
    process.wait()
    elapsed = time.perf_counter() - start
    os.close(leader)
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    subprocess.run([PY, "-c", f"import numpy; numpy.save({str(NPY)!r}, numpy.array([[1, 2], [3, 4]]))"], check=True)
    for name, argv in CASES.items():  # warm the file cache and .pyc files; a failing case would time its error path
        done = subprocess.run(argv, capture_output=True, env=dict(os.environ, **ENV.get(name, {})), check=False)
        if done.returncode != 0:
            sys.exit(f"{name}: exit {done.returncode}: {done.stderr.decode(errors='replace').strip()}")
    samples: dict[str, list[float]] = {name: [] for name in CASES}
    for _ in range(args.rounds):
        for name, argv in CASES.items():
            samples[name].append(time_once(argv, ENV.get(name), name in TERMINAL))
    print(f"{'case':46} {'median ms':>9} {'min ms':>7} {'× empty':>8} {'× numpy':>8} {'target':>10}")
    failed = False
    for name, values in samples.items():
        ratios = {ref: statistics.median(value / r for value, r in zip(values, samples[ref], strict=True))
                  for ref in (EMPTY, NUMPY)}
        mark = ""
        if name in TARGETS:
            ref, target = TARGETS[name]
            ok = ratios[ref] <= target
            mark = f"≤{target} {'e' if ref == EMPTY else 'n'}" + (" ✓" if ok else " ✗")
            failed |= not ok
        print(f"{name:46} {statistics.median(values) * 1000:9.1f} {min(values) * 1000:7.1f} {ratios[EMPTY]:8.2f} "
              f"{ratios[NUMPY]:8.2f} {mark:>10}")
    print(f"rounds: {args.rounds}, python {sys.version.split()[0]}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
