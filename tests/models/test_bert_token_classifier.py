import warnings

import keras
import numpy as np
import pytest

from keras_bert_lib import (
    BertConfig,
    BertEncoder,
    BertPreprocessor,
    BertTokenClassifier,
    BertTokenizer,
)

VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "bar", "##ack", "obama", "visits",
         "par", "##is", "and", "rome", "today", "anna"]  # fmt: skip
TAGS = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC"]
SENTENCES = [
    (["Barack", "Obama", "visits", "Paris"], ["B-PER", "I-PER", "O", "B-LOC"]),
    (["Anna", "visits", "Rome", "today"], ["B-PER", "O", "B-LOC", "O"]),
    (["Paris", "and", "Rome"], ["B-LOC", "O", "B-LOC"]),
    (["today", "Anna", "visits", "Barack"], ["O", "B-PER", "O", "B-PER"]),
]
WORDS = [w for w, _ in SENTENCES] * 4
GOLD = [t for _, t in SENTENCES] * 4


def make(sequence_length=16):
    keras.utils.set_random_seed(0)
    config = BertConfig(
        vocab_size=len(VOCAB), hidden_size=16, num_layers=1, num_heads=2,
        intermediate_size=32, max_position_embeddings=16, hidden_dropout=0.0,
        attention_dropout=0.0,
    )  # fmt: skip
    preprocessor = BertPreprocessor(BertTokenizer(VOCAB), sequence_length=sequence_length)
    model = BertTokenClassifier(BertEncoder(config), TAGS, preprocessor, dropout=0.0)
    model.compile(learning_rate=1e-2, warmup_ratio=0.0)
    return model


@pytest.fixture(scope="module")
def trained():
    model = make()
    history = model.fit_words(WORDS, GOLD, epochs=30, batch_size=4, verbose=0)
    assert history.history["loss"][-1] < 0.1 * history.history["loss"][0]
    return model


def test_learns_word_tags_and_entities_with_character_spans(trained):
    assert trained.predict_words([w for w, _ in SENTENCES]) == [t for _, t in SENTENCES]
    text = "Barack  Obama visits Paris"
    (found,) = trained.predict_entities([text])
    assert [(e["text"], e["type"], e["start"], e["end"]) for e in found] == [
        ("Barack  Obama", "PER", 0, 13),
        ("Paris", "LOC", 21, 26),
    ]
    assert all(text[e["start"] : e["end"]] == e["text"] and 0 < e["score"] <= 1 for e in found)
    assert trained.predict_entities([""]) == [[]]
    # A word the tokenizer drops entirely (U+FE0F) is outside every entity, for certain.
    assert trained.predict_words([["Anna", "\ufe0f", "visits"]]) == [["B-PER", "O", "O"]]
    (found,) = trained.predict_entities(["Anna \ufe0f visits"])
    assert [(e["text"], e["type"]) for e in found] == [("Anna", "PER")]


def test_long_sentences_are_windowed_and_keep_every_word(trained):
    words = ["Anna", "visits", "Rome", "today"] * 6  # 24 words > 14 pieces per window
    tags = trained.predict_words([words])[0]
    assert len(tags) == 24
    assert tags == ["B-PER", "O", "B-LOC", "O"] * 6


def test_save_and_load_predict_identically(trained, tmp_path):
    trained.save(tmp_path / "tagger.keras")
    loaded = BertTokenClassifier.from_checkpoint(tmp_path / "tagger.keras")
    assert loaded.tag_names == TAGS
    words = [w for w, _ in SENTENCES]
    for a, b in zip(loaded.predict_word_logits(words), trained.predict_word_logits(words),
                    strict=True):  # fmt: skip
        np.testing.assert_array_equal(a, b)


def test_bad_tags_and_inputs_are_named():
    model = make()
    with pytest.raises(ValueError, match="'B-ORG' is not in tag_names"):
        model.fit_words([["Paris"]], [["B-ORG"]], verbose=0)
    with pytest.raises(ValueError, match="1 words but 2 tags"):
        model.fit_words([["Paris"]], [["B-LOC", "O"]], verbose=0)
    with pytest.raises(ValueError, match="no sentences"):
        model.fit_words([], [], verbose=0)
    with pytest.raises(ValueError, match="distinct"):
        BertTokenClassifier(model.encoder, ["O", "O"])
    with pytest.raises(ValueError, match="not O, B-TYPE or I-TYPE"):
        BertTokenClassifier(model.encoder, ["O", "PER"])
    with pytest.raises(ValueError, match="must include the outside tag 'O'"):
        BertTokenClassifier(model.encoder, ["B-x", "I-x"])
    assert model.predict_words([]) == []


def test_the_unused_pooler_is_left_out_of_training():
    # Hugging Face's BertForTokenClassification has no pooler; ours keeps its weights (for
    # a classifier on this encoder) but does not train them, and Keras does not warn that
    # their gradients do not exist.
    model = make()
    pooler = model.encoder.pooler.kernel
    before = pooler.numpy()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit_words(WORDS, GOLD, epochs=1, batch_size=4, verbose=0)
    assert [str(w.message) for w in caught if "Gradients do not exist" in str(w.message)] == []
    np.testing.assert_array_equal(pooler.numpy(), before)
    assert not any(v is pooler for v in model.trainable_weights)
    assert any(v is pooler for v in model.non_trainable_weights)  # counted by summary()
    assert len(model.trainable_weights) + len(model.non_trainable_weights) == len(model.weights)
    assert len(model.optimizer.variables) < 2 * len(model.weights)  # no moments for it


def test_default_learning_rate_is_the_one_wnut_needs():
    model = make()
    model.compile()  # all defaults
    model.fit_words(WORDS[:4], GOLD[:4], batch_size=4, verbose=0)
    assert model.optimizer._learning_rate.peak_learning_rate == 1e-4
