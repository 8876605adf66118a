"""The command-line flags every fine-tuning tool shares (finetune, finetune_ner, finetune_squad).

Each tool passes its task's recipe as the defaults and adds its own flags to the parser.
"""

import argparse
from pathlib import Path

from keras_bert_lib.training.distribute import add_strategy_flags


def finetuning_parser(
    description, *, sequence_length, batch_size, epochs, learning_rate, backup_every
):
    """An `ArgumentParser` with the shared flags; the recipe's numbers are the defaults.

    Args:
        description: the tool's one-line description.
        sequence_length: default `--sequence-length` (wordpieces per example or window).
        batch_size: default `--batch-size`.
        epochs: default `--epochs`.
        learning_rate: default peak `--learning-rate`.
        backup_every: default `--backup-every` (training steps between backups).

    Example:
        parser = finetuning_parser(
            "Fine-tunes X.", sequence_length=128, batch_size=32, epochs=3,
            learning_rate=5e-5, backup_every=200,
        )
        parser.add_argument("--label-column", required=True)
        args = parser.parse_args()
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--train", type=Path, required=True)
    parser.add_argument("--dev", type=Path, required=True)
    parser.add_argument(
        "--checkpoint",
        type=Path,
        default=None,
        help="Hugging Face / Google checkpoint (default: the reference)",
    )
    parser.add_argument("--output-dir", type=Path, required=True)
    parser.add_argument("--sequence-length", type=int, default=sequence_length)
    parser.add_argument("--batch-size", type=int, default=batch_size)
    parser.add_argument("--epochs", type=int, default=epochs)
    parser.add_argument("--learning-rate", type=float, default=learning_rate)
    _add_optimizer_flags(parser)
    parser.add_argument(
        "--patience", type=int, default=2, help="epochs without a better dev score before stopping"
    )
    parser.add_argument(
        "--backup-every",
        type=int,
        default=backup_every,
        help="steps between backups in OUTPUT/backup; rerun the same command to resume",
    )
    parser.add_argument("--seed", type=int, default=0)
    add_strategy_flags(parser)
    return parser


def _add_optimizer_flags(parser):
    """The recipe flags `compile_arguments` reads, and `--group-by-length`; where a
    default is the task's, the flag's default leaves it to the task model."""
    parser.add_argument("--warmup-ratio", type=float, default=0.1)
    parser.add_argument("--weight-decay", type=float, default=0.01)
    parser.add_argument(
        "--clip-norm",
        type=float,
        default=None,
        help="clip gradients to this global norm; 0 for no clipping (default: the task's)",
    )
    parser.add_argument(
        "--decay-all-weights",
        action="store_true",
        help="weight decay on LayerNorm and bias too (torch.optim.AdamW on model.parameters())",
    )
    grouping = parser.add_mutually_exclusive_group()
    grouping.add_argument(
        "--group-by-length",
        dest="group_by_length",
        action="store_const",
        const=True,
        default="auto",
        help="batches of similar-length examples (default: the task's)",
    )
    grouping.add_argument(
        "--no-group-by-length",
        dest="group_by_length",
        action="store_const",
        const=False,
        help="batches in random order",
    )


def compile_arguments(args) -> dict:
    """The recipe flags as `Task.compile` keyword arguments.

    Example:
        model.compile(**compile_arguments(parser.parse_args()))
    """
    arguments = dict(
        learning_rate=args.learning_rate,
        warmup_ratio=args.warmup_ratio,
        weight_decay=args.weight_decay,
    )
    if args.clip_norm is not None:
        arguments["global_clipnorm"] = args.clip_norm or None
    if args.decay_all_weights:
        arguments["decay_exclusions"] = ()
    return arguments
