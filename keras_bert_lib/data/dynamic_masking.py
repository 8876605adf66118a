"""Masked-LM batches from raw text, masked in `tf.data` with new masks on every pass.

For users who stream raw text instead of writing pretraining shards (RoBERTa-style MLM
without next-sentence prediction): text is tokenized and packed by a `BertPreprocessor`, then
15% of the real tokens (never `[CLS]`, `[SEP]` or padding) are picked at random and, as in
the original BERT code, 80% of them become `[MASK]`, 10% a random token and 10% stay. The
random draws are stateless, keyed by `(seed, batch index in the stream)`: a pass over the
data draws other masks than the previous one, and the stream is the same every time it is
built (so a resumed run sees the same batches).
"""

from __future__ import annotations

import tensorflow as tf

from keras_bert_lib.data.pipeline_options import without_autotune


def mask_tokens(features, special_ids, vocab_size, max_predictions, mask_probability, seed):
    """Masks a packed batch. Returns `(x, y, sample_weight)` for
    `BertPretrainer(next_sentence=False)`: `x` holds the masked `token_ids` and
    `mask_positions` `[batch, max_predictions]`; `y["mlm_logits"]` the original ids there;
    the weights are 1 for real predictions and 0 for padding slots.

    Args:
        features: a dict of int32 `[batch, length]` `token_ids`, `segment_ids`,
            `padding_mask`.
        special_ids: the tokenizer's `special_ids`.
        vocab_size: int. Random replacements are drawn from `[0, vocab_size)`.
        max_predictions: int. At most this many masked positions per row.
        mask_probability: float. Fraction of the real tokens to mask (at least one).
        seed: an int32 tensor `[2]` for the stateless random ops.
    """
    token_ids = features["token_ids"]
    shape = tf.shape(token_ids)
    candidates = (features["padding_mask"] > 0) & (token_ids != special_ids.cls)
    candidates &= token_ids != special_ids.sep
    seeds = tf.random.experimental.stateless_split(seed, 3)
    scores = tf.where(candidates, tf.random.stateless_uniform(shape, seeds[0]), 2.0)
    order = tf.argsort(scores, axis=1, stable=True)[:, :max_predictions]
    available = tf.reduce_sum(tf.cast(candidates, tf.int32), axis=1)
    wanted = tf.cast(tf.round(tf.cast(available, tf.float32) * mask_probability), tf.int32)
    count = tf.minimum(tf.minimum(tf.maximum(wanted, 1), available), max_predictions)
    slots = tf.shape(order)[1]
    real = tf.range(slots)[None, :] < count[:, None]
    # Positions in increasing order, as the reference writes them; padding slots point at 0.
    positions = tf.sort(tf.where(real, order, shape[1]), axis=1)
    real = positions < shape[1]
    positions = tf.where(real, positions, 0)
    labels = tf.gather(token_ids, positions, batch_dims=1)
    action = tf.random.stateless_uniform(tf.shape(positions), seeds[1])
    random_ids = tf.random.stateless_uniform(
        tf.shape(positions), seeds[2], minval=0, maxval=vocab_size, dtype=tf.int32
    )
    replacement = tf.where(
        action < 0.8, special_ids.mask, tf.where(action < 0.9, random_ids, labels)
    )
    rows = tf.broadcast_to(tf.range(shape[0])[:, None], tf.shape(positions))
    indices = tf.boolean_mask(tf.stack([rows, positions], axis=-1), real)
    masked = tf.tensor_scatter_nd_update(token_ids, indices, tf.boolean_mask(replacement, real))
    pad_slots = tf.maximum(max_predictions - slots, 0)
    positions = tf.pad(positions, [[0, 0], [0, pad_slots]])
    labels = tf.pad(labels, [[0, 0], [0, pad_slots]])
    weights = tf.pad(tf.cast(real, tf.float32), [[0, 0], [0, pad_slots]])
    x = dict(features, token_ids=masked, mask_positions=positions)
    return x, {"mlm_logits": labels}, {"mlm_logits": weights}


def masked_lm_dataset(
    texts,
    preprocessor,
    batch_size=32,
    epochs=1,
    mask_probability=0.15,
    max_predictions=20,
    shuffle=True,
    seed=0,
) -> tf.data.Dataset:
    """A stream of masked-LM batches from raw texts, `epochs` passes (None: endless).

    Args:
        texts: a list of strings (documents or lines), or a `tf.data.Dataset` of strings.
        preprocessor: a `BertPreprocessor` (its vocabulary, length and truncation).
        batch_size: int.
        epochs: int or None. Passes over the texts; each draws new masks (and order).
        mask_probability: float. Fraction of real tokens masked.
        max_predictions: int. Masked positions per row at most.
        shuffle: bool. Reshuffle the texts on every pass (seeded).
        seed: int. Fixes the order and the masks.

    Example:

    >>> data = masked_lm_dataset(["a text", "another one"], preprocessor)  # doctest: +SKIP
    >>> BertPretrainer(encoder, next_sentence=False).fit(data)  # doctest: +SKIP
    """
    if not 0.0 < mask_probability < 1.0:
        raise ValueError(f"mask_probability must be in (0, 1), got {mask_probability}.")
    if max_predictions < 1:
        raise ValueError(f"max_predictions must be >= 1, got {max_predictions}.")
    if isinstance(texts, tf.data.Dataset):
        dataset = texts
    else:
        texts = list(texts)
        if not texts:
            raise ValueError("masked_lm_dataset() got no texts.")
        dataset = tf.data.Dataset.from_tensor_slices(tf.constant(texts))
    if shuffle:
        dataset = dataset.shuffle(100_000, seed=seed, reshuffle_each_iteration=True)
    dataset = dataset.repeat(epochs).batch(batch_size).enumerate()
    special_ids = preprocessor.tokenizer.special_ids
    vocab_size = preprocessor.tokenizer.vocabulary_size

    def mask(index, batch):
        key = tf.stack([tf.constant(seed, tf.int32), tf.cast(index, tf.int32)])
        return mask_tokens(
            preprocessor(batch), special_ids, vocab_size, max_predictions, mask_probability, key
        )

    dataset = dataset.map(mask, num_parallel_calls=tf.data.AUTOTUNE)
    return without_autotune(dataset.prefetch(tf.data.AUTOTUNE))
