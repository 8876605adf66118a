"""Resumable `fit`: training as one stream of `epochs x steps` batches, backed up by step.

Keras' `BackupAndRestore` replays an interrupted epoch from batch 0, so a resumed run is
not the run it replaces; here the batches a backup has trained on are skipped instead.
"""

from __future__ import annotations

import shutil

from keras_bert_lib.training.backup import StepBackup, restore_backup
from keras_bert_lib.training.distribute import is_chief


def fit_stream(
    model, keras_fit, make_dataset, epochs, steps, backup_dir, every, validation_data, kwargs
):
    """`keras_fit` (the model's `keras.Model.fit`) over the `epochs * steps` batches of
    `make_dataset()` repeated `epochs` times: one stream, so a run resumed from a backup
    sees the batches an unbroken one would. (Each `keras_fit` call builds the dataset anew:
    a second iterator over the same dataset would draw other shuffle orders than a first.)

    With `backup_dir`, a backup there is restored first and the batches it has trained on
    are skipped; an interrupted epoch is finished on its own, then the rest run. Sets
    `model.resumed_from_step` (0: a fresh start); deletes the backup when the run is
    complete (the chief does, under MultiWorkerMirroredStrategy). Returns the `History` of
    the whole run.

    Args:
        model: the `Task` being trained.
        keras_fit: its `keras.Model.fit`, bound.
        make_dataset: a function returning the epoch's batches as a `tf.data.Dataset`.
        epochs: int.
        steps: int. Batches per epoch.
        backup_dir: a directory, or None for no backups.
        every: int. Steps between backups.
        validation_data: as for `keras.Model.fit`.
        kwargs: the other `keras.Model.fit` arguments (`callbacks`, `verbose`).

    Example:

    >>> fit_stream(model, super().fit, make_dataset, 3, 100, "backup", 200, None, {})
    ... # doctest: +SKIP
    """
    callbacks = list(kwargs.pop("callbacks", None) or [])
    done = 0
    if backup_dir is not None:
        done = restore_backup(model, backup_dir)
        callbacks.append(StepBackup(backup_dir, every))
    model.resumed_from_step = done
    epoch, offset = divmod(done, steps)
    history = None

    def run(first_epoch, last_epoch, skip, steps_per_epoch):
        model._keep_build_batch(make_dataset)
        return keras_fit(
            make_dataset().repeat(epochs).skip(skip),
            initial_epoch=first_epoch,
            epochs=last_epoch,
            steps_per_epoch=steps_per_epoch,
            validation_data=validation_data,
            callbacks=callbacks,
            shuffle=False,  # the dataset is already shuffled
            **kwargs,
        )

    if offset and epoch < epochs:
        history = run(epoch, epoch + 1, done, steps - offset)
        epoch += 1
    if epoch < epochs and not (history is not None and model.stop_training):
        rest = run(epoch, epochs, epoch * steps, steps)
        if history is None:
            history = rest
        else:
            for name, values in rest.history.items():
                history.history.setdefault(name, []).extend(values)
            history.epoch.extend(rest.epoch)
    # The run is complete. Under MultiWorkerMirroredStrategy the directory is shared and the
    # chief may still be writing its last backup when another worker gets here: only it deletes.
    if backup_dir is not None and is_chief(model.distribute_strategy):
        shutil.rmtree(backup_dir, ignore_errors=True)
    return history
