"""`BertPacker`: one or two segments of ids -> fixed-length BERT inputs, with dense ops only.

Why not keras-hub's `MultiSegmentPacker` (re-checked in keras-hub 0.32): it trims and slices
RaggedTensors, which emits `RaggedRange` and `RaggedGather`, ops LiteRT cannot run. Here each
segment is made dense once (`to_tensor`, a tensorflow-text TFLite op) and every later step is
index arithmetic and `gather`, which TFLite has as builtins.
"""

import keras
import tensorflow as tf

TRUNCATIONS = ("longest_first", "round_robin", "waterfall")


def truncated_lengths(lengths, budget, truncation):
    """How many tokens of each segment to keep so their total fits `budget`.

    `longest_first` is the Hugging Face `tokenizers` rule (which `transformers` uses): the
    longer segment is cut to what the shorter leaves; if both must be cut, they get
    `budget // 2` each and the longer one the odd token (the second on ties).
    `round_robin` takes tokens alternately, the first segment first; `waterfall` keeps the
    first segment whole before giving the rest to the second.
    """
    if len(lengths) == 1:
        return [tf.minimum(lengths[0], budget)]
    a, b = lengths
    fits = a + b <= budget
    half, extra = budget // 2, budget % 2
    if truncation == "longest_first":
        short = tf.minimum(a, b)
        long_kept = tf.where(short > budget, short, tf.maximum(short, budget - short))
        both_cut = short + long_kept > budget
        short_kept = tf.where(both_cut, half, short)
        long_kept = tf.where(both_cut, half + extra, long_kept)
        swap = a > b
        a_kept, b_kept = (
            tf.where(swap, long_kept, short_kept),
            tf.where(swap, short_kept, long_kept),
        )
    elif truncation == "round_robin":
        first_share, second_share = half + extra, half
        a_kept = tf.where(a <= first_share, a, tf.where(b <= second_share, budget - b, first_share))
        b_kept = tf.minimum(b, budget - a_kept)
    elif truncation == "waterfall":
        a_kept = tf.minimum(a, budget)
        b_kept = tf.minimum(b, budget - a_kept)
    else:
        raise ValueError(f"truncation must be one of {TRUNCATIONS}, got {truncation!r}.")
    return [tf.where(fits, a, a_kept), tf.where(fits, b, b_kept)]


PACKED_NAMES = ("token_ids", "segment_ids", "padding_mask")


def packed_output_spec(batch_shape, sequence_length):
    """Symbolic outputs of packing: int32 `[*batch_shape, sequence_length]` by name."""
    shape = (*batch_shape, sequence_length)
    return {name: keras.KerasTensor(shape, dtype="int32") for name in PACKED_NAMES}


def _as_batched_ragged(segment):
    """`(ragged [batch, None], unbatched)`; a 1-D tensor is one example."""
    if isinstance(segment, tf.RaggedTensor):
        return segment, False
    tensor = tf.convert_to_tensor(segment)
    if tensor.shape.rank == 1:
        return tf.RaggedTensor.from_tensor(tensor[None]), True
    return tf.RaggedTensor.from_tensor(tensor), False


