"""Documents as batches for `InterSentenceScorer`: each document's sentence embeddings,
padded to the longest document of its batch, with a mask and (for training) labels."""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from keras_bert_lib.data.pipeline_options import without_autotune
from keras_bert_lib.models.inter_sentence_scorer import NO_SENTENCE


def document_batches(embeddings, labels=None, batch_size=16, shuffle=False, seed=0):
    """A `tf.data.Dataset` of `InterSentenceScorer` batches.

    Args:
        embeddings: per document, float `[sentences, dim]` (at least one sentence each).
        labels: None, or per document one 0/1 label per sentence.
        batch_size: int. Documents per batch.
        shuffle: bool. Shuffle the documents (with `seed`) on every iteration.
        seed: int.

    Returns:
        Batches of `{"sentence_embeddings", "sentence_mask"}` (and labels `[batch,
        sentences]`, -1 for padding).

    Example:

    >>> batches = document_batches([np.ones((2, 4)), np.ones((3, 4))], [[1, 0], [0, 0, 1]])
    >>> x, y = next(iter(batches))
    >>> x["sentence_mask"].numpy().tolist(), y.numpy().tolist()
    ([[1, 1, 0], [1, 1, 1]], [[1.0, 0.0, -1.0], [0.0, 0.0, 1.0]])
    """
    for index, document in enumerate(embeddings):
        if len(document) == 0:
            raise ValueError(f"Document {index} has no sentences.")
        if labels is not None and len(labels[index]) != len(document):
            raise ValueError(
                f"Document {index} has {len(document)} sentences but {len(labels[index])} labels."
            )
    rows = tf.RaggedTensor.from_row_lengths(
        np.concatenate(embeddings).astype(np.float32), [len(e) for e in embeddings]
    )
    parts = [rows]
    if labels is not None:
        flat = np.concatenate([np.asarray(y, np.float32) for y in labels])
        parts.append(tf.RaggedTensor.from_row_lengths(flat, [len(y) for y in labels]))
    dataset = tf.data.Dataset.from_tensor_slices(tuple(parts))
    if shuffle:
        dataset = dataset.shuffle(len(embeddings), seed=seed, reshuffle_each_iteration=True)

    def dense(rows, *labels):
        x = {
            "sentence_embeddings": rows.to_tensor(),
            "sentence_mask": tf.ones_like(rows[:, :, 0], tf.int32).to_tensor(),
        }
        if not labels:
            return x
        return x, labels[0].to_tensor(default_value=float(NO_SENTENCE))

    dataset = dataset.ragged_batch(batch_size)
    return without_autotune(dataset.map(dense).prefetch(tf.data.AUTOTUNE))
