"""Hugging Face checkpoints: `config.json` + `model.safetensors` <-> canonical weights.

Safetensors only: `pytorch_model.bin` is a pickle, and unpickling runs arbitrary code.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from safetensors import SafetensorError
from safetensors.numpy import load_file, save_file

from keras_bert_lib.checkpoints.weight_names import encoder_variables
from keras_bert_lib.config import BertConfig

WEIGHTS_NAME = "model.safetensors"
INDEX_NAME = "model.safetensors.index.json"
CONFIG_NAME = "config.json"

# Buffers and tied copies that are not weights of their own.
_NOT_WEIGHTS = (
    "embeddings.position_ids",
    "cls.predictions.decoder.weight",
    "cls.predictions.decoder.bias",
)


def is_hf_directory(path: Path) -> bool:
    return path.is_dir() and ((path / WEIGHTS_NAME).exists() or (path / INDEX_NAME).exists())


def _is_linear_weight(name: str, array: np.ndarray) -> bool:
    # torch.nn.Linear stores [out, in]; embedding tables are [rows, hidden] in both worlds.
    return array.ndim == 2 and name.endswith(".weight") and not name.startswith("embeddings.")


def _read_safetensors(path: Path) -> dict:
    try:
        return load_file(path)
    except (SafetensorError, OSError, ValueError) as error:
        raise ValueError(f"Cannot read {path}: not a valid safetensors file ({error}).") from None


def read_hf(directory: str | Path) -> tuple[BertConfig, dict]:
    """Reads a Hugging Face BERT directory into `(config, canonical weights)`.

    Accepts `BertModel` names and the `bert.`-prefixed names of the task models
    (`BertForPreTraining`, `BertForMaskedLM`, ...); head tensors (`cls.*`) are kept.
    """
    directory = Path(directory)
    config = BertConfig.from_json_file(directory / CONFIG_NAME)
    if (directory / WEIGHTS_NAME).exists():
        files = [directory / WEIGHTS_NAME]
    else:
        index = json.loads((directory / INDEX_NAME).read_text(encoding="utf-8"))
        files = [directory / name for name in sorted(set(index["weight_map"].values()))]
    weights = {}
    for file in files:
        for name, array in _read_safetensors(file).items():
            name = name.removeprefix("bert.")
            if name in _NOT_WEIGHTS:
                continue
            # Checkpoints from the TF era name LayerNorm parameters gamma/beta.
            name = name.replace("LayerNorm.gamma", "LayerNorm.weight").replace(
                "LayerNorm.beta", "LayerNorm.bias"
            )
            weights[name] = array.T if _is_linear_weight(name, array) else array
    return config, weights


def save_hf(encoder, directory: str | Path, extra_weights: dict | None = None) -> Path:
    """Writes `encoder` as a Hugging Face `BertModel` directory.

    `transformers.BertModel.from_pretrained(directory)` loads the result.

    Args:
        encoder: a `BertEncoder`.
        directory: where to write `config.json` and `model.safetensors` (created if needed).
        extra_weights: optional canonical name -> array in Keras orientation (head weights
            such as `cls.predictions.*`), written beside the encoder's.

    Returns:
        The directory.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    weights = {
        name: np.asarray(variable.numpy()) for name, variable in encoder_variables(encoder).items()
    }
    weights.update(extra_weights or {})
    tensors = {
        name: np.ascontiguousarray(array.T if _is_linear_weight(name, array) else array)
        for name, array in weights.items()
    }
    save_file(tensors, directory / WEIGHTS_NAME, metadata={"format": "pt"})
    encoder.config.write_hf_config(directory / CONFIG_NAME)
    return directory
