"""Checks of an export against the Keras model it came from, as `tools/export.py` reports them.

The SavedModel is run the way TF Serving loads it (the TF1 session loader, in a fresh process
with only TensorFlow and tensorflow-text imported); the `.tflite` file through LiteRT.
"""

from __future__ import annotations

import numpy as np

from keras_bert_lib.export.parity import compare, run_tflite, tokenized_alike
from keras_bert_lib.export.session_loader import run_in_fresh_process
from keras_bert_lib.export.signatures import named_outputs
from keras_bert_lib.export.tflite import SIGNATURE, load_interpreter
from keras_bert_lib.metrics.entities import entity_scores
from keras_bert_lib.metrics.squad import squad_scores

# Requests per fresh-process run when verifying token tasks (384-token QA windows).
TOKEN_TASK_BATCH = 64


def verify_text_model(model, directory, inputs, labels=None, tflite=None) -> dict:
    """A classifier's or sentence encoder's SavedModel (and `.tflite` file) against Keras.

    Args:
        model: the exported `BertClassifier` or `SentenceEncoder`.
        directory: its SavedModel directory.
        inputs: `{"text": [...]}` (and `"text_pair"` for pairs).
        labels: None, or the texts' class labels (adds accuracies).
        tflite: None, or the path of its `.tflite` file.

    Returns:
        A dict of figures: `saved_model_vs_keras` and `tflite_vs_saved_model` (see
        `parity.compare`), accuracies, and where the two tokenizer modes split some texts
        differently, their count and the figures again on the other texts (the conversion
        alone).

    Example:

    >>> verify_text_model(classifier, "saved_models/sst2/1", {"text": texts})  # doctest: +SKIP
    """
    x = inputs["text"] if len(inputs) == 1 else (inputs["text"], inputs["text_pair"])
    raw = model.predict(x, batch_size=64, verbose=0)
    expected = {k: np.asarray(v) for k, v in named_outputs(model, raw).items()}
    served = run_in_fresh_process(
        directory, "serving_default", {k: np.array(v) for k, v in inputs.items()}
    )
    report = {"texts": len(inputs["text"]), "saved_model_vs_keras": compare(served, expected)}
    if labels is not None and "label" in served:
        report["saved_model_accuracy"] = float(np.mean(served["label"] == labels))
    if tflite is None:
        return report
    lite = run_tflite(tflite, inputs)
    report["tflite_vs_saved_model"] = compare(lite, served)
    alike = tokenized_alike(model.preprocessor, inputs)
    if not alike.all():
        report["tflite_texts_tokenized_differently"] = int((~alike).sum())
        report["tflite_vs_saved_model_same_tokens"] = compare(
            {k: v[alike] for k, v in lite.items()}, {k: v[alike] for k, v in served.items()}
        )
    if labels is not None and "label" in lite:
        report["tflite_accuracy"] = float(np.mean(lite["label"] == labels))
    return report


def verify_tagger(model, directory, words, tags=None, tflite=None) -> dict:
    """A `BertTokenClassifier`'s served (and TFLite) word tags against `predict_words`.

    Args:
        model: the exported `BertTokenClassifier`.
        directory: its SavedModel directory.
        words: lists of words; each is sent as one text, the words joined by spaces.
        tags: None, or the words' gold tags (adds entity scores).
        tflite: None, or the path of its `.tflite` file.

    Example:

    >>> verify_tagger(tagger, "saved_models/ner/1", [["Ada", "wrote"]])  # doctest: +SKIP
    """
    expected = model.predict_words(words)
    inputs = {"text": [" ".join(w) for w in words]}
    served_tags = _word_tags(_served_rows(directory, inputs), expected)
    report = {"sentences": len(words), "word_tag_agreement": _agreement(served_tags, expected)}
    lite_tags = None
    if tflite is not None:
        lite_tags = _word_tags(_tflite_rows(tflite, inputs), expected)
        report["tflite_vs_saved_model_word_tag_agreement"] = _agreement(lite_tags, served_tags)
    if tags is not None:
        report["saved_model_entities"] = entity_scores(tags, served_tags)
        report["keras_entities"] = entity_scores(tags, expected)
        if lite_tags is not None:
            report["tflite_entities"] = entity_scores(tags, lite_tags)
    return report


def verify_reader(model, directory, examples, tflite=None) -> dict:
    """A `BertSpanLabeler`'s served (and TFLite) answers against its `predict`.

    Args:
        model: the exported `BertSpanLabeler`.
        directory: its SavedModel directory.
        examples: `SquadExample`s (`data.squad.read_squad`); their answers are the gold ones.
        tflite: None, or the path of its `.tflite` file.

    Example:

    >>> verify_reader(reader, "saved_models/squad/1", examples)  # doctest: +SKIP
    """
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


def _batches(inputs):
    count = len(next(iter(inputs.values())))
    for start in range(0, count, TOKEN_TASK_BATCH):
        yield {k: np.array(v[start : start + TOKEN_TASK_BATCH]) for k, v in inputs.items()}


def _rows(batch):
    """Per request row, its outputs."""
    count = len(next(iter(batch.values())))
    return [{name: value[i] for name, value in batch.items()} for i in range(count)]


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
