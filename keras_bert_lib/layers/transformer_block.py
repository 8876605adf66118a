"""One post-LayerNorm BERT transformer block: self-attention, then feed-forward."""

import keras
from keras import ops

from keras_bert_lib.layers.philox_dropout import PhiloxDropout
from keras_bert_lib.layers.precision import float32_policy
from keras_bert_lib.layers.self_attention import MultiHeadSelfAttention


@keras.saving.register_keras_serializable(package="keras_bert_lib")
def gelu_exact(x):
    """GELU with the erf, as BERT and Hugging Face `"gelu"` define it."""
    return keras.activations.gelu(x, approximate=False)


@keras.saving.register_keras_serializable(package="keras_bert_lib")
def gelu_approximate(x):
    """GELU with the tanh approximation (Hugging Face `"gelu_new"`)."""
    return keras.activations.gelu(x, approximate=True)


_ACTIVATIONS = {"gelu": gelu_exact, "gelu_approximate": gelu_approximate, "relu": "relu"}


def activation_fn(name):
    """Our activation names (see `BertConfig.hidden_act`) as Keras activations."""
    if name not in _ACTIVATIONS:
        raise ValueError(f"Unknown activation {name!r}; expected one of {sorted(_ACTIVATIONS)}.")
    return _ACTIVATIONS[name]


