import numpy as np
import pytest

from keras_bert_lib.layers import BertEmbeddings
from tests.harness import assert_config_round_trip
from tests.numpy_bert import layer_norm


def make_layer(**kwargs):
    args = dict(
        vocab_size=11,
        hidden_size=8,
        max_position_embeddings=6,
        type_vocab_size=2,
        layer_norm_epsilon=1e-5,
        dropout=0.0,
    )
    args.update(kwargs)
    return BertEmbeddings(**args)


def test_sum_of_three_tables_then_layer_norm():
    layer = make_layer()
    token_ids = np.array([[1, 5, 10, 0]], "int32")
    segment_ids = np.array([[0, 0, 1, 1]], "int32")
    output = np.asarray(layer(token_ids, segment_ids))

    tokens = layer.token_embedding.embeddings.numpy()
    segments = layer.segment_embedding.embeddings.numpy()
    positions = layer.position_embeddings.numpy()
    total = tokens[token_ids[0]] + segments[segment_ids[0]] + positions[:4]
    gamma, beta = layer.layer_norm.gamma.numpy(), layer.layer_norm.beta.numpy()
    np.testing.assert_allclose(output[0], layer_norm(total, gamma, beta, 1e-5), atol=1e-5)


def test_sequence_longer_than_position_table_is_rejected():
    with pytest.raises(ValueError, match="exceeds max_position_embeddings"):
        make_layer()(np.zeros((1, 7), "int32"), np.zeros((1, 7), "int32"))


def test_config_round_trip():
    ids = np.array([[1, 2, 3]], "int32")
    assert_config_round_trip(make_layer(), ids, np.zeros_like(ids))
