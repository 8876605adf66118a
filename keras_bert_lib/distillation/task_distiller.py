"""`TaskDistiller`: trains a student task model from a frozen teacher with `fit` on raw strings.

Why not `keras.distillation.Distiller` (Keras 3.15): it trains on the batches `fit` gives it,
token ids or features, and so misses what our tasks do around `fit` (raw strings through the
preprocessor in `tf.data`, length-grouped batches, the warmup schedule built for the run's
steps, backups that a killed run resumes from), and its losses cannot leave out the hard
loss for rows without a label in the same batch. `TaskDistiller` is a `Task`, so it has all of
that; its name keeps clear of Keras'.
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from keras_bert_lib.distillation.losses import (
    EMBEDDING_LOSSES,
    attention_loss,
    embedding_loss,
    hidden_state_loss,
    soft_target_loss,
)
from keras_bert_lib.models.bert_classifier import BertClassifier
from keras_bert_lib.models.bert_encoder import encoder_inputs
from keras_bert_lib.models.sentence_encoder import SentenceEncoder
from keras_bert_lib.models.task import Task
from keras_bert_lib.models.task_data import trim_padding

UNLABELLED = -1  # the class label of a row without one (a regression row: NaN)
TEACHER_OUTPUTS = "teacher_outputs"


def no_labels(task_model, count) -> np.ndarray:
    """`count` labels that each say "no label" for `task_model`'s kind: `UNLABELLED` class
    ids, or NaN scores for a regression (and for a sentence encoder, which has no labels)."""
    if isinstance(task_model, SentenceEncoder) or task_model.num_classes == 1:
        return np.full(count, np.nan, np.float32)
    return np.full(count, UNLABELLED, np.int32)


def has_label(labels) -> np.ndarray:
    """Where `labels` (class ids or scores) hold a real label, not `no_labels`' marks."""
    labels = np.asarray(labels)
    return labels >= 0 if labels.dtype.kind in "iu" else np.isfinite(labels)


