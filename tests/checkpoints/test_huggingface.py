import json

import numpy as np
import pytest
import torch
import transformers
from safetensors.numpy import load_file, save_file

from keras_bert_lib import BertConfig, BertEncoder
from keras_bert_lib.checkpoints import save_hf

TINY = BertConfig(
    vocab_size=30,
    hidden_size=16,
    num_layers=2,
    num_heads=4,
    intermediate_size=32,
    max_position_embeddings=12,
    hidden_act="gelu_approximate",
)


def random_encoder(config=TINY, seed=0):
    encoder = BertEncoder(config)
    rng = np.random.default_rng(seed)
    encoder.set_weights(
        [rng.normal(0, 0.5, w.shape).astype("float32") for w in encoder.get_weights()]
    )
    return encoder


def inputs():
    return {
        "token_ids": np.array([[2, 5, 7, 3, 0], [2, 9, 3, 11, 3]], "int32"),
        "segment_ids": np.array([[0, 0, 0, 0, 0], [0, 0, 0, 1, 1]], "int32"),
        "padding_mask": np.array([[1, 1, 1, 1, 0], [1, 1, 1, 1, 1]], "int32"),
    }


def run_transformers(directory, batch):
    model = transformers.BertModel.from_pretrained(str(directory)).eval()
    with torch.no_grad():
        result = model(
            input_ids=torch.tensor(batch["token_ids"], dtype=torch.long),
            token_type_ids=torch.tensor(batch["segment_ids"], dtype=torch.long),
            attention_mask=torch.tensor(batch["padding_mask"], dtype=torch.long),
        )
    return result.last_hidden_state.numpy(), result.pooler_output.numpy()


def test_transformers_loads_our_export_and_agrees(tmp_path):
    encoder = random_encoder()
    save_hf(encoder, tmp_path)
    assert json.loads((tmp_path / "config.json").read_text())["hidden_act"] == "gelu_new"
    sequence, pooled = run_transformers(tmp_path, inputs())
    ours = encoder.predict(inputs(), verbose=0)
    mask = inputs()["padding_mask"].astype(bool)
    np.testing.assert_allclose(ours["sequence_output"][mask], sequence[mask], atol=1e-5)
    np.testing.assert_allclose(ours["pooled_output"], pooled, atol=1e-5)


def test_export_then_import_is_bit_identical(tmp_path):
    encoder = random_encoder()
    save_hf(encoder, tmp_path)
    reloaded = BertEncoder.from_checkpoint(tmp_path)
    assert reloaded.config == TINY
    for a, b in zip(encoder.get_weights(), reloaded.get_weights(), strict=True):
        assert a.tobytes() == b.tobytes()


def test_prefixed_task_model_names_and_head_tensors_load(tmp_path):
    encoder = random_encoder()
    save_hf(encoder, tmp_path / "plain")
    tensors = load_file(tmp_path / "plain" / "model.safetensors")
    prefixed = {"bert." + k: v for k, v in tensors.items()}
    prefixed["cls.predictions.bias"] = np.zeros(30, "float32")
    (tmp_path / "prefixed").mkdir()
    save_file(prefixed, tmp_path / "prefixed" / "model.safetensors", metadata={"format": "pt"})
    (tmp_path / "prefixed" / "config.json").write_text(
        (tmp_path / "plain" / "config.json").read_text()
    )
    reloaded = BertEncoder.from_checkpoint(tmp_path / "prefixed")
    for a, b in zip(encoder.get_weights(), reloaded.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


def write_variant(tmp_path, change):
    source = tmp_path / "source"
    save_hf(random_encoder(), source)
    tensors = load_file(source / "model.safetensors")
    change(tensors)
    target = tmp_path / "variant"
    target.mkdir()
    save_file(tensors, target / "model.safetensors", metadata={"format": "pt"})
    (target / "config.json").write_text((source / "config.json").read_text())
    return target


def test_missing_tensor_is_named(tmp_path):
    path = write_variant(tmp_path, lambda t: t.pop("encoder.layer.1.output.dense.bias"))
    with pytest.raises(
        ValueError, match=r"missing tensor\(s\): encoder\.layer\.1\.output\.dense\.bias"
    ):
        BertEncoder.from_checkpoint(path)


def test_misshaped_tensor_names_expected_and_found_shape(tmp_path):
    def shrink(tensors):
        tensors["embeddings.word_embeddings.weight"] = tensors["embeddings.word_embeddings.weight"][
            :29
        ]

    path = write_variant(tmp_path, shrink)
    with pytest.raises(
        ValueError,
        match=r"embeddings\.word_embeddings\.weight has shape \(29, 16\), "
        r"expected \(30, 16\)",
    ):
        BertEncoder.from_checkpoint(path)


def test_non_finite_and_integer_tensors_are_rejected(tmp_path):
    def poison(tensors):
        tensors["pooler.dense.bias"] = np.full(16, np.nan, "float32")

    with pytest.raises(ValueError, match="pooler.dense.bias contains NaN"):
        BertEncoder.from_checkpoint(write_variant(tmp_path / "nan", poison))

    def integer(tensors):
        tensors["pooler.dense.bias"] = np.zeros(16, "int32")

    with pytest.raises(ValueError, match="pooler.dense.bias has dtype int32"):
        BertEncoder.from_checkpoint(write_variant(tmp_path / "int", integer))


def test_truncated_file_and_pickles_and_unknown_paths_are_rejected(tmp_path):
    save_hf(random_encoder(), tmp_path / "broken")
    data = (tmp_path / "broken" / "model.safetensors").read_bytes()
    (tmp_path / "broken" / "model.safetensors").write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match="not a valid safetensors file"):
        BertEncoder.from_checkpoint(tmp_path / "broken")

    (tmp_path / "pickled").mkdir()
    (tmp_path / "pickled" / "pytorch_model.bin").write_bytes(b"\x80\x04")
    with pytest.raises(ValueError, match="pickle"):
        BertEncoder.from_checkpoint(tmp_path / "pickled")

    with pytest.raises(FileNotFoundError, match="neither a Hugging Face directory"):
        BertEncoder.from_checkpoint(tmp_path / "nothing")


def test_mismatched_config_is_reported_as_a_shape_error(tmp_path):
    save_hf(random_encoder(), tmp_path)
    config = json.loads((tmp_path / "config.json").read_text())
    config["intermediate_size"] = 64
    (tmp_path / "config.json").write_text(json.dumps(config))
    with pytest.raises(
        ValueError,
        match=r"intermediate\.dense\.weight has shape \(16, 32\), "
        r"expected \(16, 64\)",
    ):
        BertEncoder.from_checkpoint(tmp_path)
