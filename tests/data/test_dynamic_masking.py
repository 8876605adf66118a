"""Masked-LM batches masked in tf.data: the reference's 15% / 80-10-10 rule, special tokens
never masked, new masks on every pass, the same stream every time it is built."""

import keras
import numpy as np
import pytest

from keras_bert_lib import BertConfig, BertEncoder, BertPreprocessor, BertTokenizer
from keras_bert_lib.data.dynamic_masking import masked_lm_dataset
from keras_bert_lib.models.bert_pretrainer import BertPretrainer

WORDS = [f"w{i}" for i in range(40)]
VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *WORDS]
MASK = VOCAB.index("[MASK]")


def texts(count=64, seed=0):
    rng = np.random.default_rng(seed)
    return [" ".join(rng.choice(WORDS, size=rng.integers(5, 30))) for _ in range(count)]


def preprocessor(length=32):
    return BertPreprocessor(BertTokenizer(VOCAB), sequence_length=length)


def batches(data):
    return [(x, y["mlm_logits"].numpy(), w["mlm_logits"].numpy()) for x, y, w in data]


def test_masks_follow_the_reference_rule_and_spare_special_tokens():
    corpus = texts(2000)
    pre = preprocessor()
    data = masked_lm_dataset(corpus, pre, batch_size=500, max_predictions=8, shuffle=False)
    masked = kept = randomized = total_masked = 0
    for (x, labels, weights), start in zip(batches(data), range(0, 2000, 500), strict=True):
        original = pre(corpus[start : start + 500])["token_ids"].numpy()
        ids, positions = x["token_ids"].numpy(), x["mask_positions"].numpy()
        real = weights > 0
        rows = np.nonzero(real)[0]
        picked = positions[real]
        assert (labels[real] == original[rows, picked]).all()
        assert (original[rows, picked] > MASK).all()  # never [PAD], [CLS], [SEP]
        touched = np.zeros_like(ids, bool)
        touched[rows, picked] = True
        assert not (ids != original)[~touched].any()  # only masked positions change
        after = ids[rows, picked]
        masked += (after == MASK).sum()
        kept += (after == original[rows, picked]).sum()
        randomized += ((after != MASK) & (after != original[rows, picked])).sum()
        words = (original > MASK).sum(1)
        expected = np.minimum(np.maximum(np.round(words * 0.15), 1), 8)
        assert (real.sum(1) == expected).all()
        total_masked += real.sum()
    assert masked / total_masked == pytest.approx(0.8, abs=0.03)
    # A random token can be the original one (1 in 45 here): it counts as kept.
    assert kept / total_masked == pytest.approx(0.1 + 0.1 / 45, abs=0.02)
    assert randomized / total_masked == pytest.approx(0.1 - 0.1 / 45, abs=0.02)


def test_new_masks_each_pass_and_the_same_stream_each_time():
    corpus = texts(16)
    data = masked_lm_dataset(corpus, preprocessor(), batch_size=16, epochs=2, shuffle=False)
    first, second = batches(data)
    assert not np.array_equal(first[0]["mask_positions"], second[0]["mask_positions"])
    again = batches(masked_lm_dataset(corpus, preprocessor(), batch_size=16, epochs=2,
                                      shuffle=False))  # fmt: skip
    for a, b in zip((first, second), again, strict=True):
        np.testing.assert_array_equal(a[0]["token_ids"], b[0]["token_ids"])
        np.testing.assert_array_equal(a[0]["mask_positions"], b[0]["mask_positions"])


def test_a_pretrainer_without_next_sentence_learns_from_it():
    keras.utils.set_random_seed(0)
    config = BertConfig(vocab_size=len(VOCAB), hidden_size=16, num_layers=1, num_heads=2,
                        intermediate_size=32, max_position_embeddings=32)  # fmt: skip
    model = BertPretrainer(BertEncoder(config), next_sentence=False)
    model.compile(learning_rate=1e-2, warmup_ratio=0.0)
    data = masked_lm_dataset(texts(64), preprocessor(), batch_size=16, epochs=None, seed=1)
    history = model.fit(data, steps_per_epoch=10, epochs=3, verbose=0)
    losses = history.history["loss"]
    assert losses[-1] < losses[0]


def test_bad_settings_are_named():
    with pytest.raises(ValueError, match="mask_probability"):
        masked_lm_dataset(["a"], preprocessor(), mask_probability=0)
    with pytest.raises(ValueError, match="no texts"):
        masked_lm_dataset([], preprocessor())
