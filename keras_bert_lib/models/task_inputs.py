"""Batches for `Task`: user inputs to tensors, and packed batches cut or sorted by length."""

from __future__ import annotations

import numpy as np
import tensorflow as tf


def to_tensor(values, name):
    """A list, NumPy array or tensor -> a tensor; NumPy unicode and empty inputs get the
    dtype `tf.data` expects (strings for `name == "x"`, float32 for labels)."""
    if isinstance(values, (tf.Tensor, tf.RaggedTensor)):
        return values
    array = np.asarray(values)
    if array.dtype.kind == "U":  # NumPy unicode: tf.constant encodes it as UTF-8
        array = array.astype(object)
    if array.size == 0:
        array = array.astype(object if name == "x" else np.float32)
    return tf.constant(array)


def inputs_to_tensors(x):
    """Strings, a `(first, second)` tuple of them, or a dict of token arrays -> tensors.

    Raises:
        TypeError: texts (not a dict) that are not strings, named here rather than deep in
            the traced preprocessor.
    """
    if isinstance(x, dict):
        return {name: to_tensor(value, "x") for name, value in x.items()}
    parts = tuple(to_tensor(part, "x") for part in (x if isinstance(x, tuple) else (x,)))
    for part in parts:
        if part.dtype != tf.string:
            raise TypeError(
                f"Texts must be strings, got {part.dtype.name} values: pass a list of str, a "
                "tuple of two lists for pairs, or a dict of token ids with no preprocessor."
            )
    return parts if isinstance(x, tuple) else parts[0]


def labels_to_tensors(y):
    """Labels (or sample weights), or a dict of them by output name -> tensors."""
    if isinstance(y, dict):
        return {name: to_tensor(value, "y") for name, value in y.items()}
    return to_tensor(y, "y")


def num_examples(x) -> int:
    """How many examples inputs hold, once converted by `inputs_to_tensors`."""
    first = next(iter(x.values())) if isinstance(x, dict) else x[0] if isinstance(x, tuple) else x
    return int(tf.shape(first)[0])


def trim_padding(features, multiple=1):
    """Cuts `[batch, sequence_length]` features to the longest real row, rounded up to a
    multiple of `multiple`."""
    longest = tf.reduce_max(tf.reduce_sum(features["padding_mask"], axis=1))
    length = tf.shape(features["padding_mask"])[1]
    keep = tf.minimum(length, (longest + multiple - 1) // multiple * multiple)
    keep = tf.maximum(keep, 1)
    return {name: value[:, :keep] for name, value in features.items()}


def sort_by_length(x, *labels):
    """Sorts a batch of packed features (and its labels, weights) by real length."""
    order = tf.argsort(tf.reduce_sum(x["padding_mask"], axis=1), stable=True)
    return (
        {name: tf.gather(value, order) for name, value in x.items()},
        *tf.nest.map_structure(lambda value: tf.gather(value, order), labels),
    )
