"""Token attributions for a `BertClassifier`: integrated gradients on the input word
embeddings (Sundararajan et al., 2017), and their pictures.

The path runs from a baseline to the text's embeddings: the baseline replaces every wordpiece
by `[PAD]`'s embedding and keeps `[CLS]` and `[SEP]` (the positions, segments and attention
mask are the text's). The integral of the gradient of the target logit along the path is
taken with the trapezoidal rule over `steps` intervals; a token's attribution is its
embedding difference dotted with that mean gradient. By completeness, the attributions sum
to `f(text) - f(baseline)` (`Attributions.delta`) up to the rule's error. A word's score is
the sum of its wordpieces'.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import tensorflow as tf
from keras import ops

from keras_bert_lib.plotting import pyplot

WORD = re.compile(r"\S+")


@dataclass
class Attributions:
    """One text's attributions.

    Attributes:
        text: str.
        target: int. The class whose logit is explained.
        tokens: the packed wordpieces, `[CLS]` and `[SEP]` included.
        token_scores: float `[tokens]`.
        words: `(word, start, end)` with `text[start:end] == word`.
        word_scores: float `[words]`, the sum of each word's wordpieces (0 for a word cut off
            by the sequence length).
        delta: `f(text) - f(baseline)` for the target logit; the scores sum to it.
    """

    text: str
    target: int
    tokens: list[str]
    token_scores: np.ndarray
    words: list[tuple[str, int, int]]
    word_scores: np.ndarray
    delta: float


def _logits(classifier, token_embeddings, features):
    """The classifier's logits with `token_embeddings` in place of the word embeddings."""
    encoder = classifier.encoder
    hidden = encoder.embeddings(
        features["token_ids"], features["segment_ids"], token_embeddings=token_embeddings
    )
    for block in encoder.transformer_layers:
        hidden, _ = block(hidden, features["padding_mask"])
    outputs = classifier.get_layer("logits")(encoder.pooler(hidden[:, 0, :]))
    if classifier.score_range is not None:
        outputs = classifier.get_layer("score_range")(classifier.get_layer("sigmoid")(outputs))
    return ops.cast(outputs, "float32")


def _path_gradients(classifier, start, end, features, target, steps):
    """The trapezoid-weighted sum of the target logit's gradients from `start` to `end`."""
    alphas = tf.linspace(0.0, 1.0, steps + 1)
    weights = tf.concat([[0.5], tf.ones(steps - 1), [0.5]], 0) / steps
    points = start[None] + alphas[:, None, None] * (end - start)[None]
    repeated = {name: tf.repeat(value[None], steps + 1, axis=0) for name, value in features.items()}
    with tf.GradientTape() as tape:
        tape.watch(points)
        logits = _logits(classifier, points, repeated)[:, target]
    gradients = tape.gradient(logits, points)
    return tf.tensordot(weights, gradients, axes=1), logits


def integrated_gradients(classifier, texts, target=None, steps=64) -> list[Attributions]:
    """Integrated-gradients attributions of `classifier`'s logit for each text.

    Args:
        classifier: a `BertClassifier` with its preprocessor.
        texts: a str or a list of str.
        target: int or None. The class to explain; None explains each text's predicted class
            (class 0 for regression).
        steps: int. Intervals of the trapezoidal rule along the path.

    Returns:
        An `Attributions` per text (one for a str).

    Example:

    >>> scores = integrated_gradients(classifier, "a gripping film")  # doctest: +SKIP
    >>> scores.word_scores  # doctest: +SKIP
    """
    single = isinstance(texts, str)
    texts = [texts] if single else list(texts)
    if not all(isinstance(t, str) for t in texts):
        raise TypeError("integrated_gradients takes a str or a list of str.")
    if steps < 1:
        raise ValueError(f"steps must be >= 1, got {steps}.")
    preprocessor = classifier.preprocessor
    if preprocessor is None:
        raise ValueError("integrated_gradients needs a classifier with a preprocessor.")
    if target is not None and not 0 <= target < classifier.num_classes:
        raise ValueError(f"target must be in [0, {classifier.num_classes}), got {target}.")
    ids = preprocessor.tokenizer.special_ids
    table = classifier.encoder.embeddings.token_embedding.embeddings
    vocabulary = preprocessor.tokenizer.vocabulary
    results = []
    for text in texts:
        features = preprocessor(tf.constant([text]))
        length = int(tf.reduce_sum(features["padding_mask"]))
        features = {name: value[0, :length] for name, value in features.items()}
        token_ids = features["token_ids"]
        keep = (token_ids == ids.cls) | (token_ids == ids.sep)
        baseline_ids = tf.where(keep, token_ids, tf.fill(tf.shape(token_ids), ids.pad))
        end = tf.cast(tf.gather(table, token_ids), tf.float32)
        start = tf.cast(tf.gather(table, baseline_ids), tf.float32)
        chosen = target
        if chosen is None:
            logits = _logits(classifier, end[None], {k: v[None] for k, v in features.items()})
            chosen = 0 if classifier.num_classes == 1 else int(tf.argmax(logits[0]))
        gradient, logits = _path_gradients(classifier, start, end, features, chosen, steps)
        token_scores = tf.reduce_sum((end - start) * gradient, axis=-1).numpy()
        words, word_scores = _word_scores(preprocessor.tokenizer, text, token_scores)
        results.append(
            Attributions(
                text=text,
                target=chosen,
                tokens=[vocabulary[i] for i in token_ids.numpy()],
                token_scores=token_scores,
                words=words,
                word_scores=word_scores,
                delta=float(logits[-1] - logits[0]),
            )
        )
    return results[0] if single else results


