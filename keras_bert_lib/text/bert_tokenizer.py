"""`BertTokenizer`: raw strings -> WordPiece ids (and offsets), in-graph, as a Keras layer."""

from __future__ import annotations

import json
from pathlib import Path

import keras
import tensorflow as tf
import tensorflow_text as text

from keras_bert_lib.text.exact_wordpiece import ExactWordpiece
from keras_bert_lib.text.tflite_offsets import tokenize_with_code_point_offsets
from keras_bert_lib.text.vocabulary import (
    looks_lowercased,
    read_vocabulary,
    special_token_ids,
)

MODES = ("exact", "tflite")
VOCABULARY_ASSET = "vocabulary.txt"


def as_string_tensor(inputs, name="inputs"):
    """Python strings, lists, NumPy arrays or tensors -> a tf.string tensor (rank 0 or 1)."""
    if isinstance(inputs, (tf.Tensor, tf.RaggedTensor)) or keras.backend.is_keras_tensor(inputs):
        tensor = inputs
    else:
        tensor = (
            tf.convert_to_tensor(inputs)
            if not isinstance(inputs, list) or inputs
            else (tf.constant([], tf.string))
        )
    if tensor.dtype != tf.string:
        raise TypeError(f"{name} must be strings, got a tensor of dtype {tensor.dtype.name}.")
    if tensor.shape.rank is not None and tensor.shape.rank > 1:
        raise ValueError(
            f"{name} must be a string or a 1-D batch of strings, got rank {tensor.shape.rank}."
        )
    return tensor


