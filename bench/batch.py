"""Throughput of ``dlcalc batch``: requests per second through one process, and its memory.

Run: ``python bench/batch.py``. Streams N JSON lines into ``dlcalc batch`` (a real subprocess)
and times it end to end, start-up included: conv-out requests (target ≥ 5,000/s) and conv-apply
requests on 4×4 inputs with every cell worked (target ≥ 500/s). Each is run at two stream lengths;
the rate must not fall and the peak memory must not grow with the stream (constant memory).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

PY = sys.executable


def conv_out(k: int) -> str:
    return json.dumps({"command": "conv-out", "args": {"size": 16 + k % 200, "kernel": 3 + k % 5,
                                                       "stride": 1 + k % 3}, "claim": 10})


def conv_apply(k: int) -> str:
    cells = "; ".join(" ".join(str((k + 3 * r + c) % 9) for c in range(4)) for r in range(4))
    return json.dumps({"command": "conv-apply", "args": {"input": cells, "kernel": "1 0; -1 2", "padding": 1,
                                                         "stride": 2}})


def stream(make, count: int) -> tuple[float, float]:
    """(requests per second, peak resident MiB of the batch process) for ``count`` lines."""
    data = "".join(make(k) + "\n" for k in range(count)).encode()
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    timer = ["/usr/bin/time", "-f", "%M"] if os.path.exists("/usr/bin/time") else []
    start = time.perf_counter()
    done = subprocess.run([*timer, PY, "-m", "dlcalc", "batch"], input=data, capture_output=True, env=env,
                          check=False)
    elapsed = time.perf_counter() - start
    peak_kib = float(done.stderr.decode().strip().splitlines()[-1]) if timer else float("nan")
    lines = done.stdout.count(b"\n")
    if lines != count or b'"error"' in done.stdout[:2000]:
        raise SystemExit(f"batch returned {lines} lines for {count}: {done.stdout[:300]!r} {done.stderr[-300:]!r}")
    return count / elapsed, peak_kib / 1024


def main() -> int:
    failed = False
    print(f"{'requests':34} {'lines':>7} {'per second':>11} {'peak MiB':>9} {'target':>8}")
    for name, make, sizes, target in (("conv-out", conv_out, (5_000, 50_000), 5000),
                                      ("conv-apply 4×4, every cell worked", conv_apply, (1_000, 5_000), 500)):
        rates, peaks = [], []
        for size in sizes:
            rate, peak = stream(make, size)
            rates.append(rate)
            peaks.append(peak)
            ok = rate >= target
            failed |= not ok
            print(f"{name:34} {size:7,} {rate:11,.0f} {peak:9.0f} {'≥' + str(target) + (' ✓' if ok else ' ✗'):>8}")
        if peaks[1] > 1.2 * peaks[0]:
            print(f"  memory grew with the stream: {peaks[1]:.0f} MiB against {peaks[0]:.0f} MiB")
            failed = True
        if rates[1] < 0.8 * rates[0]:
            print(f"  slower on the longer stream: {rates[1]:,.0f} against {rates[0]:,.0f}")
            failed = True
    print(f"python {sys.version.split()[0]}; times include the process start")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
