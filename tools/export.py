"""Exports a task model for TF Serving (and optionally TFLite), then verifies the export.

    python tools/export.py --model runs/sst2/model.keras --name sst2 \
        --tflite saved_models/sst2.tflite --verify-tsv ../shared/data/sst2/dev.tsv \
        --text-column sentence --label-column label

    python tools/export.py --sentence-encoder --name minilm --tflite saved_models/minilm.tflite

    python tools/export.py --model runs/wnut17/model.keras --name ner \
        --verify-conll ../shared/data/wnut17/emerging.dev.conll
    python tools/export.py --model runs/squad/model.keras --name squad \
        --verify-squad ../shared/data/squad_v1.1/dev_split.json

Writes `REPOSITORY/NAME/VERSION/` (next free version) and its `models.config` entry, then:
- lists the graph's ops and fails naming any op this TensorFlow + tensorflow-text lack;
- runs `serving_default` through the TF1 session loader in a fresh process (as TF Serving
  loads it) on the verification texts and reports the max abs difference to Keras;
- token tasks: NER word tags (and entity F1 against the file's tags) and QA answers (and
  SQuAD EM/F1) from the SavedModel (and the `.tflite` file) against the Keras model's
  `predict_words` / `predict`;
- with `--tflite`: converts (with `--quantization`) and reports the `.tflite` file against the
  SavedModel: max abs difference, label agreement (or embedding cosine), and accuracy when
  labels are given; if the two tokenizer modes split some texts differently, it counts them
  and reports the figures again on the other texts (the conversion alone).
"""

import argparse
import json
import sys
from pathlib import Path

import keras_bert_lib.environment  # noqa: F401  (first: before TensorFlow loads)

import keras
import numpy as np

from keras_bert_lib import BertSpanLabeler, BertTokenClassifier, SentenceEncoder
from keras_bert_lib.checkpoints import reference_checkpoint_path
from keras_bert_lib.data.conll import read_conll
from keras_bert_lib.data.squad import read_squad
from keras_bert_lib.data.text_files import read_tsv
from keras_bert_lib.export.op_check import unregistered_ops
from keras_bert_lib.export.repository import export_to_repository
from keras_bert_lib.export.tflite import QUANTIZATIONS, export_tflite
from keras_bert_lib.export.verification import verify_reader, verify_tagger, verify_text_model

DEFAULT_TEXTS = [
    "a gripping , beautifully acted film",
    "a dull and lifeless mess",
    "Ein Satz auf Deutsch, mit Umlauten: schön!",
]


# Below this cosine to the SavedModel, a quantized sentence encoder changes rankings.
EMBEDDING_COSINE_FLOOR = 0.999


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--model", type=Path, help="a .keras task model with a preprocessor")
    source.add_argument(
        "--sentence-encoder", action="store_true", help="a SentenceEncoder from --checkpoint"
    )
    parser.add_argument("--checkpoint", type=Path, default=None, help="default: the reference")
    parser.add_argument("--sequence-length", type=int, default=128)
    parser.add_argument("--name", required=True, help="the model's name on the server")
    parser.add_argument("--repository", type=Path, default=Path("saved_models"))
    parser.add_argument("--version", type=int, default=None)
    parser.add_argument("--base-path", default=None, help="path the server sees for NAME")
    parser.add_argument("--pair", action="store_true", help="inputs text and text_pair")
    parser.add_argument("--tflite", type=Path, default=None, help="also write this .tflite")
    parser.add_argument("--quantization", choices=[q for q in QUANTIZATIONS if q], default=None)
    parser.add_argument("--verify-tsv", type=Path, default=None, help="texts to verify on")
    parser.add_argument("--text-column", nargs="+", default=["sentence"])
    parser.add_argument("--label-column", default=None)
    parser.add_argument("--verify-conll", type=Path, default=None, help="NER: CoNLL file")
    parser.add_argument("--verify-squad", type=Path, default=None, help="QA: SQuAD JSON")
    parser.add_argument("--max-verify", type=int, default=None)
    return parser.parse_args()


