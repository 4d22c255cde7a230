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
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PY = sys.executable
# the console script installed beside this interpreter, as a user runs it (no runpy, unlike -m)
DLCALC = [PY, str(Path(PY).with_name("dlcalc"))] if Path(PY).with_name("dlcalc").exists() else [
    PY, "-m", "dlcalc"]

SMALL_SHEET = HERE / "small-sheet.toml"
COMPLETE = {"COMP_WORDS": "dlcalc conv-out --pa", "COMP_CWORD": "2", "_DLCALC_COMPLETE": "complete_bash"}

CASES = {
    "empty Typer app (reference)": [PY, str(HERE / "empty_app.py"), "--size", "3"],
    "TAB completion (bash)": [*DLCALC],
    "dlcalc conv-out --json": [*DLCALC, "conv-out", "--size", "32", "--kernel", "5", "--json"],
    "dlcalc conv-out (text)": [*DLCALC, "conv-out", "--size", "32", "--kernel", "5", "--no-symbolic"],
    "dlcalc params --json (one layer)": [*DLCALC, "params", "--input", "32x32", "--filters", "6", "--kernel", "5",
                                         "--json"],
    "dlcalc check small sheet --json": [*DLCALC, "check", str(SMALL_SHEET), "--json"],
    "dlcalc conv-apply --json (numpy)": [*DLCALC, "conv-apply", "--input", "1 2; 3 4", "--kernel", "1", "--json"],
    "dlcalc lstm-grads --json (numpy)": [*DLCALC, "lstm-grads", "--json"],
    "dlcalc elbo --json (Gaussian KL)": [*DLCALC, "elbo", "--mu", "0.5", "--sigma", "1", "--json"],
    "dlcalc gan-optimal-d --json (discrete)": [*DLCALC, "gan-optimal-d", "--p-data", "0.5,0.5", "--p-g", "0.3,0.7",
                                            "--json"],
}
ENV = {"TAB completion (bash)": COMPLETE}
TARGETS = {"TAB completion (bash)": 1.2, "dlcalc conv-out --json": 1.2, "dlcalc params --json (one layer)": 1.2,
           "dlcalc check small sheet --json": 1.2, "dlcalc conv-apply --json (numpy)": 1.5,
           "dlcalc lstm-grads --json (numpy)": 1.5, "dlcalc elbo --json (Gaussian KL)": 1.5,
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
    for name, argv in CASES.items():  # warm the file cache and .pyc files
        time_once(argv, ENV.get(name))
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
