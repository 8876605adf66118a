"""Workarounds of Keras 3.15 defects met when a `Task` trains under a `tf.distribute`
strategy, kept narrow: each changes nothing for a model made outside a strategy's scope, and
each has a test in `tests/training/test_distribute.py` (or the pretraining tool's) that fails
without it.
"""

import keras
import tensorflow as tf


class StrategyWorkarounds:
    """Mixed into `Task` (before `keras.Model`). `Task.fit` calls `_keep_build_batch` before
    each `keras.Model.fit` call."""

    def _keep_build_batch(self, make_dataset):
        """Under a distribution strategy, keeps a batch of a separate copy of the training
        data for `_maybe_symbolic_build`."""
        self._build_batch = None
        if self._distribute_strategy is not None:  # Keras' own test for "made in a scope"
            self._build_batch = next(iter(make_dataset()))

    def _maybe_symbolic_build(self, iterator=None, data_batch=None):
        # Keras 3 builds a model made under a distribution strategy from a batch it draws
        # from the training iterator: that opens one more iterator over the training data,
        # which moves a reshuffling dataset on to its next order (a distributed run would
        # train on other batches than a single-device one), and it MEAN-reduces the batch
        # across replicas (which fails on strings). Build from a batch of a separate copy of
        # the data instead (kept by `fit`).
        build_batch = getattr(self, "_build_batch", None)
        if iterator is not None and build_batch is not None:
            iterator, data_batch = None, build_batch
            # Keras' symbolic build of the compiled loss fails for dict outputs (it maps
            # the loss over the dict's keys); built here on the real batch, it is skipped.
            x, y, _ = keras.utils.unpack_x_y_sample_weight(build_batch)
            if self._compile_loss is not None and not self._compile_loss.built:
                with self.distribute_strategy.scope():
                    self._compile_loss.build(y, self(x, training=False))
        super()._maybe_symbolic_build(iterator=iterator, data_batch=data_batch)

    def train_step(self, data):
        return self._reducible_logs(super().train_step(data))

    def test_step(self, data):
        return self._reducible_logs(super().test_step(data))

    def _reducible_logs(self, logs):
        # Keras 3 reduces each step's logs across MultiWorkerMirroredStrategy workers with
        # `strategy.reduce("MEAN", value, axis=0)`, which fails on the scalar logs ("Invalid
        # reduction dimension 0"). Shaped `[1]`, they reduce to the scalar mean.
        if isinstance(self.distribute_strategy, tf.distribute.MultiWorkerMirroredStrategy):
            return {name: tf.reshape(value, [1]) for name, value in logs.items()}
        return logs
