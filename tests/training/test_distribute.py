"""Strategies by name; MirroredStrategy over 2 logical CPUs and MultiWorkerMirroredStrategy
with 2 worker processes train a classifier and a pretrainer exactly as one device does (each
run in fresh processes)."""

import json
import socket
import subprocess
import sys

import pytest

from keras_bert_lib.training.distribute import make_strategy
from tests.tools.tool_runner import REPO


def run_fit(*arguments, background=False):
    command = [sys.executable, "-m", "tests.training.distributed_fit", *map(str, arguments)]
    process = subprocess.Popen(
        command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    return process if background else finish(process)


def finish(process):
    stdout, stderr = process.communicate(timeout=600)
    assert process.returncode == 0, stderr[-3000:]
    return json.loads(stdout.strip().splitlines()[-1])


def free_ports(count):
    sockets = [socket.socket() for _ in range(count)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


@pytest.fixture(scope="module")
def single():
    return run_fit("classifier", "single")


@pytest.fixture(scope="module")
def single_pretrainer():
    return run_fit("pretrainer", "single")


def assert_same_training(run, single):
    assert len(run["losses"]) == len(single["losses"]) == 10  # 2 epochs of 5 batches
    for ours, reference in zip(run["losses"], single["losses"], strict=True):
        assert ours == pytest.approx(reference, abs=1e-5)
    assert run["weights"] == pytest.approx(single["weights"], rel=1e-5)


@pytest.mark.slow
def test_mirrored_over_two_cpus_trains_as_one_device(single):
    # Shuffled, length-grouped batches: Keras' symbolic build must not draw from the
    # training data (see Task._maybe_symbolic_build).
    mirrored = run_fit("classifier", "mirrored")
    assert mirrored["replicas"] == 2 and single["replicas"] == 1
    assert_same_training(mirrored, single)


def test_keras_own_clipping_is_refused_over_two_replicas():
    # Keras clips each replica's share of the gradients: training would silently differ.
    command = [sys.executable, "-m", "tests.training.distributed_fit"]
    refused = subprocess.run(
        [*command, "classifier_keras_clipping", "mirrored"], cwd=REPO, capture_output=True,
        text=True, timeout=600,
    )  # fmt: skip
    assert refused.returncode != 0
    assert "AdamW(global_clipnorm=1.0) would clip each of the 2 replicas'" in refused.stderr
    assert run_fit("classifier_keras_clipping", "single")["replicas"] == 1


@pytest.mark.slow
def test_multi_worker_with_two_processes_trains_as_one_device(single, tmp_path):
    # A backup directory shared by both workers, as on a shared file system: one writes.
    ports = ",".join(map(str, free_ports(2)))
    workers = [
        run_fit("classifier", "worker", i, ports, tmp_path / "backup", background=True)
        for i in (0, 1)
    ]
    results = [finish(worker) for worker in workers]
    for result in results:
        assert result["replicas"] == 2
        assert_same_training(result, single)
    assert not (tmp_path / "backup").exists()  # removed when training completed


@pytest.mark.slow
def test_pretrainer_under_both_strategies_trains_as_one_device(single_pretrainer):
    # The replicas hold different numbers of real masked tokens: the MLM loss must be the
    # mean over the global batch's, not the mean of the replicas' means.
    mirrored = run_fit("pretrainer", "mirrored")
    assert mirrored["replicas"] == 2
    assert_same_training(mirrored, single_pretrainer)
    ports = ",".join(map(str, free_ports(2)))
    workers = [run_fit("pretrainer", "worker", i, ports, background=True) for i in (0, 1)]
    for worker in workers:
        assert_same_training(finish(worker), single_pretrainer)


@pytest.mark.slow
def test_pretrainer_with_lamb_under_mirrored_trains_as_one_device():
    # LAMB clips after the all-reduce too (training/replica_clipping.py).
    single = run_fit("pretrainer_lamb", "single")
    assert_same_training(run_fit("pretrainer_lamb", "mirrored"), single)


def test_strategy_names_and_settings_are_checked(monkeypatch):
    assert make_strategy().num_replicas_in_sync == 1
    with pytest.raises(ValueError, match="strategy must be one of"):
        make_strategy("horovod")
    monkeypatch.delenv("TF_CONFIG", raising=False)
    with pytest.raises(ValueError, match="TF_CONFIG"):
        make_strategy("multi_worker")
    monkeypatch.setenv("TF_CONFIG", "{not json")
    with pytest.raises(ValueError, match="not valid JSON"):
        make_strategy("multi_worker")
    with pytest.raises(ValueError, match="tpu_address"):
        make_strategy("tpu")
