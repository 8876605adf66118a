"""Gradient clipping after the gradients of all replicas are summed.

Keras 3 (TensorFlow backend) clips in `Optimizer._backend_apply_gradients`, before
`_backend_update_step` all-reduces the replicas' gradients: under a distribution strategy each
replica clips its own share, so `global_clipnorm` bounds the parts, not the sum, and training
differs from one device with the same global batch as soon as clipping acts (tf.keras 2
refused clipping under strategies for this reason: tensorflow/tensorflow#33929). With more
than one replica, this mixin leaves `_clip_gradients` to `_backend_update_step` and clips
there, after the all-reduce and before the update, once for all replicas alike.

Either way the norm is that of the gradients as they update the weights. An embedding's
gradient is a `tf.IndexedSlices` with one row per looked-up position, and Keras measures
its norm over those rows as they are: the segment embedding's 480 rows of a batch of 16
short sentences count as 480 vectors, not as their sum, the row that updates the weights.
The global norm came out 3.14 instead of 3.23 on WNUT-2017's first batch (transformers,
which sums first: 3.23), so clipping let through larger updates than the norm allowed.
Rows of the same index are summed before clipping here.
"""

from __future__ import annotations

import keras
import tensorflow as tf

from keras_bert_lib.training.distribute import synced_replica_context


def summed_slices(grads):
    """`grads` with every `tf.IndexedSlices` reduced to one row per index (their sum), so
    norms are those of the dense gradients; other gradients as they are."""

    def summed(grad):
        if not isinstance(grad, tf.IndexedSlices):
            return grad
        indices, position = tf.unique(grad.indices)
        values = tf.math.unsorted_segment_sum(grad.values, position, tf.size(indices))
        return tf.IndexedSlices(values, indices, grad.dense_shape)

    return [summed(grad) for grad in grads]


class ClipAfterAllReduce:
    """Mixin for a `keras.optimizers.Optimizer` (first base): clipping of the summed
    gradients under a distribution strategy, and of embedding gradients by the norm of
    their summed rows."""

    def _clip_gradients(self, grads):
        if synced_replica_context() is not None:
            return grads  # clipped in _backend_update_step, after the all-reduce
        return super()._clip_gradients(self._summed_if_clipping(grads))

    def _summed_if_clipping(self, grads):
        clipping = self.global_clipnorm or self.clipnorm or self.clipvalue
        return summed_slices(grads) if clipping else grads

    def _backend_update_step(self, grads, trainable_variables, learning_rate):
        if synced_replica_context() is None:
            return super()._backend_update_step(grads, trainable_variables, learning_rate)
        # Keras' own `_backend_update_step` with the clipping put between its two steps.
        variables = [v.value if isinstance(v, keras.Variable) else v for v in trainable_variables]
        reduced = self._all_reduce_sum_gradients(list(zip(grads, variables, strict=True)))
        clipped = super()._clip_gradients(self._summed_if_clipping([grad for grad, _ in reduced]))
        tf.__internal__.distribute.interim.maybe_merge_call(
            self._distributed_tf_update_step,
            self._distribution_strategy,
            list(zip(clipped, variables, strict=True)),
            learning_rate,
        )


def check_replica_clipping(optimizer, num_replicas):
    """Raises when `optimizer` would clip as Keras does (each replica its own share of the
    gradients) while `num_replicas` > 1 train in sync: training would silently differ from
    one device with the same global batch. Optimizers with `ClipAfterAllReduce` pass.

    Example:

    >>> check_replica_clipping(keras.optimizers.SGD(clipnorm=1.0), num_replicas=1)
    """
    if num_replicas < 2 or isinstance(optimizer, ClipAfterAllReduce):
        return
    if not isinstance(optimizer, keras.optimizers.Optimizer):
        return  # a name: Keras builds it without clipping
    names = ("clipnorm", "clipvalue", "global_clipnorm")
    clipping = {name: getattr(optimizer, name) for name in names if getattr(optimizer, name)}
    if clipping:
        settings = ", ".join(f"{name}={value}" for name, value in clipping.items())
        raise ValueError(
            f"{type(optimizer).__name__}({settings}) would clip each of the {num_replicas} "
            "replicas' share of the gradients, not their sum (Keras clips before the "
            "all-reduce). Use keras_bert_lib.training.optimizers.AdamW or "
            "keras_bert_lib.training.lamb.Lamb (the same arguments), or optimizer='auto', "
            "which clip the summed gradients."
        )