def uniform_layer_map(student_layers, teacher_layers) -> list[int]:
    """The teacher layer each student layer learns from: evenly spaced, last to last.

    Example:

    >>> uniform_layer_map(3, 6)
    [1, 3, 5]
    """
    return [(i + 1) * teacher_layers // student_layers - 1 for i in range(student_layers)]


def layer_outputs(encoder):
    """A model over `encoder`'s inputs (sharing its weights) that returns every transformer
    block's `[hidden, attention_probs]`."""
    return keras.Model(
        encoder.inputs, [block.output for block in encoder.transformer_layers], name="layers"
    )


@keras.saving.register_keras_serializable(package="keras_bert_lib")
class TaskDistiller(Task):
    """Trains `student` to reproduce a frozen `teacher`, on raw strings.

    The teacher is a fine-tuned `BertClassifier` (classes or a regression) or a
    `SentenceEncoder`; the student is a model of the same class on the same vocabulary
    (`students.py` builds them: from chosen teacher layers, or a preset). The loss per example:

    - classes: `(1 - label_weight) * soft_target_loss(student, teacher, temperature)` plus
      `label_weight *` cross-entropy to the label, for rows that have one (label
      `UNLABELLED`, -1, marks a row without);
    - regression: the same with squared errors to the teacher's score and the label (NaN
      for none);
    - sentence encoders: `embedding_loss` to the teacher's embedding (no labels);
    - with `hidden_weight` / `attention_weight`, also each student layer's hidden states
      (through a learned projection when the widths differ) and attention distributions
      against its teacher layer (`layer_map`, default `uniform_layer_map`), as TinyBERT and
      MiniLM do. The student's encoder then runs twice per step, once for its output and once
      for its layers.

    The teacher runs inside the training step (frozen, in inference mode), or not at all when
    `fit(..., teacher_outputs=...)` passes its outputs computed beforehand
    (`teacher_outputs(texts)`), which pays off from the second epoch on.

    After training, `distiller.student` is an ordinary task model: save, export to a
    SavedModel or TFLite as any other.

    Args:
        teacher: the fine-tuned task model. Frozen here.
        student: the task model to train.
        temperature: float > 0. The soft targets' temperature.
        label_weight: float in [0, 1]. The hard loss's share, where a row has a label.
        embedding_loss: `"cosine"` or `"mse"`, for sentence encoders.
        hidden_weight: float >= 0. Weight of the hidden-state loss (0: none).
        attention_weight: float >= 0. Weight of the attention loss (0: none); the student
            needs the teacher's number of heads.
        layer_map: None, or the teacher layer (0-based) for each student layer.
        **kwargs: standard `keras.Model` arguments (`name`).

    Example:

    >>> from keras_bert_lib.distillation import student_from_teacher
    >>> student, _ = student_from_teacher(teacher, num_layers=3)  # doctest: +SKIP
    >>> distiller = TaskDistiller(teacher, student)  # doctest: +SKIP
    >>> distiller.fit(texts, labels_or_minus_one, epochs=1)  # doctest: +SKIP
    >>> distiller.student.save("student.keras")  # doctest: +SKIP
    """

    def __init__(
        self,
        teacher,
        student,
        temperature=2.0,
        label_weight=0.5,
        embedding_loss="cosine",
        hidden_weight=0.0,
        attention_weight=0.0,
        layer_map=None,
        **kwargs,
    ):
        _check_pair(teacher, student)
        student_config, teacher_config = student.encoder.config, teacher.encoder.config
        layer_map = _checked_layer_map(
            student_config,
            teacher_config,
            layer_map,
            temperature=temperature,
            label_weight=label_weight,
            embedding_loss=embedding_loss,
            hidden_weight=hidden_weight,
            attention_weight=attention_weight,
        )
        teacher.trainable = False
        intermediate = bool(hidden_weight or attention_weight)
        # === Layers ===
        projections = [
            keras.layers.Dense(teacher_config.hidden_size, name=f"hidden_projection_{i}")
            if hidden_weight and student_config.hidden_size != teacher_config.hidden_size
            else keras.layers.Identity(name=f"hidden_projection_{i}")
            for i in range(student_config.num_layers)
        ]
        # === Functional graph ===
        inputs = encoder_inputs()
        outputs = {"student": student(inputs)}
        if intermediate:
            for i, (hidden, probs) in enumerate(layer_outputs(student.encoder)(inputs)):
                outputs[f"hidden_{i}"] = projections[i](hidden)
                outputs[f"attention_{i}"] = probs
        super().__init__(inputs=inputs, outputs=outputs, **kwargs)
        # === Config ===
        self.encoder = student.encoder  # what `Task` checks the sequence length against
        self.teacher, self.student = teacher, student
        self.temperature, self.label_weight = float(temperature), float(label_weight)
        self.embedding_loss = embedding_loss
        self.hidden_weight, self.attention_weight = float(hidden_weight), float(attention_weight)
        self.layer_map = layer_map
        self._teacher_layers = layer_outputs(teacher.encoder) if intermediate else None
        self.soft_loss = keras.metrics.Mean(name="soft_loss")
        self.hard_loss = keras.metrics.Mean(name="hard_loss")
        self._finish_init(teacher.preprocessor)

    @property
    def uses_pooled_output(self):
        # The student's pooler trains only if the student reads it (not a SentenceEncoder).
        return getattr(self, "student", None) is None or self.student.uses_pooled_output

    def default_loss(self):
        return None  # `compute_loss` below

    def empty_prediction(self):
        return self.student.empty_prediction()

    def teacher_outputs(self, x, batch_size=64) -> np.ndarray:
        """The teacher's outputs on `x` (texts, or a tuple of two lists for pairs), row by
        row, for `fit(teacher_outputs=...)`. The texts are run in order of length, so each
        batch is cut to its longest row with little padding."""
        columns = x if isinstance(x, tuple) else (x,)
        lengths = np.sum([[len(text) for text in column] for column in columns], axis=0)
        order = np.argsort(lengths, kind="stable")
        ordered = tuple([column[i] for i in order] for column in columns)
        outputs = self.teacher.predict(
            ordered if isinstance(x, tuple) else ordered[0], batch_size=batch_size, verbose=0
        )
        restored = np.empty_like(outputs)
        restored[order] = outputs
        return restored

    # === Data ===
    def fit(self, x=None, y=None, teacher_outputs=None, **kwargs):
        """`Task.fit` on raw strings; `y` holds labels (`UNLABELLED` / NaN for rows without,
        or None for none at all); `teacher_outputs` (optional) the teacher's precomputed
        outputs for `x`, row by row."""
        if y is None:
            y = no_labels(self.student, len(x[0] if isinstance(x, tuple) else x))
        if teacher_outputs is not None:
            if self.hidden_weight or self.attention_weight:
                raise ValueError("Intermediate transfer needs the teacher in the step.")
            y = {"labels": y, TEACHER_OUTPUTS: np.asarray(teacher_outputs, np.float32)}
        return super().fit(x, y, **kwargs)

    def _finish_batch(self, x, y=None, sample_weight=None):
        # Labels and teacher outputs are per example: nothing to trim to the token length.
        x = trim_padding(x)
        return keras.utils.pack_x_y_sample_weight(x, y, sample_weight)

    # === Loss ===
    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        labels, teacher = (
            (y.get("labels"), y.get(TEACHER_OUTPUTS)) if isinstance(y, dict) else (y, None)
        )
        if teacher is None:
            teacher = self.teacher(x, training=False)
        soft, hard, labelled = self._output_losses(y_pred["student"], teacher, labels)
        self.soft_loss.update_state(soft)
        loss = tf.reduce_mean(soft)
        if hard is not None:
            hard_mean = tf.math.divide_no_nan(tf.reduce_sum(hard), tf.reduce_sum(labelled))
            self.hard_loss.update_state(hard_mean)
            # Rows with a label mix both losses; rows without keep the soft loss alone.
            share = self.label_weight * labelled
            loss = tf.reduce_mean((1.0 - share) * soft + share * hard)
        if self._teacher_layers is not None:
            loss += self._layer_losses(x, y_pred)
        return loss

    def _output_losses(self, student, teacher, labels):
        """`(soft, hard or None, labelled 0/1)` per example."""
        if isinstance(self.student, SentenceEncoder):
            return embedding_loss(student, teacher, self.embedding_loss), None, None
        if self.student.num_classes == 1:
            student, teacher = student[:, 0], tf.cast(teacher, tf.float32)[:, 0]
            soft = tf.square(student - teacher)
            if labels is None:
                return soft, None, None
            labels = tf.cast(tf.reshape(labels, [-1]), tf.float32)
            labelled = tf.cast(tf.math.is_finite(labels), tf.float32)
            hard = tf.square(student - tf.where(labelled > 0, labels, 0.0)) * labelled
            return soft, hard, labelled
        soft = soft_target_loss(student, teacher, self.temperature)
        if labels is None:
            return soft, None, None
        labels = tf.cast(tf.reshape(labels, [-1]), tf.int32)
        labelled = tf.cast(labels >= 0, tf.float32)
        hard = keras.losses.sparse_categorical_crossentropy(
            tf.maximum(labels, 0), student, from_logits=True
        )
        return soft, hard * labelled, labelled

    def _layer_losses(self, x, y_pred):
        teacher_layers = self._teacher_layers(x, training=False)
        total = 0.0
        for i, source in enumerate(self.layer_map):
            hidden, probs = teacher_layers[source]
            if self.hidden_weight:
                per_example = hidden_state_loss(y_pred[f"hidden_{i}"], hidden, x["padding_mask"])
                total += self.hidden_weight * tf.reduce_mean(per_example)
            if self.attention_weight:
                per_example = attention_loss(y_pred[f"attention_{i}"], probs, x["padding_mask"])
                total += self.attention_weight * tf.reduce_mean(per_example)
        return total / len(self.layer_map)

    # === Config ===
    def get_config(self):
        config = super().get_config()
        config.pop("preprocessor")  # the teacher's
        config.update(
            teacher=keras.saving.serialize_keras_object(self.teacher),
            student=keras.saving.serialize_keras_object(self.student),
            temperature=self.temperature,
            label_weight=self.label_weight,
            embedding_loss=self.embedding_loss,
            hidden_weight=self.hidden_weight,
            attention_weight=self.attention_weight,
            layer_map=self.layer_map,
        )
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("teacher", "student"):
            config[key] = keras.saving.deserialize_keras_object(config[key])
        return cls(**config)


def _check_pair(teacher, student):
    """Raises unless teacher and student are task models of one kind on one vocabulary."""
    kinds = (BertClassifier, SentenceEncoder)
    if not isinstance(teacher, kinds):
        raise TypeError(
            f"The teacher must be a BertClassifier or a SentenceEncoder, got "
            f"{type(teacher).__name__}."
        )
    if type(student) is not type(teacher):
        raise TypeError(
            f"The student must be a {type(teacher).__name__} like its teacher, got "
            f"{type(student).__name__}."
        )
    if teacher.preprocessor is None:
        raise ValueError("The teacher needs its preprocessor: distillation reads raw text.")
    if isinstance(teacher, BertClassifier) and (
        (student.num_classes, student.score_range) != (teacher.num_classes, teacher.score_range)
    ):
        raise ValueError(
            f"The student's head ({student.num_classes} outputs, score_range "
            f"{student.score_range}) must match the teacher's ({teacher.num_classes}, "
            f"{teacher.score_range})."
        )
    if isinstance(teacher, SentenceEncoder) and (
        student.encoder.config.hidden_size != teacher.encoder.config.hidden_size
    ):
        raise ValueError(
            f"A sentence-encoder student must make embeddings of the teacher's width "
            f"({teacher.encoder.config.hidden_size}), got {student.encoder.config.hidden_size}."
        )
    if student.encoder.config.vocab_size != teacher.encoder.config.vocab_size:
        raise ValueError(
            f"The student reads {student.encoder.config.vocab_size} token ids, the teacher "
            f"{teacher.encoder.config.vocab_size}: distillation needs one vocabulary."
        )


def _checked_layer_map(
    student_config,
    teacher_config,
    layer_map,
    *,
    temperature,
    label_weight,
    embedding_loss,
    hidden_weight,
    attention_weight,
):
    """The student-to-teacher layer map (uniform by default), after checking it and the
    other settings against the two configs."""
    if temperature <= 0:
        raise ValueError(f"temperature must be > 0, got {temperature}.")
    if not 0.0 <= label_weight <= 1.0:
        raise ValueError(f"label_weight must be in [0, 1], got {label_weight}.")
    if embedding_loss not in EMBEDDING_LOSSES:
        raise ValueError(f"embedding_loss must be one of {EMBEDDING_LOSSES}.")
    if hidden_weight < 0 or attention_weight < 0:
        raise ValueError("hidden_weight and attention_weight must be >= 0.")
    if layer_map is None:
        layer_map = uniform_layer_map(student_config.num_layers, teacher_config.num_layers)
    layer_map = [int(i) for i in layer_map]
    if len(layer_map) != student_config.num_layers or not all(
        0 <= i < teacher_config.num_layers for i in layer_map
    ):
        raise ValueError(
            f"layer_map needs one teacher layer in [0, {teacher_config.num_layers}) per "
            f"student layer ({student_config.num_layers}), got {layer_map}."
        )
    if attention_weight and student_config.num_heads != teacher_config.num_heads:
        raise ValueError(
            f"Attention transfer compares heads one to one: the student has "
            f"{student_config.num_heads}, the teacher {teacher_config.num_heads}."
        )
    return layer_map
