"""Dropout whose masks come from the Philox generator, which XLA compiles to fast CPU code."""

import keras
import tensorflow as tf


@keras.saving.register_keras_serializable(package="keras_bert_lib")
class PhiloxDropout(keras.layers.Dropout):
    """`keras.layers.Dropout` drawing its masks with the Philox algorithm.

    Keras' TensorFlow backend calls `tf.nn.experimental.stateless_dropout` with the default
    `"auto_select"` algorithm. Under XLA on a CPU (`jit_compile=True`, what
    `tools/pretrain.py` trains with), that draws about 3 M numbers a second against about
    350 M with Philox on the same CPU, so dropout 0.1 made a `bert_tiny` pretraining step
    several times slower (`benchmarks/bench_pretraining_step.py --dropout 0.1`). Philox is
    what `"auto_select"` resolves to on CPU: the masks are exactly Keras' layer's, with XLA
    and without (`tests/layers/test_philox_dropout.py`), so results do not change, only the
    speed. Masks stay a pure function of the layer's `SeedGenerator` state, so a run resumed
    from a backup draws the masks an unbroken one would.

    A layer computing only part of a tensor (the first position of a block that
    `BertEncoder` runs for `[CLS]` alone) passes `drawn_shape` and `first_along`: the mask is
    drawn for the whole `drawn_shape` and its index-0 slice along `first_along` applied, so
    that part is dropped exactly as if the whole tensor had been computed.

    Args:
        rate: float in [0, 1). Fraction of the inputs dropped in training.
        noise_shape: as for `keras.layers.Dropout`.
        seed: int or None. Seed of the layer's generator.
        **kwargs: standard `keras.layers.Layer` arguments (`name`, `dtype`).

    Example:

    >>> layer = PhiloxDropout(0.5, seed=1)
    >>> outputs = layer(keras.ops.ones((2, 4)), training=True)  # zeros and 2.0s
    """

    def call(self, inputs, training=False, drawn_shape=None, first_along=None):
        """Call arguments beyond Keras' `Dropout`: `drawn_shape`, the shape the mask is drawn
        for (a sequence, or a 1-D tensor when it holds tensors), and `first_along`, the axis
        of it whose index 0 `inputs` hold (their shape is the slice's, or the slice's without
        that axis)."""
        if not training or self.rate == 0:
            return inputs
        # The seed cast and the noise shape follow Keras' own dropout (the private
        # `_cast_seed` and `_get_concrete_noise_shape` of its TensorFlow backend's
        # random.py), which are not public API: Keras keeps the state in int64, and the
        # stateless ops want int32 under XLA.
        seed = self.seed_generator.next()
        seed = tf.cast(tf.math.floormod(seed, tf.int32.max - 1), tf.int32)
        if drawn_shape is not None:
            return self._dropped_slice(inputs, seed, drawn_shape, first_along)
        noise_shape = self.noise_shape
        if noise_shape is not None:
            noise_shape = [
                tf.shape(inputs)[axis] if size is None else size
                for axis, size in enumerate(noise_shape)
            ]
        return tf.nn.experimental.stateless_dropout(
            inputs, rate=self.rate, seed=seed, rng_alg="philox", noise_shape=noise_shape
        )

    def _dropped_slice(self, inputs, seed, drawn_shape, first_along):
        # `stateless_dropout`'s own steps (tensorflow/python/ops/nn_ops.py `_dropout`): the
        # same uniform draw, kept where >= rate, the kept values scaled by 1 / (1 - rate).
        if self.noise_shape is not None:
            raise ValueError("drawn_shape cannot be combined with a noise_shape.")
        uniform = tf.random.stateless_uniform(drawn_shape, seed, dtype=inputs.dtype, alg="philox")
        drawn_shape = tf.convert_to_tensor(drawn_shape, tf.int32)
        rank = drawn_shape.shape[0]
        begin = [0] * rank
        size = [-1] * rank
        size[first_along] = 1
        keep = tf.reshape(tf.slice(uniform, begin, size) >= self.rate, tf.shape(inputs))
        scaled = inputs * tf.convert_to_tensor(1 / (1 - self.rate), inputs.dtype)
        return tf.where(keep, scaled, tf.zeros((), inputs.dtype))
