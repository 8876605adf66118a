"""The canonical tensor names of BERT weights and how they bind to Keras variables.

Every foreign format is read into one canonical form: Hugging Face `BertModel` names
(`encoder.layer.0.attention.self.query.weight`, no `bert.` prefix) holding arrays in *Keras*
orientation (dense kernels `[in, out]`). Each reader converts names and orientation once; one
assignment routine then checks and loads them.
"""

from __future__ import annotations

import numpy as np


def encoder_variables(encoder) -> dict:
    """Canonical name -> variable for every weight of a `BertEncoder`."""
    embeddings = encoder.embeddings
    variables = {
        "embeddings.word_embeddings.weight": embeddings.token_embedding.embeddings,
        "embeddings.position_embeddings.weight": embeddings.position_embeddings,
        "embeddings.token_type_embeddings.weight": embeddings.segment_embedding.embeddings,
    }
    add_layer_norm(variables, "embeddings.LayerNorm", embeddings.layer_norm)
    for index, block in enumerate(encoder.transformer_layers):
        prefix = f"encoder.layer.{index}."
        attention = block.attention
        for name, dense in (
            ("attention.self.query", attention.query),
            ("attention.self.key", attention.key),
            ("attention.self.value", attention.value),
            ("attention.output.dense", attention.output_dense),
            ("intermediate.dense", block.intermediate_dense),
            ("output.dense", block.output_dense),
        ):
            add_dense(variables, prefix + name, dense)
        add_layer_norm(variables, prefix + "attention.output.LayerNorm", block.attention_layer_norm)
        add_layer_norm(variables, prefix + "output.LayerNorm", block.output_layer_norm)
    add_dense(variables, "pooler.dense", encoder.pooler)
    return variables


def add_dense(variables, name, dense):
    """`NAME.weight` and `NAME.bias`: a dense layer's kernel and bias."""
    variables[name + ".weight"] = dense.kernel
    variables[name + ".bias"] = dense.bias


def add_layer_norm(variables, name, layer_norm):
    """`NAME.weight` and `NAME.bias`: a LayerNorm's gamma and beta."""
    variables[name + ".weight"] = layer_norm.gamma
    variables[name + ".bias"] = layer_norm.beta


def assign_weights(variables: dict, weights: dict, source: str) -> None:
    """Loads `weights` (canonical name -> array) into `variables`, checking every tensor first.

    Nothing is assigned unless every variable has a finite tensor of the right shape, so a
    broken checkpoint never leaves a half-loaded model behind.

    Raises:
        ValueError: naming the tensor that is missing, misshaped or not finite.
    """
    missing = [name for name in variables if name not in weights]
    if missing:
        shown = ", ".join(missing[:5]) + (
            f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        )
        raise ValueError(f"Checkpoint {source} is missing tensor(s): {shown}.")
    for name, variable in variables.items():
        array = weights[name]
        expected = tuple(variable.shape)
        if tuple(array.shape) != expected:
            raise ValueError(
                f"Checkpoint {source}: tensor {name} has shape {tuple(array.shape)}, "
                f"expected {expected} (from the model's config)."
            )
        if not np.issubdtype(array.dtype, np.floating):
            raise ValueError(
                f"Checkpoint {source}: tensor {name} has dtype {array.dtype}, "
                "expected a floating-point type."
            )
        if not np.isfinite(array).all():
            raise ValueError(f"Checkpoint {source}: tensor {name} contains NaN or Inf values.")
    for name, variable in variables.items():
        variable.assign(weights[name].astype(variable.dtype))
