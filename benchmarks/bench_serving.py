"""Per-request latency (batch 1) of an exported SavedModel and `.tflite` on this machine.

    python benchmarks/bench_serving.py --saved-model saved_models/sst2/1 \
        --tflite saved_models/sst2.tflite --tsv ../shared/data/sst2/dev.tsv --requests 200

Each request is one sentence from the TSV (in order), sent to the SavedModel's
`serving_default` through a TF1 session (as TF Serving runs it) and to the `.tflite` file
through LiteRT. Prints median, p90 and mean milliseconds after a warm-up.
"""

import argparse
import json
import time
from pathlib import Path

import keras_bert_lib.environment  # noqa: F401  (first: before TensorFlow loads)

import numpy as np
import tensorflow as tf
import tensorflow_text  # noqa: F401

from keras_bert_lib.data.text_files import read_tsv
from keras_bert_lib.export.tflite import SIGNATURE, load_interpreter


def session_runner(directory):
    graph = tf.Graph()
    session = tf.compat.v1.Session(graph=graph)
    meta_graph = tf.compat.v1.saved_model.loader.load(session, ["serve"], str(directory))
    signature = meta_graph.signature_def[SIGNATURE]
    feed_name = signature.inputs["text"].name
    fetch = {k: t.name for k, t in signature.outputs.items()}
    return lambda text: session.run(fetch, {feed_name: np.array([text], dtype=object)})


def tflite_runner(path):
    runner = load_interpreter(path).get_signature_runner(SIGNATURE)
    return lambda text: runner(text=np.array([text], dtype=object))


def latencies(run, texts, warmup=10):
    for text in texts[:warmup]:
        run(text)
    timings = []
    for text in texts:
        start = time.perf_counter()
        run(text)
        timings.append(1000 * (time.perf_counter() - start))
    timings = np.array(timings)
    return {
        "median_ms": round(float(np.median(timings)), 2),
        "p90_ms": round(float(np.percentile(timings, 90)), 2),
        "mean_ms": round(float(timings.mean()), 2),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saved-model", type=Path, default=None)
    parser.add_argument("--tflite", type=Path, action="append", default=[])
    parser.add_argument("--tsv", type=Path, required=True)
    parser.add_argument("--text-column", default="sentence")
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    texts = [row[args.text_column] for row in read_tsv(args.tsv)[: args.requests]]
    lengths = [len(t.split()) for t in texts]
    report = {"requests": len(texts), "mean_words": round(float(np.mean(lengths)), 1)}
    if args.saved_model:
        report[f"saved_model {args.saved_model}"] = latencies(
            session_runner(args.saved_model), texts
        )
    for path in args.tflite:
        report[f"tflite {path}"] = latencies(tflite_runner(path), texts)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
