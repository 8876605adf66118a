"""BERT hyperparameters: validation, presets, and Hugging Face / Google `config.json` I/O."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

# Our activation names -> the name Hugging Face writes for them.
_ACTIVATION_TO_HF = {"gelu": "gelu", "gelu_approximate": "gelu_new", "relu": "relu"}
# Every name Hugging Face and the original BERT code use -> ours. "gelu" is the exact
# (erf) form everywhere; the tanh form appears under several names.
_HF_TO_ACTIVATION = {
    "gelu": "gelu",
    "gelu_approximate": "gelu_approximate",
    "gelu_new": "gelu_approximate",
    "gelu_pytorch_tanh": "gelu_approximate",
    "gelu_fast": "gelu_approximate",
    "relu": "relu",
}

# (num_layers, hidden_size) of the original BERT family (Turc et al. 2019 for the small ones).
# Heads are hidden / 64 and the feed-forward width is 4 x hidden, as in those releases.
PRESETS = {
    "bert_tiny": (2, 128),
    "bert_mini": (4, 256),
    "bert_small": (4, 512),
    "bert_medium": (8, 512),
    "bert_base": (12, 768),
    "bert_large": (24, 1024),
}


@dataclasses.dataclass(frozen=True)
class BertConfig:
    """Hyperparameters of a BERT encoder.

    Args:
        vocab_size: int. Number of wordpieces in the vocabulary.
        hidden_size: int. Width of every hidden state.
        num_layers: int. Number of transformer blocks.
        num_heads: int. Attention heads per block; must divide `hidden_size`.
        intermediate_size: int. Width of the feed-forward layer.
        hidden_act: str. `"gelu"` (exact, erf), `"gelu_approximate"` (tanh) or `"relu"`.
        hidden_dropout: float. Dropout on embeddings and block outputs.
        attention_dropout: float. Dropout on attention probabilities.
        max_position_embeddings: int. Longest sequence the position table covers.
        type_vocab_size: int. Number of segment ids.
        layer_norm_epsilon: float. Epsilon of every LayerNorm.
        initializer_range: float. Stddev of the truncated-normal initializer.

    Example:

    >>> config = BertConfig.from_preset("bert_tiny", vocab_size=1000)
    >>> (config.num_layers, config.hidden_size, config.num_heads)
    (2, 128, 2)
    """

    vocab_size: int = 30522
    hidden_size: int = 768
    num_layers: int = 12
    num_heads: int = 12
    intermediate_size: int = 3072
    hidden_act: str = "gelu"
    hidden_dropout: float = 0.1
    attention_dropout: float = 0.1
    max_position_embeddings: int = 512
    type_vocab_size: int = 2
    layer_norm_epsilon: float = 1e-12
    initializer_range: float = 0.02

    def __post_init__(self):
        for name in (
            "vocab_size",
            "hidden_size",
            "num_layers",
            "num_heads",
            "intermediate_size",
            "max_position_embeddings",
            "type_vocab_size",
        ):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise ValueError(f"BertConfig.{name} must be a positive integer, got {value!r}.")
        if self.hidden_size % self.num_heads:
            raise ValueError(
                f"BertConfig.hidden_size ({self.hidden_size}) must be divisible by "
                f"num_heads ({self.num_heads})."
            )
        if self.hidden_act not in _ACTIVATION_TO_HF:
            raise ValueError(
                f"BertConfig.hidden_act must be one of {sorted(_ACTIVATION_TO_HF)}, "
                f"got {self.hidden_act!r}."
            )
        for name in ("hidden_dropout", "attention_dropout"):
            value = getattr(self, name)
            if not 0.0 <= value < 1.0:
                raise ValueError(f"BertConfig.{name} must be in [0, 1), got {value!r}.")
        for name in ("layer_norm_epsilon", "initializer_range"):
            if getattr(self, name) <= 0:
                raise ValueError(
                    f"BertConfig.{name} must be positive, got {getattr(self, name)!r}."
                )

    @property
    def head_size(self) -> int:
        return self.hidden_size // self.num_heads

    def replace(self, **changes) -> BertConfig:
        """Returns a copy with `changes` applied (and validated)."""
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, values: dict) -> BertConfig:
        unknown = set(values) - {f.name for f in dataclasses.fields(cls)}
        if unknown:
            raise ValueError(f"Unknown BertConfig fields: {sorted(unknown)}.")
        return cls(**values)

    @classmethod
    def from_preset(cls, name: str, **overrides) -> BertConfig:
        """A member of the original BERT family (`bert_tiny` .. `bert_large`).

        Args:
            name: str. One of `PRESETS`.
            **overrides: any field, for example `vocab_size` or dropout rates.
        """
        if name not in PRESETS:
            raise ValueError(f"Unknown preset {name!r}; choose one of {sorted(PRESETS)}.")
        num_layers, hidden = PRESETS[name]
        values = dict(
            num_layers=num_layers,
            hidden_size=hidden,
            num_heads=hidden // 64,
            intermediate_size=4 * hidden,
        )
        values.update(overrides)
        return cls(**values)

    @classmethod
    def from_hf_config(cls, values: dict) -> BertConfig:
        """From a Hugging Face `config.json` or an original `bert_config.json` as a dict."""
        model_type = values.get("model_type", "bert")
        if model_type != "bert":
            raise ValueError(f"Expected a BERT config (model_type 'bert'), got {model_type!r}.")
        position_type = values.get("position_embedding_type", "absolute")
        if position_type != "absolute":
            raise ValueError(
                f"Only absolute position embeddings are supported, got {position_type!r}."
            )
        required = (
            "vocab_size",
            "hidden_size",
            "num_hidden_layers",
            "num_attention_heads",
            "intermediate_size",
        )
        missing = [key for key in required if key not in values]
        if missing:
            raise ValueError(f"BERT config is missing required keys {missing}.")
        act = values.get("hidden_act", "gelu")
        if act not in _HF_TO_ACTIVATION:
            raise ValueError(
                f"Unsupported hidden_act {act!r}; supported: {sorted(_HF_TO_ACTIVATION)}."
            )
        return cls(
            vocab_size=values["vocab_size"],
            hidden_size=values["hidden_size"],
            num_layers=values["num_hidden_layers"],
            num_heads=values["num_attention_heads"],
            intermediate_size=values["intermediate_size"],
            hidden_act=_HF_TO_ACTIVATION[act],
            hidden_dropout=values.get("hidden_dropout_prob", 0.1),
            attention_dropout=values.get("attention_probs_dropout_prob", 0.1),
            max_position_embeddings=values.get("max_position_embeddings", 512),
            type_vocab_size=values.get("type_vocab_size", 2),
            # The original bert_config.json has no epsilon: its code hard-codes 1e-12.
            layer_norm_epsilon=values.get("layer_norm_eps", 1e-12),
            initializer_range=values.get("initializer_range", 0.02),
        )

    def to_hf_config(self) -> dict:
        """The Hugging Face `config.json` contents for `transformers.BertModel`."""
        return {
            "architectures": ["BertModel"],
            "model_type": "bert",
            "vocab_size": self.vocab_size,
            "hidden_size": self.hidden_size,
            "num_hidden_layers": self.num_layers,
            "num_attention_heads": self.num_heads,
            "intermediate_size": self.intermediate_size,
            "hidden_act": _ACTIVATION_TO_HF[self.hidden_act],
            "hidden_dropout_prob": self.hidden_dropout,
            "attention_probs_dropout_prob": self.attention_dropout,
            "max_position_embeddings": self.max_position_embeddings,
            "type_vocab_size": self.type_vocab_size,
            "layer_norm_eps": self.layer_norm_epsilon,
            "initializer_range": self.initializer_range,
            "position_embedding_type": "absolute",
            "pad_token_id": 0,
        }

    @classmethod
    def from_json_file(cls, path: str | Path) -> BertConfig:
        """Reads a Hugging Face `config.json` or an original `bert_config.json`."""
        path = Path(path)
        try:
            values = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise FileNotFoundError(f"No BERT config file at {path}.") from None
        except json.JSONDecodeError as error:
            raise ValueError(f"{path} is not valid JSON: {error}.") from None
        try:
            return cls.from_hf_config(values)
        except ValueError as error:
            raise ValueError(f"{path}: {error}") from None

    def write_hf_config(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_hf_config(), indent=2) + "\n", encoding="utf-8")
