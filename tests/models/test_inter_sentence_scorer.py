"""InterSentenceScorer: features, the masked loss, padding, training, saving, bad input."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_bert_lib.layers.sentence_features import SentenceFeatures
from keras_bert_lib.models.inter_sentence_scorer import InterSentenceScorer, masked_sentence_loss
from keras_bert_lib.summarize.document_batches import document_batches
from tests.harness import assert_config_round_trip, assert_keras_file_round_trip


def documents(seed=0, count=24, width=6):
    """Random documents in which the two sentences closest in angle to one hidden direction
    (the same for every seed) are labelled."""
    direction = np.random.default_rng(99).normal(size=width)
    rng = np.random.default_rng(seed)
    embeddings, labels = [], []
    for _ in range(count):
        rows = rng.normal(size=(int(rng.integers(3, 9)), width)).astype(np.float32)
        closeness = rows @ direction / np.linalg.norm(rows, axis=1)
        embeddings.append(rows)
        labels.append((closeness >= np.sort(closeness)[-2]).astype(np.float32).tolist())
    return embeddings, labels


def test_masked_loss_equals_numpy_and_skips_padding():
    labels = np.array([[1.0, 0.0, -1.0], [0.0, -1.0, -1.0]], np.float32)
    logits = np.array([[2.0, -1.0, 50.0], [0.5, -50.0, 7.0]], np.float32)
    present = labels >= 0
    p = 1 / (1 + np.exp(-logits[present]))
    y = labels[present]
    expected = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert float(masked_sentence_loss(labels, logits)) == pytest.approx(expected, rel=1e-6)


def test_sentence_features_hand_computed():
    embeddings = tf.constant([[[3.0, 4.0], [3.0, 4.0], [0.0, 2.0], [9.0, 9.0]]])
    features = SentenceFeatures(threshold=0.5)(embeddings, tf.constant([[1, 1, 1, 0]]))
    np.testing.assert_allclose(features[0, 0, :2], [0.6, 0.8], atol=1e-6)  # L2-normalised
    # Cosines: 0-1 1.0, 0-2 and 1-2 0.8; cut 0.8 + 0.5 * 0.2 = 0.9: one edge, 0-1.
    np.testing.assert_allclose(features[0, :, 2], [1, 0, 0, 0], atol=1e-6)
    np.testing.assert_allclose(features[0, :, 3], [0, 1 / 3, 2 / 3, 0], atol=1e-6)
    assert not np.any(features[0, 3].numpy())  # padding is all zeros


def test_padding_does_not_change_a_documents_scores():
    scorer = InterSentenceScorer(6, hidden_size=8, num_layers=1, num_heads=2)
    embeddings, _ = documents()
    alone = scorer.predict(document_batches(embeddings[:1]), verbose=0)[0]
    batched = scorer.predict(document_batches(embeddings[:4], batch_size=4), verbose=0)[0]
    np.testing.assert_allclose(batched[: len(alone)], alone, atol=1e-5)


def test_training_learns_which_sentences_to_pick(tmp_path):
    keras.utils.set_random_seed(0)
    scorer = InterSentenceScorer(6, hidden_size=16, num_layers=1, num_heads=2, dropout=0.0)
    scorer.compile(optimizer=keras.optimizers.Adam(3e-3), loss=masked_sentence_loss)
    embeddings, labels = documents(count=96)
    batches = document_batches(embeddings, labels, 16, shuffle=True)
    history = scorer.fit(batches, epochs=40, shuffle=False, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    test_embeddings, test_labels = documents(seed=1)
    logits = scorer.predict(document_batches(test_embeddings), verbose=0)
    hits = [
        set(np.argsort(-row[: len(y)])[:2]) == set(np.flatnonzero(y))
        for row, y in zip(logits, test_labels, strict=True)
    ]
    chance = np.mean([2 / (len(y) * (len(y) - 1)) for y in test_labels])  # one pair in C(n, 2)
    assert chance < 0.11 and np.mean(hits) >= 0.6  # both right sentences on unseen documents
    inputs = next(iter(document_batches(test_embeddings[:3], batch_size=3)))
    assert_keras_file_round_trip(scorer, inputs, tmp_path)


def test_config_round_trip():
    scorer = InterSentenceScorer(6, hidden_size=8, num_layers=2, num_heads=2, threshold=0.3)
    inputs = next(iter(document_batches(documents()[0][:2], batch_size=2)))
    assert_config_round_trip(scorer, inputs)
    assert_config_round_trip(SentenceFeatures(0.3), inputs["sentence_embeddings"],
                             inputs["sentence_mask"])  # fmt: skip


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="threshold must be in"):
        InterSentenceScorer(6, threshold=1.0)
    with pytest.raises(ValueError, match="Document 1 has no sentences"):
        document_batches([np.ones((2, 6)), np.ones((0, 6))])
    with pytest.raises(ValueError, match="2 sentences but 3 labels"):
        document_batches([np.ones((2, 6))], [[1, 0, 0]])
