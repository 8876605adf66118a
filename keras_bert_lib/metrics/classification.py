"""Classification metrics on NumPy arrays: accuracy, F1 (binary and macro), Matthews correlation."""

from __future__ import annotations

import numpy as np


def _labels(y_true, y_pred):
    y_true, y_pred = np.asarray(y_true).reshape(-1), np.asarray(y_pred).reshape(-1)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true has {y_true.size} labels, y_pred {y_pred.size}.")
    if y_true.size == 0:
        raise ValueError("No labels: the metric is undefined on an empty set.")
    return y_true, y_pred


def accuracy(y_true, y_pred) -> float:
    y_true, y_pred = _labels(y_true, y_pred)
    return float(np.mean(y_true == y_pred))


def _f1_for(y_true, y_pred, label) -> float:
    true_positive = np.sum((y_pred == label) & (y_true == label))
    predicted, actual = np.sum(y_pred == label), np.sum(y_true == label)
    if predicted + actual == 0:
        return 0.0
    return float(2 * true_positive / (predicted + actual))


def f1_score(y_true, y_pred, average="binary", positive_label=1) -> float:
    """F1: `"binary"` for `positive_label`, or `"macro"`, the mean over the labels present.

    Zero where a label is never predicted nor present (as scikit-learn's `zero_division=0`).
    """
    y_true, y_pred = _labels(y_true, y_pred)
    if average == "binary":
        return _f1_for(y_true, y_pred, positive_label)
    if average == "macro":
        labels = np.union1d(y_true, y_pred)
        return float(np.mean([_f1_for(y_true, y_pred, label) for label in labels]))
    raise ValueError(f"average must be 'binary' or 'macro', got {average!r}.")


def matthews_correlation(y_true, y_pred) -> float:
    """Matthews correlation coefficient (multiclass form); 0 when it is undefined."""
    y_true, y_pred = _labels(y_true, y_pred)
    labels = np.union1d(y_true, y_pred)
    index = {label: i for i, label in enumerate(labels)}
    confusion = np.zeros((len(labels), len(labels)))
    for t, p in zip(y_true, y_pred, strict=True):
        confusion[index[t], index[p]] += 1
    correct, total = np.trace(confusion), confusion.sum()
    predicted, actual = confusion.sum(axis=0), confusion.sum(axis=1)
    numerator = correct * total - predicted @ actual
    denominator = np.sqrt((total**2 - predicted @ predicted) * (total**2 - actual @ actual))
    return float(numerator / denominator) if denominator else 0.0