@keras.saving.register_keras_serializable(package="keras_bert_lib")
class BertTokenizer(keras.layers.Layer):
    """In-graph BERT WordPiece tokenizer, identical to the reference tokenizer.

    Two modes:
    - `"exact"` (default): token ids and offsets identical to Hugging Face `tokenizers`
      (`BertNormalizer` + `BertPreTokenizer` + `WordPiece`) on every input, through a
      code-point table recorded from it (see `normalization_table.py`). Runs on core TF and
      tensorflow-text ops, so TF Serving can run it; not convertible to TFLite.
    - `"tflite"`: tensorflow-text's `FastBertTokenizer`, which LiteRT runs with the
      tensorflow-text custom ops. It differs from the reference on rare characters (about 1
      text in 8,000 of our corpora: compatibility forms such as `½`, `²`, `ß`, some control
      characters, U+FFFD) and its long-word limit counts bytes. Its offsets are code
      points too, computed with ops TFLite has; a character the reference deletes
      (zero-width, variation selector, private use) at a token's edge is inside its span.

    Over-long words: every reference turns a word longer than a limit into one `[UNK]`,
    counting differently: Hugging Face 100 characters, the original BERT code 200
    characters, tensorflow-text 100 bytes. `max_chars_per_word` sets the limit in
    characters (default 100, as the reference checkpoint's `tokenizer.json`).

    Text that spells a special token (`"[SEP]"`) is ordinary text here, as in the original
    BERT code; Hugging Face instead matches it as the special token, which lets user text
    inject segment boundaries.

    Args:
        vocabulary: a `vocab.txt` path or a list of tokens; it must contain `[PAD]`,
            `[UNK]`, `[CLS]`, `[SEP]` and `[MASK]`. It is saved as an asset of `.keras`
            files, not in the config; `None` until `set_vocabulary` or loading assets.
        lowercase: bool. Uncased (lowercase, NFD, strip accents) or cased.
        mode: `"exact"` or `"tflite"`.
        max_chars_per_word: int. Longer words become `[UNK]`.
        **kwargs: standard `keras.layers.Layer` arguments (`name`).

    Examples:

    >>> tokenizer = BertTokenizer(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the",
    ...                            "qu", "##ick", "fox", "."])
    >>> tokenizer.tokenize(["The quick fox."]).to_list()
    [[5, 6, 7, 8, 9]]
    >>> ids, starts, ends = tokenizer.tokenize_with_offsets(["The quick fox."])
    >>> starts.to_list(), ends.to_list()
    ([[0, 4, 6, 10, 13]], [[3, 6, 9, 13, 14]])
    >>> tokenizer.detokenize([[5, 6, 7, 8, 9]]).numpy()
    array([b'the quick fox .'], dtype=object)
    """

    def __init__(
        self, vocabulary=None, lowercase=True, mode="exact", max_chars_per_word=100, **kwargs
    ):
        kwargs.setdefault("dtype", "int32")
        super().__init__(**kwargs)
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {mode!r}.")
        if not isinstance(max_chars_per_word, int) or max_chars_per_word <= 0:
            raise ValueError(
                f"max_chars_per_word must be a positive integer, got {max_chars_per_word!r}."
            )
        # Strings must reach `call` untouched (no float casting of inputs).
        self._convert_input_args = False
        self._allow_non_tensor_positional_args = True
        self.built = True
        self.lowercase = lowercase
        self.mode = mode
        self.max_chars_per_word = max_chars_per_word
        self.vocabulary = None
        if vocabulary is not None:
            self.set_vocabulary(vocabulary)

    def set_vocabulary(self, vocabulary):
        """Sets the vocabulary (a path or a list) and builds the in-graph lookups."""
        tokens = read_vocabulary(vocabulary)
        self.vocabulary = tokens
        self._special_ids = special_token_ids(tokens)
        self._tokens = tf.constant(tokens)
        if self.mode == "exact":
            self._exact = ExactWordpiece(
                tokens, self.lowercase, self.max_chars_per_word, self._special_ids.unk
            )
        else:
            # `FastBertTokenizer`'s two halves, kept apart so offsets can be mapped with
            # ops TFLite runs (see `tflite_offsets.py`); the ids are FastBertTokenizer's.
            self._normalizer = text.FastBertNormalizer(lower_case_nfd_strip_accents=self.lowercase)
            self._wordpiece = text.FastWordpieceTokenizer(
                vocab=tokens,
                token_out_type=tf.int32,
                max_bytes_per_word=self.max_chars_per_word,
            )
        self._detokenizer = text.FastWordpieceTokenizer(
            vocab=tokens,
            token_out_type=tf.int32,
            no_pretokenization=True,
            support_detokenization=True,
        )

    @property
    def special_ids(self):
        """Ids of `[PAD]`, `[UNK]`, `[CLS]`, `[SEP]`, `[MASK]` (fields pad, unk, cls, sep, mask)."""
        self._require_vocabulary()
        return self._special_ids

    @property
    def vocabulary_size(self) -> int:
        self._require_vocabulary()
        return len(self.vocabulary)

    def _require_vocabulary(self):
        if self.vocabulary is None:
            raise ValueError(
                "This BertTokenizer has no vocabulary: pass one, call set_vocabulary(), or load "
                "it from a .keras file (which stores the vocabulary as an asset)."
            )

    def token_to_id(self, token: str) -> int:
        self._require_vocabulary()
        try:
            return self.vocabulary.index(token)
        except ValueError:
            raise KeyError(f"Token {token!r} is not in the vocabulary.") from None

    def id_to_token(self, ids):
        """Token strings for an int tensor of ids (any shape, ragged too)."""
        self._require_vocabulary()
        return tf.ragged.map_flat_values(lambda i: tf.gather(self._tokens, i), ids)

    def _batched(self, inputs, fn):
        strings = as_string_tensor(inputs)
        if strings.shape.rank == 0:
            return tf.nest.map_structure(lambda t: t[0], fn(strings[None]))
        return fn(strings)

    def tokenize_with_offsets(self, inputs):
        """`(ids, starts, ends)`: RaggedTensors `[batch, None]` int32 (`[None]` for a scalar).

        Offsets are positions in Unicode code points of the input (Python `str` indexes):
        `text[start:end]` is the token's text before lowercasing and accent stripping. Input
        that is not valid UTF-8 decodes each bad byte to U+FFFD, which BERT deletes.
        """
        self._require_vocabulary()
        if self.mode == "tflite":
            return self._batched(
                inputs,
                lambda s: tokenize_with_code_point_offsets(self._normalizer, self._wordpiece, s),
            )
        return self._batched(inputs, self._exact.tokenize_with_offsets)

    def tokenize(self, inputs):
        """WordPiece ids, no special tokens: RaggedTensor `[batch, None]` int32."""
        self._require_vocabulary()
        if self.mode == "exact":
            return self._batched(inputs, lambda s: self._exact.tokenize_with_offsets(s)[0])
        return self._batched(
            inputs, lambda s: self._wordpiece.tokenize(self._normalizer.normalize(s))
        )

    def call(self, inputs):
        return self.tokenize(inputs)

    def detokenize(self, ids):
        """Ids (`[batch, None]`, ragged or dense) back to text: pieces joined, `##` merged."""
        self._require_vocabulary()
        ids = tf.convert_to_tensor(ids) if not isinstance(ids, tf.RaggedTensor) else ids
        if isinstance(ids, tf.Tensor) and ids.shape.rank == 1:
            return self._detokenizer.detokenize(ids[None])[0]
        return self._detokenizer.detokenize(tf.cast(ids, tf.int32))

    def compute_output_spec(self, inputs):
        return keras.KerasTensor((*inputs.shape, None), dtype="int32", ragged=True)

    def get_config(self):
        config = super().get_config()
        config.update(
            lowercase=self.lowercase, mode=self.mode, max_chars_per_word=self.max_chars_per_word
        )
        return config

    def save_assets(self, dir_path):
        self._require_vocabulary()
        path = Path(dir_path) / VOCABULARY_ASSET
        path.write_text("\n".join(self.vocabulary) + "\n", encoding="utf-8")

    def load_assets(self, dir_path):
        self.set_vocabulary(Path(dir_path) / VOCABULARY_ASSET)

    @classmethod
    def from_checkpoint(cls, path, **kwargs) -> BertTokenizer:
        """The tokenizer of a checkpoint directory (or a Google checkpoint prefix).

        Reads `vocab.txt`; casing and the long-word limit come from `tokenizer.json`, else
        `tokenizer_config.json` (`do_lower_case`), else the vocabulary (uncased if no token
        has an uppercase letter) with the original BERT limit of 200 characters.

        Args:
            path: a directory with `vocab.txt`, or a Google checkpoint prefix beside it.
            **kwargs: override any constructor argument (`mode`, `lowercase`, ...).
        """
        settings = tokenizer_settings(path)
        settings.update(kwargs)
        return cls(**settings)


