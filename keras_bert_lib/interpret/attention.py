"""Attention maps: the attention probabilities of every layer and head for one text, with the
wordpieces as labels, and their pictures."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import tensorflow as tf

from keras_bert_lib.models.bert_encoder import BertEncoder
from keras_bert_lib.plotting import pyplot


@dataclass
class AttentionMaps:
    """The attention of one text.

    Attributes:
        tokens: the wordpieces, `[CLS]` and `[SEP]` included, `[PAD]` left out.
        probs: float32 `[layers, heads, tokens, tokens]`: row `i` is where token `i` looks.
    """

    tokens: list[str]
    probs: np.ndarray


def attention_maps(model, text, text_pair=None) -> AttentionMaps:
    """The attention probabilities of every layer and head of `model` for one text.

    Args:
        model: a task model with a preprocessor (`BertClassifier`, `SentenceEncoder`,
            `BertTokenClassifier`, `BertSpanLabeler`); its encoder's weights are read.
        text: str.
        text_pair: str or None. The second segment of a pair.

    Example:

    >>> maps = attention_maps(classifier, "a gripping film")  # doctest: +SKIP
    >>> maps.probs.shape  # [layers, heads, tokens, tokens]  # doctest: +SKIP
    """
    preprocessor = model.preprocessor
    if preprocessor is None:
        raise ValueError("attention_maps needs a model with a preprocessor to tokenize text.")
    if not isinstance(text, str) or (text_pair is not None and not isinstance(text_pair, str)):
        raise TypeError("attention_maps takes one text (str) and an optional text_pair (str).")
    inputs = (
        tf.constant([text])
        if text_pair is None
        else (tf.constant([text]), tf.constant([text_pair]))
    )
    features = preprocessor(inputs)
    length = int(tf.reduce_sum(features["padding_mask"]))
    features = {name: value[:, :length] for name, value in features.items()}
    config = {**model.encoder.get_config(), "output_attentions": True}
    encoder = BertEncoder.from_config(config)
    encoder(features)
    encoder.set_weights(model.encoder.get_weights())
    probs = encoder(features)["attention_probs"][0]
    vocabulary = preprocessor.tokenizer.vocabulary
    tokens = [vocabulary[i] for i in features["token_ids"][0].numpy()]
    return AttentionMaps(tokens, np.asarray(probs, np.float32))


def plot_attention(maps: AttentionMaps, path, layer=None, head=None) -> Path:
    """Writes a PNG: every head of one `layer`, or one `head` across every layer.

    Args:
        maps: `attention_maps(...)`.
        path: the PNG to write.
        layer: int. Draw all heads of this layer (0 is the first)...
        head: int. ...or this head in every layer. Give exactly one.

    Example:

    >>> plot_attention(maps, "attention_layer0.png", layer=0)  # doctest: +SKIP
    """
    layers, heads = maps.probs.shape[:2]
    if (layer is None) == (head is None):
        raise ValueError("Give exactly one of layer= (all its heads) or head= (every layer).")
    if layer is not None and not 0 <= layer < layers:
        raise ValueError(f"layer must be in [0, {layers}), got {layer}.")
    if head is not None and not 0 <= head < heads:
        raise ValueError(f"head must be in [0, {heads}), got {head}.")
    panels = (
        [(f"layer {layer}, head {h}", maps.probs[layer, h]) for h in range(heads)]
        if layer is not None
        else [(f"layer {i}, head {head}", maps.probs[i, head]) for i in range(layers)]
    )
    plt = pyplot()
    columns = min(4, len(panels))
    rows = -(-len(panels) // columns)
    size = max(3.0, 0.22 * len(maps.tokens) + 1.5)
    figure, axes = plt.subplots(rows, columns, figsize=(size * columns, size * rows), squeeze=False)
    ticks = range(len(maps.tokens))
    for axis in axes.flat[len(panels) :]:
        axis.axis("off")
    for axis, (title, probs) in zip(axes.flat, panels, strict=False):
        axis.imshow(probs, cmap="viridis", vmin=0.0, vmax=1.0)
        axis.set_title(title, fontsize=9)
        axis.set_xticks(ticks, maps.tokens, rotation=90, fontsize=7)
        axis.set_yticks(ticks, maps.tokens, fontsize=7)
    figure.tight_layout()
    path = Path(path)
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return path
