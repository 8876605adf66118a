"""Side by side SQuAD: Hugging Face `BertForQuestionAnswering` trained on our windows.

Both sides see the same data: the windows `BertSpanLabeler.encode` makes (question + context
packed to 384 tokens, doc_stride 128, answer token positions, [CLS] for windows without the
answer), and both are decoded by the same n-best / max-context rule and scored with the
official SQuAD v1.1 EM/F1. The Hugging Face side (PyTorch, CPU) trains with our SQuAD
defaults: AdamW, weight decay 0.01 except LayerNorm and bias, 10% linear warmup then linear
decay, no gradient clipping, batches in random order cut to their longest window. Our side
is `tools/finetune_squad.py` (its `metrics.json`). Run by hand (not in CI):

    python benchmarks/compare_hf_squad.py --train ../shared/data/squad_v1.1/train_split.json \
        --dev ../shared/data/squad_v1.1/dev_split.json --output runs/squad_hf.json

`--reference-pipeline` reproduces `../shared/reference_pipelines/hf_finetune_qa.py` instead:
its windows (128 context pieces shared by neighbouring windows, whole questions: the same
8,792 training windows), its recipe (weight decay on every weight) and its
batch order for a seed (`np.random.seed(seed)`, then `np.random.permutation` per epoch),
still decoded and scored by ours. With the same seed it should land on the reference's
F1 up to decoding, so a gap between the reference and our defaults splits into windows and
recipe (this mode against the default one), the library (`tools/finetune_squad.py` with the
same flags) and seed (more seeds).
"""

import argparse
import json
import math
import os
import time
from pathlib import Path

import keras_bert_lib.environment  # noqa: F401  (first: before TensorFlow loads)

import numpy as np
from hugging_face_recipe import NO_WEIGHT_DECAY, recipe_optimizer, recipe_step

from keras_bert_lib import BertSpanLabeler
from keras_bert_lib.checkpoints import reference_checkpoint_path
from keras_bert_lib.data.squad import read_squad
from keras_bert_lib.metrics.squad import squad_scores
from keras_bert_lib.models.span_decoding import best_answers


def train_hugging_face(args, windows, checkpoint):
    import torch
    import transformers

    torch.manual_seed(args.seed)
    torch.set_num_threads(os.cpu_count())
    model = transformers.BertForQuestionAnswering.from_pretrained(str(checkpoint))
    steps_per_epoch = math.ceil(len(windows) / args.batch_size)
    optimizer, scheduler = recipe_optimizer(
        model,
        args.learning_rate,
        steps_per_epoch * args.epochs,
        weight_decay=args.weight_decay,
        warmup_ratio=args.warmup_ratio,
        no_weight_decay=() if args.reference_pipeline else NO_WEIGHT_DECAY,
    )
    features = windows.features
    if args.reference_pipeline:
        np.random.seed(args.seed)
        permutation = np.random.permutation
    else:
        permutation = np.random.default_rng(args.seed).permutation
    model.train()
    start = time.perf_counter()
    for epoch in range(args.epochs):
        order = permutation(len(windows))
        for step in range(steps_per_epoch):
            rows = order[step * args.batch_size : (step + 1) * args.batch_size]
            batch = _torch_batch(features, rows)
            loss = model(
                **batch,
                start_positions=torch.tensor(windows.start_positions[rows], dtype=torch.long),
                end_positions=torch.tensor(windows.end_positions[rows], dtype=torch.long),
            ).loss
            recipe_step(model, optimizer, scheduler, loss, clip_norm=None)
            if step % 50 == 0:
                print(f"hf epoch {epoch + 1} step {step}/{steps_per_epoch} loss "
                      f"{loss.item():.4f}", flush=True)  # fmt: skip
    return model, time.perf_counter() - start


def _torch_batch(features, rows):
    import torch

    keep = int(features["padding_mask"][rows].sum(1).max())
    return {
        "input_ids": torch.tensor(features["token_ids"][rows, :keep], dtype=torch.long),
        "token_type_ids": torch.tensor(features["segment_ids"][rows, :keep], dtype=torch.long),
        "attention_mask": torch.tensor(features["padding_mask"][rows, :keep], dtype=torch.long),
    }


def hugging_face_logits(model, windows, batch_size=32):
    """Start and end logits `[windows, length]`, padding positions -inf (as ours)."""
    import torch

    mask = windows.features["padding_mask"]
    start = np.full(mask.shape, -np.inf, np.float32)
    end = np.full(mask.shape, -np.inf, np.float32)
    model.eval()
    with torch.inference_mode():
        for begin in range(0, len(windows), batch_size):
            rows = np.arange(begin, min(begin + batch_size, len(windows)))
            output = model(**_torch_batch(windows.features, rows))
            keep = output.start_logits.shape[1]
            real = mask[rows, :keep].astype(bool)
            start[rows, :keep] = np.where(real, output.start_logits.numpy(), -np.inf)
            end[rows, :keep] = np.where(real, output.end_logits.numpy(), -np.inf)
    return start, end


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=Path, required=True)
    parser.add_argument("--dev", type=Path, required=True)
    parser.add_argument("--checkpoint", type=Path, default=None)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--learning-rate", type=float, default=1e-4)
    parser.add_argument("--warmup-ratio", type=float, default=0.1)
    parser.add_argument("--weight-decay", type=float, default=0.01)
    parser.add_argument("--max-train-questions", type=int, default=None)
    parser.add_argument("--max-dev-questions", type=int, default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output", type=Path, default=None, help="write the results as JSON")
    parser.add_argument(
        "--reference-pipeline",
        action="store_true",
        help="the reference pipeline's windows, recipe and batch order (module docstring)",
    )
    args = parser.parse_args()

    checkpoint = args.checkpoint or reference_checkpoint_path()
    windowing = dict(context_overlap=128, max_query_length=None) if args.reference_pipeline else {}
    reader = BertSpanLabeler.from_checkpoint(checkpoint, **windowing)  # windows and decoding
    train = read_squad(args.train)[: args.max_train_questions]
    dev = read_squad(args.dev)[: args.max_dev_questions]
    windows = reader.windows(
        [e.question for e in train], [e.context for e in train], [e.answers[0] for e in train]
    )
    print(f"train {len(train)} questions -> {len(windows)} windows", flush=True)
    model, seconds = train_hugging_face(args, windows, checkpoint)
    contexts = [e.context for e in dev]
    dev_windows = reader.windows([e.question for e in dev], contexts)
    answers = best_answers(dev_windows, *hugging_face_logits(model, dev_windows), contexts)
    predictions = {e.question_id: a["text"] for e, a in zip(dev, answers, strict=True)}
    result = {
        "transformers": squad_scores(predictions, {e.question_id: e.answer_texts for e in dev}),
        "train_windows": len(windows),
        "train_seconds": round(seconds, 1),
        "train_windows_per_second": round(len(windows) * args.epochs / seconds, 2),
        "args": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
    }
    print(json.dumps(result, indent=2))
    if args.output:
        args.output.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
