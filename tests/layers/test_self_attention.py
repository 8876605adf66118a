import keras
import numpy as np
import pytest

from keras_bert_lib.layers import MultiHeadSelfAttention
from tests.harness import assert_config_round_trip
from tests.numpy_bert import self_attention


def dense_weights(layer):
    return [
        w.numpy()
        for d in (layer.query, layer.key, layer.value, layer.output_dense)
        for w in (d.kernel, d.bias)
    ]


def test_matches_numpy_attention_and_ignores_padding_keys():
    rng = np.random.default_rng(0)
    layer = MultiHeadSelfAttention(hidden_size=8, num_heads=2, attention_dropout=0.0)
    x = rng.normal(size=(2, 4, 8)).astype("float32")
    mask = np.array([[1, 1, 1, 0], [1, 1, 0, 0]], "int32")
    output, probs = layer(x, mask)
    expected, expected_probs = self_attention(x, mask, *dense_weights(layer), heads=2)
    np.testing.assert_allclose(np.asarray(output), expected, atol=1e-5)
    np.testing.assert_allclose(np.asarray(probs), expected_probs, atol=1e-6)
    probs = np.asarray(probs)
    assert probs.dtype == np.float32
    assert np.all(probs[0, :, :, 3] == 0) and np.all(probs[1, :, :, 2:] == 0)
    np.testing.assert_allclose(probs.sum(-1), 1.0, atol=1e-6)


def test_fully_padded_row_stays_finite():
    layer = MultiHeadSelfAttention(hidden_size=8, num_heads=2, attention_dropout=0.0)
    output, probs = layer(np.ones((1, 3, 8), "float32"), np.zeros((1, 3), "int32"))
    assert np.isfinite(np.asarray(output)).all() and np.isfinite(np.asarray(probs)).all()


def test_config_round_trip():
    x = np.random.default_rng(1).normal(size=(1, 3, 8)).astype("float32")
    layer = MultiHeadSelfAttention(hidden_size=8, num_heads=4, attention_dropout=0.0)
    assert_config_round_trip(layer, x, np.ones((1, 3), "int32"))


@pytest.mark.parametrize("flat", [False, True])
def test_first_token_only_shapes_symbolic_and_eager(flat):
    """The symbolic output specs (a functional graph's) match what the call returns."""
    layer = MultiHeadSelfAttention(hidden_size=8, num_heads=2)
    x = np.random.default_rng(0).normal(size=(6, 8) if flat else (2, 3, 8)).astype("float32")
    mask = np.ones((2, 3), "int32")
    output, probs = layer(x, mask, first_token_only=True)
    symbolic = layer(
        keras.KerasTensor((None, 8) if flat else (2, 3, 8)),
        keras.KerasTensor((2, 3), dtype="int32"),
        first_token_only=True,
    )
    assert tuple(output.shape) == ((2, 8) if flat else (2, 1, 8))
    assert tuple(probs.shape) == (2, 2, 1, 3)
    assert symbolic[0].shape == ((2, 8) if flat else (2, 1, 8))
    assert symbolic[1].shape == (2, 2, 1, 3)
