"""Losses for task heads."""

from __future__ import annotations

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="keras_bert_lib")
class ScaledBinaryCrossentropy(keras.losses.Loss):
    """Binary cross-entropy between scores in `[low, high]`, each rescaled to `[0, 1]`.

    For a regression head whose output is `low + (high - low) * sigmoid(z)`: the loss is the
    cross-entropy of `sigmoid(z)` against `(y - low) / (high - low)`, the recipe
    sentence-transformers uses for cross-encoders on STS-B (scores 0-5 -> targets 0-1). It
    trains better than mean squared error on a bounded score.

    Args:
        low: float. The lowest score.
        high: float. The highest score.
        **kwargs: `keras.losses.Loss` arguments (`name`, `reduction`).

    Example:

    >>> loss = ScaledBinaryCrossentropy(0.0, 5.0)
    >>> round(float(loss([[5.0]], [[2.5]])), 4)  # -log(0.5)
    0.6931
    """

    def __init__(self, low, high, name="scaled_binary_crossentropy", **kwargs):
        super().__init__(name=name, **kwargs)
        if not high > low:
            raise ValueError(f"The score range needs low < high, got ({low}, {high}).")
        self.low, self.high = float(low), float(high)

    def call(self, y_true, y_pred):
        span = self.high - self.low
        target = (ops.cast(y_true, "float32") - self.low) / span
        predicted = (ops.cast(y_pred, "float32") - self.low) / span
        target = ops.reshape(target, ops.shape(predicted))  # labels [batch], scores [batch, 1]
        return keras.losses.binary_crossentropy(target, predicted)

    def get_config(self):
        config = super().get_config()
        config.update(low=self.low, high=self.high)
        return config
