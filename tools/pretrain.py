"""Pretrains BERT (MLM + NSP) on TFRecord shards from tools/create_pretraining_data.py.

    python tools/create_pretraining_data.py --input ../shared/data/wikipedia/train \
        --output-prefix runs/pretraining_data/train
    python tools/create_pretraining_data.py --input ../shared/data/wikipedia/valid \
        --output-prefix runs/pretraining_data/valid --dupe-factor 1 --seed 1
    python tools/pretrain.py --train-data runs/pretraining_data/train \
        --valid-data runs/pretraining_data/valid --preset bert_tiny --output-dir runs/pretrain

From scratch with `--preset` (vocabulary of the data's tokenizer), or from `--checkpoint` (a
Hugging Face or Google checkpoint, or a `pretrainer.keras` this tool wrote).
Every `--eval-every` steps the valid shards are scored (MLM loss over the real masked
tokens, MLM and NSP accuracy) and printed beside the cross-entropy of a unigram model of the
training wordpieces, the floor a model that learned anything must beat. Weights and
optimizer state are backed up every `--backup-every` steps in `OUTPUT/backup`: rerun the
same command after a kill to go on. Writes `OUTPUT/pretrainer.keras`, the encoder as a
Hugging Face directory `OUTPUT/encoder` (every task model loads it), `OUTPUT/history.json`,
the curves as `OUTPUT/curves.png` (with the `plots` extra) and TensorBoard logs in
`OUTPUT/logs`. `tools/score_pretrainer.py` scores a saved pretrainer on other shards.
"""

import argparse
import json
import shutil
import time
from pathlib import Path

import keras_bert_lib.environment  # noqa: F401  (first: before TensorFlow loads)

import keras

from keras_bert_lib import BertConfig, BertEncoder, BertTokenizer
from keras_bert_lib.checkpoints import reference_checkpoint_path, save_hf
from keras_bert_lib.data.pretraining_records import pretraining_dataset
from keras_bert_lib.models.bert_pretrainer import MLM, NSP, BertPretrainer
from keras_bert_lib.training.curves import write_curves_png
from keras_bert_lib.training.distribute import (
    add_strategy_flags,
    strategy_from_flags,
    worker_output_dir,
)
from keras_bert_lib.training.optimizers import OPTIMIZERS
from keras_bert_lib.training.pretraining_scores import (
    ValidScores,
    evaluation_dataset,
    unigram_cross_entropy,
)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_model_flags(parser)
    add_optimizer_flags(parser)
    add_run_flags(parser)
    add_strategy_flags(parser)
    args = parser.parse_args()
    if args.dropout is not None and args.checkpoint:
        parser.error("--dropout applies to a new model (--preset); a checkpoint keeps its own")
    if args.mlm_only and args.nsp_loss_weight is not None:
        parser.error("--nsp-loss-weight applies to a pretrainer with NSP, not --mlm-only")
    return args


def add_model_flags(parser):
    """The data, the model to start from and its heads."""
    parser.add_argument("--train-data", type=Path, required=True, help="prefix of the shards")
    parser.add_argument("--valid-data", type=Path, required=True, help="prefix of the shards")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--preset", help="from scratch, e.g. bert_tiny")
    source.add_argument("--checkpoint", type=Path, help="continue from a checkpoint")
    parser.add_argument(
        "--dropout",
        type=float,
        default=None,
        help="with --preset: hidden and attention dropout (default 0.1, BERT's); short runs "
        "learn faster with 0",
    )
    parser.add_argument(
        "--mlm-only",
        action="store_true",
        help="no next-sentence head or loss (RoBERTa style); a .keras pretrainer keeps its own",
    )
    parser.add_argument(
        "--nsp-loss-weight",
        type=float,
        default=None,
        help="the loss is MLM + this x NSP (default 1, BERT's)",
    )
    parser.add_argument(
        "--freeze-encoder",
        action="store_true",
        help="train only the heads (e.g. a new MLM head on a checkpoint that has none)",
    )


