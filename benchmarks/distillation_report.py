"""Teacher against distilled and plain students, as the phone ships them: TFLite files.

    python benchmarks/distillation_report.py \
        --classifier teacher=runs/sst2_teacher/model.keras \
        --classifier distilled=runs/distill/sst2_s0/model.keras \
        --classifier plain=runs/distill/plain_s0/model.keras \
        --sst2-dev ../shared/data/sst2/dev.tsv

    python benchmarks/distillation_report.py --sentence-encoder teacher=REFERENCE \
        --sentence-encoder student=runs/distill/minilm_s0/model.keras \
        --stsb-dev ../shared/data/stsb/dev.tsv

Every model is exported to a float32 and a dynamic-int8 `.tflite` file with its tokenizer
(each keeps its own `sequence_length`: give teacher and students the same), and scored
through the file: SST-2 dev accuracy, or the STS-B dev Spearman of the embeddings' cosine
(no STS-B training). Latency is per request at batch 1 on the dev sentences, the median
over `--requests` sentences, with the files run in turns (round robin) so that they share
the machine's state. Prints a table (MB, ms, score) and the ratios to the teacher.
"""

import argparse
import json
import tempfile
import time
from pathlib import Path

import keras_bert_lib.environment  # noqa: F401  (first: before TensorFlow loads)

import keras
import numpy as np

from keras_bert_lib import SentenceEncoder
from keras_bert_lib.checkpoints import reference_checkpoint_path
from keras_bert_lib.data.text_files import read_tsv
from keras_bert_lib.export.parity import run_tflite
from keras_bert_lib.export.tflite import SIGNATURE, export_tflite, load_interpreter
from keras_bert_lib.metrics import spearman

QUANTIZATIONS = {"float32": None, "int8": "dynamic_int8"}


def named_paths(values):
    return dict(value.split("=", 1) for value in values)


def load(path):
    if path == "REFERENCE":
        return SentenceEncoder.from_checkpoint(reference_checkpoint_path())
    return keras.saving.load_model(path)


def sst2_accuracy(path, rows):
    logits = run_tflite(path, {"text": [r["sentence"] for r in rows]})["logits"]
    return float(np.mean(np.argmax(logits, 1) == [int(r["label"]) for r in rows]))


def stsb_spearman(path, rows):
    first = run_tflite(path, {"text": [r["sentence1"] for r in rows]})["embeddings"]
    second = run_tflite(path, {"text": [r["sentence2"] for r in rows]})["embeddings"]
    cosine = np.sum(first * second, 1) / (
        np.linalg.norm(first, axis=1) * np.linalg.norm(second, axis=1)
    )
    return float(spearman([float(r["score"]) for r in rows], cosine))


def round_robin_latency(paths, texts, rounds=5):
    """Median ms per request of each file; the files take turns, `rounds` times."""
    runners = {
        name: load_interpreter(path).get_signature_runner(SIGNATURE) for name, path in paths.items()
    }
    timings = {name: [] for name in paths}
    chunks = np.array_split(np.arange(len(texts)), rounds)
    for runner in runners.values():  # warm-up
        for text in texts[:10]:
            runner(text=np.array([text], dtype=object))
    for chunk in chunks:
        for name, runner in runners.items():
            for i in chunk:
                start = time.perf_counter()
                runner(text=np.array([texts[i]], dtype=object))
                timings[name].append(1000 * (time.perf_counter() - start))
    return {name: float(np.median(values)) for name, values in timings.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--classifier", nargs="*", default=[], help="NAME=model.keras")
    parser.add_argument("--sentence-encoder", nargs="*", default=[], help="NAME=model.keras")
    parser.add_argument("--sst2-dev", type=Path, default=None)
    parser.add_argument("--stsb-dev", type=Path, default=None)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--output", type=Path, default=Path("runs/distillation_report.json"))
    args = parser.parse_args()
    if args.classifier:
        models, rows, score = named_paths(args.classifier), read_tsv(args.sst2_dev), sst2_accuracy
        texts = [r["sentence"] for r in rows][: args.requests]
    else:
        models, rows = named_paths(args.sentence_encoder), read_tsv(args.stsb_dev)
        score, texts = stsb_spearman, [r["sentence1"] for r in rows][: args.requests]
    directory = Path(tempfile.mkdtemp(prefix="distillation_report_"))
    files, table = {}, {}
    for name, source in models.items():
        model = load(source)
        for kind, quantization in QUANTIZATIONS.items():
            key = f"{name} {kind}"
            path = export_tflite(
                model, directory / f"{name}_{kind}.tflite", quantization=quantization
            )
            files[key] = path
            table[key] = {
                "layers": model.encoder.config.num_layers,
                "sequence_length": model.preprocessor.sequence_length,
                "mb": round(path.stat().st_size / 2**20, 1),
                "score": round(score(path, rows), 4),
            }
            print(key, table[key], flush=True)
    for key, ms in round_robin_latency(files, texts).items():
        table[key]["ms"] = round(ms, 2)
    teacher = next(iter(models))
    print(f"\n{'model':<20} {'layers':>6} {'MB':>7} {'ms':>7} {'score':>7}  vs {teacher} float32")
    base = table[f"{teacher} float32"]
    for key, row in table.items():
        row["speedup"] = round(base["ms"] / row["ms"], 2)
        row["size_ratio"] = round(row["mb"] / base["mb"], 3)
        row["score_ratio"] = round(row["score"] / base["score"], 4)
        print(
            f"{key:<20} {row['layers']:>6} {row['mb']:>7.1f} {row['ms']:>7.2f} "
            f"{row['score']:>7.4f}  {row['speedup']:.2f}x faster, {row['size_ratio']:.2f}x size, "
            f"{row['score_ratio']:.4f} of the score"
        )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(table, indent=2) + "\n")


if __name__ == "__main__":
    main()
