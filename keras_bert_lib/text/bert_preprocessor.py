"""`BertPreprocessor`: raw strings (or pairs) -> `{token_ids, segment_ids, padding_mask}`."""

from __future__ import annotations

import keras

from keras_bert_lib.text.bert_packer import BertPacker, packed_output_spec
from keras_bert_lib.text.bert_tokenizer import BertTokenizer


@keras.saving.register_keras_serializable(package="keras_bert_lib")
class BertPreprocessor(keras.layers.Layer):
    """Tokenizes and packs text for a `BertEncoder`, in-graph.

    The same layer serves `tf.data.Dataset.map` for `model.fit`, a model that takes raw
    strings for `predict`, and an exported serving function, so training and serving share
    one code path. Texts longer than `sequence_length` are truncated (see `BertPacker`).

    Args:
        tokenizer: a `BertTokenizer`.
        sequence_length: int. Length of every packed row.
        truncation: `"longest_first"` (default), `"round_robin"` or `"waterfall"`.
        **kwargs: standard `keras.layers.Layer` arguments (`name`).

    Call arguments:
        inputs: strings (a Python string or list, a NumPy array, a `tf.string` tensor of
            rank 0 or 1), or a tuple `(first, second)` of two such for sentence pairs.

    Returns:
        A dict of int32 tensors `[batch, sequence_length]`: `token_ids`, `segment_ids`,
        `padding_mask`.

    Examples:

    >>> tokenizer = BertTokenizer(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the",
    ...                            "qu", "##ick", "fox", "."])
    >>> preprocessor = BertPreprocessor(tokenizer, sequence_length=8)
    >>> preprocessor(["The quick fox."])["token_ids"].numpy()
    array([[2, 5, 6, 7, 8, 9, 3, 0]], dtype=int32)
    >>> preprocessor((["the fox"], ["quick"]))["segment_ids"].numpy()
    array([[0, 0, 0, 0, 1, 1, 1, 0]], dtype=int32)

    With a checkpoint: `BertPreprocessor.from_checkpoint(path, sequence_length=128)`.
    """

    def __init__(self, tokenizer, sequence_length=128, truncation="longest_first", **kwargs):
        kwargs.setdefault("dtype", "int32")
        super().__init__(**kwargs)
        if isinstance(tokenizer, dict):
            tokenizer = keras.saving.deserialize_keras_object(tokenizer)
        if not isinstance(tokenizer, BertTokenizer):
            raise TypeError(f"tokenizer must be a BertTokenizer, got {type(tokenizer).__name__}.")
        self._convert_input_args = False
        self._allow_non_tensor_positional_args = True
        self.built = True
        self.tokenizer = tokenizer
        self.sequence_length = sequence_length
        self.truncation = truncation
        self._packer = None
        self._packer_config = dict(sequence_length=sequence_length, truncation=truncation)
        # Validate the packing arguments now, not at the first call.
        BertPacker(cls_id=0, sep_id=0, pad_id=0, **self._packer_config)

    @property
    def packer(self) -> BertPacker:
        # Built on first use: a tokenizer loaded from a .keras file gets its vocabulary
        # (and so the special ids) only after construction.
        if self._packer is None:
            ids = self.tokenizer.special_ids
            self._packer = BertPacker(
                cls_id=ids.cls, sep_id=ids.sep, pad_id=ids.pad, **self._packer_config
            )
        return self._packer

    def call(self, inputs):
        if isinstance(inputs, tuple):
            if len(inputs) != 2:
                raise ValueError(f"A tuple of segments must have 2 entries, got {len(inputs)}.")
            return self.packer(tuple(self.tokenizer.tokenize(segment) for segment in inputs))
        return self.packer(self.tokenizer.tokenize(inputs))

    def compute_output_spec(self, inputs):
        first = inputs[0] if isinstance(inputs, tuple) else inputs
        return packed_output_spec(tuple(first.shape), self.sequence_length)

    def get_config(self):
        config = super().get_config()
        config.update(
            tokenizer=keras.saving.serialize_keras_object(self.tokenizer),
            sequence_length=self.sequence_length,
            truncation=self.truncation,
        )
        return config

    @classmethod
    def from_checkpoint(
        cls, path, sequence_length=128, truncation="longest_first", **tokenizer_kwargs
    ) -> BertPreprocessor:
        """The preprocessor for a checkpoint directory; see `BertTokenizer.from_checkpoint`."""
        tokenizer = BertTokenizer.from_checkpoint(path, **tokenizer_kwargs)
        return cls(tokenizer, sequence_length=sequence_length, truncation=truncation)
