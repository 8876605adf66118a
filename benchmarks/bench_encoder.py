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

import tensorflow as tf
from bench_timing import time_calls
from encoder_peers import forward_flops, ours_runner, random_batch, torch_runner

from keras_bert_lib import BertConfig
from keras_bert_lib.config import PRESETS


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
    flops = forward_flops(config, args.sequence_length)
    print(
        f"{args.preset}: {config.num_layers} layers, hidden {config.hidden_size}, "
        f"sequence {args.sequence_length}, {flops / 1e9:.2f} GFLOP per sequence, "
        f"{os.cpu_count()} CPU cores, TF {tf.__version__}"
    )
    print(f"{'batch':>5}  {'path':<26} {'seq/s':>8} {'GFLOP/s':>8} {'vs HF':>6}")
    for batch_size in args.batch_sizes:
        batch = random_batch(config, batch_size, args.sequence_length)
        results = {}
        hf = None if args.no_hf else torch_runner(config, batch)
        if hf is not None:
            results["transformers (PyTorch)"] = time_calls(hf, args.iterations, args.warmup)
        for label, jit in (("keras tf.function", False), ("keras tf.function + XLA", True)):
            runner = ours_runner(config, batch, jit)
            results[label] = time_calls(runner, args.iterations, args.warmup)
        hf_rate = batch_size / results["transformers (PyTorch)"] if hf is not None else None
        for label, seconds in results.items():
            rate = batch_size / seconds
            ratio = f"{rate / hf_rate:6.2f}" if hf_rate else "     -"
            print(f"{batch_size:>5}  {label:<26} {rate:8.2f} {rate * flops / 1e9:8.1f} {ratio}")


if __name__ == "__main__":
    main()
