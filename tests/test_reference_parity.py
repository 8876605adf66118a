"""Numerical parity with Hugging Face transformers on the real reference checkpoint."""

import numpy as np
import pytest
from safetensors.numpy import load_file
from tokenizers import Tokenizer

from keras_bert_lib import BertEncoder
from keras_bert_lib.checkpoints import save_hf
from tests.checkpoints.test_huggingface import run_transformers


@pytest.fixture(scope="module")
def sst2_batch(reference_dir, shared_data):
    lines = (shared_data / "sst2" / "dev.tsv").read_text(encoding="utf-8").splitlines()[1:65]
    sentences = [line.split("\t")[0] for line in lines]
    tokenizer = Tokenizer.from_file(str(reference_dir / "tokenizer.json"))
    tokenizer.no_truncation()
    tokenizer.enable_padding()
    encodings = tokenizer.encode_batch(sentences)
    batch = {
        "token_ids": np.array([e.ids for e in encodings], "int32"),
        "segment_ids": np.array([e.type_ids for e in encodings], "int32"),
        "padding_mask": np.array([e.attention_mask for e in encodings], "int32"),
    }
    assert batch["token_ids"].shape[0] == 64 and (batch["padding_mask"] == 0).any()
    return batch


@pytest.fixture(scope="module")
def reference_encoder(reference_dir):
    return BertEncoder.from_checkpoint(reference_dir)


def test_outputs_match_transformers_on_64_sst2_sentences(
    reference_encoder, reference_dir, sst2_batch
):
    sequence, pooled = run_transformers(reference_dir, sst2_batch)
    ours = reference_encoder.predict(sst2_batch, verbose=0)
    mask = sst2_batch["padding_mask"].astype(bool)
    assert np.abs(ours["sequence_output"][mask] - sequence[mask]).max() <= 1e-4
    assert np.abs(ours["pooled_output"] - pooled).max() <= 1e-4


def test_safetensors_export_is_bit_identical_and_loads_in_transformers(
    reference_encoder, reference_dir, sst2_batch, tmp_path
):
    save_hf(reference_encoder, tmp_path)
    original = load_file(reference_dir / "model.safetensors")
    exported = load_file(tmp_path / "model.safetensors")
    original.pop("embeddings.position_ids")  # a buffer, not a weight
    assert sorted(exported) == sorted(original)
    for name, tensor in original.items():
        assert exported[name].tobytes() == tensor.tobytes(), name

    reimported = BertEncoder.from_checkpoint(tmp_path)
    for a, b in zip(reference_encoder.get_weights(), reimported.get_weights(), strict=True):
        assert a.tobytes() == b.tobytes()

    sequence, pooled = run_transformers(tmp_path, sst2_batch)
    reference_sequence, reference_pooled = run_transformers(reference_dir, sst2_batch)
    mask = sst2_batch["padding_mask"].astype(bool)
    assert np.abs(sequence[mask] - reference_sequence[mask]).max() <= 1e-5
    assert np.abs(pooled - reference_pooled).max() <= 1e-5
    ours = reference_encoder.predict(sst2_batch, verbose=0)
    assert np.abs(ours["sequence_output"][mask] - sequence[mask]).max() <= 1e-5
    assert np.abs(ours["pooled_output"] - pooled).max() <= 1e-5