def add_optimizer_flags(parser):
    """Steps, batch and the optimizer's schedule."""
    parser.add_argument("--steps", type=int, default=6000)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument(
        "--learning-rate",
        type=float,
        default=None,
        help="peak learning rate (default 1e-3 from scratch with --preset; 1e-4, "
        "BertPretrainer's, going on from a --checkpoint, whose encoder a larger one would "
        "undo)",
    )
    parser.add_argument("--warmup-ratio", type=float, default=0.05)
    parser.add_argument(
        "--decay-ratio",
        type=float,
        default=None,
        help="the rate stays at its peak after warmup and decays linearly over this last "
        "fraction of the steps (default 0.2 from scratch with --preset: masked-LM loss "
        "drops late in a short run, and a decay from the start of the run holds it back; "
        "going on from a --checkpoint, and with 1, the decay starts after warmup, BERT's)",
    )
    parser.add_argument("--weight-decay", type=float, default=0.01)
    parser.add_argument("--optimizer", choices=OPTIMIZERS, default="adamw")


def add_run_flags(parser):
    """Output, scoring, backups, compilation and the seed."""
    parser.add_argument("--output-dir", type=Path, required=True)
    parser.add_argument("--eval-every", type=int, default=500)
    parser.add_argument(
        "--no-xla",
        dest="jit_compile",
        action="store_false",
        help="pretraining batches all have one shape, so XLA compiles once; this turns it off",
    )
    parser.add_argument("--backup-every", type=int, default=250)
    parser.add_argument(
        "--max-valid-batches",
        type=int,
        default=None,
        help="score at most this many valid batches (default: all full batches, so the "
        "figures do not depend on --batch-size)",
    )
    parser.add_argument("--seed", type=int, default=0)


def data_settings(prefix):
    """`(shards, max_seq_length, max_predictions_per_seq, checkpoint)` from `PREFIX.json`;
    the checkpoint is the one whose tokenizer made the data (the reference by default)."""
    summary = json.loads(Path(f"{prefix}.json").read_text())
    settings = summary["settings"]
    checkpoint = Path(settings["checkpoint"]) if settings["checkpoint"] else None
    return (
        summary["shards"],
        settings["max_seq_length"],
        settings["max_predictions_per_seq"],
        checkpoint or reference_checkpoint_path(),
    )


def write_pretraining_curves(path, history, baseline):
    panels = {
        "masked-LM loss (nats)": {
            "train": "train_mlm_loss", "train, all heads": "train_loss",
            "valid": "valid_mlm_loss", "unigram": float(baseline),
        },
        "masked-LM accuracy": {"valid": "valid_mlm_accuracy"},
        "next-sentence accuracy": {
            "train": "train_nsp_accuracy", "valid": "valid_nsp_accuracy", "chance": 0.5,
        },
    }  # fmt: skip
    try:
        write_curves_png(path, history, "step", panels, title=str(path.parent))
    except ModuleNotFoundError as error:
        print(f"no {path.name}: {error}")


def build_pretrainer(args, vocab_size):
    """The pretrainer the flags ask for, compiled (call under the strategy's scope); a
    checkpoint that does not fit the flags or the data is named."""
    if args.checkpoint:
        model = BertPretrainer.from_checkpoint(args.checkpoint, next_sentence=not args.mlm_only)
    else:
        overrides = {"vocab_size": vocab_size}
        if args.dropout is not None:
            overrides.update(hidden_dropout=args.dropout, attention_dropout=args.dropout)
        config = BertConfig.from_preset(args.preset, **overrides)
        model = BertPretrainer(BertEncoder(config), next_sentence=not args.mlm_only)
    if args.mlm_only and model.next_sentence:
        raise SystemExit(f"--mlm-only: the pretrainer in {args.checkpoint} has an NSP head.")
    if args.nsp_loss_weight is not None and not model.next_sentence:
        raise SystemExit(f"--nsp-loss-weight: the pretrainer in {args.checkpoint} is MLM only.")
    if model.encoder.config.vocab_size != vocab_size:
        raise SystemExit(
            f"The model has {model.encoder.config.vocab_size} token ids but the data's "
            f"tokenizer {vocab_size}."
        )
    if args.freeze_encoder:
        model.encoder.trainable = False
    nsp_weight = 1.0 if args.nsp_loss_weight is None else args.nsp_loss_weight
    model.compile(
        optimizer=args.optimizer,
        # XLA cannot place replicas on logical CPU devices (a variable "located in
        # device CPU:1" read from CPU:0; tensorflow.org/xla/known_issues).
        jit_compile=args.jit_compile and not args.logical_cpus,
        learning_rate=args.learning_rate or (1e-3 if args.preset else None),
        warmup_ratio=args.warmup_ratio,
        decay_ratio=(0.2 if args.preset else None)
        if args.decay_ratio is None
        else args.decay_ratio,
        weight_decay=args.weight_decay,
        loss_weights={MLM: 1.0, NSP: nsp_weight} if model.next_sentence else None,
    )
    return model


