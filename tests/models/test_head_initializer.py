"""Task heads start from transformers' draw: a plain normal at `initializer_range`."""

import keras
import numpy as np

from keras_bert_lib import (
    BertClassifier,
    BertConfig,
    BertEncoder,
    BertSpanLabeler,
    BertTokenClassifier,
)


def test_task_heads_are_drawn_from_an_untruncated_normal():
    keras.utils.set_random_seed(0)
    config = BertConfig(vocab_size=16, hidden_size=128, num_layers=1, num_heads=2,
                        intermediate_size=32, max_position_embeddings=16)  # fmt: skip
    heads = [
        BertClassifier(BertEncoder(config), num_classes=8).get_layer("logits"),
        BertTokenClassifier(BertEncoder(config), ["O", "B-A", "I-A", "B-B", "I-B"]).get_layer(
            "logits"
        ),
        BertSpanLabeler(BertEncoder(config)).get_layer("span_logits"),
    ]
    std = config.initializer_range
    for head in heads:
        kernel = keras.ops.convert_to_numpy(head.kernel)
        # A normal puts 4.6% of its draws beyond two standard deviations; a truncated one none.
        assert np.mean(np.abs(kernel) > 2 * std) > 0.01, head.name
    weights = np.concatenate([keras.ops.convert_to_numpy(h.kernel).ravel() for h in heads])
    # Truncating at two standard deviations would give 0.88 * std (0.0176).
    np.testing.assert_allclose(weights.std(), std, rtol=0.04)
    np.testing.assert_allclose(weights.mean(), 0.0, atol=0.002)
