"""Fine-tunes a BertClassifier on GLUE-style TSV files and writes the model and its metrics.

    python tools/finetune.py --train ../shared/data/sst2/train.tsv \
        --dev ../shared/data/sst2/dev.tsv --text-columns sentence --label-column label \
        --output-dir runs/sst2

Pairs: `--text-columns sentence1 sentence2`. Regression (STS-B): `--regression`; its scores
are bounded by the training labels' range (override with `--score-range LOW HIGH`, or
`--unbounded` for a linear head with mean squared error). Writes
`OUTPUT/model.keras`, `OUTPUT/metrics.json` (dev scores of every epoch, the best, timings),
`OUTPUT/curves.png` (training loss and learning rate per step, the dev metric per epoch; with
the `plots` extra)
and TensorBoard logs in `OUTPUT/logs`. Training stops early when the dev metric has not
improved for `--patience` epochs, and the best epoch's weights are kept. A killed run goes on
from its last backup (`OUTPUT/backup`, every `--backup-every` steps) when the same command is
run again.
"""

import time

import keras_bert_lib.environment  # noqa: F401  (first: before TensorFlow loads)

import keras
from finetuning_flags import compile_arguments, finetuning_parser
from finetuning_run import fit_arguments, write_results

from keras_bert_lib import BertClassifier
from keras_bert_lib.checkpoints import reference_checkpoint_path
from keras_bert_lib.data.glue import load_train_dev
from keras_bert_lib.training.dev_metric import (
    DevMetricCallback,
    classification_scores,
    regression_scores,
)
from keras_bert_lib.training.distribute import (
    strategy_from_flags,
    worker_output_dir,
)
from keras_bert_lib.training.step_log import StepLog


def parse_args():
    parser = finetuning_parser(
        __doc__.splitlines()[0],
        sequence_length=128,
        batch_size=32,
        epochs=3,
        learning_rate=5e-5,
        backup_every=200,
    )
    parser.add_argument("--text-columns", nargs="+", required=True, help="one or two columns")
    parser.add_argument("--label-column", required=True)
    parser.add_argument("--regression", action="store_true", help="scores, not classes")
    parser.add_argument(
        "--score-range", type=float, nargs=2, default=None, help="regression score bounds"
    )
    parser.add_argument(
        "--unbounded", action="store_true", help="regression: linear head, mean squared error"
    )
    parser.add_argument(
        "--max-train-examples", type=int, default=None, help="train on this many random rows"
    )
    parser.add_argument(
        "--random-init",
        action="store_true",
        help="the checkpoint's architecture and vocabulary with random weights: the baseline "
        "that shows what pretraining brings",
    )
    parser.add_argument(
        "--pooling",
        choices=("pooler", "mean", "cls", "max"),
        default="pooler",
        help="what the head reads: the encoder's [CLS] pooler (BERT's) or a pooling of "
        "every token's output (mean: sentence-transformers')",
    )
    parser.add_argument(
        "--monitor", default=None, help="dev score for early stopping (default accuracy / spearman)"
    )
    return parser.parse_args()


def main():
    args = parse_args()
    strategy = strategy_from_flags(args)  # first: it may set up devices
    output_dir = worker_output_dir(strategy, args.output_dir)
    keras.utils.set_random_seed(args.seed)
    train, dev = load_train_dev(
        args.train,
        args.dev,
        args.text_columns,
        args.label_column,
        args.regression,
        args.max_train_examples,
        args.seed,
    )
    num_classes = train.num_classes
    checkpoint = args.checkpoint or reference_checkpoint_path()
    print(
        f"train {len(train)} examples, dev {len(dev)}, "
        f"{'regression' if args.regression else f'{num_classes} classes'}, from {checkpoint}"
    )

    score_range = None
    if args.regression and not args.unbounded:
        score_range = args.score_range or (float(min(train.labels)), float(max(train.labels)))
        print(f"scores bounded to {score_range}")
    with strategy.scope():
        model = BertClassifier.from_checkpoint(
            checkpoint,
            num_classes=num_classes,
            sequence_length=args.sequence_length,
            score_range=score_range,
            pooling=args.pooling,
            load_weights=not args.random_init,
        )
        model.compile(**compile_arguments(args))
    score_fn = regression_scores if args.regression else classification_scores
    monitor = args.monitor or ("spearman" if args.regression else "accuracy")
    dev_metric = DevMetricCallback(
        dev.texts,
        dev.labels,
        score_fn,
        monitor,
        args.patience,
        state_dir=args.output_dir / "backup",  # kept across a kill, as the weights are
    )
    output_dir.mkdir(parents=True, exist_ok=True)
    step_log = StepLog(state_dir=args.output_dir / "backup")
    callbacks = [dev_metric, step_log, keras.callbacks.TensorBoard(str(output_dir / "logs"))]

    start = time.perf_counter()
    model.fit(train.texts, train.labels, **fit_arguments(args, callbacks))
    run = (dev_metric, step_log, time.perf_counter() - start)
    summary = {"train_examples": len(train), "monitor": monitor}
    write_results(output_dir, model, args, run, summary, shown=("train_examples_per_second",))


if __name__ == "__main__":
    main()
