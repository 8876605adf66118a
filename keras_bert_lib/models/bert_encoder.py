"""`BertEncoder`: the BERT backbone as a functional Keras model with dict inputs and outputs."""

from __future__ import annotations

import keras
from keras import ops

from keras_bert_lib.checkpoints.keras_hub import (
    keras_hub_config,
    keras_hub_weights,
    write_keras_hub,
)
from keras_bert_lib.checkpoints.loading import read_checkpoint
from keras_bert_lib.checkpoints.weight_names import assign_weights, encoder_variables
from keras_bert_lib.config import BertConfig
from keras_bert_lib.layers.bert_embeddings import BertEmbeddings
from keras_bert_lib.layers.transformer_block import TransformerBlock
from keras_bert_lib.models.known_arguments import KnownArguments

INPUT_NAMES = ("token_ids", "segment_ids", "padding_mask")


def encoder_inputs():
    """Fresh symbolic inputs of a `BertEncoder`: int32 `[batch, seq]` tensors by name."""
    return {name: keras.Input(shape=(None,), dtype="int32", name=name) for name in INPUT_NAMES}


@keras.saving.register_keras_serializable(package="keras_bert_lib")
class BertEncoder(KnownArguments, keras.Model):
    """The BERT encoder: embeddings, `num_layers` transformer blocks and the tanh pooler.

    Inputs are a dict of int32 `[batch, seq]` tensors: `token_ids`, `segment_ids` and
    `padding_mask` (1 for real tokens, 0 for padding). Outputs are a dict with
    `sequence_output` `[batch, seq, hidden]` and `pooled_output` `[batch, hidden]` (the
    pooler applied to the first token), always float32, also under mixed precision.

    Args:
        config: `BertConfig` or its dict form. The hyperparameters.
        output_hidden_states: bool. Also output `hidden_states`
            `[batch, num_layers + 1, seq, hidden]`: the embeddings, then every block's output.
        output_attentions: bool. Also output `attention_probs`
            `[batch, num_layers, heads, seq, seq]`, float32.
        dtype: str or `keras.DTypePolicy`. `"float32"` (default), `"mixed_bfloat16"` or
            `"mixed_float16"`; LayerNorm and softmax compute in float32 under all of them.
        **kwargs: standard `keras.Model` arguments (`name`).

    Example:

    >>> import numpy as np
    >>> encoder = BertEncoder(BertConfig.from_preset("bert_tiny", vocab_size=100))
    >>> inputs = {
    ...     "token_ids": np.array([[2, 7, 9, 3, 0]], "int32"),
    ...     "segment_ids": np.zeros((1, 5), "int32"),
    ...     "padding_mask": np.array([[1, 1, 1, 1, 0]], "int32"),
    ... }
    >>> outputs = encoder.predict(inputs, verbose=0)
    >>> outputs["sequence_output"].shape, outputs["pooled_output"].shape
    ((1, 5, 128), (1, 128))

    Load pretrained weights with `BertEncoder.from_checkpoint(path)`.
    """

    def __init__(
        self,
        config,
        output_hidden_states=False,
        output_attentions=False,
        dtype=None,
        **kwargs,
    ):
        if isinstance(config, dict):
            config = BertConfig.from_dict(config)
        # A functional Model ignores `dtype`; the sublayers take it, and the model records it below.
        policy = keras.dtype_policies.get(dtype) if dtype is not None else None
        if not isinstance(config, BertConfig):
            raise TypeError(f"config must be a BertConfig or a dict, got {type(config).__name__}.")

        # === Layers ===
        embeddings, blocks, pooler = _encoder_layers(config, policy)

        # === Functional graph ===
        inputs = encoder_inputs()
        all_hidden, all_probs = _run_blocks(embeddings, blocks, inputs)
        hidden = all_hidden[-1]
        outputs = {
            "sequence_output": ops.cast(hidden, "float32"),
            "pooled_output": ops.cast(pooler(hidden[:, 0, :]), "float32"),
        }
        if output_hidden_states:
            outputs["hidden_states"] = ops.cast(ops.stack(all_hidden, axis=1), "float32")
        if output_attentions:
            outputs["attention_probs"] = ops.stack(all_probs, axis=1)
        super().__init__(inputs=inputs, outputs=outputs, **kwargs)

        # === Config ===
        self.config = config
        self.dtype_policy = embeddings.dtype_policy
        self.output_hidden_states = output_hidden_states
        self.output_attentions = output_attentions
        self.embeddings = embeddings
        self.transformer_layers = blocks
        self.pooler = pooler

    def call(self, inputs, training=None, mask=None, first_token_only=False):
        """The outputs above; with `first_token_only=True`, only the first position's:
        `{"first_token_output", "pooled_output"}`, both `[batch, hidden]` float32, with the
        last block computed for that position alone (`TransformerBlock`'s
        `first_token_only`). Equal to `sequence_output[:, 0]` and `pooled_output`, for about
        a sixth of the last block's matrix products: what a classifier on `[CLS]` calls."""
        if not first_token_only:
            return super().call(inputs, training=training, mask=mask)
        all_hidden, _ = _run_blocks(
            self.embeddings, self.transformer_layers, inputs, training, first_token_only=True
        )
        first = all_hidden[-1][:, 0, :]
        return {
            "first_token_output": ops.cast(first, "float32"),
            "pooled_output": ops.cast(self.pooler(first), "float32"),
        }

    def compute_output_spec(self, inputs, training=None, mask=None, first_token_only=False):
        if not first_token_only:
            return super().compute_output_spec(inputs, training=training, mask=mask)
        shape = (inputs["token_ids"].shape[0], self.config.hidden_size)
        return {
            "first_token_output": keras.KerasTensor(shape, dtype="float32"),
            "pooled_output": keras.KerasTensor(shape, dtype="float32"),
        }

    def get_config(self):
        return {
            "name": self.name,
            "trainable": self.trainable,
            "dtype": keras.dtype_policies.serialize(self.dtype_policy),
            "config": self.config.to_dict(),
            "output_hidden_states": self.output_hidden_states,
            "output_attentions": self.output_attentions,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if isinstance(config.get("dtype"), dict):
            config["dtype"] = keras.dtype_policies.deserialize(config["dtype"])
        return cls(**config)

    @classmethod
    def from_checkpoint(cls, path, load_weights=True, **kwargs) -> BertEncoder:
        """Builds an encoder from pretrained weights.

        Args:
            path: a Hugging Face directory (`config.json` + `model.safetensors`), or an
                original Google checkpoint (its prefix such as `.../bert_model.ckpt`, or the
                directory holding it and `bert_config.json`).
            load_weights: bool. With False, the same architecture freshly initialised (as
                keras-hub's `from_preset(..., load_weights=False)`).
            **kwargs: passed to the constructor (`dtype`, `output_attentions`, ...).
        """
        config, weights = read_checkpoint(path)
        return cls.from_weights(config, weights if load_weights else None, str(path), **kwargs)

    @classmethod
    def from_keras_hub(cls, backbone, **kwargs) -> BertEncoder:
        """An encoder with the weights of a keras-hub `BertBackbone`.

        keras-hub's BERT uses the tanh GELU, so the encoder's config has
        `hidden_act="gelu_approximate"` and its outputs equal the backbone's.

        Args:
            backbone: a `keras_hub.models.BertBackbone`.
            **kwargs: passed to the constructor (`dtype`, `output_attentions`, ...).

        Example:

        >>> config = BertConfig.from_preset("bert_tiny", vocab_size=100)
        >>> backbone = BertEncoder(config).to_keras_hub()  # or a keras-hub preset's backbone
        >>> BertEncoder.from_keras_hub(backbone).config.hidden_act
        'gelu_approximate'
        """
        encoder = cls(keras_hub_config(backbone), **kwargs)
        variables = encoder_variables(encoder)
        shapes = {name: tuple(variable.shape) for name, variable in variables.items()}
        assign_weights(variables, keras_hub_weights(backbone, shapes), "keras-hub BertBackbone")
        return encoder

    def to_keras_hub(self):
        """This encoder's weights in a new keras-hub `BertBackbone`.

        keras-hub's BERT always uses the tanh GELU: an encoder with the exact GELU (BERT's
        own) gives a backbone whose outputs differ slightly (about 3e-3 on the reference
        checkpoint).

        Example:

        >>> encoder = BertEncoder(BertConfig.from_preset("bert_tiny", vocab_size=100))
        >>> encoder.to_keras_hub().num_layers
        2
        """
        weights = {n: v.numpy() for n, v in encoder_variables(self).items()}
        return write_keras_hub(self.config, weights)

    @classmethod
    def from_weights(cls, config, weights, source, **kwargs) -> BertEncoder:
        """An encoder of `config` holding `weights` (canonical names, as `read_checkpoint`
        returns them; None keeps the fresh initialisation). `source` names them in errors."""
        encoder = cls(config, **kwargs)
        if weights is not None:
            assign_weights(encoder_variables(encoder), weights, source)
        return encoder


def _run_blocks(embeddings, blocks, inputs, training=None, first_token_only=False):
    """Every block's input and the last block's output (the last block for the first
    position alone with `first_token_only`), and every block's attention probabilities."""
    hidden = embeddings(inputs["token_ids"], inputs["segment_ids"], training=training)
    all_hidden, all_probs = [hidden], []
    for index, block in enumerate(blocks):
        hidden, probs = block(
            hidden,
            inputs["padding_mask"],
            training=training,
            first_token_only=first_token_only and index == len(blocks) - 1,
        )
        all_hidden.append(hidden)
        all_probs.append(probs)
    return all_hidden, all_probs


def _encoder_layers(config, policy):
    """The embeddings, the transformer blocks and the pooler for `config`."""
    embeddings = BertEmbeddings(
        vocab_size=config.vocab_size,
        hidden_size=config.hidden_size,
        max_position_embeddings=config.max_position_embeddings,
        type_vocab_size=config.type_vocab_size,
        layer_norm_epsilon=config.layer_norm_epsilon,
        dropout=config.hidden_dropout,
        initializer_range=config.initializer_range,
        dtype=policy,
        name="embeddings",
    )
    blocks = [
        TransformerBlock(
            hidden_size=config.hidden_size,
            num_heads=config.num_heads,
            intermediate_size=config.intermediate_size,
            hidden_act=config.hidden_act,
            hidden_dropout=config.hidden_dropout,
            attention_dropout=config.attention_dropout,
            layer_norm_epsilon=config.layer_norm_epsilon,
            initializer_range=config.initializer_range,
            dtype=policy,
            name=f"transformer_layer_{index}",
        )
        for index in range(config.num_layers)
    ]
    pooler = keras.layers.Dense(
        config.hidden_size,
        activation="tanh",
        kernel_initializer=keras.initializers.TruncatedNormal(stddev=config.initializer_range),
        dtype=policy,
        name="pooler",
    )
    return embeddings, blocks, pooler