def tokenizer_settings(path) -> dict:
    """Constructor arguments for the tokenizer stored with a checkpoint."""
    path = Path(path)
    directory = path if path.is_dir() else path.parent
    vocabulary = directory / "vocab.txt"
    if not vocabulary.is_file():
        raise FileNotFoundError(f"No vocab.txt in {directory}.")
    tokenizer_json = directory / "tokenizer.json"
    tokenizer_config = directory / "tokenizer_config.json"
    if tokenizer_json.is_file():
        spec = json.loads(tokenizer_json.read_text(encoding="utf-8"))
        normalizer = spec.get("normalizer") or {}
        if normalizer.get("type") != "BertNormalizer":
            raise ValueError(
                f"{tokenizer_json}: expected a BertNormalizer, got {normalizer.get('type')!r}."
            )
        lowercase = bool(normalizer.get("lowercase", True))
        strip_accents = normalizer.get("strip_accents")
        if strip_accents is not None and strip_accents != lowercase:
            raise ValueError(
                f"{tokenizer_json}: strip_accents={strip_accents} with "
                f"lowercase={lowercase} is not supported."
            )
        if not normalizer.get("clean_text", True) or not normalizer.get(
            "handle_chinese_chars", True
        ):
            raise ValueError(f"{tokenizer_json}: clean_text and handle_chinese_chars must be on.")
        limit = spec.get("model", {}).get("max_input_chars_per_word", 100)
        return dict(vocabulary=vocabulary, lowercase=lowercase, max_chars_per_word=limit)
    if tokenizer_config.is_file():
        config = json.loads(tokenizer_config.read_text(encoding="utf-8"))
        return dict(
            vocabulary=vocabulary,
            lowercase=bool(config.get("do_lower_case", True)),
            max_chars_per_word=100,
        )
    tokens = read_vocabulary(vocabulary)
    return dict(vocabulary=tokens, lowercase=looks_lowercased(tokens), max_chars_per_word=200)
