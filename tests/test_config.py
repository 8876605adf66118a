import json

import pytest

from keras_bert_lib import BertConfig
from keras_bert_lib.config import PRESETS


@pytest.mark.parametrize(
    "name, layers, hidden, heads, intermediate",
    [
        ("bert_tiny", 2, 128, 2, 512),
        ("bert_mini", 4, 256, 4, 1024),
        ("bert_small", 4, 512, 8, 2048),
        ("bert_medium", 8, 512, 8, 2048),
        ("bert_base", 12, 768, 12, 3072),
        ("bert_large", 24, 1024, 16, 4096),
    ],
)
def test_presets_match_the_original_bert_family(name, layers, hidden, heads, intermediate):
    config = BertConfig.from_preset(name)
    assert (config.num_layers, config.hidden_size, config.num_heads, config.intermediate_size) == (
        layers,
        hidden,
        heads,
        intermediate,
    )
    assert config.vocab_size == 30522 and config.max_position_embeddings == 512


def test_preset_overrides_and_unknown_preset():
    assert BertConfig.from_preset("bert_tiny", vocab_size=10).vocab_size == 10
    with pytest.raises(ValueError, match="bert_huge"):
        BertConfig.from_preset("bert_huge")
    assert len(PRESETS) == 6


@pytest.mark.parametrize(
    "changes, message",
    [
        (dict(hidden_size=100, num_heads=12), "divisible"),
        (dict(vocab_size=0), "vocab_size"),
        (dict(num_layers=-1), "num_layers"),
        (dict(hidden_size=7.5), "hidden_size"),
        (dict(hidden_act="swish"), "hidden_act"),
        (dict(hidden_dropout=1.0), "hidden_dropout"),
        (dict(layer_norm_epsilon=0.0), "layer_norm_epsilon"),
    ],
)
def test_inconsistent_configs_are_rejected(changes, message):
    with pytest.raises(ValueError, match=message):
        BertConfig(**changes)


def test_reads_the_reference_hf_config(reference_dir):
    config = BertConfig.from_json_file(reference_dir / "config.json")
    assert config == BertConfig(
        vocab_size=30522,
        hidden_size=384,
        num_layers=6,
        num_heads=12,
        intermediate_size=1536,
        hidden_act="gelu",
        hidden_dropout=0.1,
        attention_dropout=0.1,
        max_position_embeddings=512,
        type_vocab_size=2,
        layer_norm_epsilon=1e-12,
        initializer_range=0.02,
    )


def test_hf_config_round_trip_and_activation_names(tmp_path):
    config = BertConfig.from_preset(
        "bert_mini", hidden_act="gelu_approximate", layer_norm_epsilon=1e-6
    )
    path = tmp_path / "config.json"
    config.write_hf_config(path)
    written = json.loads(path.read_text())
    assert written["hidden_act"] == "gelu_new" and written["model_type"] == "bert"
    assert BertConfig.from_json_file(path) == config
    for hf_name in ("gelu_new", "gelu_pytorch_tanh", "gelu_fast"):
        assert BertConfig.from_hf_config({**written, "hidden_act": hf_name}).hidden_act == (
            "gelu_approximate"
        )


def test_google_bert_config_without_epsilon_uses_1e_12():
    google = {
        "attention_probs_dropout_prob": 0.1,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "hidden_size": 768,
        "initializer_range": 0.02,
        "intermediate_size": 3072,
        "max_position_embeddings": 512,
        "num_attention_heads": 12,
        "num_hidden_layers": 12,
        "type_vocab_size": 2,
        "vocab_size": 30522,
    }
    assert BertConfig.from_hf_config(google) == BertConfig.from_preset("bert_base")


def test_bad_config_files_name_the_problem(tmp_path):
    with pytest.raises(FileNotFoundError, match="No BERT config"):
        BertConfig.from_json_file(tmp_path / "missing.json")
    (tmp_path / "broken.json").write_text("{not json")
    with pytest.raises(ValueError, match="not valid JSON"):
        BertConfig.from_json_file(tmp_path / "broken.json")
    (tmp_path / "roberta.json").write_text(json.dumps({"model_type": "roberta"}))
    with pytest.raises(ValueError, match="roberta"):
        BertConfig.from_json_file(tmp_path / "roberta.json")
    (tmp_path / "partial.json").write_text(json.dumps({"hidden_size": 8}))
    with pytest.raises(ValueError, match="vocab_size"):
        BertConfig.from_json_file(tmp_path / "partial.json")
