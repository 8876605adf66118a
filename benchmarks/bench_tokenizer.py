"""Benchmark: BertPreprocessor throughput against Hugging Face `tokenizers`, same corpus, same run.

Ours: `BertPreprocessor` (tokenize + pack to `--sequence-length`) in a `tf.function` over
batches, in each mode. Theirs: `Tokenizer.from_file(tokenizer.json).encode_batch` with the
same truncation and padding (the reference `tokenizer.json` truncates and pads to 128; it is
set to `--sequence-length`). Prints sentences/s, tokens/s (real tokens, no padding) and the
ratio ours / theirs.

    python benchmarks/bench_tokenizer.py --data ../shared/data
"""

import argparse
import os
import time
from pathlib import Path

import keras_bert_lib.environment  # noqa: F401  (first: before TensorFlow loads)

import tensorflow as tf

from keras_bert_lib.checkpoints import reference_checkpoint_path
from keras_bert_lib.data.benchmark_corpus import corpus_texts
from keras_bert_lib.text import BertPreprocessor

DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def best_of(repeats, run):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return min(times), result


def run_ours(preprocessor, batches):
    packed = tf.function(lambda texts: preprocessor(texts)["padding_mask"])
    packed(batches[0])  # trace once, outside the timing

    def run():
        return sum(int(tf.reduce_sum(packed(batch))) for batch in batches)

    return run


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument(
        "--checkpoint",
        type=Path,
        default=None,
        help="directory with vocab.txt and tokenizer.json (default: reference)",
    )
    parser.add_argument("--sequence-length", type=int, default=128)
    parser.add_argument("--batch-size", type=int, default=1024)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    from tokenizers import Tokenizer

    checkpoint = args.checkpoint or reference_checkpoint_path()
    texts = [text for group in corpus_texts(args.data).values() for text in group]
    batches = [
        tf.constant(texts[i : i + args.batch_size]) for i in range(0, len(texts), args.batch_size)
    ]
    print(
        f"{len(texts):,} texts from {args.data}, batch {args.batch_size}, "
        f"sequence length {args.sequence_length}, {os.cpu_count()} CPU cores"
    )

    reference = Tokenizer.from_file(str(checkpoint / "tokenizer.json"))
    reference.enable_truncation(args.sequence_length)
    reference.enable_padding(length=args.sequence_length)
    hf_seconds, _ = best_of(args.repeats, lambda: reference.encode_batch(texts))

    rows = []
    for mode in ("exact", "tflite"):
        preprocessor = BertPreprocessor.from_checkpoint(
            checkpoint, sequence_length=args.sequence_length, mode=mode
        )
        seconds, tokens = best_of(args.repeats, run_ours(preprocessor, batches))
        rows.append((f"BertPreprocessor ({mode})", seconds, tokens))
    tokens = rows[0][2]
    rows.append(("HF tokenizers encode_batch", hf_seconds, tokens))

    print(f"{'':<30} {'sentences/s':>12} {'tokens/s':>12} {'ratio':>6}")
    for label, seconds, count in rows:
        print(
            f"{label:<30} {len(texts) / seconds:12,.0f} {count / seconds:12,.0f} "
            f"{hf_seconds / seconds:6.2f}"
        )


if __name__ == "__main__":
    main()
