"""Pretraining examples <-> sharded TFRecord files, and the `tf.data` reader for training.

Each record is a `tf.train.Example` with fixed-length features (padded with 0):

| feature | type | length | meaning |
|---|---|---|---|
| `token_ids` | int64 | `max_seq_length` | `[CLS] A [SEP] B [SEP]`, masks applied |
| `segment_ids` | int64 | `max_seq_length` | 0 for `[CLS] A [SEP]`, 1 for `B [SEP]` |
| `padding_mask` | int64 | `max_seq_length` | 1 for real tokens |
| `mask_positions` | int64 | `max_predictions_per_seq` | positions to predict |
| `mask_ids` | int64 | `max_predictions_per_seq` | their original ids |
| `mask_weights` | float | `max_predictions_per_seq` | 1.0 for real predictions, 0.0 for padding |
| `next_sentence_label` | int64 | 1 | 0 = B follows A, 1 = B is random |

Example `i` goes to shard `i % num_shards`, named `PREFIX-00003-of-00010.tfrecord` (`.gz`
with GZIP compression). A shard is written to a temporary name and renamed when complete,
so a rerun writes only the shards that are missing.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

import tensorflow as tf

from keras_bert_lib.atomic_files import replace_atomically
from keras_bert_lib.data.pipeline_options import without_autotune

INT_FEATURES = ("token_ids", "segment_ids", "padding_mask")
MASK_FEATURES = ("mask_positions", "mask_ids")


def shard_paths(prefix, num_shards, compress=False) -> list[Path]:
    suffix = ".tfrecord.gz" if compress else ".tfrecord"
    return [Path(f"{prefix}-{i:05d}-of-{num_shards:05d}{suffix}") for i in range(num_shards)]


def _padded(values, length, name):
    if len(values) > length:
        raise ValueError(f"{name} has {len(values)} values; the limit is {length}.")
    return list(values) + [0] * (length - len(values))


def serialize_example(example, max_seq_length, max_predictions_per_seq) -> bytes:
    def ints(values):
        return tf.train.Feature(int64_list=tf.train.Int64List(value=values))

    count = len(example.mask_positions)
    features = {
        "token_ids": ints(_padded(example.token_ids, max_seq_length, "token_ids")),
        "segment_ids": ints(_padded(example.segment_ids, max_seq_length, "segment_ids")),
        "padding_mask": ints(_padded([1] * len(example.token_ids), max_seq_length, "mask")),
        "mask_positions": ints(
            _padded(example.mask_positions, max_predictions_per_seq, "mask_positions")
        ),
        "mask_ids": ints(_padded(example.mask_ids, max_predictions_per_seq, "mask_ids")),
        "mask_weights": tf.train.Feature(
            float_list=tf.train.FloatList(
                value=[1.0] * count + [0.0] * (max_predictions_per_seq - count)
            )
        ),
        "next_sentence_label": ints([example.next_sentence_label]),
    }
    example = tf.train.Example(features=tf.train.Features(feature=features))
    # `deterministic`: the feature map is otherwise written in an order that can change
    # from one process to the next, and reruns would not be byte-identical.
    return example.SerializeToString(deterministic=True)


def write_shards(records, prefix, num_shards=10, compress=False) -> list[Path]:
    """Writes serialized records round-robin into shards (record `i` to shard
    `i % num_shards`), streaming: one pass over `records`, the shards written side by side.

    Complete shards that exist are kept (a rerun writes only the missing ones); each new
    shard is written under a temporary name and renamed when all are written.
    """
    paths = shard_paths(prefix, num_shards, compress)
    paths[0].parent.mkdir(parents=True, exist_ok=True)
    missing = {shard: path for shard, path in enumerate(paths) if not path.exists()}
    if not missing:
        return paths
    options = tf.io.TFRecordOptions(compression_type="GZIP" if compress else "")
    partials = {shard: path.with_name(f"partial.{path.name}") for shard, path in missing.items()}
    writers = {shard: tf.io.TFRecordWriter(str(p), options) for shard, p in partials.items()}
    for index, record in enumerate(records):
        writer = writers.get(index % num_shards)
        if writer is not None:
            writer.write(record)
    for shard, writer in writers.items():
        writer.close()
        os.replace(partials[shard], missing[shard])
    return paths


def write_shard(path, records, compress=False) -> None:
    """One shard of records, written whole or not at all (`atomic_files`)."""
    options = tf.io.TFRecordOptions(compression_type="GZIP" if compress else "")
    replace_atomically(path, functools.partial(_write_records, records, options))


def _write_records(records, options, path):
    with tf.io.TFRecordWriter(str(path), options) as writer:
        for record in records:
            writer.write(record)


def parse_example(record, max_seq_length, max_predictions_per_seq) -> dict:
    """One serialized record -> dict of int32 / float32 tensors."""
    spec = {name: tf.io.FixedLenFeature([max_seq_length], tf.int64) for name in INT_FEATURES}
    spec.update(
        {name: tf.io.FixedLenFeature([max_predictions_per_seq], tf.int64) for name in MASK_FEATURES}
    )
    spec["mask_weights"] = tf.io.FixedLenFeature([max_predictions_per_seq], tf.float32)
    spec["next_sentence_label"] = tf.io.FixedLenFeature([1], tf.int64)
    parsed = tf.io.parse_single_example(record, spec)
    return {
        name: value if value.dtype == tf.float32 else tf.cast(value, tf.int32)
        for name, value in parsed.items()
    }


def to_training_batch(features, next_sentence=True) -> tuple:
    """Parsed features -> `(x, y, sample_weight)` for `BertPretrainer.fit`; without the
    next-sentence labels for an MLM-only pretrainer (`next_sentence=False`)."""
    x = {name: features[name] for name in (*INT_FEATURES, "mask_positions")}
    y = {"mlm_logits": features["mask_ids"]}
    weights = {"mlm_logits": features["mask_weights"]}
    if next_sentence:
        y["nsp_logits"] = features["next_sentence_label"]
        weights["nsp_logits"] = tf.ones_like(features["next_sentence_label"][:, 0], tf.float32)
    return x, y, weights


def pretraining_dataset(
    files,
    max_seq_length,
    max_predictions_per_seq,
    batch_size,
    shuffle=True,
    seed=0,
    next_sentence=True,
    drop_remainder=True,
) -> tf.data.Dataset:
    """Batches `(x, y, sample_weight)` from shards (GZIP files end in `.gz`); with
    `next_sentence=False`, for an MLM-only pretrainer (no `nsp_logits` labels).

    Training batches all have `batch_size` rows (one shape, one XLA compilation); pass
    `drop_remainder=False` to evaluate: the last, smaller batch then scores the rest."""
    files = sorted(str(f) for f in files)
    if not files:
        raise ValueError("No pretraining shards given.")
    if shuffle:
        dataset = interleaved_shards(files, seed).shuffle(
            10_000, seed=seed, reshuffle_each_iteration=True
        )
    else:
        dataset = read_shards(files)
    dataset = dataset.map(
        lambda record: parse_example(record, max_seq_length, max_predictions_per_seq),
        num_parallel_calls=tf.data.AUTOTUNE,
    )
    dataset = dataset.batch(batch_size, drop_remainder=drop_remainder).map(
        lambda features: to_training_batch(features, next_sentence)
    )
    return without_autotune(dataset.prefetch(tf.data.AUTOTUNE))


def interleaved_shards(files, seed=0, cycle_length=64) -> tf.data.Dataset:
    """The records of the shards, the shards in an order shuffled each epoch and read side by
    side, one record from each in turn (up to `cycle_length` at a time): the stream follows
    the examples' pass-major order across the shards (`pretraining_transforms.py`)."""
    files = [str(f) for f in files]
    compression = "GZIP" if files[0].endswith(".gz") else ""
    names = tf.data.Dataset.from_tensor_slices(files).shuffle(
        len(files), seed=seed, reshuffle_each_iteration=True
    )
    return names.interleave(
        lambda name: tf.data.TFRecordDataset(name, compression_type=compression),
        cycle_length=min(len(files), cycle_length),
        block_length=1,
    )


def read_shards(files) -> tf.data.TFRecordDataset:
    """The serialized records of the shards, in order (GZIP when the names end in `.gz`)."""
    files = [str(f) for f in files]
    compression = "GZIP" if files and files[0].endswith(".gz") else ""
    return tf.data.TFRecordDataset(files, compression_type=compression)
