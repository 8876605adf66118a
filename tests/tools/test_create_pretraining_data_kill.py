"""tools/create_pretraining_data.py killed with SIGKILL mid-run and started again with the
same command: the groups finished before the kill are not redone, and the shards equal those
of a run that was never interrupted."""

import signal
import subprocess
import sys
import time

import pytest

from keras_bert_lib.data.documents import corpus_files
from keras_bert_lib.data.pretraining_transforms import plan_groups
from tests.data.test_pretraining_pipeline import split_articles
from tests.tools.tool_runner import REPO, run_tool

pytestmark = pytest.mark.slow
GROUP_MEGABYTES = 0.02


def arguments(articles, prefix):
    return [
        "--input", articles, "--output-prefix", prefix, "--dupe-factor", 10,
        "--num-shards", 3, "--group-megabytes", GROUP_MEGABYTES, "--min-article-characters", 300,
    ]  # fmt: skip


def test_a_killed_run_goes_on_from_its_finished_groups(tmp_path, shared_data, reference_dir):
    source = shared_data / "wikipedia" / "valid" / "wiki_08"
    articles = split_articles(source, tmp_path / "in", files=8, articles_per_file=40)
    run_tool("create_pretraining_data.py", *arguments(articles, tmp_path / "unbroken" / "train"))
    expected = sorted((tmp_path / "unbroken").glob("train-*"))
    assert len(expected) == 3

    prefix = tmp_path / "killed" / "train"
    command = [sys.executable, str(REPO / "tools" / "create_pretraining_data.py")]
    process = subprocess.Popen([*command, *map(str, arguments(articles, prefix))])
    parts = tmp_path / "killed" / "train.parts"
    deadline = time.monotonic() + 300
    while not list(parts.glob("group-*.json")) and time.monotonic() < deadline:
        assert process.poll() is None, "the run ended before any group was done"
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    finished = len(list(parts.glob("group-*.json")))
    groups = len(plan_groups(corpus_files([articles]), GROUP_MEGABYTES * 2**20))
    assert groups >= 4
    assert 1 <= finished < groups and not list((tmp_path / "killed").glob("train-*"))

    output = run_tool("create_pretraining_data.py", *arguments(articles, prefix))
    assert output.count("done in an earlier run") == finished
    assert output.count(" s\n") >= groups - finished  # the others were made now
    for shard in expected:
        assert (tmp_path / "killed" / shard.name).read_bytes() == shard.read_bytes()
    assert not parts.exists()
    again = run_tool("create_pretraining_data.py", *arguments(articles, prefix))
    assert "nothing to do" in again
