"""Reading any supported checkpoint and building a `BertEncoder` from it."""

from __future__ import annotations

from pathlib import Path

from keras_bert_lib.checkpoints.google import find_google_prefix, read_google
from keras_bert_lib.checkpoints.huggingface import is_hf_directory, read_hf
from keras_bert_lib.checkpoints.weight_names import assign_weights, encoder_variables


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


def load_encoder(path: str | Path, load_weights=True, **kwargs):
    """A `BertEncoder` with the weights of the checkpoint at `path`.

    Args:
        path: see `read_checkpoint`.
        load_weights: bool. With False, the checkpoint's architecture with freshly initialised
            weights (what pretraining brings is then measurable against it).
        **kwargs: `BertEncoder` constructor arguments (`dtype`, `output_attentions`, ...).
    """
    from keras_bert_lib.models.bert_encoder import BertEncoder

    config, weights = read_checkpoint(path)
    encoder = BertEncoder(config, **kwargs)
    if load_weights:
        assign_weights(encoder_variables(encoder), weights, source=str(path))
    return encoder
