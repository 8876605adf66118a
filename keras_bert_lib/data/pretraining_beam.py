"""Pretraining data on Apache Beam, for a corpus that outgrows one machine: the same
transforms as the local run (`pretraining_transforms.py`), so the same recipe writes
byte-identical shards on any runner, with any number of workers or bundles.

    create_pretraining_data_on_beam(["gs://bucket/wiki/"], "gs://bucket/data/train", recipe,
        ["--runner", "DataflowRunner", "--project", ...])

The pipeline: the planned groups -> (per group, in parallel) their record blocks -> each
record's global index from the block sizes (a side input of one int per block) -> grouped by
shard -> each shard sorted by index and written whole. A shard is sorted in one worker's
memory: on a large corpus choose `num_shards` so that a shard is a few hundred MB. The
DirectRunner (the default, for trying it here) holds the whole dataset in memory; the local
path (`pretraining_local.py`) is the bounded-memory one on a single machine.

Needs the `beam` extra: `pip install keras_bert_lib[beam]`.
"""

from __future__ import annotations

import json
from pathlib import Path

from keras_bert_lib.data.documents import corpus_files
from keras_bert_lib.data.pretraining_records import shard_paths, write_shard
from keras_bert_lib.data.pretraining_transforms import (
    STATISTICS,
    ExampleRecipe,
    GroupExamples,
    add_statistics,
    block_offsets,
    group_order,
    plan_groups,
)


def _beam():
    try:
        import apache_beam as beam
    except ModuleNotFoundError as error:
        raise ModuleNotFoundError(
            "The Beam pipeline needs Apache Beam: pip install 'keras_bert_lib[beam]'."
        ) from error
    return beam


def create_pretraining_data_on_beam(
    inputs, output_prefix, recipe: ExampleRecipe, pipeline_args=(), num_shards=10,
    compress=False,
) -> dict:  # fmt: skip
    """Input files -> shards, on a Beam runner; arguments and result as
    `pretraining_local.create_pretraining_data`.

    Args:
        pipeline_args: standard Beam pipeline options (`["--runner", "FlinkRunner", ...]`;
            none: the DirectRunner).

    Example:

    >>> create_pretraining_data_on_beam(["wiki/"], "data/train", recipe,
    ...     ["--direct_num_workers", "2"])  # doctest: +SKIP
    """
    beam = _beam()
    from apache_beam.options.pipeline_options import PipelineOptions

    groups = plan_groups(corpus_files(inputs), recipe.group_bytes)
    order = group_order(len(groups), recipe.seed)
    paths = shard_paths(output_prefix, num_shards, compress)
    paths[0].parent.mkdir(parents=True, exist_ok=True)
    statistics_path = Path(f"{output_prefix}.statistics.json")
    with beam.Pipeline(options=PipelineOptions(list(pipeline_args))) as pipeline:
        blocks = (
            pipeline
            | "Groups" >> beam.Create([(i, files, order[i]) for i, files in enumerate(groups)])
            | "Spread" >> beam.Reshuffle()
            | "Examples" >> beam.FlatMap(_GroupBlocks(recipe))
        )
        offsets = (
            blocks
            | "Sizes" >> beam.Map(lambda block: (block[0], len(block[1])))
            | "AllSizes" >> beam.combiners.ToList()
            | "Offsets" >> beam.Map(block_offsets)
        )
        (
            blocks
            | "Index" >> beam.FlatMap(_indexed, beam.pvalue.AsSingleton(offsets), num_shards)
            | "ByShard" >> beam.GroupByKey()
            | "Write" >> beam.Map(_write, [str(p) for p in paths], compress)
        )
        (
            blocks
            | "Counts" >> beam.Map(lambda block: block[2])
            | "Total" >> beam.CombineGlobally(_sum_statistics)
            | "Save" >> beam.Map(_save_statistics, str(statistics_path))
        )
    for path in paths:  # a shard no example fell into
        if not path.exists():
            write_shard(path, [], compress)
    totals = json.loads(statistics_path.read_text())
    statistics_path.unlink()
    if not totals.get("documents"):
        raise ValueError(f"The files of {list(map(str, inputs))} hold no documents.")
    return {**totals, "groups": len(groups), "shards": [str(p) for p in paths]}


class _GroupBlocks:
    """The callable of `FlatMap`: `(index, files, position)` -> the group's blocks."""

    def __init__(self, recipe):
        self.recipe = recipe

    def __getstate__(self):  # the tokenizer is built in each worker, never pickled
        return {"recipe": self.recipe}

    def __setstate__(self, state):
        self.recipe = state["recipe"]

    def __call__(self, element):
        if not hasattr(self, "_maker"):
            self._maker = GroupExamples(self.recipe)
        index, files, position = element
        yield from self._maker.blocks(index, files, position)


def _indexed(block, offsets, num_shards):
    key, records, _ = block
    start = offsets[key]
    for i, record in enumerate(records):
        yield (start + i) % num_shards, (start + i, record)


def _write(shard_records, paths, compress):
    shard, indexed_records = shard_records
    records = [record for _, record in sorted(indexed_records)]
    write_shard(paths[shard], records, compress)


def _sum_statistics(counts):
    totals = dict.fromkeys(STATISTICS, 0)
    for statistics in counts:
        totals = add_statistics(totals, statistics)
    return totals


def _save_statistics(totals, path):
    Path(path).write_text(json.dumps(totals))
