"""Benchmark: BertEncoder forward throughput, with and without XLA, beside Hugging Face.

Random weights of a preset, batches of random token ids at a fixed sequence length. Prints
sequences/s and achieved GFLOP/s (matrix multiplications only) for `tf.function` and
`tf.function(jit_compile=True)`; when `transformers` and `torch` are installed, also for
`transformers.BertModel` (PyTorch, CPU) on the same shapes, with the ratio.

    python benchmarks/bench_encoder.py --preset bert_base --batch-sizes 8 32 --sequence-length 128
"""

import argparse
import os

import keras_bert_lib.environment  # noqa: F401  (first: before TensorFlow loads)

import numpy as np
import tensorflow as tf
from bench_timing import time_calls

from keras_bert_lib import BertConfig, BertEncoder
from keras_bert_lib.config import PRESETS


def forward_flops(config: BertConfig, length: int) -> float:
    """Multiply-add FLOPs of one sequence through the encoder (x2 per multiply-add)."""
    hidden, inner = config.hidden_size, config.intermediate_size
    projections = 4 * 2 * length * hidden * hidden
    feed_forward = 2 * 2 * length * hidden * inner
    attention = 2 * 2 * length * length * hidden
    return config.num_layers * (projections + feed_forward + attention) + 2 * hidden * hidden


def keras_runner(encoder, batch, jit_compile):
    forward = tf.function(
        lambda inputs: encoder(inputs, training=False)["sequence_output"], jit_compile=jit_compile
    )
    tensors = {k: tf.constant(v) for k, v in batch.items()}
    return lambda: forward(tensors).numpy()


def hf_runner(config: BertConfig, batch):
    try:
        import torch
        import transformers
    except ModuleNotFoundError:
        return None
    torch.set_num_threads(os.cpu_count())
    model = transformers.BertModel(transformers.BertConfig(**config.to_hf_config())).eval()
    tensors = {
        "input_ids": torch.tensor(batch["token_ids"], dtype=torch.long),
        "token_type_ids": torch.tensor(batch["segment_ids"], dtype=torch.long),
        "attention_mask": torch.tensor(batch["padding_mask"], dtype=torch.long),
    }

    def run():
        with torch.inference_mode():
            model(**tensors)

    return run


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="bert_base", choices=sorted(PRESETS))
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[8, 32])
    parser.add_argument("--sequence-length", type=int, default=128)
    parser.add_argument("--iterations", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--no-hf", action="store_true", help="skip Hugging Face even if installed")
    args = parser.parse_args()

    config = BertConfig.from_preset(args.preset)
    encoder = BertEncoder(config)
    flops = forward_flops(config, args.sequence_length)
    print(
        f"{args.preset}: {config.num_layers} layers, hidden {config.hidden_size}, "
        f"sequence {args.sequence_length}, {flops / 1e9:.2f} GFLOP per sequence, "
        f"{os.cpu_count()} CPU cores, TF {tf.__version__}"
    )
    print(f"{'batch':>5}  {'path':<26} {'seq/s':>8} {'GFLOP/s':>8} {'vs HF':>6}")
    rng = np.random.default_rng(0)
    for batch_size in args.batch_sizes:
        shape = (batch_size, args.sequence_length)
        batch = {
            "token_ids": rng.integers(1000, config.vocab_size, shape).astype("int32"),
            "segment_ids": np.zeros(shape, "int32"),
            "padding_mask": np.ones(shape, "int32"),
        }
        results = {}
        hf = None if args.no_hf else hf_runner(config, batch)
        if hf is not None:
            results["transformers (PyTorch)"] = time_calls(hf, args.iterations, args.warmup)
        for label, jit in (("keras tf.function", False), ("keras tf.function + XLA", True)):
            runner = keras_runner(encoder, batch, jit)
            results[label] = time_calls(runner, args.iterations, args.warmup)
        hf_rate = batch_size / results["transformers (PyTorch)"] if hf is not None else None
        for label, seconds in results.items():
            rate = batch_size / seconds
            ratio = f"{rate / hf_rate:6.2f}" if hf_rate else "     -"
            print(f"{batch_size:>5}  {label:<26} {rate:8.2f} {rate * flops / 1e9:8.1f} {ratio}")


if __name__ == "__main__":
    main()