def load_model(args):
    if args.model:
        return keras.saving.load_model(args.model)
    checkpoint = args.checkpoint or reference_checkpoint_path()
    return SentenceEncoder.from_checkpoint(checkpoint, sequence_length=args.sequence_length)


def verification_inputs(args):
    if args.verify_tsv is None:
        texts = {"text": DEFAULT_TEXTS}
        if args.pair:
            texts["text_pair"] = DEFAULT_TEXTS[::-1]
        return texts, None
    rows = read_tsv(args.verify_tsv)[: args.max_verify]
    names = ["text", "text_pair"][: len(args.text_column)]
    texts = {
        name: [row[c] for row in rows] for name, c in zip(names, args.text_column, strict=True)
    }
    labels = None
    if args.label_column:
        labels = np.array([int(row[args.label_column]) for row in rows])
    return texts, labels


def main():
    args = parse_args()
    model = load_model(args)
    directory = export_to_repository(
        model, args.name, args.repository, args.version, args.pair, args.base_path
    )
    size = sum(p.stat().st_size for p in directory.rglob("*") if p.is_file())
    report = {"saved_model": str(directory), "saved_model_mb": round(size / 2**20, 1)}
    missing = unregistered_ops(directory)
    if missing:
        sys.exit(f"{directory} uses ops this TensorFlow + tensorflow-text lack: {missing}")

    if isinstance(model, (BertTokenClassifier, BertSpanLabeler)):
        tflite = None
        if args.tflite:
            tflite = export_tflite(model, args.tflite, quantization=args.quantization)
            report["tflite"] = str(tflite)
            report["tflite_mb"] = round(tflite.stat().st_size / 2**20, 1)
        if isinstance(model, BertTokenClassifier):
            report.update(verify_tagger(model, directory, *verification_sentences(args), tflite))
        else:
            report.update(verify_reader(model, directory, verification_questions(args), tflite))
        print(json.dumps(report, indent=2))
        return

    inputs, labels = verification_inputs(args)
    path = None
    if args.tflite:
        path = export_tflite(
            model,
            args.tflite,
            quantization=args.quantization,
            representative_texts=_representative(inputs, args.pair),
            pair=args.pair,
        )
        report["tflite"] = str(path)
        report["tflite_mb"] = round(path.stat().st_size / 2**20, 1)
    report.update(verify_text_model(model, directory, inputs, labels, path))
    print(json.dumps(report, indent=2))
    conversion = report.get("tflite_vs_saved_model_same_tokens") or report.get(
        "tflite_vs_saved_model", {}
    )
    cosine = conversion.get("min_cosine", 1.0)
    if cosine < EMBEDDING_COSINE_FLOOR:
        advice = "float16 or no quantization keeps more."
        if args.quantization in ("dynamic_int8", "int8"):
            advice = (
                "run-time int8 activations move sentence embeddings; --quantization "
                "int8_weights (int8 weights, float arithmetic) or float16 keep them."
            )
        print(f"note: min cosine {cosine:.4f} < {EMBEDDING_COSINE_FLOOR}: {advice}")


def verification_sentences(args):
    """`(words, tags)` to verify a tagger on: a CoNLL file's, or the default texts' words."""
    if args.verify_conll is None:
        return [text.split() for text in DEFAULT_TEXTS], None
    sentences = read_conll(args.verify_conll)[: args.max_verify]
    return [s.words for s in sentences], [s.tags for s in sentences]


def verification_questions(args):
    if args.verify_squad is None:
        raise SystemExit("Verifying a BertSpanLabeler needs --verify-squad FILE.")
    return read_squad(args.verify_squad)[: args.max_verify]


def _representative(inputs, pair):
    texts = [values[:200] for values in inputs.values()]
    return texts if pair else texts[0]


if __name__ == "__main__":
    main()
