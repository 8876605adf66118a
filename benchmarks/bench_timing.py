"""Timing shared by the benchmarks (imported as a sibling: run `python benchmarks/X.py`)."""

import time

import numpy as np


def time_calls(run, iterations: int, warmup: int) -> float:
    """Seconds per call, the median of `iterations` after `warmup` untimed calls."""
    for _ in range(warmup):
        run()
    times = []
    for _ in range(iterations):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return float(np.median(times))
