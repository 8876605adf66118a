"""Side by side NER: fine-tune the same checkpoint with keras_bert_lib and Hugging Face.

Both sides: first-subword labels (other pieces ignored), AdamW with weight decay 0.01
except LayerNorm and bias, 10% linear warmup then linear decay, gradients clipped as our
token classifier does by default (to norm 1), the same batch size, epochs, learning rate
and maximum length. Hugging Face is `transformers.BertForTokenClassification` (PyTorch,
CPU) with a plain training loop and dynamic padding; words cut off by its truncation count
as `O`. Both are scored on the dev file by `seqeval` itself (entity precision, recall, F1).
Run by hand (not in CI):

    python benchmarks/compare_hf_ner.py --train ../shared/data/wnut17/wnut17train.conll \
        --dev ../shared/data/wnut17/emerging.dev.conll --seed 0

Paired by seed: both sides train on the same batches in the same order, the one
`Task.fit(seed=seed, group_by_length=False)` draws (`keras_batch_order`), so the difference
of one seed is the libraries' and not the batch order's. `--group-by-length` trains ours
with its default length grouping instead (a separate, reported gain). `--hf-head-init
truncated` draws the transformers head from a normal at 0.02 truncated at two standard
deviations (what our task heads used before they took transformers' plain normal), to
test that one difference alone. `--dropout 0` turns every dropout off on both sides: what
is left between them is then the whole pipeline (batches, schedule, decoding), not the
random masks.
"""

import argparse
import json
import math
import os
import time
from pathlib import Path

import keras_bert_lib.environment  # noqa: F401  (first: before TensorFlow loads)

from hugging_face_recipe import (
    add_sides_flag,
    first_piece_labels,
    keras_batch_order,
    recipe_optimizer,
    recipe_step,
)
from seqeval.metrics import f1_score, precision_score, recall_score

from keras_bert_lib import BertEncoder, BertTokenClassifier, BertTokenizer
from keras_bert_lib.checkpoints import reference_checkpoint_path
from keras_bert_lib.checkpoints.loading import read_checkpoint
from keras_bert_lib.data.conll import read_conll
from keras_bert_lib.models.word_windows import encode_words
from keras_bert_lib.text import BertPreprocessor


def run_ours(args, train, dev, tags, checkpoint):
    import keras

    keras.utils.set_random_seed(args.seed)
    if args.dropout is None:
        model = BertTokenClassifier.from_checkpoint(
            checkpoint, tag_names=tags, sequence_length=args.sequence_length
        )
    else:
        config, weights = read_checkpoint(checkpoint)
        config = config.replace(hidden_dropout=args.dropout, attention_dropout=args.dropout)
        model = BertTokenClassifier(
            BertEncoder.from_weights(config, weights, str(checkpoint)),
            tags,
            preprocessor=BertPreprocessor.from_checkpoint(checkpoint, args.sequence_length),
            dropout=args.dropout,
        )
    model.compile(learning_rate=args.learning_rate)
    start = time.perf_counter()
    model.fit_words(
        [s.words for s in train],
        [s.tags for s in train],
        batch_size=args.batch_size,
        epochs=args.epochs,
        seed=args.seed,
        group_by_length=args.group_by_length,
        verbose=2,
    )
    seconds = time.perf_counter() - start
    return model.predict_words([s.words for s in dev]), seconds


