"""A `Summarizer` as a SavedModel that TF Serving loads: one raw document in, its summary out.

The signature `serving_default` takes `document` (a tf.string scalar) and `k` (int32 scalar,
how many sentences) and returns, for every sentence of the document in order:
`sentences` (tf.string), `starts`, `ends` (int32 character offsets into the document),
`scores` (float32) and `selected` (bool: in the summary). Everything runs in the graph: the
sentence rule (`graph_sentence_spans`), the scoring `Summarizer` runs in Python
(`sentence_scoring`) and the selection (`graph_selection`, `select_by_mmr`'s rule), so the
server needs nothing but TensorFlow and tensorflow-text.
"""

from __future__ import annotations

from pathlib import Path

import tensorflow as tf

from keras_bert_lib.summarize.graph_sentence_spans import graph_sentence_spans

SERVING_DEFAULT = "serving_default"


def graph_selection(scores, similarity, k, redundancy) -> tf.Tensor:
    """`extractive.select_by_mmr` in-graph: a bool mask `[n]` of the `k` picked sentences.

    Args:
        scores: float32 `[n]`.
        similarity: float32 `[n, n]` cosine similarities.
        k: int32 scalar.
        redundancy: float. As `Summarizer`'s.
    """
    count = tf.size(scores)
    picked = tf.zeros([count], tf.bool)
    for _ in tf.range(tf.minimum(k, count)):
        overlap = tf.reduce_max(tf.where(picked[None, :], similarity, -1e9), axis=1)
        overlap = tf.where(tf.reduce_any(picked), overlap, 0.0)
        value = (1.0 - redundancy) * scores - redundancy * overlap
        best = tf.argmax(tf.where(picked, -1e9, value), output_type=tf.int32)
        picked = picked | tf.equal(tf.range(count), best)
    return picked


class SummarizerModule(tf.Module):
    """The serving function of a `Summarizer` (see the module docstring).

    Args:
        summarizer: a `Summarizer` (unsupervised, or supervised with its scorer).
    """

    def __init__(self, summarizer):
        super().__init__(name="summarizer")
        models = [summarizer.encoder] + ([summarizer.scorer] if summarizer.scorer else [])
        # The plain variables, not the Keras models: see export/signatures.py.
        self.tracked_variables = [v.value for model in models for v in model.variables]
        score = summarizer.scoring()

        def summarize(document, k):
            spans = graph_sentence_spans(document)
            scored = score(spans["sentences"])
            selected = graph_selection(
                scored["scores"], scored["similarity"], k, summarizer.redundancy
            )
            return {**spans, "scores": scored["scores"], "selected": selected}

        self.summarize = tf.function(
            summarize,
            input_signature=[
                tf.TensorSpec([], tf.string, name="document"),
                tf.TensorSpec([], tf.int32, name="k"),
            ],
        )


def export_summarizer(summarizer, directory) -> Path:
    """Writes `summarizer` as a TF Serving SavedModel (see the module docstring).

    Example:

    >>> export_summarizer(Summarizer(encoder, scorer), "saved_models/summarizer/1")
    ... # doctest: +SKIP
    """
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()):
        raise FileExistsError(f"{directory} exists and is not empty; export to a new version.")
    module = SummarizerModule(summarizer)
    signatures = {SERVING_DEFAULT: module.summarize.get_concrete_function()}
    tf.saved_model.save(module, str(directory), signatures=signatures)
    return directory