def _word_scores(tokenizer, text, token_scores):
    """Whitespace words with the sum of their wordpieces' scores (packed after `[CLS]`)."""
    _, starts, _ = tokenizer.tokenize_with_offsets(tf.constant([text]))
    starts = starts[0].numpy()[: len(token_scores) - 2]
    words = [(m.group(), m.start(), m.end()) for m in WORD.finditer(text)]
    scores = np.zeros(len(words))
    word_index = 0
    for piece, start in enumerate(starts):
        while word_index < len(words) and start >= words[word_index][2]:
            word_index += 1
        if word_index < len(words):
            scores[word_index] += token_scores[piece + 1]
    return words, scores


def _colour(score, scale):
    """Red for positive, blue for negative, paler towards 0; `(r, g, b, a)` in [0, 1]."""
    strength = min(1.0, abs(score) / scale) if scale > 0 else 0.0
    return (0.85, 0.15, 0.1, strength) if score >= 0 else (0.1, 0.3, 0.85, strength)


def attributions_html(attributions: Attributions) -> str:
    """The text as an HTML snippet, each word's background coloured by its score (red for
    the target class, blue against it), for notebooks.

    Example:

    >>> from IPython.display import HTML; HTML(attributions_html(scores))  # doctest: +SKIP
    """
    scale = float(np.abs(attributions.word_scores).max(initial=0.0))
    spans = []
    for (word, _, _), score in zip(attributions.words, attributions.word_scores, strict=True):
        r, g, b, a = _colour(score, scale)
        rgba = f"rgba({round(r * 255)}, {round(g * 255)}, {round(b * 255)}, {a:.2f})"
        spans.append(
            f'<span style="background: {rgba}; padding: 1px 2px" title="{score:.4f}">'
            f"{html.escape(word)}</span>"
        )
    return '<p style="line-height: 1.8">' + " ".join(spans) + "</p>"


def plot_attributions(attributions: Attributions, path, title=None, line_characters=70) -> Path:
    """Writes a PNG of the text with each word coloured by its score (red for the target
    class, blue against it, the strongest word fully coloured).

    Example:

    >>> plot_attributions(scores, "attributions.png")  # doctest: +SKIP
    """
    plt = pyplot()
    lines, line, used = [], [], 0
    for word, score in zip(attributions.words, attributions.word_scores, strict=True):
        if line and used + len(word[0]) > line_characters:
            lines.append(line)
            line, used = [], 0
        line.append((word[0], score, used))
        used += len(word[0]) + 1
    lines.append(line)
    scale = float(np.abs(attributions.word_scores).max(initial=0.0))
    figure = plt.figure(figsize=(0.11 * line_characters + 0.5, 0.36 * len(lines) + 0.9))
    axis = figure.add_axes((0, 0, 1, 1))
    axis.axis("off")
    axis.set_xlim(0, line_characters + 2)
    axis.set_ylim(len(lines) + 1.5, 0)
    for row, words in enumerate(lines, start=1):
        for word, score, column in words:
            axis.text(
                column + 1, row, word, family="monospace", fontsize=11, va="center",
                bbox={"facecolor": _colour(score, scale), "edgecolor": "none", "pad": 1.5},
            )  # fmt: skip
    heading = title or f"integrated gradients, class {attributions.target}"
    axis.text(1, len(lines) + 1, f"{heading} (red: for, blue: against)", fontsize=9, color="0.3")
    path = Path(path)
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return path