@keras.saving.register_keras_serializable(package="keras_bert_lib")
class TransformerBlock(keras.layers.Layer):
    """`x = LN(x + Attention(x)); x = LN(x + Dense(act(Dense(x))))`, as in BERT.

    Args:
        hidden_size: int. Width of the hidden states.
        num_heads: int. Attention heads; must divide `hidden_size`.
        intermediate_size: int. Width of the feed-forward layer.
        hidden_act: str. `"gelu"` (exact), `"gelu_approximate"` (tanh) or `"relu"`.
        hidden_dropout: float. Dropout on the attention and feed-forward outputs.
        attention_dropout: float. Dropout on the attention probabilities.
        layer_norm_epsilon: float. LayerNorm epsilon.
        initializer_range: float. Stddev of the truncated-normal kernel initializer.
        **kwargs: standard `keras.layers.Layer` arguments (`name`, `dtype`).

    Call arguments:
        hidden_states: `[batch, seq, hidden_size]`.
        padding_mask: `[batch, seq]`, nonzero for real tokens.
        first_token_only: bool. Compute the block for the first position (`[CLS]`) alone,
            attending to every position, as Model Garden's `output_range=1`: what a
            classifier on `[CLS]` needs of the last block, for about a sixth of its matrix
            products at length 128. Outputs `[batch, 1, hidden_size]` and probabilities
            `[batch, heads, 1, seq]`, equal to the first rows of the full block's (dropout
            masks included, so training is the same).

    Returns:
        `(hidden_states, attention_probabilities)`.

    Example:

    >>> block = TransformerBlock(hidden_size=8, num_heads=2, intermediate_size=16)
    >>> output, probs = block(ops.ones((1, 3, 8)), ops.ones((1, 3), "int32"))
    >>> tuple(output.shape)
    (1, 3, 8)
    """

    def __init__(
        self,
        hidden_size,
        num_heads,
        intermediate_size,
        hidden_act="gelu",
        hidden_dropout=0.1,
        attention_dropout=0.1,
        layer_norm_epsilon=1e-12,
        initializer_range=0.02,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.hidden_size = hidden_size
        self.num_heads = num_heads
        self.intermediate_size = intermediate_size
        self.hidden_act = hidden_act
        self.hidden_dropout = hidden_dropout
        self.attention_dropout = attention_dropout
        self.layer_norm_epsilon = layer_norm_epsilon
        self.initializer_range = initializer_range

        initializer = keras.initializers.TruncatedNormal(stddev=initializer_range)
        norm_policy = float32_policy(self.dtype_policy)
        self.attention = MultiHeadSelfAttention(
            hidden_size,
            num_heads,
            attention_dropout=attention_dropout,
            initializer_range=initializer_range,
            dtype=self.dtype_policy,
            name="attention",
        )
        self.attention_dropout_layer = PhiloxDropout(hidden_dropout, dtype=self.dtype_policy)
        self.attention_layer_norm = keras.layers.LayerNormalization(
            epsilon=layer_norm_epsilon, dtype=norm_policy, name="attention_layer_norm"
        )
        self.intermediate_dense = keras.layers.Dense(
            intermediate_size,
            activation=activation_fn(hidden_act),
            kernel_initializer=initializer,
            dtype=self.dtype_policy,
            name="intermediate",
        )
        self.output_dense = keras.layers.Dense(
            hidden_size, kernel_initializer=initializer, dtype=self.dtype_policy, name="output"
        )
        self.output_dropout_layer = PhiloxDropout(hidden_dropout, dtype=self.dtype_policy)
        self.output_layer_norm = keras.layers.LayerNormalization(
            epsilon=layer_norm_epsilon, dtype=norm_policy, name="output_layer_norm"
        )

    def build(self, hidden_states_shape, padding_mask_shape=None):
        self.attention.build(hidden_states_shape, padding_mask_shape)
        self.attention_layer_norm.build(hidden_states_shape)
        self.intermediate_dense.build(hidden_states_shape)
        self.output_dense.build((*hidden_states_shape[:-1], self.intermediate_size))
        self.output_layer_norm.build(hidden_states_shape)
        self.built = True

    def call(self, hidden_states, padding_mask, training=None, first_token_only=False):
        # Flattened to `[batch * seq, hidden]` inside, so each Dense is one MatMul (see
        # `MultiHeadSelfAttention.call`).
        batch, length = ops.shape(padding_mask)[:2]
        states = ops.reshape(hidden_states, (-1, self.hidden_size))
        attended, probabilities = self.attention(
            states, padding_mask, training=training, first_token_only=first_token_only
        )
        output_length, drawn = length, {}
        if first_token_only:
            states = ops.reshape(hidden_states, (batch, length, self.hidden_size))[:, 0, :]
            output_length = 1
            drawn = dict(drawn_shape=ops.stack([batch, length, self.hidden_size]), first_along=1)
        attended = self.attention_dropout_layer(attended, training=training, **drawn)
        states = self._add_and_norm(self.attention_layer_norm, states, attended)

        feed_forward = self.output_dense(self.intermediate_dense(states))
        feed_forward = self.output_dropout_layer(feed_forward, training=training, **drawn)
        states = self._add_and_norm(self.output_layer_norm, states, feed_forward)
        return ops.reshape(states, (batch, output_length, self.hidden_size)), probabilities

    def _add_and_norm(self, layer_norm, residual, update):
        # The residual sum is formed in float32, where the LayerNorm computes.
        total = ops.cast(residual, "float32") + ops.cast(update, "float32")
        return ops.cast(layer_norm(total), self.compute_dtype)

    def compute_output_spec(
        self, hidden_states, padding_mask, training=None, first_token_only=False
    ):
        batch, length, width = hidden_states.shape
        queries = 1 if first_token_only else length
        return (
            keras.KerasTensor((batch, queries, width), dtype=self.compute_dtype),
            keras.KerasTensor((batch, self.num_heads, queries, length), dtype=self.compute_dtype),
        )

    def get_config(self):
        config = super().get_config()
        config.update(
            hidden_size=self.hidden_size,
            num_heads=self.num_heads,
            intermediate_size=self.intermediate_size,
            hidden_act=self.hidden_act,
            hidden_dropout=self.hidden_dropout,
            attention_dropout=self.attention_dropout,
            layer_norm_epsilon=self.layer_norm_epsilon,
            initializer_range=self.initializer_range,
        )
        return config