def save_encoder_directory(encoder, vocabulary, data_checkpoint, directory):
    """The encoder as a Hugging Face directory with the data tokenizer's vocabulary, casing
    and long-word limit, so every task model loads it."""
    save_hf(encoder, directory)
    (directory / "vocab.txt").write_text("\n".join(vocabulary) + "\n")
    data_directory = data_checkpoint if data_checkpoint.is_dir() else data_checkpoint.parent
    for name in ("tokenizer.json", "tokenizer_config.json"):
        if (data_directory / name).is_file():
            shutil.copyfile(data_directory / name, directory / name)


def fit_with_scores(model, args, output_dir, train_files, valid_files, shape, baseline):
    """Trains for `--steps`, scoring the valid shards every `--eval-every` steps and
    backing up as it goes; returns the `ValidScores` callback and the training seconds."""
    seq_length, predictions = shape

    def train():  # rebuilt per fit call: a resumed run then sees the same batches
        return pretraining_dataset(
            train_files,
            seq_length,
            predictions,
            args.batch_size,
            seed=args.seed,
            next_sentence=model.next_sentence,
        ).repeat()

    valid = evaluation_dataset(
        model, valid_files, seq_length, predictions, args.batch_size, args.max_valid_batches
    )
    scores = ValidScores(valid, baseline)
    print(f"scoring {scores.examples} valid examples ({scores.steps} batches)", flush=True)
    start = time.perf_counter()
    model.fit(
        train,
        epochs=-(-args.steps // args.eval_every),
        steps_per_epoch=args.eval_every,
        callbacks=[scores, keras.callbacks.TensorBoard(str(output_dir / "logs"))],
        backup_dir=args.output_dir / "backup",
        backup_every=args.backup_every,
        verbose=2,
    )
    seconds = time.perf_counter() - start
    if model.resumed_from_step:
        print(f"resumed from step {model.resumed_from_step} of the backup", flush=True)
    return scores, seconds


def write_history(output_dir, args, baseline, scores, seconds):
    """`history.json` and `curves.png`, and the final figures printed as JSON."""
    result = {
        "unigram_cross_entropy": baseline,
        "valid_examples": scores.examples,
        "wall_seconds": round(seconds, 1),
        "final": scores.history[-1] if scores.history else None,
        "curve": scores.history,
        "args": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
    }
    (output_dir / "history.json").write_text(json.dumps(result, indent=2) + "\n")
    if scores.history:
        write_pretraining_curves(output_dir / "curves.png", scores.history, baseline)
    print(json.dumps({k: result[k] for k in ("unigram_cross_entropy", "final", "wall_seconds")}))


def main():
    args = parse_args()
    strategy = strategy_from_flags(args)  # first: it may set up devices
    output_dir = worker_output_dir(strategy, args.output_dir)
    keras.utils.set_random_seed(args.seed)
    train_files, seq_length, predictions, data_checkpoint = data_settings(args.train_data)
    valid_files, _, _, _ = data_settings(args.valid_data)
    # The vocabulary whose ids the shards hold, also when going on from a checkpoint (which
    # may be a `.keras` pretrainer with no vocab.txt beside it, such as OUTPUT/pretrainer.keras).
    vocabulary = BertTokenizer.from_checkpoint(data_checkpoint).vocabulary
    with strategy.scope():
        model = build_pretrainer(args, len(vocabulary))
    baseline = unigram_cross_entropy(
        train_files, valid_files, seq_length, predictions, model.encoder.config.vocab_size
    )
    print(f"unigram cross-entropy of the valid masked tokens: {baseline:.4f} nats", flush=True)
    print(f"training on {strategy.num_replicas_in_sync} replicas", flush=True)
    scores, seconds = fit_with_scores(
        model, args, output_dir, train_files, valid_files, (seq_length, predictions), baseline
    )
    model.save(output_dir / "pretrainer.keras")
    save_encoder_directory(model.encoder, vocabulary, data_checkpoint, output_dir / "encoder")
    write_history(output_dir, args, baseline, scores, seconds)


if __name__ == "__main__":
    main()
