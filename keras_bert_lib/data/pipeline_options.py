"""The tf.data options every input pipeline of the library is built with."""

import tensorflow as tf


def without_autotune(dataset: tf.data.Dataset) -> tf.data.Dataset:
    """`dataset` with tf.data's autotuning switched off.

    In TensorFlow 2.21 the autotuning thread sleeps up to a minute between its rounds, and
    deleting the iterator of a long `fit` waits for it to wake: a 97 s epoch of WNUT-2017
    was followed by 55 s of idle waiting after the last step (the main thread in
    `RootDataset::Iterator::~Iterator`, the model thread in `Model::OptimizeLoop`), on every
    `fit` that ran more than about two minutes. With autotuning off the same `fit` returns
    right after its last step. The library's pipelines are short chains of cheap maps
    (tokenizing, masking, parsing records) ahead of a training step that takes far longer;
    their `tf.data.AUTOTUNE` settings then take tf.data's fixed defaults.

    Example:

    >>> dataset = without_autotune(tf.data.Dataset.range(3).prefetch(tf.data.AUTOTUNE))
    >>> dataset.options().autotune.enabled
    False
    """
    options = tf.data.Options()
    options.autotune.enabled = False
    return dataset.with_options(options)
