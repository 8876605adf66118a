"""Evaluation metrics computed on NumPy arrays, matching the reference implementations."""

from keras_bert_lib.metrics.classification import accuracy, f1_score, matthews_correlation
from keras_bert_lib.metrics.correlation import pearson, spearman

__all__ = ["accuracy", "f1_score", "matthews_correlation", "pearson", "spearman"]
