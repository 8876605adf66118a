"""The input pipeline of every `Task`, in one place and one direction:

    user input -> tensors -> tf.data -> preprocess -> (group by length) -> batch

`fit`, `evaluate` and `predict` all build their data with `TaskData`; the task supplies only
its two steps, packing raw text (its preprocessor) and finishing a packed batch (trimming,
label checks).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import tensorflow as tf

from keras_bert_lib.data.pipeline_options import without_autotune

# Training batches are drawn from pools of this many batches whose examples are sorted by
# length, so each batch holds texts of similar length (Hugging Face Trainer's `group_by_length`
# uses 50); the batches are then shuffled. On SST-2 the mean padded length drops from 40 tokens
# (random batches) to 13, about three times fewer tokens per epoch.
LENGTH_GROUP_BATCHES = 50
DEFAULT_BATCH_SIZE = 32


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


class TaskData:
    """Builds a task's datasets from user input.

    A user's dataset yields batches of `x`, or `(x, y[, sample_weight])`; for pairs, `x` is a
    tuple `(first, second)` (alone: `((first, second),)`). Arrays, lists and tensors are
    batched here.

    Args:
        pack: raw batch -> packed features (`token_ids`, `segment_ids`, `padding_mask`).
        finish_batch: `(packed, y=None, sample_weight=None)` -> the model's batch.
        validate_labels: eager checks of array-like labels, before any training starts.

    Example:

    >>> data = TaskData(task._packed, task._finish_batch, task.validate_labels)
    ... # doctest: +SKIP
    >>> batches = data.dataset(["a text", "another"], [0, 1], batch_size=2)  # doctest: +SKIP
    """

    def __init__(self, pack: Callable, finish_batch: Callable, validate_labels: Callable):
        self.pack = pack
        self.finish_batch = finish_batch
        self.validate_labels = validate_labels

    def dataset(
        self,
        x,
        y=None,
        sample_weight=None,
        batch_size=None,
        shuffle=False,
        seed=0,
        group_by_length=False,
    ) -> tf.data.Dataset:
        """Batched, preprocessed data. `group_by_length` (shuffled raw text only) batches
        texts of similar length together."""
        if isinstance(x, tf.data.Dataset):
            if y is not None:
                raise ValueError("With a tf.data.Dataset, labels come from the dataset: y=None.")
            dataset = x
        else:
            x = inputs_to_tensors(x)
            parts = [x] + [labels_to_tensors(v) for v in (y, sample_weight) if v is not None]
            dataset = tf.data.Dataset.from_tensor_slices(tuple(parts))
            if shuffle:
                dataset = dataset.shuffle(num_examples(x), seed=seed, reshuffle_each_iteration=True)
            batch_size = batch_size or DEFAULT_BATCH_SIZE
            if shuffle and group_by_length:
                dataset = self._length_grouped_batches(dataset, batch_size, seed)
                batches = math.ceil(num_examples(x) / batch_size)
                dataset = dataset.apply(tf.data.experimental.assert_cardinality(batches))
                return without_autotune(dataset.prefetch(tf.data.AUTOTUNE))
            dataset = dataset.batch(batch_size)
        dataset = dataset.map(self._preprocess_element, num_parallel_calls=tf.data.AUTOTUNE)
        return without_autotune(dataset.prefetch(tf.data.AUTOTUNE))

    def training(
        self, x, y, sample_weight, batch_size, shuffle, seed, group_by_length
    ) -> tuple[Callable, int | None]:
        """`(make_dataset, steps_per_epoch)` for `fit`: `make_dataset()` returns one epoch's
        batches (built anew per call for raw inputs and for a function returning a dataset,
        see `Task.fit`); steps are None when a user's dataset does not know its length."""
        if callable(x) and not isinstance(x, tf.data.Dataset):
            dataset_fn, first = x, x()
            if not isinstance(first, tf.data.Dataset):
                raise TypeError(
                    "fit(x=function): the function must return a tf.data.Dataset, got "
                    f"{type(first).__name__}."
                )
            return (
                lambda: self.dataset(dataset_fn(), y, sample_weight, batch_size),
                self._cardinality(first),
            )
        if isinstance(x, tf.data.Dataset):
            user_dataset = self.dataset(x, y, sample_weight, batch_size)
            return (lambda: user_dataset), self._cardinality(x)
        x = inputs_to_tensors(x)  # once: the checks, shuffle and step count reuse it
        if num_examples(x) == 0:
            raise ValueError("fit() got no training examples.")
        self.validate_labels(y)

        def make_dataset():
            return self.dataset(x, y, sample_weight, batch_size, shuffle, seed, group_by_length)

        return make_dataset, math.ceil(num_examples(x) / (batch_size or DEFAULT_BATCH_SIZE))

    def validation(self, validation_data, batch_size) -> tf.data.Dataset:
        """`fit`'s `validation_data`: a dataset, or `(x, y[, sample_weight])`."""
        if isinstance(validation_data, tf.data.Dataset):
            return self.dataset(validation_data, batch_size=batch_size)
        if not isinstance(validation_data, tuple) or len(validation_data) not in (2, 3):
            raise ValueError("validation_data must be a tf.data.Dataset or (x, y[, weights]).")
        return self.dataset(*validation_data, batch_size=batch_size)

    @staticmethod
    def _cardinality(dataset) -> int | None:
        cardinality = int(dataset.cardinality())  # preprocessing maps keep the user's length
        return cardinality if cardinality >= 0 else None

    def _length_grouped_batches(self, dataset, batch_size, seed):
        """Shuffled raw `(x, y[, weights])` examples -> batches of similar-length texts, in
        random order. Every batch but the last is full, so there are ceil(n / batch_size)."""

        def pack_and_sort(x, *labels):
            return sort_by_length(self.pack(x), *labels)

        dataset = dataset.batch(batch_size * LENGTH_GROUP_BATCHES)
        dataset = dataset.map(pack_and_sort, num_parallel_calls=tf.data.AUTOTUNE)
        dataset = dataset.rebatch(batch_size)
        dataset = dataset.shuffle(LENGTH_GROUP_BATCHES, seed=seed, reshuffle_each_iteration=True)
        return dataset.map(self.finish_batch, num_parallel_calls=tf.data.AUTOTUNE)

    def _preprocess_element(self, *element):
        # tf.data passes tuple elements as arguments: one argument is x itself (also when x
        # is a pair of string tensors), two or three are (x, y[, sample_weight]).
        x, *rest = element
        return self.finish_batch(self.pack(x), *rest)
