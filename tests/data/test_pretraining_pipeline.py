"""Streaming pretraining-data creation on a few real Wikipedia articles: the local run and
the Apache Beam pipeline (DirectRunner, different bundlings) write byte-identical shards;
groups are planned from file sizes; the pass-major order reaches the reader."""

from pathlib import Path

import pytest
import tensorflow as tf

from keras_bert_lib.data.documents import DocumentRules, corpus_files
from keras_bert_lib.data.pretraining_local import create_pretraining_data
from keras_bert_lib.data.pretraining_records import interleaved_shards, read_shards
from keras_bert_lib.data.pretraining_transforms import ExampleRecipe, group_order, plan_groups
from keras_bert_lib.text.bert_tokenizer import tokenizer_settings
from keras_bert_lib.text.vocabulary import read_vocabulary


def split_articles(source, directory, files=4, articles_per_file=25):
    """The first `files * articles_per_file` articles of a WikiExtractor file, in files."""
    text = source.read_text(encoding="utf-8")
    documents = [d + "</doc>\n" for d in text.split("</doc>\n")[: files * articles_per_file]]
    directory.mkdir(parents=True)
    for index in range(files):
        part = documents[index * articles_per_file : (index + 1) * articles_per_file]
        (directory / f"wiki_{index:02d}").write_text("".join(part), encoding="utf-8")
    return directory


def recipe_for(checkpoint, **overrides):
    settings = tokenizer_settings(checkpoint)
    settings["vocabulary"] = read_vocabulary(settings["vocabulary"])
    values = dict(
        tokenizer_settings=settings, max_seq_length=64, max_predictions_per_seq=8,
        dupe_factor=3, seed=5, group_bytes=15_000,
        document_rules=DocumentRules(min_article_characters=300),
    )  # fmt: skip
    values.update(overrides)
    return ExampleRecipe(**values)


def shard_bytes(result):
    return [Path(p).read_bytes() for p in result["shards"]]


def test_groups_are_planned_from_file_sizes(tmp_path):
    for name, size in (("a", 10), ("b", 25), ("c", 5), ("d", 40), ("e", 1)):
        (tmp_path / name).write_bytes(b"x" * size)
    files = corpus_files([tmp_path])
    assert plan_groups(files, 30) == [
        tuple(str(tmp_path / n) for n in names) for names in (("a", "b"), ("c", "d"), ("e",))
    ]
    order = group_order(50, seed=1)
    assert sorted(order) == list(range(50)) and order != list(range(50))
    assert order == group_order(50, seed=1) != group_order(50, seed=2)


@pytest.mark.slow
def test_local_and_beam_runs_write_byte_identical_shards(tmp_path, shared_data, reference_dir):
    pytest.importorskip("apache_beam")
    from keras_bert_lib.data.pretraining_beam import create_pretraining_data_on_beam

    articles = split_articles(shared_data / "wikipedia" / "valid" / "wiki_08", tmp_path / "in")
    recipe = recipe_for(reference_dir)
    local = create_pretraining_data([articles], tmp_path / "local" / "train", recipe, 3)
    assert local["groups"] == len(plan_groups(corpus_files([articles]), 15_000)) >= 3
    assert local["documents"] >= 10 and local["examples"] > 100
    assert 0.45 < local["random_next"] / local["examples"] < 0.65
    assert not (tmp_path / "local" / "train.parts").exists()
    expected = shard_bytes(local)
    runs = {
        "default": [],
        "two_threads": ["--direct_num_workers", "2", "--direct_running_mode", "multi_threading"],
    }
    for name, options in runs.items():
        beam = create_pretraining_data_on_beam(
            [articles], tmp_path / name / "train", recipe, options, num_shards=3
        )
        assert shard_bytes(beam) == expected, name
        assert {k: v for k, v in beam.items() if k != "shards"} == {
            k: v for k, v in local.items() if k != "shards"
        }
    # Another seed, other examples; the reader's interleaved stream holds every record.
    other = create_pretraining_data(
        [articles], tmp_path / "other" / "train", recipe_for(reference_dir, seed=6), 3
    )
    assert shard_bytes(other) != expected
    stream = [r.numpy() for r in interleaved_shards(local["shards"], seed=1)]
    assert sorted(stream) == sorted(r.numpy() for r in read_shards(local["shards"]))
    # Side by side: the first records are the first of each shard (pass-major order).
    firsts = {next(iter(tf.data.TFRecordDataset(p))).numpy() for p in local["shards"]}
    assert set(stream[:3]) == firsts


class Interrupted(Exception):
    pass


@pytest.mark.slow
def test_an_interrupted_run_goes_on_only_with_the_same_settings(
    tmp_path, shared_data, reference_dir
):
    articles = split_articles(shared_data / "wikipedia" / "valid" / "wiki_08", tmp_path / "in")
    recipe = recipe_for(reference_dir)
    whole = create_pretraining_data([articles], tmp_path / "whole" / "train", recipe, 2)

    def crash_after_first_group(line):
        raise Interrupted(line)

    prefix = tmp_path / "resumed" / "train"
    with pytest.raises(Interrupted, match="group 1/"):
        create_pretraining_data([articles], prefix, recipe, 2, log=crash_after_first_group)
    with pytest.raises(ValueError, match="an interrupted run with other settings"):
        create_pretraining_data([articles], prefix, recipe_for(reference_dir, seed=9), 2)
    lines = []
    resumed = create_pretraining_data([articles], prefix, recipe, 2, log=lines.append)
    assert lines[0].endswith("done in an earlier run") and len(lines) == whole["groups"]
    assert shard_bytes(resumed) == shard_bytes(whole)
