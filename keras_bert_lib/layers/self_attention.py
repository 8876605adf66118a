"""Multi-head self-attention with a float32 softmax that also returns its probabilities.

Why not `keras.layers.MultiHeadAttention` (which keras-hub 0.32's TransformerEncoder uses): its
softmax runs in the layer's compute dtype (float16 under `mixed_float16`), its EinsumDense
kernels are laid out [hidden, heads, head_size] unlike every BERT checkpoint, and a
functional model cannot ask it for the probabilities of each layer. Here the query, key,
value and output projections are plain Dense layers with exactly the checkpoint layout.
"""

import keras
from keras import ops

from keras_bert_lib.layers.philox_dropout import PhiloxDropout

# Added to the scores of padding keys. Finite, so a row whose keys are all padding gets a
# uniform (finite) distribution instead of NaN.
_MASKED_SCORE = -1e9


@keras.saving.register_keras_serializable(package="keras_bert_lib")
class MultiHeadSelfAttention(keras.layers.Layer):
    """Scaled dot-product self-attention over a padded batch.

    Args:
        hidden_size: int. Input and output width.
        num_heads: int. Number of heads; must divide `hidden_size`.
        attention_dropout: float. Dropout on the attention probabilities.
        initializer_range: float. Stddev of the truncated-normal kernel initializer.
        **kwargs: standard `keras.layers.Layer` arguments (`name`, `dtype`).

    Call arguments:
        hidden_states: float tensor `[batch, seq, hidden_size]`, or the same flattened to
            `[batch * seq, hidden_size]` (as `TransformerBlock` passes it).
        padding_mask: `[batch, seq]`, nonzero/True for real tokens.
        first_token_only: bool. Only the first position queries (it still attends to every
            position): the output has one position, `[batch, 1, hidden_size]` (`[batch,
            hidden_size]` for a flattened input), and the probabilities `[batch, heads, 1,
            seq]`, equal to those rows of the full layer's, dropout included.

    Returns:
        `(output, probabilities [batch, heads, seq, seq])`: the output has the shape of
        `hidden_states`; the probabilities are float32.

    Example:

    >>> layer = MultiHeadSelfAttention(hidden_size=8, num_heads=2)
    >>> output, probs = layer(ops.ones((1, 3, 8)), ops.ones((1, 3), "int32"))
    >>> tuple(output.shape), tuple(probs.shape)
    ((1, 3, 8), (1, 2, 3, 3))
    """

    def __init__(
        self, hidden_size, num_heads, attention_dropout=0.1, initializer_range=0.02, **kwargs
    ):
        super().__init__(**kwargs)
        if hidden_size % num_heads:
            raise ValueError(
                f"hidden_size ({hidden_size}) must be divisible by num_heads ({num_heads})."
            )
        self.hidden_size = hidden_size
        self.num_heads = num_heads
        self.attention_dropout = attention_dropout
        self.initializer_range = initializer_range
        self.head_size = hidden_size // num_heads

        def dense(name):
            return keras.layers.Dense(
                hidden_size,
                kernel_initializer=keras.initializers.TruncatedNormal(stddev=initializer_range),
                dtype=self.dtype_policy,
                name=name,
            )

        self.query = dense("query")
        self.key = dense("key")
        self.value = dense("value")
        self.output_dense = dense("output")
        self.dropout_layer = PhiloxDropout(attention_dropout, dtype=self.dtype_policy)

    def build(self, hidden_states_shape, padding_mask_shape=None):
        for layer in (self.query, self.key, self.value, self.output_dense):
            layer.build(hidden_states_shape)
        self.built = True

    def _split_heads(self, x, batch, length):
        x = ops.reshape(x, (batch, length, self.num_heads, self.head_size))
        return ops.transpose(x, (0, 2, 1, 3))

    def call(self, hidden_states, padding_mask, training=None, first_token_only=False):
        # The projections run on `[batch * seq, hidden]`: a Dense on a 3-D input is a
        # tensordot, about ten shape ops around its MatMul, which a batch-1 request pays
        # per projection (in TF Serving's session, per op).
        flat_input = len(hidden_states.shape) == 2
        batch, length = ops.shape(padding_mask)[:2]
        states = hidden_states if flat_input else ops.reshape(hidden_states, (-1, self.hidden_size))
        scale = ops.cast(1.0 / float(self.head_size) ** 0.5, self.compute_dtype)
        queries, query_length = states, length
        if first_token_only:
            queries = ops.reshape(states, (batch, length, self.hidden_size))[:, 0, :]
            query_length = 1
        query = self._split_heads(self.query(queries) * scale, batch, query_length)
        key = self._split_heads(self.key(states), batch, length)
        value = self._split_heads(self.value(states), batch, length)

        scores = ops.cast(ops.einsum("bhqd,bhkd->bhqk", query, key), "float32")
        # expand_dims, not [:, None, None, :]: TFLite has no builtin for new-axis slicing.
        key_is_real = ops.expand_dims(ops.cast(padding_mask, "bool"), (1, 2))
        scores = ops.where(key_is_real, scores, _MASKED_SCORE)
        probabilities = ops.softmax(scores, axis=-1)

        drawn = {}
        if first_token_only:
            shape = ops.stack([batch, self.num_heads, length, length])
            drawn = dict(drawn_shape=shape, first_along=2)
        dropped = self.dropout_layer(
            ops.cast(probabilities, self.compute_dtype), training=training, **drawn
        )
        context = ops.einsum("bhqk,bhkd->bhqd", dropped, value)
        context = ops.transpose(context, (0, 2, 1, 3))
        output = self.output_dense(ops.reshape(context, (-1, self.hidden_size)))
        if not flat_input:
            output = ops.reshape(output, (batch, query_length, self.hidden_size))
        return output, probabilities

    def compute_output_spec(
        self, hidden_states, padding_mask, training=None, first_token_only=False
    ):
        batch, length = padding_mask.shape[0], padding_mask.shape[1]
        output_shape, queries = hidden_states.shape, length
        if first_token_only:
            queries = 1
            flat = len(hidden_states.shape) == 2
            output_shape = (batch, self.hidden_size) if flat else (batch, 1, self.hidden_size)
        return (
            keras.KerasTensor(output_shape, dtype=self.compute_dtype),
            keras.KerasTensor((batch, self.num_heads, queries, length), dtype="float32"),
        )

    def get_config(self):
        config = super().get_config()
        config.update(
            hidden_size=self.hidden_size,
            num_heads=self.num_heads,
            attention_dropout=self.attention_dropout,
            initializer_range=self.initializer_range,
        )
        return config