@keras.saving.register_keras_serializable(package="keras_bert_lib")
class BertPacker(keras.layers.Layer):
    """Packs `[CLS] A [SEP]` or `[CLS] A [SEP] B [SEP]` into `sequence_length` slots.

    Args:
        sequence_length: int. Length of every output row.
        cls_id: int. Id of `[CLS]`.
        sep_id: int. Id of `[SEP]`.
        pad_id: int. Id of `[PAD]`.
        truncation: `"longest_first"` (default, the reference), `"round_robin"` or
            `"waterfall"`; see `truncated_lengths`.
        **kwargs: standard `keras.layers.Layer` arguments (`name`).

    Call arguments:
        inputs: a RaggedTensor of ids `[batch, None]` (or `[None]` for one example), or a
            tuple of two of them for pairs.

    Returns:
        A dict of int32 `[batch, sequence_length]` tensors: `token_ids`, `segment_ids`
        (0 for `[CLS] A [SEP]`, 1 for `B [SEP]`, 0 for padding) and `padding_mask`.

    Example:

    >>> packer = BertPacker(sequence_length=8, cls_id=2, sep_id=3, pad_id=0)
    >>> a = tf.ragged.constant([[5, 6, 7]])
    >>> b = tf.ragged.constant([[8, 9, 10, 11]])
    >>> packer((a, b))["token_ids"].numpy()
    array([[ 2,  5,  6,  3,  8,  9, 10,  3]], dtype=int32)
    """

    def __init__(
        self, sequence_length, cls_id, sep_id, pad_id, truncation="longest_first", **kwargs
    ):
        kwargs.setdefault("dtype", "int32")
        super().__init__(**kwargs)
        if truncation not in TRUNCATIONS:
            raise ValueError(f"truncation must be one of {TRUNCATIONS}, got {truncation!r}.")
        if not isinstance(sequence_length, int) or sequence_length < 3:
            raise ValueError(
                f"sequence_length must be an integer >= 3 ([CLS], a token, [SEP]), "
                f"got {sequence_length!r}."
            )
        self._convert_input_args = False
        self._allow_non_tensor_positional_args = True
        self.built = True
        self.sequence_length = sequence_length
        self.cls_id = cls_id
        self.sep_id = sep_id
        self.pad_id = pad_id
        self.truncation = truncation

    def call(self, inputs):
        segments = list(inputs) if isinstance(inputs, (tuple, list)) else [inputs]
        if len(segments) not in (1, 2):
            raise ValueError(f"BertPacker packs one or two segments, got {len(segments)}.")
        converted = [_as_batched_ragged(segment) for segment in segments]
        segments = [segment for segment, _ in converted]
        unbatched = converted[0][1]
        budget = self.sequence_length - 1 - len(segments)
        if budget < 1:
            raise ValueError(
                f"sequence_length {self.sequence_length} leaves no room for tokens of "
                f"{len(segments)} segments."
            )
        lengths = [tf.cast(segment.row_lengths(), tf.int32) for segment in segments]
        kept = truncated_lengths(lengths, budget, self.truncation)
        dense = [
            tf.cast(segment.to_tensor(default_value=0, shape=[None, budget]), tf.int32)
            for segment in segments
        ]
        outputs = self._assemble(dense, kept)
        if unbatched:
            outputs = {name: value[0] for name, value in outputs.items()}
        return outputs

    def _assemble(self, dense, kept):
        batch = tf.shape(dense[0])[0]
        position = tf.broadcast_to(
            tf.range(self.sequence_length)[None], [batch, self.sequence_length]
        )

        def take(values, start, count):
            """values[row, position - start] inside [start, start + count), else -1."""
            index = position - start[:, None]
            inside = (index >= 0) & (index < count[:, None])
            gathered = tf.gather(
                values, tf.clip_by_value(index, 0, tf.shape(values)[1] - 1), batch_dims=1
            )
            return tf.where(inside, gathered, -1), inside

        ones = tf.ones([batch], tf.int32)
        token_ids = tf.fill([batch, self.sequence_length], self.pad_id)
        token_ids = tf.where(position == 0, self.cls_id, token_ids)
        a_ids, in_a = take(dense[0], ones, kept[0])
        token_ids = tf.where(in_a, a_ids, token_ids)
        first_sep = kept[0] + 1
        token_ids = tf.where(position == first_sep[:, None], self.sep_id, token_ids)
        total = first_sep + 1
        segment_ids = tf.zeros([batch, self.sequence_length], tf.int32)
        if len(dense) == 2:
            b_ids, in_b = take(dense[1], total, kept[1])
            token_ids = tf.where(in_b, b_ids, token_ids)
            second_sep = total + kept[1]
            token_ids = tf.where(position == second_sep[:, None], self.sep_id, token_ids)
            in_second = (position >= total[:, None]) & (position <= second_sep[:, None])
            segment_ids = tf.cast(in_second, tf.int32)
            total = second_sep + 1
        padding_mask = tf.cast(position < total[:, None], tf.int32)
        return {"token_ids": token_ids, "segment_ids": segment_ids, "padding_mask": padding_mask}

    def compute_output_spec(self, inputs):
        first = inputs[0] if isinstance(inputs, (tuple, list)) else inputs
        return packed_output_spec(tuple(first.shape[:-1]), self.sequence_length)

    def get_config(self):
        config = super().get_config()
        config.update(
            sequence_length=self.sequence_length,
            cls_id=self.cls_id,
            sep_id=self.sep_id,
            pad_id=self.pad_id,
            truncation=self.truncation,
        )
        return config
