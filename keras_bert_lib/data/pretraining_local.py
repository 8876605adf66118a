"""Pretraining data on one machine, streaming: memory bounded by a group of input files
(`pretraining_transforms.py`), whatever the size of the corpus, and resumable.

Each group's passes are written to `PREFIX.parts/group-NNNNN-pass-NNN.tfrecord`, then a
marker `group-NNNNN.json` with the counts; a rerun after a kill skips the groups whose marker
exists (the same command only: other settings are refused by name). When all groups are
done, the parts are read in the examples' order and dealt into the shards, which are renamed
into place together; then the parts are removed. The shards
are byte-identical to an uninterrupted run's, and to the Beam pipeline's for the same
recipe (`pretraining_beam.py`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
import time
from pathlib import Path

import tensorflow as tf

from keras_bert_lib.atomic_files import replace_atomically
from keras_bert_lib.data.documents import corpus_files
from keras_bert_lib.data.pretraining_records import shard_paths, write_shards
from keras_bert_lib.data.pretraining_transforms import (
    ExampleRecipe,
    GroupExamples,
    add_statistics,
    group_order,
    plan_groups,
)


def create_pretraining_data(
    inputs, output_prefix, recipe: ExampleRecipe, num_shards=10, compress=False, log=print
) -> dict:
    """Input files -> shards of MLM + NSP examples (`pretraining_records.py` schema).

    Args:
        inputs: files or directories (`documents.corpus_files`).
        output_prefix: str or Path. Shards are `PREFIX-NNNNN-of-NNNNN.tfrecord[.gz]`.
        recipe: `ExampleRecipe`.
        num_shards: int.
        compress: bool. GZIP the shards.
        log: callable taking a line of progress.

    Returns:
        The statistics (documents, sentences, tokens, examples, random_next), the group
        count and the shard paths.

    Raises:
        ValueError: no input file, or no document in the files.

    Example:

    >>> create_pretraining_data(["wiki/"], "data/train", recipe)  # doctest: +SKIP
    """
    prefix = Path(output_prefix)
    groups = plan_groups(corpus_files(inputs), recipe.group_bytes)
    parts = Path(f"{prefix}.parts")
    parts.mkdir(parents=True, exist_ok=True)
    _check_same_work(parts / "recipe.json", recipe, groups)
    maker = GroupExamples(recipe)
    order = group_order(len(groups), recipe.seed)
    totals = {}
    for index, files in enumerate(groups):
        marker = parts / f"group-{index:05d}.json"
        if marker.exists():
            log(f"group {index + 1}/{len(groups)}: done in an earlier run")
        else:
            start = time.perf_counter()
            _write_group(maker, index, files, order[index], parts, marker)
            log(f"group {index + 1}/{len(groups)}: {time.perf_counter() - start:.1f} s")
        totals = add_statistics(totals, json.loads(marker.read_text())["statistics"])
    if not totals.get("documents"):
        raise ValueError(f"The files of {list(map(str, inputs))} hold no documents.")
    ordered = sorted(range(len(groups)), key=order.__getitem__)
    part_files = [
        _part_path(parts, group, pass_index)
        for pass_index in range(recipe.dupe_factor)
        for group in ordered
    ]
    paths = write_shards(_records(part_files), prefix, num_shards, compress)
    shutil.rmtree(parts)
    return {**totals, "groups": len(groups), "shards": [str(p) for p in paths]}


def _check_same_work(path, recipe, groups):
    """Parts of an interrupted run are reused only by the same recipe on the same groups:
    another seed or flag would otherwise mix two datasets without a word."""
    settings = {"recipe": dataclasses.asdict(recipe), "groups": groups}
    fingerprint = hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()
    if path.exists() and path.read_text() != fingerprint:
        raise ValueError(
            f"{path.parent} holds the groups of an interrupted run with other settings or "
            "input files: rerun that command to finish it, or remove the directory."
        )
    replace_atomically(path, lambda p: p.write_text(fingerprint))


def _part_path(parts, group, pass_index) -> Path:
    return parts / f"group-{group:05d}-pass-{pass_index:03d}.tfrecord"


def _write_group(maker, index, files, position, parts, marker):
    writers, statistics = {}, {}
    try:
        for (pass_index, _, _), records, counts in maker.blocks(index, files, position):
            if pass_index not in writers:
                path = _part_path(parts, index, pass_index)
                writers[pass_index] = tf.io.TFRecordWriter(str(path))
            for record in records:
                writers[pass_index].write(record)
            statistics = add_statistics(statistics, counts)
    finally:
        for writer in writers.values():
            writer.close()
    for pass_index in range(maker.recipe.dupe_factor):  # a group with no documents
        if pass_index not in writers:
            tf.io.TFRecordWriter(str(_part_path(parts, index, pass_index))).close()
    replace_atomically(marker, lambda p: p.write_text(json.dumps({"statistics": statistics})))


def _records(part_files):
    for path in part_files:
        yield from (record.numpy() for record in tf.data.TFRecordDataset(str(path)))


def existing_output(output_prefix, num_shards, compress) -> bool:
    """Whether every shard of a finished run is there."""
    return all(p.exists() for p in shard_paths(output_prefix, num_shards, compress))
