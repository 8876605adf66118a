"""Every layer through `run_layer_test`: config round trip and a mixed-precision pass."""

import keras
import numpy as np
import pytest

from keras_bert_lib.layers import (
    BertEmbeddings,
    MaskedPooling,
    MultiHeadSelfAttention,
    TransformerBlock,
)
from keras_bert_lib.layers.masked_lm_head import MaskedLMHead
from tests.harness import run_layer_test

rng = np.random.default_rng(0)
SEQUENCE = rng.normal(size=(2, 5, 8)).astype("float32")
MASK = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], "int32")
IDS = np.array([[2, 5, 7, 3, 0], [2, 4, 4, 9, 3]], "int32")


def embedding_table():
    keras.utils.set_random_seed(0)
    table = keras.layers.Embedding(10, 8)
    table.build((None,))
    return table


def layers():
    def build(cls, **kwargs):
        return lambda dtype=None: cls(**kwargs, dtype=dtype)

    return {
        "embeddings": (
            build(BertEmbeddings, vocab_size=11, hidden_size=8, max_position_embeddings=6,
                  type_vocab_size=2, dropout=0.0),
            (IDS, np.zeros_like(IDS)),
        ),
        "self_attention": (
            build(MultiHeadSelfAttention, hidden_size=8, num_heads=2, attention_dropout=0.0),
            (SEQUENCE, MASK),
        ),
        "transformer_block": (
            build(TransformerBlock, hidden_size=8, num_heads=2, intermediate_size=16,
                  hidden_dropout=0.0, attention_dropout=0.0),
            (SEQUENCE, MASK),
        ),
        "masked_pooling": (build(MaskedPooling, mode="mean"), (SEQUENCE, MASK)),
        "masked_lm_head": (
            build(MaskedLMHead, token_embedding=embedding_table()),
            (SEQUENCE, np.array([[1, 3], [0, 4]], "int32")),
        ),
    }  # fmt: skip


@pytest.mark.parametrize("name", sorted(layers()))
def test_layer(name):
    make_layer, call_args = layers()[name]
    # bfloat16 keeps 8 bits of mantissa: its outputs move, but not far.
    assert 0 < run_layer_test(make_layer, *call_args) <= 0.05
