"""Quiets TensorFlow's frequent-retracing warning for the Keras step functions of task models.

Keras traces a model's predict (and train, test) step once, and once more when the batch
shapes first vary (its step functions are `tf.function(reduce_retracing=True)`: after that
the length and batch dimensions are left open and nothing is traced again). Our batches vary
in length by design (they are cut to their longest text), so a model traces at most twice
per step function.

TensorFlow counts traces per *code* of a function, not per function: every new model's
step functions share Keras' code, so creating a few task models and calling `predict` on
each trips its "N out of the last N calls ... triggered tf.function retracing" warning,
although no function traced more than twice. That warning is dropped for Keras' step
functions only; any other function's retracing warning still shows.
"""

from __future__ import annotations

import logging

import tensorflow as tf

_KERAS_STEP = "TensorFlowTrainer.make_"
_RETRACING = "triggered tf.function retracing"


class KerasStepRetracingFilter(logging.Filter):
    """Drops the frequent-retracing warning when it names a Keras step function."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not (_RETRACING in message and _KERAS_STEP in message)


def quiet_keras_step_retracing() -> None:
    """Installs the filter on TensorFlow's logger (once)."""
    logger = tf.get_logger()
    if not any(isinstance(f, KerasStepRetracingFilter) for f in logger.filters):
        logger.addFilter(KerasStepRetracingFilter())
