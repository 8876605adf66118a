"""Integrated gradients: completeness on real sentences, zero for a word the model cannot
tell from the baseline, words from wordpieces, pictures."""

import numpy as np
import pytest

from keras_bert_lib import BertClassifier
from keras_bert_lib.data.text_files import read_tsv
from keras_bert_lib.interpret import attributions_html, integrated_gradients, plot_attributions
from tests.tiny_models import TEXTS, VOCAB, tiny_classifier


def test_a_word_with_the_baselines_embedding_gets_nothing(tmp_path):
    model = tiny_classifier()
    rng = np.random.default_rng(0)
    for weight in model.weights:  # larger weights than the init's, so every word counts
        if "kernel" in weight.path:
            weight.assign(rng.normal(0, 0.5, size=weight.shape).astype("float32"))
    table = model.encoder.embeddings.token_embedding.embeddings
    values = rng.normal(size=table.shape)
    pad, awful = VOCAB.index("[PAD]"), VOCAB.index("awful")
    values[awful] = values[pad]  # the model cannot tell "awful" from the baseline
    table.assign(values.astype("float32"))
    scores = integrated_gradients(model, TEXTS[1], steps=16)
    assert scores.words[0] == ("awful", 0, 5)
    assert abs(scores.word_scores[0]) <= 1e-6
    assert np.abs(scores.word_scores[1:]).max() > 1e-3
    assert abs(scores.token_scores.sum() - scores.delta) <= 0.01 * abs(scores.delta) + 1e-4


def test_words_sum_their_pieces_and_a_chosen_target(tmp_path):
    model = tiny_classifier()
    scores = integrated_gradients(model, [TEXTS[3]], target=1, steps=8)[0]
    assert scores.target == 1
    assert scores.tokens == ["[CLS]", "very", ",", "very", "good", "film", "##s", "[SEP]"]
    assert [w for w, _, _ in scores.words] == ["Very,", "very", "good", "films"]
    pieces = scores.token_scores
    np.testing.assert_allclose(
        scores.word_scores, [pieces[1] + pieces[2], pieces[3], pieces[4], pieces[5] + pieces[6]]
    )
    assert plot_attributions(scores, tmp_path / "a.png").read_bytes()[:4] == b"\x89PNG"
    snippet = attributions_html(integrated_gradients(model, "a <b> film", steps=2))
    assert "&lt;b&gt;" in snippet and "<b>" not in snippet
    with pytest.raises(ValueError, match="target must be in"):
        integrated_gradients(model, "a film", target=3)
    with pytest.raises(TypeError, match="str or a list of str"):
        integrated_gradients(model, [1, 2])


@pytest.mark.slow
def test_completeness_on_sst2_dev_sentences(shared_data, reference_dir):
    model = BertClassifier.from_checkpoint(reference_dir, num_classes=2, sequence_length=64)
    head = model.get_layer("logits")
    head.kernel.assign(np.random.default_rng(0).normal(0, 1.0, size=head.kernel.shape))
    texts = [row["sentence"] for row in read_tsv(shared_data / "sst2" / "dev.tsv")[:20]]
    attributions = integrated_gradients(model, texts, steps=64)
    assert np.median([abs(a.delta) for a in attributions]) > 0.1  # a path worth integrating
    for scores in attributions:
        error = abs(scores.token_scores.sum() - scores.delta)
        assert error <= 0.01 * abs(scores.delta) + 1e-4, (scores.text, error, scores.delta)
