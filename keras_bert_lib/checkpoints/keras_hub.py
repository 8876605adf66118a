"""keras-hub's `BertBackbone` <-> the canonical BERT weights (see `weight_names.py`).

keras-hub keeps the same tensors under its own layer names, with the attention kernels
split by head (`[hidden, heads, head_size]`, output `[heads, head_size, hidden]`) where ours
are `[hidden, hidden]`: the values are the same numbers in the same order, so each tensor is
a reshape. keras-hub's BERT always uses the tanh approximation of GELU, so a backbone read
here gives a `BertConfig` with `hidden_act="gelu_approximate"`; an encoder with the exact
GELU (BERT's, and Hugging Face's "gelu") moves to keras-hub with that activation changed
(outputs move by up to about 3e-3 on the reference checkpoint).
"""

from __future__ import annotations

import numpy as np

from keras_bert_lib.checkpoints.weight_names import add_dense, add_layer_norm
from keras_bert_lib.config import BertConfig


def keras_hub_variables(backbone) -> dict:
    """Canonical name -> variable for every weight of a keras-hub `BertBackbone`."""
    variables = {
        "embeddings.word_embeddings.weight": backbone.get_layer("token_embedding").embeddings,
        "embeddings.position_embeddings.weight": backbone.get_layer(
            "position_embedding"
        ).position_embeddings,
        "embeddings.token_type_embeddings.weight": backbone.get_layer(
            "segment_embedding"
        ).embeddings,
    }
    add_layer_norm(variables, "embeddings.LayerNorm", backbone.get_layer("embeddings_layer_norm"))
    for index in range(backbone.num_layers):
        block = backbone.get_layer(f"transformer_layer_{index}")
        attention = block._self_attention_layer
        prefix = f"encoder.layer.{index}."
        for name, dense in (
            ("attention.self.query", attention.query_dense),
            ("attention.self.key", attention.key_dense),
            ("attention.self.value", attention.value_dense),
            ("attention.output.dense", attention.output_dense),
            ("intermediate.dense", block._feedforward_intermediate_dense),
            ("output.dense", block._feedforward_output_dense),
        ):
            add_dense(variables, prefix + name, dense)
        add_layer_norm(
            variables, prefix + "attention.output.LayerNorm", block._self_attention_layer_norm
        )
        add_layer_norm(variables, prefix + "output.LayerNorm", block._feedforward_layer_norm)
    add_dense(variables, "pooler.dense", backbone.get_layer("pooled_dense"))
    return variables


def keras_hub_config(backbone) -> BertConfig:
    """The `BertConfig` of a keras-hub `BertBackbone` (tanh GELU, epsilon 1e-12)."""
    return BertConfig(
        vocab_size=backbone.vocabulary_size,
        hidden_size=backbone.hidden_dim,
        num_layers=backbone.num_layers,
        num_heads=backbone.num_heads,
        intermediate_size=backbone.intermediate_dim,
        hidden_act="gelu_approximate",
        hidden_dropout=backbone.dropout,
        attention_dropout=backbone.dropout,
        max_position_embeddings=backbone.max_sequence_length,
        type_vocab_size=backbone.num_segments,
    )


def keras_hub_weights(backbone, shapes: dict) -> dict:
    """The canonical weights of a keras-hub `BertBackbone`; `shapes` maps each canonical name
    to the shape the weight takes in our encoder."""
    return {
        name: np.reshape(np.asarray(variable.numpy()), shapes[name])
        for name, variable in keras_hub_variables(backbone).items()
    }


def write_keras_hub(config: BertConfig, weights: dict):
    """A keras-hub `BertBackbone` holding `weights` (canonical names)."""
    from keras_hub.models import BertBackbone

    if config.hidden_dropout != config.attention_dropout:
        raise ValueError(
            "keras-hub's BertBackbone has one dropout rate; this config has hidden_dropout "
            f"{config.hidden_dropout} and attention_dropout {config.attention_dropout}."
        )
    if config.layer_norm_epsilon != 1e-12:
        raise ValueError(
            f"keras-hub's BertBackbone uses layer_norm_epsilon 1e-12, not "
            f"{config.layer_norm_epsilon}."
        )
    backbone = BertBackbone(
        vocabulary_size=config.vocab_size,
        num_layers=config.num_layers,
        num_heads=config.num_heads,
        hidden_dim=config.hidden_size,
        intermediate_dim=config.intermediate_size,
        dropout=config.hidden_dropout,
        max_sequence_length=config.max_position_embeddings,
        num_segments=config.type_vocab_size,
    )
    for name, variable in keras_hub_variables(backbone).items():
        variable.assign(np.reshape(weights[name], variable.shape))
    return backbone
