"""MaskedLMHead: logits at the gathered positions through the tied table, by hand."""

import keras
import numpy as np
from keras import ops

from keras_bert_lib.layers.masked_lm_head import MaskedLMHead
from tests.harness import assert_config_round_trip


def head_and_inputs():
    keras.utils.set_random_seed(0)
    embedding = keras.layers.Embedding(10, 4)
    embedding.build((None,))
    sequence = keras.random.normal((2, 5, 4))
    positions = ops.convert_to_tensor([[1, 3], [0, 4]])
    return MaskedLMHead(embedding, hidden_act="relu"), sequence, positions


def test_logits_by_hand():
    head, sequence, positions = head_and_inputs()
    logits = ops.convert_to_numpy(head(sequence, positions))
    x = ops.convert_to_numpy(sequence)[np.arange(2)[:, None], [[1, 3], [0, 4]]]
    hidden = np.maximum(x @ head.dense.kernel.numpy() + head.dense.bias.numpy(), 0)
    mean, var = hidden.mean(-1, keepdims=True), hidden.var(-1, keepdims=True)
    normed = (hidden - mean) / np.sqrt(var + 1e-12) * head.layer_norm.gamma.numpy()
    expected = normed @ head.token_embedding.embeddings.numpy().T + head.bias.numpy()
    np.testing.assert_allclose(logits, expected, atol=1e-5)
    assert logits.shape == (2, 2, 10)


def test_config_round_trip():
    head, sequence, positions = head_and_inputs()
    assert_config_round_trip(head, sequence, positions)
