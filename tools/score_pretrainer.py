"""Scores a saved pretrainer on shards without training: masked-LM loss and accuracy over
the real masked tokens, next-sentence accuracy, and the unigram baseline.

    python tools/score_pretrainer.py --checkpoint runs/pretrain/pretrainer.keras \
        --data runs/pretraining_data/other_valid --train-data runs/pretraining_data/train

`--checkpoint` is a `pretrainer.keras` that tools/pretrain.py wrote, or a checkpoint with
pretraining heads (Hugging Face `BertForPreTraining`, Google). The shards come from
tools/create_pretraining_data.py with the model's vocabulary. With `--train-data`, the
unigram cross-entropy of those shards' wordpieces on the scored masked tokens is printed
beside the MLM loss. Prints the scores as JSON (and writes them with `--output`).
"""

import argparse
import json
from pathlib import Path

import keras_bert_lib.environment  # noqa: F401  (first: before TensorFlow loads)

from keras_bert_lib.models.bert_pretrainer import BertPretrainer
from keras_bert_lib.training.pretraining_scores import (
    score_pretrainer,
    unigram_cross_entropy,
)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", type=Path, required=True)
    parser.add_argument("--data", type=Path, required=True, help="prefix of the shards")
    parser.add_argument("--train-data", type=Path, help="prefix: for the unigram baseline")
    parser.add_argument("--mlm-only", action="store_true", help="a checkpoint without NSP")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--output", type=Path, help="also write the scores here")
    return parser.parse_args()


def shard_settings(prefix):
    summary = json.loads(Path(f"{prefix}.json").read_text())
    settings = summary["settings"]
    return summary["shards"], settings["max_seq_length"], settings["max_predictions_per_seq"]


def main():
    args = parse_args()
    files, seq_length, predictions = shard_settings(args.data)
    model = BertPretrainer.from_checkpoint(args.checkpoint, next_sentence=not args.mlm_only)
    model.compile(jit_compile=False)
    scores = score_pretrainer(model, files, seq_length, predictions, args.batch_size)
    if args.train_data:
        train_files, train_length, train_predictions = shard_settings(args.train_data)
        if (train_length, train_predictions) != (seq_length, predictions):
            raise SystemExit("--train-data was made with other lengths than --data.")
        scores["unigram_cross_entropy"] = unigram_cross_entropy(
            train_files, files, seq_length, predictions, model.encoder.config.vocab_size
        )
    scores = {"checkpoint": str(args.checkpoint), "data": str(args.data), **scores}
    text = json.dumps(scores, indent=2)
    print(text)
    if args.output:
        args.output.write_text(text + "\n")


if __name__ == "__main__":
    main()
