"""Training that survives being killed: a backup of the weights and the optimizer state every
few steps, and a restore that tells `Task.fit` how many steps are already done.

The backup is written to a temporary file and renamed over the previous one, so a kill while
writing leaves the last good backup. The optimizer's step counter is part of the backup, so
the learning-rate schedule continues where it stopped. The dropout layers' random state,
which Keras leaves out of weight files, is saved beside it (`dropout-STEP.npy`), so the
resumed run draws the dropout masks an unbroken run would.
"""

from __future__ import annotations

from pathlib import Path

import keras
import numpy as np

from keras_bert_lib.atomic_files import replace_atomically
from keras_bert_lib.training.distribute import is_chief

BACKUP_FILE = "backup.weights.h5"


class StepBackup(keras.callbacks.Callback):
    """Saves the model's weights and optimizer state every `every_steps` steps and at each
    epoch's end into `directory/backup.weights.h5`.

    Args:
        directory: str or Path. Created if missing; holds nothing else of ours.
        every_steps: int. Steps between backups.
    """

    def __init__(self, directory, every_steps):
        super().__init__()
        if every_steps < 1:
            raise ValueError(f"every_steps must be >= 1, got {every_steps}.")
        self.directory = Path(directory)
        self.every_steps = every_steps

    def on_train_batch_end(self, batch, logs=None):
        if int(self.model.optimizer.iterations.numpy()) % self.every_steps == 0:
            self.save()

    def on_epoch_end(self, epoch, logs=None):
        self.save()

    def save(self):
        # Under MultiWorkerMirroredStrategy every worker holds the same weights; one writes.
        if not is_chief(self.model.distribute_strategy):
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        step = int(self.model.optimizer.iterations.numpy())
        states = np.array([v.numpy() for v in _seed_states(self.model)])
        replace_atomically(
            self.directory / f"dropout-{step}.npy", lambda partial: np.save(partial, states)
        )
        replace_atomically(self.directory / BACKUP_FILE, self.model.save_weights)
        for old in self.directory.glob("dropout-*.npy"):
            if old.name != f"dropout-{step}.npy":
                old.unlink()


def _seed_states(model):
    """The random-state variables of the model's seed generators (its dropout layers)."""
    return [v for v in model.variables if v.name == "seed_generator_state"]


def restore_backup(model, directory) -> int:
    """Loads the backup in `directory` into the compiled `model`, if there is one.

    Returns:
        The optimizer steps already done (0 without a backup).
    """
    path = Path(directory) / BACKUP_FILE
    if not path.exists():
        return 0
    if not model.optimizer.built:
        model.optimizer.build(model.trainable_variables)
    try:
        model.load_weights(path)
    except Exception as error:  # h5py and Keras raise several types for a broken file
        raise ValueError(
            f"The training backup {path} cannot be loaded ({error}); it belongs to another "
            "model or is damaged. Delete it to start over."
        ) from error
    step = int(model.optimizer.iterations.numpy())
    states = Path(directory) / f"dropout-{step}.npy"
    if states.exists():  # absent only if a kill fell between writing it and the weights
        for variable, value in zip(_seed_states(model), np.load(states), strict=True):
            variable.assign(value)
    return step
