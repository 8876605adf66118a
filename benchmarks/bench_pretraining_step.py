"""Benchmark: one BertPretrainer training step (MLM + NSP, AdamW, XLA) per vocabulary size.

Random weights of a preset (dropout 0 unless `--dropout`) with each vocabulary size,
random batches of the shape `tools/pretrain.py` trains on; prints milliseconds per step and
examples/s, the median of `--iterations` steps after `--warmup`. The MLM output layer and
its softmax span the vocabulary at every masked position, so small models train faster
with a vocabulary learned from their corpus (`tools/create_vocab.py`).

    python benchmarks/bench_pretraining_step.py --preset bert_tiny --vocab-sizes 30522 8192 \
        --sequence-length 128 --predictions 20 --batch-size 32
"""

import argparse
import functools
import os

import keras_bert_lib.environment  # noqa: F401  (first: before TensorFlow loads)

import numpy as np
from bench_timing import time_calls

from keras_bert_lib import BertConfig, BertEncoder
from keras_bert_lib.config import PRESETS
from keras_bert_lib.models.bert_pretrainer import MLM, NSP, BertPretrainer


def random_batch(vocab_size, length, predictions, batch_size, rng):
    shape = (batch_size, length)
    second_half = np.arange(length) >= length // 2
    x = {
        "token_ids": rng.integers(5, vocab_size, shape).astype("int32"),
        "segment_ids": np.tile(second_half.astype("int32"), (batch_size, 1)),
        "padding_mask": np.ones(shape, "int32"),
        "mask_positions": rng.integers(1, length, (batch_size, predictions)).astype("int32"),
    }
    y = {
        MLM: rng.integers(5, vocab_size, (batch_size, predictions)).astype("int32"),
        NSP: rng.integers(0, 2, batch_size).astype("int32"),
    }
    weights = {MLM: np.ones((batch_size, predictions), "float32"), NSP: np.ones(batch_size)}
    return x, y, weights


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="bert_tiny", choices=sorted(PRESETS))
    parser.add_argument("--vocab-sizes", type=int, nargs="+", default=[30522, 8192])
    parser.add_argument("--sequence-length", type=int, default=128)
    parser.add_argument("--predictions", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--iterations", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--dropout", type=float, default=0.0, help="hidden and attention")
    args = parser.parse_args()

    print(
        f"{args.preset}, sequence {args.sequence_length}, {args.predictions} predictions, "
        f"batch {args.batch_size}, dropout {args.dropout}, {os.cpu_count()} CPU cores"
    )
    print(f"{'vocab':>6} {'ms/step':>8} {'examples/s':>11}")
    rng = np.random.default_rng(0)
    for vocab_size in args.vocab_sizes:
        config = BertConfig.from_preset(
            args.preset,
            vocab_size=vocab_size,
            hidden_dropout=args.dropout,
            attention_dropout=args.dropout,
        )
        model = BertPretrainer(BertEncoder(config))
        model.compile(optimizer="adamw", learning_rate=1e-3, jit_compile=True)
        batch = random_batch(
            vocab_size, args.sequence_length, args.predictions, args.batch_size, rng
        )
        step = functools.partial(model.train_on_batch, *batch)
        seconds = time_calls(step, args.iterations, args.warmup)
        print(f"{vocab_size:>6} {1000 * seconds:8.0f} {args.batch_size / seconds:11.1f}")


if __name__ == "__main__":
    main()
