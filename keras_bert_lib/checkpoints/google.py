"""Original Google BERT checkpoints (`bert_config.json` + `bert_model.ckpt.*`) -> canonical weights.

These are TF1 name-based checkpoints written by `tf.train.Saver` in google-research/bert:
`bert/encoder/layer_3/attention/self/query/kernel` and so on, kernels already `[in, out]`
(Keras orientation). The one transposed tensor is `cls/seq_relationship/output_weights`,
stored `[2, hidden]`.
"""

from __future__ import annotations

import re
from pathlib import Path

import tensorflow as tf

from keras_bert_lib.config import BertConfig

CONFIG_NAMES = ("bert_config.json", "config.json")
_SPECIAL = {
    "embeddings/word_embeddings": "embeddings.word_embeddings.weight",
    "embeddings/position_embeddings": "embeddings.position_embeddings.weight",
    "embeddings/token_type_embeddings": "embeddings.token_type_embeddings.weight",
    "cls/predictions/output_bias": "cls.predictions.bias",
    "cls/seq_relationship/output_weights": "cls.seq_relationship.weight",
    "cls/seq_relationship/output_bias": "cls.seq_relationship.bias",
}
_TRANSPOSED = {"cls/seq_relationship/output_weights"}
# Optimizer slots and bookkeeping that Saver wrote beside the weights.
_SKIPPED = re.compile(r"(adam_[mv]|global_step|_power|Momentum|LAMB|lamb_[mv])")


def find_google_prefix(path: Path) -> Path | None:
    """The checkpoint prefix for `path` (a prefix or a directory), or None."""
    if Path(str(path) + ".index").exists():
        return path
    if path.is_dir():
        latest = tf.train.latest_checkpoint(str(path))
        if latest:
            return Path(latest)
        candidate = path / "bert_model.ckpt"
        if Path(str(candidate) + ".index").exists():
            return candidate
    return None


def canonical_name(google_name: str) -> str | None:
    """`bert/encoder/layer_0/output/dense/kernel` -> `encoder.layer.0.output.dense.weight`."""
    name = google_name.removeprefix("bert/")
    if name in _SPECIAL:
        return _SPECIAL[name]
    if _SKIPPED.search(name):
        return None
    name = re.sub(r"layer_(\d+)", r"layer.\1", name)
    parts = name.split("/")
    leaf = {"kernel": "weight", "gamma": "weight", "beta": "bias", "bias": "bias"}.get(parts[-1])
    if leaf is None:
        return None
    return ".".join(parts[:-1] + [leaf])


def read_google(prefix: str | Path) -> tuple[BertConfig, dict]:
    """Reads an original BERT checkpoint into `(config, canonical weights)`."""
    prefix = Path(prefix)
    config_path = next(
        (prefix.parent / name for name in CONFIG_NAMES if (prefix.parent / name).exists()), None
    )
    if config_path is None:
        raise FileNotFoundError(
            f"No bert_config.json beside the checkpoint {prefix} (looked in {prefix.parent})."
        )
    config = BertConfig.from_json_file(config_path)
    try:
        reader = tf.train.load_checkpoint(str(prefix))
        names = reader.get_variable_to_shape_map()
    except (tf.errors.OpError, ValueError) as error:
        raise ValueError(f"Cannot read the TF checkpoint {prefix}: {error}") from None
    weights = {}
    for google_name in names:
        name = canonical_name(google_name)
        if name is None:
            continue
        array = reader.get_tensor(google_name)
        weights[name] = array.T if google_name.removeprefix("bert/") in _TRANSPOSED else array
    return config, weights
