"""tools/pretrain.py killed with SIGKILL mid-run and started again with the same command:
it resumes from the last backup, the step counter continues, and the final weights equal
those of a run that was never interrupted."""

import json
import signal
import subprocess
import sys
import time

import keras
import numpy as np
import pytest

from tests.tools.test_pretraining_tools import make_data
from tests.tools.tool_runner import REPO, run_tool

STEPS, EVAL_EVERY, BACKUP_EVERY = 300, 100, 10


def pretrain_arguments(tmp_path, checkpoint, output):
    return [
        "--train-data", tmp_path / "data" / "train", "--valid-data", tmp_path / "data" / "valid",
        "--checkpoint", checkpoint, "--output-dir", output, "--steps", STEPS,
        "--eval-every", EVAL_EVERY, "--batch-size", 4, "--backup-every", BACKUP_EVERY,
        "--max-valid-batches", 2,
    ]  # fmt: skip


def weights(path):
    return [v.numpy() for v in keras.saving.load_model(path).weights]


@pytest.mark.slow
def test_a_killed_run_resumes_and_ends_as_an_unbroken_one(tmp_path):
    checkpoint = make_data(tmp_path)
    run_tool("pretrain.py", *pretrain_arguments(tmp_path, checkpoint, tmp_path / "unbroken"))

    killed = tmp_path / "killed"
    command = [sys.executable, str(REPO / "tools" / "pretrain.py")]
    command += [str(a) for a in pretrain_arguments(tmp_path, checkpoint, killed)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    backup = killed / "backup" / "backup.weights.h5"
    deadline = time.monotonic() + 300
    while not backup.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.3)  # into the steps after the first backup
    assert process.poll() is None, "the run ended before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert backup.exists() and not (killed / "history.json").exists()

    output = run_tool("pretrain.py", *pretrain_arguments(tmp_path, checkpoint, killed))
    resumed_at = int(output.split("resumed from step ")[1].split()[0])
    assert 0 < resumed_at < STEPS and resumed_at % BACKUP_EVERY == 0
    curve = json.loads((killed / "history.json").read_text())["curve"]
    assert [row["step"] for row in curve] == [
        s for s in range(EVAL_EVERY, STEPS + 1, EVAL_EVERY) if s > resumed_at
    ]
    unbroken, resumed = (
        weights(tmp_path / "unbroken" / "pretrainer.keras"),
        weights(killed / "pretrainer.keras"),
    )
    assert all(np.array_equal(a, b) for a, b in zip(unbroken, resumed, strict=True))
