"""BertPretrainer: equals Hugging Face `BertForPreTraining` on its own checkpoint, the MLM
loss is the mean over real masked tokens, save/load, MLM-only."""

import warnings

import keras
import numpy as np
import pytest

from keras_bert_lib import BertConfig, BertEncoder
from keras_bert_lib.models.bert_pretrainer import BertPretrainer
from tests.harness import ROUND_TRIP_ATOL, assert_allclose_outputs

RNG = np.random.default_rng(0)
FEATURES = {
    "token_ids": RNG.integers(5, 50, (3, 12)).astype("int32"),
    "segment_ids": np.array([[0] * 6 + [1] * 6] * 3, "int32"),
    "padding_mask": np.array([[1] * 12, [1] * 10 + [0] * 2, [1] * 7 + [0] * 5], "int32"),
    "mask_positions": np.array([[1, 4, 9], [2, 3, 0], [5, 0, 0]], "int32"),
}
MASK_IDS = np.array([[7, 8, 9], [10, 11, 0], [12, 0, 0]], "int32")
MASK_WEIGHTS = np.array([[1, 1, 1], [1, 1, 0], [1, 0, 0]], "float32")
NSP_LABELS = np.array([[0], [1], [0]], "int32")


def tiny(next_sentence=True):
    keras.utils.set_random_seed(0)
    config = BertConfig(
        vocab_size=50, hidden_size=16, num_layers=2, num_heads=2, intermediate_size=32,
        hidden_dropout=0.0, attention_dropout=0.0,
    )  # fmt: skip
    return BertPretrainer(BertEncoder(config), next_sentence=next_sentence)


def test_equals_hugging_face_bert_for_pretraining(tmp_path):
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    torch.manual_seed(0)
    config = transformers.BertConfig(
        vocab_size=50, hidden_size=16, num_hidden_layers=2, num_attention_heads=2,
        intermediate_size=32, max_position_embeddings=64,
    )  # fmt: skip
    reference = transformers.BertForPreTraining(config).eval()
    with torch.no_grad():  # a non-zero output bias, so loading it is checked too
        reference.cls.predictions.bias.normal_()
    reference.save_pretrained(tmp_path, safe_serialization=True)
    ours = BertPretrainer.from_checkpoint(tmp_path)
    with torch.no_grad():
        expected = reference(
            input_ids=torch.tensor(FEATURES["token_ids"], dtype=torch.long),
            token_type_ids=torch.tensor(FEATURES["segment_ids"], dtype=torch.long),
            attention_mask=torch.tensor(FEATURES["padding_mask"], dtype=torch.long),
        )
    outputs = ours.predict_on_batch(FEATURES)
    rows = np.arange(3)[:, None]
    mlm = expected.prediction_logits.numpy()[rows, FEATURES["mask_positions"]]
    np.testing.assert_allclose(outputs["mlm_logits"], mlm, atol=1e-4, rtol=0)
    np.testing.assert_allclose(
        outputs["nsp_logits"], expected.seq_relationship_logits.numpy(), atol=1e-5, rtol=0
    )


def score(model):
    """`evaluate` on the features, with the labels and sample weights the data gives."""
    return model.evaluate(
        FEATURES,
        {"mlm_logits": MASK_IDS, "nsp_logits": NSP_LABELS},
        sample_weight={"mlm_logits": MASK_WEIGHTS, "nsp_logits": np.ones(3, "float32")},
        batch_size=3,
        verbose=0,
        return_dict=True,
    )


def test_mlm_loss_is_the_mean_over_real_masked_tokens():
    model = tiny()
    outputs = model.predict_on_batch(FEATURES)

    def cross_entropy(logits, labels):
        shifted = logits - logits.max(-1, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(-1, keepdims=True))
        return -np.take_along_axis(log_p, labels[..., None], -1)[..., 0]

    mlm = (cross_entropy(outputs["mlm_logits"], MASK_IDS) * MASK_WEIGHTS).sum() / MASK_WEIGHTS.sum()
    nsp = cross_entropy(outputs["nsp_logits"], NSP_LABELS[:, 0]).mean()
    scores = score(model)
    assert scores["mlm_logits_loss"] == pytest.approx(mlm, rel=1e-5)
    assert scores["nsp_logits_loss"] == pytest.approx(nsp, rel=1e-5)
    assert scores["loss"] == pytest.approx(mlm + nsp, rel=1e-5)
    model.compile(loss_weights={"mlm_logits": 1.0, "nsp_logits": 3.0})  # tools/pretrain.py's
    weighted = score(model)
    assert weighted["loss"] == pytest.approx(mlm + 3 * nsp, rel=1e-5)


def test_save_load_and_mlm_only(tmp_path):
    model = tiny()
    model.save(tmp_path / "p.keras")
    loaded = BertPretrainer.from_checkpoint(tmp_path / "p.keras")
    for name, value in model.predict_on_batch(FEATURES).items():
        actual = loaded.predict_on_batch(FEATURES)[name]
        assert_allclose_outputs(actual, value, atol=ROUND_TRIP_ATOL)
    mlm_only = tiny(next_sentence=False)
    assert list(mlm_only.predict_on_batch(FEATURES)) == ["mlm_logits"]
    assert "cls.seq_relationship.weight" not in mlm_only.head_variables()


@pytest.mark.parametrize("next_sentence", [True, False])
def test_the_pooler_trains_only_when_the_nsp_head_reads_it(next_sentence):
    model = tiny(next_sentence)
    model.compile(learning_rate=1e-2, warmup_ratio=0.0)
    pooler = model.encoder.pooler.kernel
    before = pooler.numpy()
    block = model.encoder.transformer_layers[-1].trainable_weights[0]
    block_before = block.numpy()
    labels = {"mlm_logits": MASK_IDS, "nsp_logits": NSP_LABELS}
    weights = {"mlm_logits": MASK_WEIGHTS, "nsp_logits": np.ones(3, "float32")}
    if not next_sentence:
        labels, weights = labels["mlm_logits"], weights["mlm_logits"]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(FEATURES, labels, sample_weight=weights, epochs=2, batch_size=3, verbose=0)
    assert [str(w.message) for w in caught if "Gradients do not exist" in str(w.message)] == []
    assert any(v is pooler for v in model.weights)  # kept, for a classifier on this encoder
    assert any(v is pooler for v in model.trainable_variables) == next_sentence
    assert not np.array_equal(block.numpy(), block_before)  # the rest of the encoder trains
    if next_sentence:
        assert not np.array_equal(pooler.numpy(), before)
    else:
        np.testing.assert_array_equal(pooler.numpy(), before)
