"""Document-level sentence features: position-aware centrality and relative position."""

from __future__ import annotations

import keras
import tensorflow as tf


def forward_centrality(similarity, threshold, mask=None) -> tf.Tensor:
    """Position-aware centrality (PacSum, Zheng and Lapata 2019) of each sentence.

    Edges keep the part of each cosine similarity above `min + threshold * (max - min)` of
    the document's similarities between two different sentences; a sentence's score is the
    sum of its edges to the sentences *after* it, so an opening statement that the rest
    elaborates outranks a later sentence that repeats it. Scores are divided by the
    document's largest (1 is the best; all 0 for one sentence or equal similarities).

    Args:
        similarity: float32 `[n, n]`, or `[batch, n, n]`: cosine similarities.
        threshold: float in [0, 1).
        mask: None, or float32 `[batch, n]`: 1 for a sentence, 0 for padding.

    Example:

    >>> similarity = tf.constant([[1.0, 0.9, 0.2], [0.9, 1.0, 0.4], [0.2, 0.4, 1.0]])
    >>> # The cut is 0.2 + 0.5 * 0.7 = 0.55: one edge, 0-1, which only sentence 0 precedes.
    >>> forward_centrality(similarity, threshold=0.5).numpy()
    array([1., 0., 0.], dtype=float32)
    """
    similarity = tf.convert_to_tensor(similarity, tf.float32)
    if similarity.shape.rank == 2:
        return forward_centrality(similarity[None], threshold)[0]
    count = tf.shape(similarity)[1]
    if mask is None:
        mask = tf.ones(tf.shape(similarity)[:2])
    pairs = mask[:, :, None] * mask[:, None, :] * (1.0 - tf.eye(count))[None]
    present = pairs > 0
    low = tf.reduce_min(tf.where(present, similarity, 2.0), axis=[1, 2])
    high = tf.reduce_max(tf.where(present, similarity, -2.0), axis=[1, 2])
    cut = tf.where(tf.reduce_any(present, axis=[1, 2]), low + threshold * (high - low), 0.0)
    edges = tf.maximum(similarity - cut[:, None, None], 0.0) * pairs
    scores = tf.reduce_sum(tf.linalg.band_part(edges, 0, -1), axis=2)  # sentences j > i
    best = tf.reduce_max(tf.concat([scores, tf.zeros_like(scores[:, :1])], 1), axis=1)
    return tf.math.divide_no_nan(scores, best[:, None])


@keras.saving.register_keras_serializable(package="keras_bert_lib")
class SentenceFeatures(keras.layers.Layer):
    """Per sentence of a document: its L2-normalised embedding, its `forward_centrality` and
    its relative position (index / sentences), zero for padding.

    Args:
        threshold: float in [0, 1). The centrality's edge threshold.
        **kwargs: standard `keras.layers.Layer` arguments (`name`).

    Call arguments:
        embeddings: float `[batch, sentences, dim]`.
        sentence_mask: `[batch, sentences]`, 1 for a sentence, 0 for padding.

    Returns:
        float32 `[batch, sentences, dim + 2]`.

    Example:

    >>> features = SentenceFeatures()(tf.ones([1, 3, 4]), tf.constant([[1, 1, 0]]))
    >>> features[0, :, 4:].numpy().tolist()
    [[0.0, 0.0], [0.0, 0.5], [0.0, 0.0]]
    """

    def __init__(self, threshold=0.5, **kwargs):
        super().__init__(**kwargs)
        if not 0.0 <= threshold < 1.0:
            raise ValueError(f"threshold must be in [0, 1), got {threshold}.")
        self.threshold = threshold

    def call(self, embeddings, sentence_mask):
        embeddings = tf.math.l2_normalize(tf.cast(embeddings, tf.float32), axis=-1)
        mask = tf.cast(sentence_mask, tf.float32)
        similarity = tf.matmul(embeddings, embeddings, transpose_b=True)
        centrality = forward_centrality(similarity, self.threshold, mask)
        count = tf.reduce_sum(mask, axis=1, keepdims=True)
        position = tf.cumsum(mask, axis=1, exclusive=True) / tf.maximum(count, 1.0)
        features = tf.concat([embeddings, centrality[..., None], position[..., None]], -1)
        return features * mask[..., None]

    def compute_output_shape(self, embeddings_shape, sentence_mask_shape):
        return (*embeddings_shape[:2], embeddings_shape[2] + 2)

    def get_config(self):
        return {**super().get_config(), "threshold": self.threshold}
