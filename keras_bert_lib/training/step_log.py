"""The training loss and learning rate every few steps, kept across a kill, and the
fine-tuning curves drawn from them with the dev scores of every epoch."""

from __future__ import annotations

import json
from pathlib import Path

import keras

from keras_bert_lib.atomic_files import replace_atomically
from keras_bert_lib.training.curves import write_curves_png
from keras_bert_lib.training.distribute import is_chief

STATE_FILE = "step_log.json"


class StepLog(keras.callbacks.Callback):
    """Records `{"step", "loss", "learning_rate"}` every `every` optimizer steps.

    `loss` is Keras' running mean over the epoch so far, as its progress bar shows it. With
    `state_dir` (give it `fit`'s `backup_dir`) the records are saved there as they come, and
    a run resumed after a kill starts from them; steps trained again replace their records.

    Args:
        every: int. Steps between records.
        state_dir: a directory to keep the records in across processes, or None.

    Example:

    >>> log = StepLog(every=10, state_dir="runs/sst2/backup")
    >>> model.fit(texts, labels, callbacks=[log], backup_dir="runs/sst2/backup")
    ... # doctest: +SKIP
    """

    def __init__(self, every=10, state_dir=None):
        super().__init__()
        if every < 1:
            raise ValueError(f"every must be >= 1, got {every}.")
        self.every = every
        self.state_dir = None if state_dir is None else Path(state_dir)
        self.records = []
        state = self.state_dir / STATE_FILE if self.state_dir is not None else None
        if state is not None and state.exists():
            self.records = json.loads(state.read_text())

    def on_train_batch_end(self, batch, logs=None):
        step = int(self.model.optimizer.iterations.numpy())
        if step % self.every or not logs or "loss" not in logs:
            return
        learning_rate = self.model.optimizer.learning_rate
        record = {"step": step, "loss": float(logs["loss"]), "learning_rate": float(learning_rate)}
        self.records = [r for r in self.records if r["step"] < step] + [record]
        if self.state_dir is not None and is_chief(self.model.distribute_strategy):
            self.state_dir.mkdir(parents=True, exist_ok=True)
            replace_atomically(
                self.state_dir / STATE_FILE,
                lambda partial: partial.write_text(json.dumps(self.records)),
            )


def write_finetuning_curves(path, step_records, dev_history, steps_per_epoch, monitor) -> Path:
    """`curves.png` of a fine-tuning run: training loss and learning rate per step, and the
    dev metric after every epoch (drawn at the epoch's last step).

    Args:
        path: the PNG to write.
        step_records: `StepLog.records`.
        dev_history: per epoch, a dict of dev scores (`DevMetricCallback.history`).
        steps_per_epoch: int.
        monitor: the dev score to draw.

    Example:

    >>> write_finetuning_curves("curves.png", log.records, dev.history, 100, "accuracy")
    ... # doctest: +SKIP
    """
    dev_rows = [
        {"step": steps_per_epoch * (epoch + 1), f"dev_{monitor}": scores[monitor]}
        for epoch, scores in enumerate(dev_history)
    ]
    panels = {
        "training loss (running mean in the epoch)": {"train": "loss"},
        f"dev {monitor} (after each epoch)": {"dev": f"dev_{monitor}"},
        "learning rate": {"schedule": "learning_rate"},
    }
    rows = [*step_records, *dev_rows]
    return write_curves_png(path, rows, "step", panels, title=str(Path(path).parent))


def save_finetuning_curves(output_dir, model, step_log, dev_metric) -> Path | None:
    """`OUTPUT/curves.png` after a fine-tuning tool's `fit` (see `write_finetuning_curves`);
    without matplotlib it says so and writes nothing."""
    epochs = max(1, len(dev_metric.history))
    steps_per_epoch = int(model.optimizer.iterations.numpy()) // epochs
    path = Path(output_dir) / "curves.png"
    try:
        return write_finetuning_curves(
            path, step_log.records, dev_metric.history, steps_per_epoch, dev_metric.monitor
        )
    except ModuleNotFoundError as error:
        print(f"no {path.name}: {error}")
        return None
