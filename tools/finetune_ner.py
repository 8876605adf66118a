"""Fine-tunes a BertTokenClassifier (NER) on CoNLL column files; writes the model and metrics.

    python tools/finetune_ner.py --train ../shared/data/wnut17/wnut17train.conll \
        --dev ../shared/data/wnut17/emerging.dev.conll --output-dir runs/wnut17

Defaults: sequence length 128, batch 16, 5 epochs, learning rate 1e-4 (on WNUT-2017 the
common recipe of 3 epochs at 5e-5 leaves this small checkpoint predicting almost only `O`).
The dev set is scored after every epoch with entity-level precision, recall and F1 (seqeval
rules); training keeps the best epoch and stops after `--patience` epochs without a gain.
Writes `OUTPUT/model.keras`, `OUTPUT/metrics.json` and `OUTPUT/curves.png`. A killed run
goes on from its last backup (`OUTPUT/backup`, every `--backup-every` steps) when the same
command is run again.
"""

import time

import keras_bert_lib.environment  # noqa: F401  (first: before TensorFlow loads)

import keras
from finetuning_flags import compile_arguments, finetuning_parser
from finetuning_run import fit_arguments, write_results

from keras_bert_lib import BertTokenClassifier
from keras_bert_lib.checkpoints import reference_checkpoint_path
from keras_bert_lib.data.conll import read_conll
from keras_bert_lib.metrics.entities import entity_scores
from keras_bert_lib.training.dev_metric import DevMetricCallback
from keras_bert_lib.training.distribute import (
    strategy_from_flags,
    worker_output_dir,
)
from keras_bert_lib.training.step_log import StepLog


def parse_args():
    parser = finetuning_parser(
        __doc__.splitlines()[0],
        sequence_length=128,
        batch_size=16,
        epochs=5,
        learning_rate=1e-4,
        backup_every=200,
    )
    parser.add_argument("--token-column", type=int, default=0)
    parser.add_argument("--tag-column", type=int, default=-1)
    parser.add_argument("--scheme", choices=["IOB2", "IOB1"], default="IOB2")
    return parser.parse_args()


def main():
    args = parse_args()
    strategy = strategy_from_flags(args)  # first: it may set up devices
    output_dir = worker_output_dir(strategy, args.output_dir)
    keras.utils.set_random_seed(args.seed)
    columns = dict(token_column=args.token_column, tag_column=args.tag_column, scheme=args.scheme)
    train, dev = read_conll(args.train, **columns), read_conll(args.dev, **columns)
    tags = ["O"] + sorted({t for s in train for t in s.tags} - {"O"})
    checkpoint = args.checkpoint or reference_checkpoint_path()
    print(f"train {len(train)} sentences, dev {len(dev)}, {len(tags)} tags, from {checkpoint}")
    with strategy.scope():
        model = BertTokenClassifier.from_checkpoint(
            checkpoint, tag_names=tags, sequence_length=args.sequence_length
        )
        model.compile(**compile_arguments(args))
    dev_words, dev_tags = [s.words for s in dev], [s.tags for s in dev]
    dev_metric = DevMetricCallback(
        dev_words,
        dev_tags,
        entity_scores,
        "f1",
        args.patience,
        predict_fn=lambda model, words, batch_size: model.predict_words(words, batch_size),
        state_dir=args.output_dir / "backup",
    )
    step_log = StepLog(state_dir=args.output_dir / "backup")
    start = time.perf_counter()
    model.fit_words(
        [s.words for s in train],
        [s.tags for s in train],
        **fit_arguments(args, [dev_metric, step_log]),
    )
    run = (dev_metric, step_log, time.perf_counter() - start)
    write_results(output_dir, model, args, run, {"train_sentences": len(train)})


if __name__ == "__main__":
    main()
