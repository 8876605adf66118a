"""Per-epoch evaluation on a dev set with the task's own metric, early stopping, best weights."""

from __future__ import annotations

import json
from pathlib import Path

import keras
import numpy as np

from keras_bert_lib import metrics
from keras_bert_lib.atomic_files import replace_atomically
from keras_bert_lib.training.distribute import is_chief


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


STATE_FILE = "dev_scores.json"
BEST_WEIGHTS_FILE = "dev_best_weights.npz"


class DevMetricCallback(keras.callbacks.Callback):
    """Scores the dev set after every epoch; stops after `patience` epochs without a gain.

    At the end of training the best epoch's weights are restored, and `history` holds every
    epoch's scores.

    With `state_dir` (give it `fit`'s `backup_dir`), the scores, the best score and the best
    weights are saved there after every epoch, and a new process picks them up: a run killed
    and resumed still reports every epoch and ends on the best one, not on the best since
    the restart. An epoch trained again after a kill replaces its earlier score.

    Args:
        texts: the dev inputs, as the task model's `predict` takes them.
        labels: dev labels or scores.
        score_fn: `(labels, predictions) -> dict of scores`.
        monitor: the score to maximise.
        patience: epochs without improvement before stopping.
        batch_size: prediction batch size.
        predict_fn: `(model, texts, batch_size) -> predictions`, for tasks whose dev
            predictions are not `model.predict` (e.g. `BertTokenClassifier.predict_words`).
        state_dir: a directory to keep the callback's state in across processes, or None.

    Example:

    >>> callback = DevMetricCallback(dev_texts, dev_labels, classification_scores,
    ...                              "accuracy", state_dir="runs/sst2/backup")  # doctest: +SKIP
    >>> model.fit(texts, labels, callbacks=[callback], backup_dir="runs/sst2/backup")
    ... # doctest: +SKIP
    """

    def __init__(
        self,
        texts,
        labels,
        score_fn,
        monitor,
        patience=2,
        batch_size=64,
        predict_fn=None,
        state_dir=None,
    ):
        super().__init__()
        self.predict_fn = predict_fn or (
            lambda model, texts, batch_size: model.predict(texts, batch_size=batch_size, verbose=0)
        )
        self.texts, self.labels = texts, labels
        self.score_fn, self.monitor = score_fn, monitor
        self.patience, self.batch_size = patience, batch_size
        self.state_dir = None if state_dir is None else Path(state_dir)
        self.history, self.best, self.best_epoch = [], -np.inf, None
        self._epochs, self._best_weights = [], None

    def on_train_begin(self, logs=None):
        state = self.state_dir / STATE_FILE if self.state_dir is not None else None
        if self._epochs or state is None or not state.exists():
            return  # a second `fit` call in this process keeps what it has
        saved = json.loads(state.read_text())
        self._epochs, self.history = saved["epochs"], saved["history"]
        self.best, self.best_epoch = saved["best"], saved["best_epoch"]
        with np.load(self.state_dir / BEST_WEIGHTS_FILE) as best:
            self._best_weights = [best[f"arr_{i}"] for i in range(len(best.files))]

    def on_epoch_end(self, epoch, logs=None):
        predictions = self.predict_fn(self.model, self.texts, self.batch_size)
        scores = self.score_fn(self.labels, predictions)
        kept = [i for i, done in enumerate(self._epochs) if done < epoch]  # a rerun replaces
        self._epochs = [self._epochs[i] for i in kept] + [epoch]
        self.history = [self.history[i] for i in kept] + [scores]
        if logs is not None:
            logs.update({f"dev_{name}": value for name, value in scores.items()})
        print(f"\nepoch {epoch + 1} dev: " + ", ".join(f"{k} {v:.4f}" for k, v in scores.items()))
        improved = scores[self.monitor] > self.best
        if improved:
            self.best, self.best_epoch = scores[self.monitor], epoch
            self._best_weights = self.model.get_weights()
        elif epoch - self.best_epoch >= self.patience:
            self.model.stop_training = True
        # Under MultiWorkerMirroredStrategy every worker scores the same weights; one writes.
        if self.state_dir is not None and is_chief(self.model.distribute_strategy):
            self._save_state(improved)

    def _save_state(self, improved):
        # Weights first, then the scores that name them.
        self.state_dir.mkdir(parents=True, exist_ok=True)
        if improved:
            replace_atomically(
                self.state_dir / BEST_WEIGHTS_FILE,
                lambda partial: np.savez(partial, *self._best_weights),
            )
        state = {
            "epochs": self._epochs,
            "history": self.history,
            "best": float(self.best),
            "best_epoch": self.best_epoch,
        }
        replace_atomically(
            self.state_dir / STATE_FILE,
            lambda partial: partial.write_text(json.dumps(state, default=float)),
        )

    def on_train_end(self, logs=None):
        if self._best_weights is not None:
            self.model.set_weights(self._best_weights)
