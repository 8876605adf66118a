"""Runs a command-line tool of `tools/` in a fresh Python process, as a user would, and
writes the tiny checkpoints the tool tests give it."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def run_tool(script, *arguments, timeout=600, not_in_stderr=()) -> str:
    """`python tools/SCRIPT ARGUMENTS...`; fails the test with the stderr tail on an error,
    or when the standard error holds one of the strings `not_in_stderr` (e.g. a warning).

    Returns:
        The tool's standard output.
    """
    completed = subprocess.run(
        [sys.executable, str(REPO / "tools" / script), *map(str, arguments)],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    for text in not_in_stderr:
        assert text not in completed.stderr, f"{text!r} in the tool's standard error"
    return completed.stdout


def tiny_checkpoint(directory, vocabulary, hidden_size=8) -> Path:
    """A Hugging Face-format checkpoint (`model.safetensors`, `config.json`, `vocab.txt`) of
    a one-layer encoder with random weights over `vocabulary`, in `directory`."""
    from keras_bert_lib import BertConfig, BertEncoder
    from keras_bert_lib.checkpoints import save_hf

    config = BertConfig(
        vocab_size=len(vocabulary),
        hidden_size=hidden_size,
        num_layers=1,
        num_heads=2,
        intermediate_size=2 * hidden_size,
    )
    save_hf(BertEncoder(config), directory)
    (Path(directory) / "vocab.txt").write_text("\n".join(vocabulary) + "\n")
    return Path(directory)
