"""What every fine-tuning tool does around its task: the `fit` arguments its flags give, and
the files a finished run leaves (finetune, finetune_ner, finetune_squad).

    OUTPUT/model.keras      the trained model (the best epoch's weights)
    OUTPUT/metrics.json     counts, timings, the best dev scores and every epoch's
    OUTPUT/curves.png       training loss and learning rate per step, dev metric per epoch
"""

import json
from pathlib import Path

from keras_bert_lib.training.step_log import save_finetuning_curves


def fit_arguments(args, callbacks) -> dict:
    """The shared flags as `Task.fit` keyword arguments (backups in `OUTPUT/backup`).

    Example:
        model.fit(x, y, **fit_arguments(args, [dev_metric, step_log]))
    """
    return dict(
        batch_size=args.batch_size,
        epochs=args.epochs,
        callbacks=callbacks,
        seed=args.seed,
        group_by_length=args.group_by_length,
        backup_dir=args.output_dir / "backup",
        backup_every=args.backup_every,
    )


def write_results(output_dir, model, args, run, summary, best=None, shown=()) -> dict:
    """Saves the model, `metrics.json` and `curves.png`, and prints the headline figures.

    Args:
        output_dir: this worker's output directory.
        model: the trained task model.
        args: the parsed flags (recorded in `metrics.json`).
        run: `(dev_metric, step_log, seconds)`: the `DevMetricCallback`, the `StepLog` and
            the training wall time.
        summary: dict put first in `metrics.json`. Its first item counts what one epoch
            trains on, e.g. `{"train_examples": 20000}`, and gives the throughput
            (`train_examples_per_second`).
        best: the dev scores to report as best (default: the best epoch's).
        shown: keys printed besides `best` and `wall_seconds`.

    Returns:
        The `metrics.json` contents.
    """
    dev_metric, step_log, seconds = run
    output_dir.mkdir(parents=True, exist_ok=True)
    model.save(output_dir / "model.keras")
    epochs_run = len(dev_metric.history)
    unit, count = next(iter(summary.items()))
    result = {
        **summary,
        "epochs_run": epochs_run,
        "wall_seconds": round(seconds, 1),
        "resumed_from_backup": model.resumed_from_step > 0,
        f"{unit}_per_second": round(count * epochs_run / seconds, 2),
        "best_epoch": dev_metric.best_epoch + 1,
        "best": dev_metric.history[dev_metric.best_epoch] if best is None else best,
        "dev_by_epoch": dev_metric.history,
        "args": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
    }
    (output_dir / "metrics.json").write_text(json.dumps(result, indent=2) + "\n")
    save_finetuning_curves(output_dir, model, step_log, dev_metric)
    print(json.dumps({k: result[k] for k in ("best", "wall_seconds", *shown)}, indent=2))
    return result
