import numpy as np
import pytest

from keras_bert_lib import BertConfig, BertEncoder, BertPreprocessor, BertTokenizer, SentenceEncoder
from keras_bert_lib.metrics import spearman
from keras_bert_lib.models.sentence_encoder import sentence_transformers_settings
from tests.harness import ROUND_TRIP_ATOL, assert_allclose_outputs

VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "cat", "dog", "sat", "ran"]


def make(pooling="mean", normalize=True):
    config = BertConfig(
        vocab_size=len(VOCAB),
        hidden_size=8,
        num_layers=1,
        num_heads=2,
        intermediate_size=16,
        max_position_embeddings=16,
    )
    return SentenceEncoder(
        BertEncoder(config),
        BertPreprocessor(BertTokenizer(VOCAB), sequence_length=16),
        pooling=pooling,
        normalize=normalize,
    )


def test_encode_is_normalised_mean_pooling_of_the_sequence_output():
    model = make()
    embeddings = model.encode(["a cat sat", "a dog"])
    features = {k: v.numpy() for k, v in model.preprocessor(["a cat sat", "a dog"]).items()}
    sequence = model.encoder.predict(features, verbose=0)["sequence_output"]
    mask = features["padding_mask"][..., None]
    mean = (sequence * mask).sum(1) / mask.sum(1)
    np.testing.assert_allclose(
        embeddings, mean / np.linalg.norm(mean, axis=1, keepdims=True), atol=1e-6
    )
    np.testing.assert_allclose(np.linalg.norm(embeddings, axis=1), 1.0, atol=1e-6)


def test_similarity_and_search_with_precomputed_embeddings():
    model = make()
    corpus = np.array([[1.0, 0.0], [0.0, 1.0], [0.6, 0.8]], "float32")
    queries = np.array([[1.0, 0.0]], "float32")
    np.testing.assert_allclose(model.similarity(queries, corpus), [[1.0, 0.0, 0.6]], atol=1e-6)
    assert model.search(queries, corpus, top_k=2) == [
        [(0, pytest.approx(1.0)), (2, pytest.approx(0.6))]
    ]
    assert len(model.search(["a cat"], ["a dog", "a cat sat"], top_k=5)[0]) == 2


def test_empty_input_and_keras_file_round_trip(tmp_path):
    model = make(pooling="max", normalize=False)
    assert model.encode([]).shape == (0, 8)
    expected = model.encode(["a cat", "a dog ran"])
    model.save(tmp_path / "encoder.keras")
    import keras

    loaded = keras.saving.load_model(tmp_path / "encoder.keras")
    assert_allclose_outputs(loaded.encode(["a cat", "a dog ran"]), expected, atol=ROUND_TRIP_ATOL)
    assert (loaded.pooling, loaded.normalize) == ("max", False)


def test_reads_sentence_transformers_settings(reference_dir, tmp_path):
    assert sentence_transformers_settings(reference_dir) == {
        "pooling": "mean",
        "normalize": True,
        "sequence_length": 256,
    }
    assert sentence_transformers_settings(tmp_path) == {}


@pytest.mark.slow
def test_matches_sentence_transformers_on_stsb_dev(reference_dir, shared_data):
    from sentence_transformers import SentenceTransformer

    from keras_bert_lib.data.glue import load_tsv_task

    task = load_tsv_task(
        shared_data / "stsb" / "dev.tsv", ("sentence1", "sentence2"), "score", regression=True
    )
    first, second = task.texts
    ours = SentenceEncoder.from_checkpoint(reference_dir)
    theirs = SentenceTransformer(str(reference_dir), device="cpu")
    ours_a, ours_b = ours.encode(first, 64), ours.encode(second, 64)
    theirs_a = theirs.encode(first, batch_size=64, convert_to_numpy=True)
    theirs_b = theirs.encode(second, batch_size=64, convert_to_numpy=True)
    assert np.abs(ours_a - theirs_a).max() <= 1e-5
    assert np.abs(ours_b - theirs_b).max() <= 1e-5
    ours_spearman = spearman(task.labels, (ours_a * ours_b).sum(1))
    theirs_spearman = spearman(task.labels, (theirs_a * theirs_b).sum(1))
    print(
        f"\nSTS-B dev Spearman (no training): ours {ours_spearman:.4f}, "
        f"sentence-transformers {theirs_spearman:.4f}"
    )
    assert abs(ours_spearman - theirs_spearman) <= 0.002
