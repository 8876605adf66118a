"""Losses for task heads."""

from __future__ import annotations

import keras
import tensorflow as tf
from keras import ops

from keras_bert_lib.training.distribute import synced_replica_context


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


@keras.saving.register_keras_serializable(package="keras_bert_lib")
class MaskedLMCrossentropy(keras.losses.Loss):
    """Cross-entropy of masked-token logits, averaged over the real predictions of the
    *global* batch: the sum of weighted losses divided by the sum of the sample weights of
    all replicas.

    Keras' `reduction="mean_with_sample_weight"` divides by each replica's own weight sum and
    then averages the replicas, which differs from a one-device run whenever the replicas
    hold different numbers of real predictions (as pretraining batches do): the gradients
    would not be those of the global batch. Here each replica's loss is its weighted sum
    over the all-reduced weight sum, so the replicas' gradients add up to the global mean's;
    Keras' logs, which multiply a replica's loss by the number of replicas and average the
    replicas, then show the global mean too.

    Args:
        name: str. The loss name.

    Example:

    >>> loss = MaskedLMCrossentropy()
    >>> logits = ops.log(ops.convert_to_tensor([[[0.5, 0.5], [0.9, 0.1]]]))
    >>> labels, weights = ops.convert_to_tensor([[0, 1]]), ops.convert_to_tensor([[1.0, 0.0]])
    >>> round(float(loss(labels, logits, sample_weight=weights)), 4)  # -log(0.5)
    0.6931
    """

    def __init__(self, name="masked_lm_crossentropy"):
        super().__init__(name=name, reduction="sum")

    def call(self, y_true, y_pred):
        return keras.losses.sparse_categorical_crossentropy(y_true, y_pred, from_logits=True)

    def __call__(self, y_true, y_pred, sample_weight=None):
        with tf.name_scope(self.name):
            losses = self.call(y_true, ops.cast(y_pred, "float32"))
            if sample_weight is None:
                sample_weight = ops.ones_like(losses)
            weights = ops.reshape(ops.cast(sample_weight, "float32"), ops.shape(losses))
            total = ops.sum(losses * weights)
            count = ops.sum(weights)
            replicas = synced_replica_context()
            if replicas is not None:
                count = replicas.all_reduce(tf.distribute.ReduceOp.SUM, count)
            # Not divided by the number of replicas as Keras' own reductions are: the
            # replicas' gradients are summed, and the sum of their `total / count` is the
            # global mean.
            return ops.divide_no_nan(total, count)

    def get_config(self):
        return {"name": self.name}
