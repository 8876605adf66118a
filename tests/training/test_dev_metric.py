"""`DevMetricCallback`: early stopping and the best epoch's weights, also across a kill."""

import keras
import numpy as np
import pytest

from keras_bert_lib.training.dev_metric import STATE_FILE, DevMetricCallback
from tests.models.test_task_resume import FIT, LABELS, TEXTS, Kill, build

SCORE_AT_STEP = {10: 0.5, 20: 0.9, 30: 0.6}  # 10 steps per epoch: epoch 2 is the best


def scripted(state_dir=None, patience=2):
    """Scores each epoch by the step it ends on, so the best epoch is known beforehand."""
    return DevMetricCallback(
        TEXTS,
        LABELS,
        lambda labels, step: {"score": SCORE_AT_STEP[step]},
        "score",
        patience,
        predict_fn=lambda model, texts, batch_size: int(model.optimizer.iterations.numpy()),
        state_dir=state_dir,
    )


class WeightsByEpoch(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.weights = []

    def on_epoch_end(self, epoch, logs=None):
        self.weights.append(self.model.get_weights())


@pytest.fixture(scope="module")
def uninterrupted():
    model, dev, weights = build(), scripted(), WeightsByEpoch()
    model.fit(TEXTS, LABELS, callbacks=[weights, dev], **FIT)
    return model, dev, weights.weights


def test_ends_on_the_best_epoch_with_every_score(uninterrupted):
    model, dev, weights = uninterrupted
    assert dev.history == [{"score": 0.5}, {"score": 0.9}, {"score": 0.6}]
    assert (dev.best, dev.best_epoch) == (0.9, 1)
    for actual, expected in zip(model.get_weights(), weights[1], strict=True):
        np.testing.assert_array_equal(actual, expected)
    assert not np.array_equal(weights[1][0], weights[2][0])  # the restore did something


def test_patience_stops_training():
    model, dev = build(), scripted(patience=1)
    SCORE_AT_STEP[20] = 0.4  # epoch 2 worse than epoch 1: stop there
    try:
        model.fit(TEXTS, LABELS, callbacks=[dev], **FIT)
    finally:
        SCORE_AT_STEP[20] = 0.9
    assert int(model.optimizer.iterations.numpy()) == 20
    assert dev.best_epoch == 0


def test_a_killed_and_resumed_run_keeps_the_scores_and_the_best_weights(tmp_path, uninterrupted):
    with pytest.raises(KeyboardInterrupt):  # killed in epoch 3, after the best epoch 2
        build().fit(
            TEXTS, LABELS, callbacks=[scripted(tmp_path), Kill(25)],
            backup_dir=tmp_path, backup_every=3, **FIT,
        )  # fmt: skip
    assert (tmp_path / STATE_FILE).exists()
    resumed, dev = build(), scripted(tmp_path)  # a new process: nothing in memory
    resumed.fit(TEXTS, LABELS, callbacks=[dev], backup_dir=tmp_path, backup_every=3, **FIT)
    _, expected_dev, weights = uninterrupted
    assert dev.history == expected_dev.history
    assert (dev.best, dev.best_epoch) == (0.9, 1)
    for actual, expected in zip(resumed.get_weights(), weights[1], strict=True):
        np.testing.assert_array_equal(actual, expected)
