"""Looking inside a model: attention maps and token attributions (integrated gradients), with
pictures (matplotlib, the `plots` extra)."""

from keras_bert_lib.interpret.attention import AttentionMaps, attention_maps, plot_attention
from keras_bert_lib.interpret.attributions import (
    Attributions,
    attributions_html,
    integrated_gradients,
    plot_attributions,
)

__all__ = [
    "AttentionMaps",
    "Attributions",
    "attention_maps",
    "attributions_html",
    "integrated_gradients",
    "plot_attention",
    "plot_attributions",
]
