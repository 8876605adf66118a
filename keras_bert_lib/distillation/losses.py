"""Distillation losses, per example: soft targets, embeddings, hidden states, attention."""

from __future__ import annotations

import tensorflow as tf

EMBEDDING_LOSSES = ("cosine", "mse")


def soft_target_loss(student_logits, teacher_logits, temperature) -> tf.Tensor:
    """`T^2 * KL(softmax(teacher / T) || softmax(student / T))` per example (Hinton et al.,
    2015): the `T^2` keeps the gradient's scale as `T` changes.

    Args:
        student_logits: float `[batch, classes]`.
        teacher_logits: float `[batch, classes]`.
        temperature: float > 0.

    Example:

    >>> float(soft_target_loss([[0.0, 0.0]], [[0.0, 0.0]], 2.0)[0])
    0.0
    """
    student = tf.nn.log_softmax(tf.cast(student_logits, tf.float32) / temperature, axis=-1)
    teacher = tf.nn.log_softmax(tf.cast(teacher_logits, tf.float32) / temperature, axis=-1)
    return temperature**2 * tf.reduce_sum(tf.exp(teacher) * (teacher - student), axis=-1)


def embedding_loss(student, teacher, kind="cosine") -> tf.Tensor:
    """Per example: `1 - cosine(student, teacher)` (`"cosine"`) or the mean squared
    difference over the embedding (`"mse"`).

    Example:

    >>> float(embedding_loss([[1.0, 0.0]], [[0.0, 2.0]])[0])
    1.0
    """
    student, teacher = tf.cast(student, tf.float32), tf.cast(teacher, tf.float32)
    if kind == "cosine":
        cosine = tf.reduce_sum(
            tf.math.l2_normalize(student, -1) * tf.math.l2_normalize(teacher, -1), axis=-1
        )
        return 1.0 - cosine
    if kind == "mse":
        return tf.reduce_mean(tf.square(student - teacher), axis=-1)
    raise ValueError(f"embedding loss must be one of {EMBEDDING_LOSSES}, got {kind!r}.")


def _token_mean(values, padding_mask):
    """Per example: the mean of `values` `[batch, seq]` over the real tokens."""
    mask = tf.cast(padding_mask, tf.float32)
    return tf.math.divide_no_nan(tf.reduce_sum(values * mask, 1), tf.reduce_sum(mask, 1))


def hidden_state_loss(student_hidden, teacher_hidden, padding_mask) -> tf.Tensor:
    """Per example: the mean squared difference of two `[batch, seq, width]` hidden states
    (the student's already projected to the teacher's width), over the real tokens."""
    difference = tf.cast(student_hidden, tf.float32) - tf.cast(teacher_hidden, tf.float32)
    return _token_mean(tf.reduce_mean(tf.square(difference), axis=-1), padding_mask)


def attention_loss(student_probs, teacher_probs, padding_mask) -> tf.Tensor:
    """Per example: `KL(teacher || student)` of the attention distributions
    `[batch, heads, seq, seq]` (MiniLM), summed over keys, averaged over heads and the real
    query tokens. Padded keys have probability 0 on both sides."""
    teacher = tf.cast(teacher_probs, tf.float32)
    student = tf.cast(student_probs, tf.float32)
    tiny = 1e-12
    kl = tf.reduce_sum(teacher * (tf.math.log(teacher + tiny) - tf.math.log(student + tiny)), -1)
    return _token_mean(tf.reduce_mean(kl, axis=1), padding_mask)
