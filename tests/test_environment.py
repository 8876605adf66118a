"""`keras_bert_lib.environment`: the TensorFlow settings are defaults a user's value beats."""

import os
import subprocess
import sys

PROBE = "import keras_bert_lib, os; print(os.environ['TF_CPP_MIN_LOG_LEVEL'])"


def _level(**env):
    base = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    completed = subprocess.run(
        [sys.executable, "-c", PROBE], env={**base, **env}, capture_output=True, text=True
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    return completed.stdout.strip()


def test_tensorflow_log_level_defaults_to_2_and_a_user_value_wins():
    assert _level() == "2"
    assert _level(TF_CPP_MIN_LOG_LEVEL="0") == "0"
