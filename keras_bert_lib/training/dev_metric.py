"""Per-epoch evaluation on a dev set with the task's own metric, early stopping, best weights."""

from __future__ import annotations

import keras
import numpy as np

from keras_bert_lib import metrics


def classification_scores(labels, logits) -> dict:
    predicted = np.argmax(logits, axis=-1)
    average = "binary" if logits.shape[-1] == 2 else "macro"
    return {
        "accuracy": metrics.accuracy(labels, predicted),
        "f1": metrics.f1_score(labels, predicted, average=average),
        "matthews": metrics.matthews_correlation(labels, predicted),
    }


def regression_scores(labels, predictions) -> dict:
    predictions = np.asarray(predictions).reshape(-1)
    return {
        "pearson": metrics.pearson(labels, predictions),
        "spearman": metrics.spearman(labels, predictions),
    }


class DevMetricCallback(keras.callbacks.Callback):
    """Scores the dev set after every epoch; stops after `patience` epochs without a gain.

    At the end of training the best epoch's weights are restored, and `history` holds every
    epoch's scores.

    Args:
        texts: the dev inputs, as the task model's `predict` takes them.
        labels: dev labels or scores.
        score_fn: `(labels, predictions) -> dict of scores`.
        monitor: the score to maximise.
        patience: epochs without improvement before stopping.
        batch_size: prediction batch size.
        predict_fn: `(model, texts, batch_size) -> predictions`, for tasks whose dev
            predictions are not `model.predict` (e.g. `BertTokenClassifier.predict_words`).
    """

    def __init__(
        self, texts, labels, score_fn, monitor, patience=2, batch_size=64, predict_fn=None
    ):
        super().__init__()
        self.predict_fn = predict_fn or (
            lambda model, texts, batch_size: model.predict(texts, batch_size=batch_size, verbose=0)
        )
        self.texts, self.labels = texts, labels
        self.score_fn, self.monitor = score_fn, monitor
        self.patience, self.batch_size = patience, batch_size
        self.history, self.best, self.best_epoch = [], -np.inf, None
        self._best_weights = None

    def on_epoch_end(self, epoch, logs=None):
        predictions = self.predict_fn(self.model, self.texts, self.batch_size)
        scores = self.score_fn(self.labels, predictions)
        self.history.append(scores)
        if logs is not None:
            logs.update({f"dev_{name}": value for name, value in scores.items()})
        print(f"\nepoch {epoch + 1} dev: " + ", ".join(f"{k} {v:.4f}" for k, v in scores.items()))
        if scores[self.monitor] > self.best:
            self.best, self.best_epoch = scores[self.monitor], epoch
            self._best_weights = self.model.get_weights()
        elif epoch - self.best_epoch >= self.patience:
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self._best_weights is not None:
            self.model.set_weights(self._best_weights)
