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
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from keras_bert_lib import BertSpanLabeler, BertTokenClassifier, SentenceEncoder  # noqa: E402
from keras_bert_lib.checkpoints import reference_checkpoint_path  # noqa: E402
from keras_bert_lib.data.conll import read_conll  # noqa: E402
from keras_bert_lib.data.squad import read_squad  # noqa: E402
from keras_bert_lib.data.text_files import read_tsv  # noqa: E402
from keras_bert_lib.export.op_check import unregistered_ops  # noqa: E402
from keras_bert_lib.export.parity import compare, run_tflite, tokenized_alike  # noqa: E402
from keras_bert_lib.export.repository import export_to_repository  # noqa: E402
from keras_bert_lib.export.session_loader import run_in_fresh_process  # noqa: E402
from keras_bert_lib.export.signatures import named_outputs  # noqa: E402
from keras_bert_lib.export.tflite import (  # noqa: E402
    QUANTIZATIONS,
    SIGNATURE,
    export_tflite,
    load_interpreter,
)
from keras_bert_lib.metrics.entities import entity_scores  # noqa: E402
from keras_bert_lib.metrics.squad import squad_scores  # noqa: E402

# Requests per fresh-process run when verifying token tasks (384-token QA windows).
TOKEN_TASK_BATCH = 64

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


def keras_outputs(model, inputs):
    x = inputs["text"] if len(inputs) == 1 else (inputs["text"], inputs["text_pair"])
    raw = model.predict(x, batch_size=64, verbose=0)
    return {k: np.asarray(v) for k, v in named_outputs(model, raw).items()}


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
        verify = verify_tagger if isinstance(model, BertTokenClassifier) else verify_reader
        report.update(verify(model, directory, args, tflite))
        print(json.dumps(report, indent=2))
        return

    inputs, labels = verification_inputs(args)
    expected = keras_outputs(model, inputs)
    served = run_in_fresh_process(
        directory, "serving_default", {k: np.array(v) for k, v in inputs.items()}
    )
    report["texts"] = len(inputs["text"])
    report["saved_model_vs_keras"] = compare(served, expected)
    if labels is not None and "label" in served:
        report["saved_model_accuracy"] = float(np.mean(served["label"] == labels))

    if args.tflite:
        path = export_tflite(
            model,
            args.tflite,
            quantization=args.quantization,
            representative_texts=_representative(inputs, args.pair),
            pair=args.pair,
        )
        lite = run_tflite(path, inputs)
        report["tflite"] = str(path)
        report["tflite_mb"] = round(path.stat().st_size / 2**20, 1)
        report["tflite_vs_saved_model"] = compare(lite, served)
        alike = tokenized_alike(model.preprocessor, inputs)
        if not alike.all():
            report["tflite_texts_tokenized_differently"] = int((~alike).sum())
            report["tflite_vs_saved_model_same_tokens"] = compare(
                {k: v[alike] for k, v in lite.items()}, {k: v[alike] for k, v in served.items()}
            )
        if labels is not None and "label" in lite:
            report["tflite_accuracy"] = float(np.mean(lite["label"] == labels))
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


def _batches(inputs):
    count = len(next(iter(inputs.values())))
    for start in range(0, count, TOKEN_TASK_BATCH):
        yield {k: np.array(v[start : start + TOKEN_TASK_BATCH]) for k, v in inputs.items()}


def _served_rows(directory, inputs):
    """`serving_default` outputs per request, in batches of `TOKEN_TASK_BATCH` requests (one
    fresh process each); each batch is cut to its longest request."""
    for batch in _batches(inputs):
        yield from _rows(run_in_fresh_process(directory, "serving_default", batch))


def _tflite_rows(path, inputs):
    """The `.tflite` file's outputs per request, batched as `_served_rows`."""
    runner = load_interpreter(path).get_signature_runner(SIGNATURE)
    for batch in _batches(inputs):
        yield from _rows(runner(**{k: v.astype(object) for k, v in batch.items()}))


def _word_tags(rows, expected):
    """Tags at the served word starts; words beyond the served window are tagged O."""
    tags = []
    for row, keras_tags in zip(rows, expected, strict=True):
        row_tags = [t.decode() for t in row["tags"][row["word_start"]]]
        tags.append(row_tags + ["O"] * (len(keras_tags) - len(row_tags)))
    return tags


def _agreement(tags, expected):
    pairs = [(a, b) for x, y in zip(tags, expected, strict=True) for a, b in zip(x, y, strict=True)]
    return sum(a == b for a, b in pairs) / len(pairs)


def verify_tagger(model, directory, args, tflite=None) -> dict:
    """Served (and TFLite) word tags against `predict_words`, on the words of a CoNLL file."""
    if args.verify_conll is None:
        sentences = [(text.split(), None) for text in DEFAULT_TEXTS]
    else:
        sentences = [(s.words, s.tags) for s in read_conll(args.verify_conll)]
    sentences = sentences[: args.max_verify]
    words = [w for w, _ in sentences]
    expected = model.predict_words(words)
    inputs = {"text": [" ".join(w) for w in words]}
    served_tags = _word_tags(_served_rows(directory, inputs), expected)
    report = {"sentences": len(words), "word_tag_agreement": _agreement(served_tags, expected)}
    lite_tags = None
    if tflite is not None:
        lite_tags = _word_tags(_tflite_rows(tflite, inputs), expected)
        report["tflite_vs_saved_model_word_tag_agreement"] = _agreement(lite_tags, served_tags)
    if sentences[0][1] is not None:
        gold = [t for _, t in sentences]
        report["saved_model_entities"] = entity_scores(gold, served_tags)
        report["keras_entities"] = entity_scores(gold, expected)
        if lite_tags is not None:
            report["tflite_entities"] = entity_scores(gold, lite_tags)
    return report


def verify_reader(model, directory, args, tflite=None) -> dict:
    """Served (and TFLite) answers against `BertSpanLabeler.predict`, on SQuAD questions."""
    if args.verify_squad is None:
        raise SystemExit("Verifying a BertSpanLabeler needs --verify-squad FILE.")
    examples = read_squad(args.verify_squad)[: args.max_verify]
    inputs = {"question": [e.question for e in examples], "context": [e.context for e in examples]}
    expected = model.predict(inputs["question"], inputs["context"])
    served = [row["answer"].decode() for row in _served_rows(directory, inputs)]
    gold = {e.question_id: e.answer_texts for e in examples}

    def scores(answers):
        return squad_scores(
            {e.question_id: a for e, a in zip(examples, answers, strict=True)}, gold
        )

    report = {
        "questions": len(examples),
        "answer_agreement": float(
            np.mean([a == e["text"] for a, e in zip(served, expected, strict=True)])
        ),
        "saved_model_squad": scores(served),
        "keras_squad": scores([a["text"] for a in expected]),
    }
    if tflite is not None:
        # The TFLite file gives character offsets; the app cuts the answer from its context.
        lite = [
            context[row["answer_start"] : row["answer_end"]]
            for context, row in zip(inputs["context"], _tflite_rows(tflite, inputs), strict=True)
        ]
        report["tflite_vs_saved_model_answer_agreement"] = float(
            np.mean([a == b for a, b in zip(lite, served, strict=True)])
        )
        report["tflite_squad"] = scores(lite)
    return report


def _rows(batch):
    """Per request row, its outputs."""
    count = len(next(iter(batch.values())))
    return [{name: value[i] for name, value in batch.items()} for i in range(count)]


def _representative(inputs, pair):
    texts = [values[:200] for values in inputs.values()]
    return texts if pair else texts[0]


if __name__ == "__main__":
    main()
