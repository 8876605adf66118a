"""Students for distillation: a task model like the teacher, on a smaller encoder."""

from __future__ import annotations

import dataclasses

import numpy as np

from keras_bert_lib.config import BertConfig
from keras_bert_lib.models.bert_encoder import BertEncoder


def every_other_layer(teacher_layers, student_layers) -> list[int]:
    """Evenly spaced teacher layers, the first and the last kept (DistilBERT takes one in
    two): 6 -> 3 gives `[0, 2, 5]`, 12 -> 6 `[0, 2, 4, 7, 9, 11]`.

    Example:

    >>> every_other_layer(6, 3)
    [0, 2, 5]
    """
    if not 1 <= student_layers <= teacher_layers:
        raise ValueError(
            f"A student needs 1 to {teacher_layers} layers (the teacher's), got {student_layers}."
        )
    if student_layers == 1:
        return [teacher_layers - 1]
    return [int(i) for i in np.round(np.linspace(0, teacher_layers - 1, student_layers))]


def student_with_encoder(teacher, encoder):
    """A task model of the teacher's class and settings (head, pooling, preprocessor) on
    `encoder`, with a freshly initialised head.

    Args:
        teacher: a task model (`BertClassifier`, `SentenceEncoder`, ...).
        encoder: a `BertEncoder` with the teacher's vocabulary size, e.g. from
            `BertEncoder(BertConfig.from_preset("bert_mini", vocab_size=...))` or a
            pretrained checkpoint with the same vocabulary.
    """
    if not isinstance(encoder, BertEncoder):
        raise TypeError(f"encoder must be a BertEncoder, got {type(encoder).__name__}.")
    vocab = teacher.encoder.config.vocab_size
    if encoder.config.vocab_size != vocab:
        raise ValueError(
            f"The student's encoder has {encoder.config.vocab_size} token ids but the "
            f"teacher's vocabulary has {vocab}: they must read the same tokens."
        )
    config = teacher.get_config()
    config.update(
        encoder=encoder, preprocessor=teacher.preprocessor, name=f"{teacher.name}_student"
    )
    return type(teacher).from_config(config)


def encoder_layers(source, layers) -> BertEncoder:
    """A `BertEncoder` holding `source`'s embeddings, pooler and the transformer layers at
    the indexes `layers` (increasing), in order.

    Example:

    >>> encoder = BertEncoder(BertConfig.from_preset("bert_tiny", vocab_size=30))
    >>> encoder_layers(encoder, [1]).config.num_layers
    1
    """
    count = source.config.num_layers
    layers = list(layers)
    increasing = layers == sorted(set(layers))
    if not layers or not increasing or not 0 <= layers[0] <= layers[-1] < count:
        raise ValueError(f"layers must be increasing layer indexes in [0, {count}), got {layers}.")
    config = dataclasses.replace(source.config, num_layers=len(layers))
    encoder = BertEncoder(config, dtype=source.dtype_policy)
    encoder.embeddings.set_weights(source.embeddings.get_weights())
    encoder.pooler.set_weights(source.pooler.get_weights())
    for block, index in zip(encoder.transformer_layers, layers, strict=True):
        block.set_weights(source.transformer_layers[index].get_weights())
    return encoder


def student_from_teacher(teacher, num_layers=None, layers=None):
    """A task model like `teacher` on fewer of its layers, initialised from it (DistilBERT):
    the teacher's embeddings, the chosen transformer layers in order, its pooler and its head.

    Args:
        teacher: a fine-tuned task model.
        num_layers: int. How many layers; they are `every_other_layer`.
        layers: or the teacher's layer indexes to keep, e.g. `[1, 3, 5]`.

    Returns:
        `(student, layers)`: the student and the teacher layer each of its layers came from.

    Example:

    >>> student, kept = student_from_teacher(classifier, num_layers=3)  # doctest: +SKIP
    >>> kept  # doctest: +SKIP
    [0, 2, 5]
    """
    if (num_layers is None) == (layers is None):
        raise ValueError("Give exactly one of num_layers or layers.")
    if layers is None:
        layers = every_other_layer(teacher.encoder.config.num_layers, num_layers)
    student = student_with_encoder(teacher, encoder_layers(teacher.encoder, layers))
    for layer in teacher.layers:
        if layer is not teacher.encoder and layer.weights:
            student.get_layer(layer.name).set_weights(layer.get_weights())
    return student, list(layers)


def preset_student(teacher, preset, **overrides):
    """A student on a randomly initialised `preset` encoder (`"bert_mini"`, `"bert_tiny"`, ...)
    with the teacher's vocabulary and maximum length; `overrides` change the config."""
    config = BertConfig.from_preset(
        preset,
        vocab_size=teacher.encoder.config.vocab_size,
        max_position_embeddings=teacher.encoder.config.max_position_embeddings,
        **overrides,
    )
    return student_with_encoder(teacher, BertEncoder(config))
