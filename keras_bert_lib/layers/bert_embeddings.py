"""The BERT input embedding: token + segment + absolute position, then LayerNorm and dropout."""

import keras
from keras import ops

from keras_bert_lib.layers.philox_dropout import PhiloxDropout
from keras_bert_lib.layers.precision import float32_policy


@keras.saving.register_keras_serializable(package="keras_bert_lib")
class BertEmbeddings(keras.layers.Layer):
    """Sums token, segment and position embeddings, then normalises them.

    The position table is a plain weight sliced to the sequence length (the same layout as
    Hugging Face `position_embeddings` and Google `bert/embeddings/position_embeddings`), and
    the LayerNorm runs in float32 under mixed precision.

    Args:
        vocab_size: int. Rows of the token table.
        hidden_size: int. Embedding width.
        max_position_embeddings: int. Rows of the position table: the longest sequence.
        type_vocab_size: int. Rows of the segment table.
        layer_norm_epsilon: float. LayerNorm epsilon.
        dropout: float. Dropout rate applied after the LayerNorm.
        initializer_range: float. Stddev of the truncated-normal initializer.
        **kwargs: standard `keras.layers.Layer` arguments (`name`, `dtype`).

    Example:

    >>> layer = BertEmbeddings(vocab_size=10, hidden_size=8, max_position_embeddings=16,
    ...                        type_vocab_size=2)
    >>> tuple(layer(ops.ones((2, 5), "int32"), ops.zeros((2, 5), "int32")).shape)
    (2, 5, 8)
    """

    def __init__(
        self,
        vocab_size,
        hidden_size,
        max_position_embeddings,
        type_vocab_size=2,
        layer_norm_epsilon=1e-12,
        dropout=0.1,
        initializer_range=0.02,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.vocab_size = vocab_size
        self.hidden_size = hidden_size
        self.max_position_embeddings = max_position_embeddings
        self.type_vocab_size = type_vocab_size
        self.layer_norm_epsilon = layer_norm_epsilon
        self.dropout = dropout
        self.initializer_range = initializer_range

        initializer = keras.initializers.TruncatedNormal(stddev=initializer_range)
        self.token_embedding = keras.layers.Embedding(
            vocab_size,
            hidden_size,
            embeddings_initializer=initializer,
            dtype=self.dtype_policy,
            name="token_embedding",
        )
        self.segment_embedding = keras.layers.Embedding(
            type_vocab_size,
            hidden_size,
            embeddings_initializer=initializer,
            dtype=self.dtype_policy,
            name="segment_embedding",
        )
        self.layer_norm = keras.layers.LayerNormalization(
            epsilon=layer_norm_epsilon, dtype=float32_policy(self.dtype_policy), name="layer_norm"
        )
        self.dropout_layer = PhiloxDropout(dropout, dtype=self.dtype_policy)

    def build(self, token_ids_shape, segment_ids_shape=None):
        self.token_embedding.build(token_ids_shape)
        self.segment_embedding.build(token_ids_shape)
        self.position_embeddings = self.add_weight(
            shape=(self.max_position_embeddings, self.hidden_size),
            initializer=keras.initializers.TruncatedNormal(stddev=self.initializer_range),
            name="position_embeddings",
        )
        self.layer_norm.build((*token_ids_shape, self.hidden_size))
        self.built = True

    def call(self, token_ids, segment_ids, training=None, token_embeddings=None):
        """`token_embeddings` (optional, `[batch, seq, hidden]`) replace the lookup of
        `token_ids`, e.g. to interpolate them for integrated gradients."""
        sequence_length = token_ids.shape[1]
        if sequence_length is not None and sequence_length > self.max_position_embeddings:
            raise ValueError(
                f"Sequence length {sequence_length} exceeds max_position_embeddings "
                f"({self.max_position_embeddings})."
            )
        length = ops.shape(token_ids)[1]
        positions = ops.cast(self.position_embeddings[:length], self.compute_dtype)
        if token_embeddings is None:
            token_embeddings = self.token_embedding(token_ids)
        embeddings = (
            ops.cast(token_embeddings, self.compute_dtype)
            + self.segment_embedding(segment_ids)
            + ops.expand_dims(positions, 0)
        )
        embeddings = ops.cast(self.layer_norm(embeddings), self.compute_dtype)
        return self.dropout_layer(embeddings, training=training)

    def compute_output_shape(self, token_ids_shape, segment_ids_shape=None):
        return (*token_ids_shape, self.hidden_size)

    def get_config(self):
        config = super().get_config()
        config.update(
            vocab_size=self.vocab_size,
            hidden_size=self.hidden_size,
            max_position_embeddings=self.max_position_embeddings,
            type_vocab_size=self.type_vocab_size,
            layer_norm_epsilon=self.layer_norm_epsilon,
            dropout=self.dropout,
            initializer_range=self.initializer_range,
        )
        return config
