"""How a summarizer scores a document's sentences, in-graph: one function that `Summarizer`
runs in Python and `serving.py` saves in the SavedModel, so they cannot differ.
"""

from __future__ import annotations

import tensorflow as tf

from keras_bert_lib.layers.sentence_features import forward_centrality
from keras_bert_lib.models.inter_sentence_scorer import InterSentenceScorer
from keras_bert_lib.models.sentence_encoder import SentenceEncoder
from keras_bert_lib.models.task_data import trim_padding
from keras_bert_lib.summarize.lexical_salience import name_coverage, sentence_words, word_salience


def check_summarizer_models(encoder, scorer):
    """Raises unless `encoder` is a `SentenceEncoder` with a preprocessor and `scorer` is
    None or an `InterSentenceScorer` for embeddings of the encoder's width."""
    if not isinstance(encoder, SentenceEncoder):
        raise TypeError(f"A summarizer needs a SentenceEncoder, got {type(encoder).__name__}.")
    if encoder.preprocessor is None:
        raise ValueError("A summarizer's SentenceEncoder needs a BertPreprocessor.")
    if scorer is None:
        return
    if not isinstance(scorer, InterSentenceScorer):
        raise TypeError(f"scorer must be an InterSentenceScorer, got {type(scorer).__name__}.")
    width = encoder.encoder.config.hidden_size
    if scorer.embedding_size != width:
        raise ValueError(
            f"The scorer reads {scorer.embedding_size}-wide sentence embeddings, but the "
            f"encoder makes {width}-wide ones: use the encoder it was trained with."
        )


def _rescaled(values):
    """`values` mapped linearly onto [0, 1] (all 0 when they are equal)."""
    low = tf.reduce_min(values)
    return tf.math.divide_no_nan(values - low, tf.reduce_max(values) - low)


def unsupervised_scores(sentences, similarity, threshold, word_weight, name_weight):
    """float32 `[n]` in [0, 1]: `forward_centrality(similarity, threshold)` plus
    `word_weight` and `name_weight` times the `word_salience` and `name_coverage` of the
    sentences (each rescaled to [0, 1] over the document), divided by the largest."""
    words = sentence_words(sentences)
    total = (
        forward_centrality(similarity, threshold)
        + word_weight * _rescaled(word_salience(words))
        + name_weight * _rescaled(name_coverage(words))
    )
    return tf.math.divide_no_nan(total, tf.reduce_max(total))


def sentence_scoring(encoder, scorer=None, threshold=0.5, word_weight=0.5, name_weight=1.0):
    """The in-graph scoring of a document's sentences.

    Args:
        encoder: a `SentenceEncoder` with its preprocessor.
        scorer: None (unsupervised: `unsupervised_scores`) or a trained
            `InterSentenceScorer` (supervised: the probability it gives each sentence).
        threshold: float. See `forward_centrality`.
        word_weight: float >= 0. See `unsupervised_scores`.
        name_weight: float >= 0. See `unsupervised_scores`.

    Returns:
        A function `sentences` (tf.string `[n]`, a document's sentences in order) -> dict
        of `scores` float32 `[n]` in [0, 1] and the cosine `similarity` `[n, n]` of the
        sentence embeddings (what redundancy control needs).
    """
    check_summarizer_models(encoder, scorer)

    def score(sentences):
        embeddings = encoder(trim_padding(encoder.preprocessor(sentences)), training=False)
        embeddings = tf.math.l2_normalize(embeddings, axis=1)
        similarity = tf.matmul(embeddings, embeddings, transpose_b=True)
        if scorer is None:
            scores = unsupervised_scores(sentences, similarity, threshold, word_weight, name_weight)
            return {"scores": scores, "similarity": similarity}
        inputs = {
            "sentence_embeddings": embeddings[None],
            "sentence_mask": tf.ones_like(embeddings[None, :, 0], tf.int32),
        }
        scores = tf.sigmoid(scorer(inputs, training=False)[0])
        return {"scores": scores, "similarity": similarity}

    return score
