"""Attention maps equal the encoder's attention probabilities, with the wordpieces as labels."""

import numpy as np
import pytest

from keras_bert_lib.interpret import attention_maps, plot_attention
from tests.tiny_models import TEXTS, tiny_classifier


def test_maps_are_the_encoders_probabilities_without_padding(tmp_path):
    model = tiny_classifier()
    maps = attention_maps(model, TEXTS[0])
    assert maps.tokens == ["[CLS]", "the", "film", "was", "great", "!", "[SEP]"]
    config = model.encoder.config
    assert maps.probs.shape == (config.num_layers, config.num_heads, 7, 7)
    np.testing.assert_allclose(maps.probs.sum(-1), 1.0, atol=1e-5)

    features = {k: v.numpy() for k, v in model.preprocessor([TEXTS[0]]).items()}
    encoder = type(model.encoder).from_config(
        {**model.encoder.get_config(), "output_attentions": True}
    )
    encoder(features)
    encoder.set_weights(model.encoder.get_weights())
    padded = np.asarray(encoder(features)["attention_probs"][0])
    # With padding the probabilities over the real keys are the same.
    np.testing.assert_allclose(maps.probs, padded[:, :, :7, :7], atol=1e-6)

    pair = attention_maps(model, "the film", "was great")
    assert pair.tokens == ["[CLS]", "the", "film", "[SEP]", "was", "great", "[SEP]"]

    for kwargs in ({"layer": 0}, {"head": 1}):
        path = plot_attention(maps, tmp_path / "map.png", **kwargs)
        assert path.read_bytes()[:4] == b"\x89PNG"
    with pytest.raises(ValueError, match="exactly one"):
        plot_attention(maps, tmp_path / "x.png", layer=0, head=0)
    with pytest.raises(ValueError, match="layer must be in"):
        plot_attention(maps, tmp_path / "x.png", layer=5)
    with pytest.raises(TypeError, match="one text"):
        attention_maps(model, ["a", "b"])
