"""Reading any supported checkpoint: its `BertConfig` and its weights under canonical names.

Checkpoint code never builds models: `BertEncoder.from_checkpoint` and
`BertPretrainer.from_checkpoint` call it."""

from __future__ import annotations

from pathlib import Path

from keras_bert_lib.checkpoints.google import find_google_prefix, read_google
from keras_bert_lib.checkpoints.huggingface import is_hf_directory, read_hf


def read_checkpoint(path: str | Path):
    """`(BertConfig, canonical weights)` from a Hugging Face directory or a Google checkpoint."""
    path = Path(path)
    if is_hf_directory(path):
        return read_hf(path)
    if path.is_dir() and (path / "pytorch_model.bin").exists():
        raise ValueError(
            f"{path} has only pytorch_model.bin, a pickle that keras_bert_lib will not load "
            "(unpickling runs arbitrary code). Convert it to model.safetensors first."
        )
    prefix = find_google_prefix(path)
    if prefix is not None:
        return read_google(prefix)
    raise FileNotFoundError(
        f"{path} is neither a Hugging Face directory (config.json + model.safetensors) nor a "
        "Google checkpoint (bert_config.json + bert_model.ckpt.index)."
    )