def run_hugging_face(args, train, dev, tags, checkpoint):
    import torch
    import transformers

    torch.manual_seed(args.seed)
    torch.set_num_threads(os.cpu_count())
    tokenizer = transformers.AutoTokenizer.from_pretrained(str(checkpoint))
    dropout = {}
    if args.dropout is not None:
        dropout = dict.fromkeys(
            ("hidden_dropout_prob", "attention_probs_dropout_prob", "classifier_dropout"),
            args.dropout,
        )
    model = transformers.BertForTokenClassification.from_pretrained(
        str(checkpoint), num_labels=len(tags), **dropout
    )
    if args.hf_head_init == "truncated":
        std = model.config.initializer_range
        torch.nn.init.trunc_normal_(model.classifier.weight, std=std, a=-2 * std, b=2 * std)
    tag_id = {t: i for i, t in enumerate(tags)}
    steps_per_epoch = math.ceil(len(train) / args.batch_size)
    optimizer, scheduler = recipe_optimizer(
        model, args.learning_rate, steps_per_epoch * args.epochs
    )

    def encode(sentences):
        batch = tokenizer(
            [s.words for s in sentences],
            is_split_into_words=True,
            truncation=True,
            max_length=args.sequence_length,
            padding="longest",
            return_tensors="pt",
        )
        # A dev tag unseen in training has no id (dev labels are not used).
        return batch, torch.tensor(first_piece_labels(batch, sentences, tag_id))

    orders = keras_batch_order(len(train), args.epochs, args.seed)
    model.train()
    start = time.perf_counter()
    for epoch, order in enumerate(orders):
        for step in range(steps_per_epoch):
            rows = order[step * args.batch_size : (step + 1) * args.batch_size]
            batch, labels = encode([train[i] for i in rows])
            loss = model(**batch, labels=labels).loss
            recipe_step(
                model,
                optimizer,
                scheduler,
                loss,
                clip_norm=BertTokenClassifier.default_global_clipnorm,
            )
        print(f"hf epoch {epoch + 1} done, last loss {loss.item():.4f}", flush=True)
    seconds = time.perf_counter() - start
    model.eval()
    predicted = []
    with torch.inference_mode():
        for begin in range(0, len(dev), 64):
            sentences = dev[begin : begin + 64]
            batch, _ = encode(sentences)
            best = model(**batch).logits.argmax(-1)
            for index, sentence in enumerate(sentences):
                words = ["O"] * len(sentence.words)
                previous = None
                for position, word in enumerate(batch.word_ids(index)):
                    if word is not None and word != previous:
                        words[word] = tags[int(best[index, position])]
                    previous = word
                predicted.append(words)
    return predicted, seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=Path, required=True)
    parser.add_argument("--dev", type=Path, required=True)
    parser.add_argument("--checkpoint", type=Path, default=None)
    parser.add_argument("--sequence-length", type=int, default=128)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--learning-rate", type=float, default=1e-4)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--group-by-length",
        action="store_true",
        help="ours with its length-grouped batches (unpaired with the transformers side)",
    )
    parser.add_argument("--hf-head-init", choices=("normal", "truncated"), default="normal")
    parser.add_argument(
        "--dropout",
        type=float,
        default=None,
        help="every dropout of both sides (encoder, attention, head); default: the checkpoint's "
        "and the head's 0.1",
    )
    add_sides_flag(parser)
    parser.add_argument("--output", type=Path, default=None, help="write the results as JSON")
    args = parser.parse_args()

    train, dev = read_conll(args.train), read_conll(args.dev)
    tags = ["O"] + sorted({t for s in train for t in s.tags} - {"O"})
    checkpoint = args.checkpoint or reference_checkpoint_path()
    windows = encode_words(  # the tokenizer alone: no model is built to count windows
        BertTokenizer.from_checkpoint(checkpoint), [s.words for s in train], args.sequence_length
    )
    if len(windows.sentence) != len(train):
        raise SystemExit(
            f"{len(windows.sentence)} windows for {len(train)} sentences: the two sides' batches "
            "cannot be paired at this --sequence-length."
        )
    gold = [s.tags for s in dev]
    results = {}
    runs = {"keras_bert_lib": run_ours, "transformers": run_hugging_face}
    for name in args.sides:
        predicted, seconds = runs[name](args, train, dev, tags, checkpoint)
        results[name] = {
            "dev_seqeval": {
                "precision": precision_score(gold, predicted),
                "recall": recall_score(gold, predicted),
                "f1": f1_score(gold, predicted),
            },
            "train_seconds": round(seconds, 1),
            "train_sentences_per_second": round(len(train) * args.epochs / seconds, 2),
        }
        print(name, json.dumps(results[name]), flush=True)
    if len(args.sides) == 2:
        ours, theirs = results["keras_bert_lib"], results["transformers"]
        results["throughput_ratio"] = round(
            ours["train_sentences_per_second"] / theirs["train_sentences_per_second"], 3
        )
    results["args"] = {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}
    print(json.dumps(results, indent=2))
    if args.output:
        args.output.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
