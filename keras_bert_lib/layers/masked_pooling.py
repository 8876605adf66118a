"""Pooling of a padded sequence into one vector: masked mean, first token, or masked max."""

import keras
from keras import ops

POOLING_MODES = ("mean", "cls", "max")


@keras.saving.register_keras_serializable(package="keras_bert_lib")
class MaskedPooling(keras.layers.Layer):
    """Pools `[batch, seq, hidden]` into `[batch, hidden]`, ignoring padding.

    `mean` averages the real tokens (sentence-transformers' mean pooling), `cls` takes the
    first token, `max` takes the largest value of each feature over the real tokens.

    Args:
        mode: `"mean"`, `"cls"` or `"max"`.
        **kwargs: standard `keras.layers.Layer` arguments (`name`).

    Example:

    >>> pooling = MaskedPooling("mean")
    >>> x = ops.convert_to_tensor([[[1.0, 2.0], [3.0, 4.0], [100.0, 100.0]]])
    >>> pooling(x, ops.convert_to_tensor([[1, 1, 0]])).numpy().tolist()
    [[2.0, 3.0]]
    """

    def __init__(self, mode="mean", **kwargs):
        super().__init__(**kwargs)
        if mode not in POOLING_MODES:
            raise ValueError(f"mode must be one of {POOLING_MODES}, got {mode!r}.")
        self.mode = mode

    def call(self, sequence, padding_mask):
        if self.mode == "cls":
            return sequence[:, 0, :]
        # expand_dims, not [:, :, None]: TFLite has no builtin for new-axis slicing.
        mask = ops.expand_dims(ops.cast(padding_mask, sequence.dtype), -1)
        if self.mode == "mean":
            count = ops.maximum(ops.sum(mask, axis=1), 1e-9)
            return ops.sum(sequence * mask, axis=1) / count
        return ops.max(ops.where(mask > 0, sequence, -1e9), axis=1)

    def compute_output_shape(self, sequence_shape, padding_mask_shape=None):
        return (sequence_shape[0], sequence_shape[2])

    def get_config(self):
        config = super().get_config()
        config.update(mode=self.mode)
        return config
