"""The masked-language-model head: predictions at the masked positions only."""

import keras
from keras import ops

from keras_bert_lib.layers.transformer_block import activation_fn


@keras.saving.register_keras_serializable(package="keras_bert_lib")
class MaskedLMHead(keras.layers.Layer):
    """Gathers `[batch, predictions]` positions of `[batch, seq, hidden]`, then dense +
    activation + LayerNorm, then logits over the vocabulary through the *word embedding
    table* (tied output weights, as in BERT) plus an output bias.

    keras-hub's `MaskedLMHead` (0.32) ties only to its own `ReversibleEmbedding`; ours ties to the
    encoder's `keras.layers.Embedding`, whose table the checkpoints fill.

    Args:
        token_embedding: the encoder's word `keras.layers.Embedding`. Its config is part of
            the head's, so a head rebuilt on its own gets a new table of the same shape;
            `BertPretrainer` rebuilds its head on the encoder's table.
        hidden_act: str. See `BertConfig.hidden_act`.
        layer_norm_epsilon: float.
        initializer_range: float. Stddev of the dense kernel's truncated normal init.
        **kwargs: standard `keras.layers.Layer` arguments (`name`).

    Example:

    >>> embedding = keras.layers.Embedding(10, 4)
    >>> head = MaskedLMHead(embedding)
    >>> sequence = keras.random.normal((2, 6, 4))
    >>> tuple(head(sequence, ops.convert_to_tensor([[1, 2], [0, 5]])).shape)
    (2, 2, 10)
    """

    def __init__(
        self,
        token_embedding,
        hidden_act="gelu",
        layer_norm_epsilon=1e-12,
        initializer_range=0.02,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if isinstance(token_embedding, dict):
            token_embedding = keras.saving.deserialize_keras_object(token_embedding)
        self.token_embedding = token_embedding
        self.hidden_act = hidden_act
        self.layer_norm_epsilon = layer_norm_epsilon
        self.initializer_range = initializer_range
        self.dense = keras.layers.Dense(
            token_embedding.output_dim,
            activation=activation_fn(hidden_act),
            kernel_initializer=keras.initializers.TruncatedNormal(stddev=initializer_range),
            dtype=self.dtype_policy,
            name="transform_dense",
        )
        self.layer_norm = keras.layers.LayerNormalization(
            epsilon=layer_norm_epsilon, dtype="float32", name="transform_layer_norm"
        )

    def build(self, sequence_shape, positions_shape=None):
        hidden = self.token_embedding.output_dim
        if not self.token_embedding.built:
            self.token_embedding.build((None,))
        self.dense.build((None, None, hidden))
        self.layer_norm.build((None, None, hidden))
        self.bias = self.add_weight(
            shape=(self.token_embedding.input_dim,), initializer="zeros", name="output_bias"
        )
        self.built = True

    def call(self, sequence, positions):
        gathered = ops.take_along_axis(
            sequence, ops.expand_dims(ops.cast(positions, "int32"), -1), axis=1
        )
        hidden = self.layer_norm(ops.cast(self.dense(gathered), "float32"))
        table = ops.cast(self.token_embedding.embeddings, "float32")
        return ops.matmul(hidden, ops.transpose(table)) + ops.cast(self.bias, "float32")

    def compute_output_shape(self, sequence_shape, positions_shape):
        return (*positions_shape, self.token_embedding.input_dim)

    def get_config(self):
        config = super().get_config()
        config.update(
            token_embedding=keras.saving.serialize_keras_object(self.token_embedding),
            hidden_act=self.hidden_act,
            layer_norm_epsilon=self.layer_norm_epsilon,
            initializer_range=self.initializer_range,
        )
        return config
