"""BPTT speed: dlcalc's ``bptt`` against a plain numpy reference, side by side in one run.

Run: ``python bench/lstm.py [--rounds 7]``. Hidden 256, input 128, T = 100, float64, sum loss.
The reference is the textbook loop written here from scratch (one matrix product per step
forward, one per step backward, gates stacked i, f, o, g); dlcalc's ``dlcalc.core.lstm.bptt``
keeps the worked quantities of every step as well. Both are timed on the same arrays, alternating
in every round, medians reported; the gradients must agree. The finite-difference check that
``dlcalc lstm-grads --steps`` adds is timed separately (``bptt_solution``).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

import numpy as np

from dlcalc.core.lstm import bptt, bptt_solution, draw

H, M, T = 256, 128, 100


def reference_bptt(W: np.ndarray, b: np.ndarray, xs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Plain LSTM BPTT for L = Σ_t Σ h_t: returns dW, db, dxs."""
    hidden = W.shape[0] // 4
    h = np.zeros(hidden)
    c = np.zeros(hidden)
    store = []
    for x in xs:
        hx = np.concatenate([h, x])
        a = W @ hx + b
        ig, fg, og = (1 / (1 + np.exp(-a[k * hidden:(k + 1) * hidden])) for k in range(3))
        gg = np.tanh(a[3 * hidden:])
        c_new = fg * c + ig * gg
        tc = np.tanh(c_new)
        store.append((hx, ig, fg, og, gg, c, tc))
        h, c = og * tc, c_new
    dW, db, dxs = np.zeros_like(W), np.zeros_like(b), np.zeros_like(xs)
    dh_next, dc_next = np.zeros(hidden), np.zeros(hidden)
    for t in range(len(xs) - 1, -1, -1):
        hx, ig, fg, og, gg, c_prev, tc = store[t]
        dh = 1.0 + dh_next
        dc = dh * og * (1 - tc**2) + dc_next
        da = np.concatenate([dc * gg * ig * (1 - ig), dc * c_prev * fg * (1 - fg), dh * tc * og * (1 - og),
                             dc * ig * (1 - gg**2)])
        dW += np.outer(da, hx)
        db += da
        dhx = W.T @ da
        dh_next, dxs[t] = dhx[:hidden], dhx[hidden:]
        dc_next = dc * fg
    return dW, db, dxs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    W = draw(rng, (4 * H, H + M)) / np.sqrt(H)
    b = draw(rng, (4 * H,)) / np.sqrt(H)
    xs = draw(rng, (T, M))
    zeros = np.zeros(H)
    ours = bptt(W, b, xs, zeros, zeros, "sum", None, "ifog")
    theirs = reference_bptt(W, b, xs)
    agree = all(np.allclose(a, r, rtol=1e-10, atol=1e-12) for a, r in zip((ours["dW"], ours["db"], ours["dxs"]),
                                                                         theirs, strict=True))
    samples: dict[str, list[float]] = {"dlcalc bptt": [], "numpy reference": []}
    for _ in range(args.rounds):
        for name, run in (("dlcalc bptt", lambda: bptt(W, b, xs, zeros, zeros, "sum", None, "ifog")),
                          ("numpy reference", lambda: reference_bptt(W, b, xs))):
            start = time.perf_counter()
            run()
            samples[name].append(time.perf_counter() - start)
    start = time.perf_counter()
    bptt_solution({"W": W, "b": b}, xs, zeros, zeros, "sum", None, "ifog", [], 0)
    worked = time.perf_counter() - start
    reference = statistics.median(samples["numpy reference"])
    print(f"BPTT, hidden {H}, input {M}, T = {T}, float64 (gradients agree: {'yes' if agree else 'NO'})")
    print(f"{'case':40} {'median ms':>10} {'ratio':>7}")
    for name, values in samples.items():
        print(f"{name:40} {statistics.median(values) * 1000:10.1f} {statistics.median(values) / reference:7.2f}")
    print(f"{'lstm-grads --steps (with the FD check)':40} {worked * 1000:10.1f} {worked / reference:7.2f}")
    print(f"rounds: {args.rounds}, python {sys.version.split()[0]}, numpy {np.__version__}")
    return 0 if agree else 1


if __name__ == "__main__":
    raise SystemExit(main())
