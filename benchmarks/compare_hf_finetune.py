"""Side by side: fine-tune the same checkpoint with keras_bert_lib and with Hugging Face.

Both train on the same rows with the same recipe (AdamW with weight decay 0.01 except
LayerNorm and bias, 10% linear warmup then linear decay, no gradient clipping (our
classifier's default, used on both sides), batch size, epochs, maximum length, dynamic
padding), then score the same dev file. The Hugging
Face side is `transformers.BertForSequenceClassification` in PyTorch on the CPU with a
plain training loop (the recipe of `Trainer`, which needs `accelerate`). Prints the dev
metrics, training examples/s of each and the ratio; with several `--seeds` also their means
(MRPC's dev set has 408 pairs, so one seed moves F1 by about a point). Run by hand (not in CI):

    python benchmarks/compare_hf_finetune.py --train ../shared/data/mrpc/train.tsv \
        --dev ../shared/data/mrpc/dev.tsv --text-columns "#1 String" "#2 String" \
        --label-column Quality --epochs 3
"""

import argparse
import json
import math
import os
import random
import time
from pathlib import Path

import keras_bert_lib.environment  # noqa: F401  (first: before TensorFlow loads)

import numpy as np
from hugging_face_recipe import add_sides_flag, recipe_optimizer, recipe_step

from keras_bert_lib import BertClassifier
from keras_bert_lib.checkpoints import reference_checkpoint_path
from keras_bert_lib.data.glue import load_train_dev
from keras_bert_lib.training.dev_metric import (
    classification_scores,
    regression_scores,
)


def run_ours(args, train, dev, num_classes, checkpoint):
    import keras

    keras.utils.set_random_seed(args.seed)
    model = BertClassifier.from_checkpoint(
        checkpoint, num_classes=num_classes, sequence_length=args.sequence_length
    )
    model.compile(learning_rate=args.learning_rate)
    start = time.perf_counter()
    model.fit(
        train.texts,
        train.labels,
        batch_size=args.batch_size,
        epochs=args.epochs,
        seed=args.seed,
        group_by_length=args.group_by_length,
        verbose=2,
    )
    seconds = time.perf_counter() - start
    return model.predict(dev.texts, batch_size=64, verbose=0), seconds


def run_hugging_face(args, train, dev, num_classes, checkpoint):
    import torch
    import transformers

    torch.manual_seed(args.seed)
    torch.set_num_threads(os.cpu_count())
    tokenizer = transformers.AutoTokenizer.from_pretrained(str(checkpoint))
    model = transformers.BertForSequenceClassification.from_pretrained(
        str(checkpoint), num_labels=num_classes
    )
    steps_per_epoch = math.ceil(len(train) / args.batch_size)
    optimizer, scheduler = recipe_optimizer(
        model, args.learning_rate, steps_per_epoch * args.epochs
    )

    def encode(task, rows):
        texts = (
            ([task.texts[0][i] for i in rows], [task.texts[1][i] for i in rows])
            if (isinstance(task.texts, tuple))
            else ([task.texts[i] for i in rows],)
        )
        return tokenizer(
            *texts,
            truncation="longest_first",
            max_length=args.sequence_length,
            padding="longest",
            return_tensors="pt",
        )

    label_dtype = torch.float32 if num_classes == 1 else torch.long
    order = list(range(len(train)))
    rng = random.Random(args.seed)
    model.train()
    start = time.perf_counter()
    for epoch in range(args.epochs):
        rng.shuffle(order)
        for step in range(steps_per_epoch):
            rows = order[step * args.batch_size : (step + 1) * args.batch_size]
            batch = encode(train, rows)
            labels = torch.tensor(train.labels[rows], dtype=label_dtype)
            loss = model(**batch, labels=labels).loss
            recipe_step(
                model, optimizer, scheduler, loss, clip_norm=BertClassifier.default_global_clipnorm
            )
        print(f"hf epoch {epoch + 1} done, last loss {loss.item():.4f}", flush=True)
    seconds = time.perf_counter() - start
    model.eval()
    outputs = []
    with torch.inference_mode():
        for begin in range(0, len(dev), 64):
            outputs.append(model(**encode(dev, range(begin, min(begin + 64, len(dev))))).logits)
    return torch.cat(outputs).numpy(), seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=Path, required=True)
    parser.add_argument("--dev", type=Path, required=True)
    parser.add_argument("--text-columns", nargs="+", required=True)
    parser.add_argument("--label-column", required=True)
    parser.add_argument("--regression", action="store_true")
    parser.add_argument("--checkpoint", type=Path, default=None)
    parser.add_argument("--sequence-length", type=int, default=128)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--learning-rate", type=float, default=5e-5)
    parser.add_argument("--max-train-examples", type=int, default=None)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    add_sides_flag(parser)
    parser.add_argument(
        "--no-group-by-length",
        dest="group_by_length",
        action="store_false",
        help="our side: random batches instead of length-grouped ones",
    )
    parser.add_argument("--output", type=Path, default=None, help="write the results as JSON")
    args = parser.parse_args()

    runs = {"keras_bert_lib": run_ours, "transformers": run_hugging_face}
    checkpoint = args.checkpoint or reference_checkpoint_path()
    score = regression_scores if args.regression else classification_scores
    results = {name: {} for name in args.sides}
    for seed in args.seeds:
        args.seed = seed
        train, dev = load_train_dev(
            args.train,
            args.dev,
            args.text_columns,
            args.label_column,
            args.regression,
            args.max_train_examples,
            seed,
        )
        for name in args.sides:
            predictions, seconds = runs[name](args, train, dev, train.num_classes, checkpoint)
            results[name][f"seed {seed}"] = {
                "dev": score(dev.labels, np.asarray(predictions)),
                "train_seconds": round(seconds, 1),
                "train_examples_per_second": round(len(train) * args.epochs / seconds, 2),
            }
            print(name, seed, json.dumps(results[name][f"seed {seed}"]), flush=True)
    for name in args.sides:
        results[name]["mean"] = mean_of_runs(list(results[name].values()))
    if len(args.sides) == 2:
        results["throughput_ratio"] = round(
            results["keras_bert_lib"]["mean"]["train_examples_per_second"]
            / results["transformers"]["mean"]["train_examples_per_second"],
            3,
        )
    del args.seed
    results["args"] = {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}
    print(json.dumps(results, indent=2))
    if args.output:
        args.output.write_text(json.dumps(results, indent=2) + "\n")


def mean_of_runs(runs):
    """Each metric averaged over the seeds' runs."""
    return {
        "dev": {k: round(float(np.mean([r["dev"][k] for r in runs])), 4) for k in runs[0]["dev"]},
        "train_examples_per_second": round(
            float(np.mean([r["train_examples_per_second"] for r in runs])), 2
        ),
    }


if __name__ == "__main__":
    main()
