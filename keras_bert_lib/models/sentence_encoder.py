"""`SentenceEncoder`: sentence embeddings, similarity and top-k search on a BERT encoder."""

from __future__ import annotations

import json
from pathlib import Path

import keras
import numpy as np

from keras_bert_lib.layers.masked_pooling import MaskedPooling
from keras_bert_lib.models.bert_encoder import BertEncoder, encoder_inputs
from keras_bert_lib.models.task import Task


@keras.saving.register_keras_serializable(package="keras_bert_lib")
class SentenceEncoder(Task):
    """Encoder + masked pooling (+ L2 normalisation): one embedding per text.

    Outputs `[batch, hidden]` float32 embeddings. With `pooling="mean"` and `normalize=True`
    on all-MiniLM-L6-v2 this is exactly sentence-transformers' model.

    Args:
        encoder: a `BertEncoder`.
        preprocessor: a `BertPreprocessor` (or None to take token dicts).
        pooling: `"mean"`, `"cls"` or `"max"`.
        normalize: bool. L2-normalise the embeddings (cosine similarity is then a dot product).
        **kwargs: standard `keras.Model` arguments (`name`).

    Example:

    >>> from keras_bert_lib import BertConfig, BertPreprocessor, BertTokenizer
    >>> vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "cat", "dog"]
    >>> encoder = SentenceEncoder(
    ...     BertEncoder(BertConfig(vocab_size=8, hidden_size=8, num_layers=1, num_heads=2,
    ...                            intermediate_size=16)),
    ...     BertPreprocessor(BertTokenizer(vocab), sequence_length=8))
    >>> encoder.encode(["a cat", "a dog"]).shape
    (2, 8)

    From a checkpoint: `SentenceEncoder.from_checkpoint(path)`, which reads the
    sentence-transformers pooling, normalisation and maximum length when present.
    """

    uses_pooled_output = False

    def __init__(self, encoder, preprocessor=None, pooling="mean", normalize=True, **kwargs):
        if not isinstance(encoder, BertEncoder):
            raise TypeError(f"encoder must be a BertEncoder, got {type(encoder).__name__}.")
        # === Layers ===
        pooling_layer = MaskedPooling(pooling, name="pooling")
        # === Functional graph ===
        inputs = encoder_inputs()
        sequence = encoder(inputs)["sequence_output"]
        embeddings = pooling_layer(sequence, inputs["padding_mask"])
        if normalize:
            embeddings = keras.layers.UnitNormalization(axis=-1, name="l2_normalize")(embeddings)
        super().__init__(inputs=inputs, outputs=embeddings, **kwargs)
        # === Config ===
        self.encoder = encoder
        self.pooling = pooling
        self.normalize = normalize
        self._finish_init(preprocessor)

    def default_loss(self):
        return None  # used for inference; compile with a loss of your choice to fine-tune

    def empty_prediction(self):
        return np.zeros((0, self.encoder.config.hidden_size), np.float32)

    def encode(self, texts, batch_size=32) -> np.ndarray:
        """Embeddings `[len(texts), hidden]` of a list (or array) of strings."""
        return self.predict(texts, batch_size=batch_size, verbose=0)

    def similarity(self, first, second, batch_size=32) -> np.ndarray:
        """Cosine similarity matrix `[len(first), len(second)]` of texts or embeddings."""
        a, b = (self._embeddings(x, batch_size) for x in (first, second))
        a = a / np.maximum(np.linalg.norm(a, axis=1, keepdims=True), 1e-12)
        b = b / np.maximum(np.linalg.norm(b, axis=1, keepdims=True), 1e-12)
        return a @ b.T

    def search(self, queries, corpus, top_k=5, batch_size=32) -> list[list[tuple[int, float]]]:
        """For each query, the `top_k` most similar corpus entries as `(index, cosine)`.

        `corpus` may be texts or their precomputed embeddings (encode once, search often).
        """
        scores = self.similarity(queries, corpus, batch_size)
        top_k = min(top_k, scores.shape[1])
        best = np.argsort(-scores, axis=1, kind="stable")[:, :top_k]
        return [
            [(int(j), float(row[j])) for j in order]
            for row, order in zip(scores, best, strict=True)
        ]

    def _embeddings(self, values, batch_size):
        if isinstance(values, np.ndarray) and values.dtype.kind == "f":
            return values
        return self.encode(values, batch_size)

    def get_config(self):
        config = super().get_config()
        config.update(
            encoder=keras.saving.serialize_keras_object(self.encoder),
            pooling=self.pooling,
            normalize=self.normalize,
        )
        return config

    @classmethod
    def from_checkpoint(
        cls, path, pooling=None, normalize=None, sequence_length=None, **encoder_kwargs
    ) -> SentenceEncoder:
        """From a Hugging Face (or sentence-transformers) directory.

        Unset arguments come from sentence-transformers' files when present
        (`1_Pooling/config.json`, `modules.json`, `sentence_bert_config.json`), else mean
        pooling, normalisation and 128 tokens.
        """
        from keras_bert_lib.text.bert_preprocessor import BertPreprocessor

        settings = sentence_transformers_settings(Path(path))
        pooling = pooling or settings.get("pooling", "mean")
        normalize = settings.get("normalize", True) if normalize is None else normalize
        sequence_length = sequence_length or settings.get("sequence_length", 128)
        encoder = BertEncoder.from_checkpoint(path, **encoder_kwargs)
        preprocessor = BertPreprocessor.from_checkpoint(path, sequence_length=sequence_length)
        return cls(encoder, preprocessor, pooling=pooling, normalize=normalize)


def sentence_transformers_settings(directory: Path) -> dict:
    """Pooling, normalisation and maximum length from a sentence-transformers directory."""
    settings = {}
    pooling_file = directory / "1_Pooling" / "config.json"
    if pooling_file.is_file():
        config = json.loads(pooling_file.read_text(encoding="utf-8"))
        modes = [
            mode
            for key, mode in (
                ("pooling_mode_mean_tokens", "mean"),
                ("pooling_mode_cls_token", "cls"),
                ("pooling_mode_max_tokens", "max"),
            )
            if config.get(key)
        ]
        if len(modes) != 1:
            raise ValueError(f"{pooling_file}: expected exactly one of mean/cls/max pooling.")
        settings["pooling"] = modes[0]
    modules_file = directory / "modules.json"
    if modules_file.is_file():
        modules = json.loads(modules_file.read_text(encoding="utf-8"))
        settings["normalize"] = any(m.get("type", "").endswith("Normalize") for m in modules)
    bert_config = directory / "sentence_bert_config.json"
    if bert_config.is_file():
        length = json.loads(bert_config.read_text(encoding="utf-8")).get("max_seq_length")
        if length:
            settings["sequence_length"] = int(length)
    return settings
