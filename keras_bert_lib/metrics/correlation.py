"""Correlation metrics for regression tasks (STS-B): Pearson and Spearman."""

from __future__ import annotations

import numpy as np


def _pair(x, y):
    x, y = np.asarray(x, np.float64).reshape(-1), np.asarray(y, np.float64).reshape(-1)
    if x.shape != y.shape:
        raise ValueError(f"x has {x.size} values, y {y.size}.")
    if x.size < 2:
        raise ValueError("A correlation needs at least two values.")
    return x, y


def pearson(x, y) -> float:
    x, y = _pair(x, y)
    x, y = x - x.mean(), y - y.mean()
    denominator = np.sqrt((x @ x) * (y @ y))
    if denominator == 0:
        raise ValueError("Pearson correlation is undefined for a constant input.")
    return float((x @ y) / denominator)


def rank(values) -> np.ndarray:
    """Ranks from 1, ties sharing their average rank."""
    values = np.asarray(values)
    order = np.argsort(values, kind="mergesort")
    ranks = np.empty(len(values))
    sorted_values = values[order]
    start = 0
    for end in range(1, len(values) + 1):
        if end == len(values) or sorted_values[end] != sorted_values[start]:
            ranks[order[start:end]] = (start + end + 1) / 2
            start = end
    return ranks


def spearman(x, y) -> float:
    """Pearson correlation of the ranks (ties averaged)."""
    x, y = _pair(x, y)
    return pearson(rank(x), rank(y))
