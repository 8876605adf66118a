"""Fine-tunes a BertSpanLabeler on SQuAD v1.1 JSON; writes the model, predictions and metrics.

    python tools/finetune_squad.py --train ../shared/data/squad_v1.1/train_split.json \
        --dev ../shared/data/squad_v1.1/dev_split.json --output-dir runs/squad

Defaults are the reference recipe: windows of 384 wordpieces with a 128-piece stride, questions
of at most 64 pieces, 1 epoch, batch 16, learning rate 1e-4 (10% warmup, linear decay), no
gradient clipping (`BertSpanLabeler.default_global_clipnorm` says why). The
dev set is answered after every epoch (n-best 20, answers of at most 30 pieces) and scored
with the official SQuAD v1.1 exact match and F1.

The run can be killed and started again with the same command: the weights and optimizer
state are backed up in `OUTPUT/backup` every `--backup-every` steps, and a restart goes on
from the last backup with the same data order. Writes `OUTPUT/model.keras`,
`OUTPUT/predictions.json` (question id -> answer, the official format),
`OUTPUT/metrics.json` and `OUTPUT/curves.png`.
"""

import json
import time

import keras_bert_lib.environment  # noqa: F401  (first: before TensorFlow loads)

import keras
from finetuning_flags import compile_arguments, finetuning_parser
from finetuning_run import fit_arguments, write_results

from keras_bert_lib import BertSpanLabeler
from keras_bert_lib.checkpoints import reference_checkpoint_path
from keras_bert_lib.data.squad import read_squad
from keras_bert_lib.metrics.squad import squad_scores
from keras_bert_lib.training.dev_metric import DevMetricCallback
from keras_bert_lib.training.distribute import (
    strategy_from_flags,
    worker_output_dir,
)
from keras_bert_lib.training.step_log import StepLog


def parse_args():
    parser = finetuning_parser(
        __doc__.splitlines()[0],
        sequence_length=384,
        batch_size=16,
        epochs=1,
        learning_rate=1e-4,
        backup_every=100,
    )
    parser.add_argument("--doc-stride", type=int, default=128)
    parser.add_argument(
        "--context-overlap",
        type=int,
        default=None,
        help="context pieces shared by consecutive windows, in place of --doc-stride "
        "(Hugging Face's --stride)",
    )
    parser.add_argument(
        "--max-query-length",
        type=lambda text: None if text == "none" else int(text),
        default=64,
        help="question pieces kept ('none': whole questions)",
    )
    parser.add_argument("--n-best", type=int, default=20)
    parser.add_argument("--max-answer-length", type=int, default=30)
    parser.add_argument("--max-train-questions", type=int, default=None)
    parser.add_argument("--max-dev-questions", type=int, default=None)
    return parser.parse_args()


def main():
    args = parse_args()
    strategy = strategy_from_flags(args)  # first: it may set up devices
    output_dir = worker_output_dir(strategy, args.output_dir)
    keras.utils.set_random_seed(args.seed)
    train = read_squad(args.train)[: args.max_train_questions]
    dev = read_squad(args.dev)[: args.max_dev_questions]
    checkpoint = args.checkpoint or reference_checkpoint_path()
    with strategy.scope():
        model = BertSpanLabeler.from_checkpoint(
            checkpoint,
            sequence_length=args.sequence_length,
            doc_stride=args.doc_stride,
            max_query_length=args.max_query_length,
            context_overlap=args.context_overlap,
        )
        model.compile(**compile_arguments(args))
    windows = model.windows(
        [e.question for e in train], [e.context for e in train], [e.answers[0] for e in train]
    )
    print(f"train {len(train)} questions -> {len(windows)} windows; dev {len(dev)} questions")

    def answer_dev(model, examples, batch_size):
        answers = model.answer(
            [e.question for e in examples],
            [e.context for e in examples],
            batch_size,
            n_best=args.n_best,
            max_answer_length=args.max_answer_length,
        )
        return {e.question_id: a["text"] for e, a in zip(examples, answers, strict=True)}

    gold = {e.question_id: e.answer_texts for e in dev}
    dev_metric = DevMetricCallback(
        dev,
        gold,
        lambda gold, predicted: squad_scores(predicted, gold),
        "f1",
        args.patience,
        predict_fn=answer_dev,
        state_dir=args.output_dir / "backup",
    )
    step_log = StepLog(state_dir=args.output_dir / "backup")
    start = time.perf_counter()
    model.fit(windows.features, windows.labels, **fit_arguments(args, [dev_metric, step_log]))
    run = (dev_metric, step_log, time.perf_counter() - start)
    predictions = answer_dev(model, dev, 32)
    output_dir.mkdir(parents=True, exist_ok=True)
    (output_dir / "predictions.json").write_text(json.dumps(predictions, indent=1) + "\n")
    summary = {
        "train_windows": len(windows),
        "train_questions": len(train),
        "dev_questions": len(dev),
    }
    write_results(output_dir, model, args, run, summary, best=squad_scores(predictions, gold))


if __name__ == "__main__":
    main()
