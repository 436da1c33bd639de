"""Dense SVD against the streaming (Gram-matrix) perfect-alignment solver (a script, not a test).

    python benchmarks/perfect_alignment.py            # or: make bench

Prints wall time and peak resident memory of each solve, each measured in a fresh process:
1. n = 20,000, d = 512 (d1 = d2 = 256): dense SVD and streaming, and the principal angles
   between their subspaces;
2. n = 1,000,000, d = 512: streaming only, chunks generated on the fly (the dense X alone would
   take 4 GB in float64).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

import numpy as np


def chunks(n: int, d_m: int, chunk: int, seed: int, k_latent: int = 128):
    """(X1_c, X2_c) chunks of X_m = S_m Z + noise, generated on the fly: (d_m, chunk) each."""
    rng = np.random.default_rng(seed)
    S1, S2 = rng.normal(size=(d_m, k_latent)), rng.normal(size=(d_m, k_latent))
    for start in range(0, n, chunk):
        Z = rng.normal(size=(k_latent, min(chunk, n - start)))
        yield S1 @ Z + 0.01 * rng.normal(size=(d_m, Z.shape[1])), S2 @ Z + 0.01 * rng.normal(size=(d_m, Z.shape[1]))


def solve(method: str, n: int, d: int, k: int) -> dict:
    from threadpoolctl import threadpool_limits

    from lambdalib.papers.perfect_alignment.solver import (
        perfect_alignment,
        streaming_perfect_alignment,
    )

    with threadpool_limits(2):
        start = time.perf_counter()
        if method == "dense":
            X1, X2 = map(np.hstack, zip(*chunks(n, d // 2, 10_000, seed=0)))
            a = perfect_alignment(X1, X2, k)
        else:
            a = streaming_perfect_alignment(chunks(n, d // 2, 10_000, seed=0), k)
        seconds = time.perf_counter() - start
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"method": method, "n": n, "d": d, "seconds": seconds, "peak_mib": peak_mib,
            "A": np.hstack([a.A1, a.A2]).tolist() if n <= 20_000 else None}


def in_subprocess(method: str, n: int, d: int, k: int) -> dict:
    out = subprocess.run([sys.executable, __file__, "--one", method, str(n), str(d), str(k)],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--one", nargs=4, metavar=("METHOD", "N", "D", "K"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        method, n, d, k = args.one
        print(json.dumps(solve(method, int(n), int(d), int(k))))
        sys.exit()
    from scipy.linalg import subspace_angles

    print("== perfect alignment: dense SVD vs streaming Gram solver (2 BLAS threads, fresh process each)")
    k = 64
    runs = [in_subprocess("dense", 20_000, 512, k), in_subprocess("streaming", 20_000, 512, k),
            in_subprocess("streaming", 1_000_000, 512, k)]
    for r in runs:
        print(f"  {r['method']:<9} n={r['n']:>9,} d={r['d']}  {r['seconds']:7.2f} s  peak RSS {r['peak_mib']:7.0f} MiB")
    angles = subspace_angles(np.array(runs[0]["A"]).T, np.array(runs[1]["A"]).T)
    print(f"  largest principal angle dense vs streaming at n=20,000: {np.max(angles):.2e} rad")
