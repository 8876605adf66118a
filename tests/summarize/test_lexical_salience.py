"""Word salience and name coverage against hand-computed values; the unsupervised score."""

import numpy as np
import tensorflow as tf

from keras_bert_lib.layers.sentence_features import forward_centrality
from keras_bert_lib.summarize.lexical_salience import name_coverage, sentence_words, word_salience
from keras_bert_lib.summarize.sentence_scoring import unsupervised_scores

SENTENCES = tf.constant(
    ["The cat sat with Tom.", "Tom saw the cat and the dog.", "Rain fell.", "..."]
)


def test_word_salience_by_hand():
    # Content words and the share of the 4 sentences holding each: cat 2/4, sat 1/4, tom 2/4,
    # saw 1/4, dog 1/4, rain 1/4, fell 1/4 ("the", "with", "and" are stopwords).
    expected = [(0.5 + 0.25 + 0.5) / 3, (0.5 + 0.25 + 0.5 + 0.25) / 4, 0.25, 0.0]
    np.testing.assert_allclose(word_salience(sentence_words(SENTENCES)), expected, rtol=1e-6)
    # Repeats count: "cat cat dog" weighs cat twice.
    repeated = tf.constant(["cat cat dog", "cat"])
    np.testing.assert_allclose(word_salience(sentence_words(repeated)), [(1 + 1 + 0.5) / 3, 1])


def test_name_coverage_by_hand():
    # "Tom" opens sentence 2, so only its use inside sentence 1 makes it a name; "Rain"
    # opens its sentence and is not one. Sentence 2 still contains the name.
    np.testing.assert_allclose(name_coverage(sentence_words(SENTENCES)), [1, 1, 0, 0])
    document = tf.constant(
        ["Ann met Bob and Cy in Rome.", "Then Bob left Rome.", "In Rome, bob ate.", "Cy sat."]
    )
    # Counts: Rome 3, Bob 2, Cy 1 (Ann and Then open sentences; "In" too): the top two
    # are rome and bob, found in any case.
    coverage = name_coverage(sentence_words(document), names=2)
    np.testing.assert_allclose(coverage, [1, 1, 1, 0])
    # Ties go to the first seen: Bob before Cy before Rome at one use each.
    tied = tf.constant(["So Bob, Cy and Rome.", "Cy.", "Rome."])
    np.testing.assert_allclose(name_coverage(sentence_words(tied), names=1), [1, 0, 0])
    np.testing.assert_allclose(name_coverage(sentence_words(tf.constant(["a b", "c"]))), [0, 0])


def test_unsupervised_scores_add_the_evidence_and_stay_in_range():
    similarity = tf.constant(
        [[1, 0.8, 0.2, 0.6], [0.8, 1, 0.3, 0.2], [0.2, 0.3, 1, 0.7], [0.6, 0.2, 0.7, 1]]
    )
    alone = unsupervised_scores(SENTENCES, similarity, 0.5, 0.0, 0.0)
    np.testing.assert_allclose(alone, forward_centrality(similarity, 0.5), atol=1e-6)
    # Centrality [1, 0, 0.5, 0]; word salience rescaled [1, 0.9, 0.6, 0]; names [1, 1, 0, 0].
    total = np.array([1 + 0.5 * 1 + 1, 0 + 0.5 * 0.9 + 1, 0.5 + 0.5 * 0.6, 0.0])
    mixed = unsupervised_scores(SENTENCES, similarity, 0.5, 0.5, 1.0)
    np.testing.assert_allclose(mixed, total / total.max(), atol=1e-6)
    empty = unsupervised_scores(tf.constant([], tf.string), tf.zeros([0, 0]), 0.5, 0.5, 1.0)
    assert empty.shape == (0,)
