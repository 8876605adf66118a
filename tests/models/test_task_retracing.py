"""Task models trace each step function at most twice, and several models in one process do
not flood the log with TensorFlow's frequent-retracing warning."""

import logging

import tensorflow as tf

from tests.tiny_models import TEXTS, tiny_classifier


def _tensorflow_warnings(run):
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logger = tf.get_logger()
    logger.addHandler(handler)
    try:
        run()
    finally:
        logger.removeHandler(handler)
    return [r.getMessage() for r in records if "retracing" in r.getMessage()]


def test_several_models_predicting_do_not_warn_and_trace_at_most_twice():
    models = []

    def predict_with_new_models():
        for _ in range(6):
            model = tiny_classifier()
            for size in (8, 3, 5):  # other batch sizes and lengths
                model.predict(TEXTS[:size], verbose=0)
            models.append(model)

    assert _tensorflow_warnings(predict_with_new_models) == []
    assert max(m.predict_function.experimental_get_tracing_count() for m in models) <= 2


def test_other_functions_still_warn():
    @tf.function
    def identity(x):
        return x

    def retrace():
        for length in range(1, 8):
            identity(tf.zeros(length))

    assert _tensorflow_warnings(retrace)
