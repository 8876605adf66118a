import keras
import numpy as np
import pytest

from keras_bert_lib.layers import TransformerBlock
from tests.harness import assert_config_round_trip
from tests.layers.test_self_attention import dense_weights
from tests.numpy_bert import gelu, layer_norm, self_attention


def gelu_tanh(x):
    return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**3)))


@pytest.mark.parametrize(
    "hidden_act, activation",
    [("gelu", gelu), ("gelu_approximate", gelu_tanh), ("relu", lambda x: np.maximum(x, 0))],
)
def test_matches_numpy_post_layer_norm_block(hidden_act, activation):
    rng = np.random.default_rng(0)
    block = TransformerBlock(
        hidden_size=8,
        num_heads=2,
        intermediate_size=16,
        hidden_act=hidden_act,
        hidden_dropout=0.0,
        attention_dropout=0.0,
        layer_norm_epsilon=1e-12,
    )
    x = rng.normal(size=(2, 5, 8)).astype("float32")
    mask = np.array([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]], "int32")
    block(x, mask)
    # Unit-scale weights, so the activation's inputs span the range where the GELU forms differ.
    block.set_weights([rng.normal(size=w.shape).astype("float32") for w in block.get_weights()])
    output, _ = block(x, mask)

    attended, _ = self_attention(x, mask, *dense_weights(block.attention), heads=2)
    ln1, ln2 = block.attention_layer_norm, block.output_layer_norm
    h = layer_norm(x + attended, ln1.gamma.numpy(), ln1.beta.numpy(), 1e-12)
    dense1, dense2 = block.intermediate_dense, block.output_dense
    inner = activation(h @ dense1.kernel.numpy() + dense1.bias.numpy())
    ff = inner @ dense2.kernel.numpy() + dense2.bias.numpy()
    expected = layer_norm(h + ff, ln2.gamma.numpy(), ln2.beta.numpy(), 1e-12)
    np.testing.assert_allclose(np.asarray(output), expected, atol=5e-5)
    if hidden_act == "gelu":
        wrong = layer_norm(
            h
            + gelu_tanh(h @ dense1.kernel.numpy() + dense1.bias.numpy()) @ dense2.kernel.numpy()
            + dense2.bias.numpy(),
            ln2.gamma.numpy(),
            ln2.beta.numpy(),
            1e-12,
        )
        # The tanh form lies further from the output than the tolerance above.
        assert np.abs(np.asarray(output) - wrong).max() > 1e-4


def test_unknown_activation_is_rejected():
    with pytest.raises(ValueError, match="swish"):
        TransformerBlock(8, 2, 16, hidden_act="swish")


@pytest.mark.parametrize("hidden_act", ["gelu", "gelu_approximate", "relu"])
def test_config_round_trip(hidden_act):
    x = np.random.default_rng(1).normal(size=(1, 3, 8)).astype("float32")
    block = TransformerBlock(8, 2, 16, hidden_act=hidden_act, hidden_dropout=0, attention_dropout=0)
    assert_config_round_trip(block, x, np.ones((1, 3), "int32"))


def _twin_blocks(dropout):
    """Two blocks with the same weights and dropout seeds."""
    blocks = []
    for _ in range(2):
        keras.utils.set_random_seed(11)
        blocks.append(TransformerBlock(8, 2, 16, hidden_dropout=dropout, attention_dropout=dropout))
    return blocks


@pytest.mark.parametrize("training", [False, True])
def test_first_token_only_is_the_first_row_of_the_whole_block(training):
    """The first position's output and attention rows, with padding and, in training, the
    same dropout masks as the whole block's first row."""
    x = np.random.default_rng(2).normal(size=(3, 6, 8)).astype("float32")
    mask = np.array([[1] * 6, [1] * 4 + [0] * 2, [1, 1, 0, 0, 0, 0]], "int32")
    whole_block, first_block = _twin_blocks(dropout=0.3)
    whole, whole_probs = whole_block(x, mask, training=training)
    first, first_probs = first_block(x, mask, training=training, first_token_only=True)
    assert tuple(first.shape) == (3, 1, 8) and tuple(first_probs.shape) == (3, 2, 1, 6)
    np.testing.assert_allclose(first, np.asarray(whole)[:, :1], atol=1e-6)
    np.testing.assert_allclose(first_probs, np.asarray(whole_probs)[:, :, :1], atol=1e-6)
    if training:  # dropout acted: a block without it gives another first row
        calm, _ = _twin_blocks(dropout=0.0)[0](x, mask)
        assert np.abs(np.asarray(calm)[:, :1] - first).max() > 1e-3  # measured 4e-3
