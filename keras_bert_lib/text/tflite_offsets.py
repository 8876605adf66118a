"""Wordpiece offsets in Unicode code points from ops that TFLite runs.

`FastBertTokenizer.tokenize_with_offsets` maps offsets back through the normalizer with a
ragged gather, which lowers to `RaggedRange`: neither a TFLite builtin nor one of the
tensorflow-text kernels LiteRT loads. Its offsets also count UTF-8 bytes, while ours (as
in the exact mode) are Python `str` indexes. Here both steps are dense gathers, and the
bytes are counted with tensorflow-text's `ByteSplitter`, which TFLite has.
"""

from __future__ import annotations

import tensorflow as tf
import tensorflow_text as text


def _gather_rows(table, index):
    """`table[row, index[row, j]]` for dense `table` `[batch, n]` and ragged `index`."""
    dense_index = index.to_tensor(0)
    values = tf.gather(table, dense_index, batch_dims=1)
    mask = tf.sequence_mask(index.row_lengths(), tf.shape(dense_index)[1])
    return index.with_flat_values(tf.boolean_mask(values, mask))


def code_point_counts(strings):
    """`[batch, max_bytes + 1]` int32: the code points in each string's first `b` bytes."""
    values = tf.cast(text.ByteSplitter().split(strings), tf.int32)
    # A code point starts at every byte that is not a continuation byte (0b10xxxxxx).
    starts = tf.cast((values < 0x80) | (values >= 0xC0), tf.int32).to_tensor(0)
    return tf.pad(tf.cumsum(starts, axis=1), [[0, 0], [1, 0]])


def tokenize_with_code_point_offsets(normalizer, wordpiece, strings):
    """`(ids, starts, ends)` ragged `[batch, None]` int32, offsets in code points.

    Args:
        normalizer: a `tensorflow_text.FastBertNormalizer`.
        wordpiece: a `tensorflow_text.FastWordpieceTokenizer` with its own pretokenization
            (as inside `FastBertTokenizer`).
        strings: a `[batch]` string tensor.
    """
    normalized, byte_map = normalizer.normalize_with_offsets(strings)
    ids, starts, ends = wordpiece.tokenize_with_offsets(normalized)
    byte_map = tf.cast(byte_map, tf.int32).to_tensor(0)
    counts = code_point_counts(strings)

    def to_code_points(offsets):
        original_bytes = _gather_rows(byte_map, tf.cast(offsets, tf.int32))
        return _gather_rows(counts, original_bytes)

    return ids, to_code_points(starts), to_code_points(ends)
