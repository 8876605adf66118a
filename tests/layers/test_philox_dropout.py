import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_bert_lib.layers.philox_dropout import PhiloxDropout
from tests.harness import assert_config_round_trip

INPUTS = np.random.default_rng(0).normal(size=(4, 64, 32)).astype("float32")


def test_inference_and_rate_zero_pass_through():
    np.testing.assert_array_equal(PhiloxDropout(0.3, seed=1)(INPUTS), INPUTS)
    np.testing.assert_array_equal(PhiloxDropout(0.0, seed=1)(INPUTS, training=True), INPUTS)


def test_same_masks_as_keras_dropout():
    """Without XLA, Keras' own layer (its default algorithm) draws the same masks from the
    same seed: the switch to Philox changes no result, only the speed under XLA."""
    ours, theirs = PhiloxDropout(0.2, seed=7), keras.layers.Dropout(0.2, seed=7)
    for _ in range(2):  # the second call checks the seed state advances alike
        np.testing.assert_array_equal(ours(INPUTS, training=True), theirs(INPUTS, training=True))


def test_under_xla_same_masks_as_keras_dropout():
    """Under XLA too (which draws other masks than the runtime kernels, for both layers)."""
    ours, theirs = PhiloxDropout(0.1, seed=3), keras.layers.Dropout(0.1, seed=3)
    ours_step = tf.function(lambda x: ours(x, training=True), jit_compile=True)
    theirs_step = tf.function(lambda x: theirs(x, training=True), jit_compile=True)
    for _ in range(2):
        np.testing.assert_array_equal(ours_step(INPUTS), theirs_step(INPUTS))


def test_drops_the_rate_and_rescales_the_rest():
    rate = 0.25
    outputs = np.asarray(PhiloxDropout(rate, seed=0)(INPUTS, training=True))
    dropped = outputs == 0
    assert abs(dropped.mean() - rate) < 0.015  # 3 standard deviations of 8,192 draws
    np.testing.assert_allclose(outputs[~dropped], INPUTS[~dropped] / (1 - rate), rtol=1e-6)


def test_noise_shape_shares_the_mask():
    layer = PhiloxDropout(0.5, noise_shape=(None, 1, 32), seed=0)
    dropped = np.asarray(layer(INPUTS, training=True)) == 0
    assert dropped.any() and not dropped.all()
    np.testing.assert_array_equal(dropped, np.broadcast_to(dropped[:, :1], dropped.shape))


@pytest.mark.parametrize("noise_shape", [None, (None, 1, 32)])
def test_round_trip(noise_shape):
    assert_config_round_trip(PhiloxDropout(0.1, noise_shape=noise_shape, seed=2), INPUTS)


@pytest.mark.parametrize("jit_compile", [False, True])
def test_a_slice_is_dropped_as_in_the_whole_tensor(jit_compile):
    """`drawn_shape` + `first_along`: the first position alone gets exactly the mask that
    dropping the whole tensor gives it, with and without its axis, with XLA and without."""
    whole_layer, slice_layer = PhiloxDropout(0.3, seed=4), PhiloxDropout(0.3, seed=4)
    whole_step = tf.function(lambda x: whole_layer(x, training=True), jit_compile=jit_compile)
    slice_step = tf.function(
        lambda x: slice_layer(x, training=True, drawn_shape=INPUTS.shape, first_along=1),
        jit_compile=jit_compile,
    )
    whole = np.asarray(whole_step(INPUTS))
    np.testing.assert_array_equal(slice_step(INPUTS[:, :1]), whole[:, :1])
    whole = np.asarray(whole_step(INPUTS))  # the next draw: the seeds advance alike
    np.testing.assert_array_equal(slice_step(INPUTS[:, 0]), whole[:, 0])
    assert (whole[:, 0] == 0).any() and (whole[:, 0] != 0).any()


def test_a_slice_refuses_a_noise_shape():
    layer = PhiloxDropout(0.5, noise_shape=(None, 1, 32), seed=0)
    with pytest.raises(ValueError, match="noise_shape"):
        layer(INPUTS[:, :1], training=True, drawn_shape=INPUTS.shape, first_along=1)
