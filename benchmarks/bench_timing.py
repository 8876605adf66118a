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


def interleaved_rounds(runners: dict, rounds: int, iterations: int, warmup: int) -> dict:
    """Seconds per call of each runner, its best round: every round times each runner in
    turn (the median of `iterations` calls), so a slow spell of the machine hits all of
    them rather than one. Warm-up calls run once, before the first round."""
    for run in runners.values():
        for _ in range(warmup):
            run()
    best = {}
    for _ in range(rounds):
        for name, run in runners.items():
            seconds = time_calls(run, iterations, warmup=0)
            best[name] = min(best.get(name, seconds), seconds)
    return best
