"""Tiny task models with a real-word vocabulary, for export tests."""

import keras

from keras_bert_lib import (
    BertClassifier,
    BertConfig,
    BertEncoder,
    BertPreprocessor,
    BertTokenizer,
    SentenceEncoder,
)

VOCAB = [
    "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "a", "film", "was", "great", "awful",
    "plot", "acting", "good", "bad", "!", ",", ".", "##s", "##ly", "very", "not",
]  # fmt: skip
TEXTS = ["The film was great!", "awful acting , bad plot.", "not good", "Very, very good films"]
PAIRS = (["the film", "a plot", "good acting", "bad"], ["was great", "was awful .", "!", "not"])
SEQUENCE_LENGTH = 16


TINY_CONFIG = BertConfig(
    vocab_size=len(VOCAB),
    hidden_size=8,
    num_layers=2,
    num_heads=2,
    intermediate_size=16,
    max_position_embeddings=SEQUENCE_LENGTH,
)


def tiny_encoder(seed=0, dtype=None):
    keras.utils.set_random_seed(seed)
    return BertEncoder(TINY_CONFIG, dtype=dtype)


def tiny_preprocessor():
    return BertPreprocessor(BertTokenizer(VOCAB), sequence_length=SEQUENCE_LENGTH)


def tiny_classifier(num_classes=3):
    return BertClassifier(tiny_encoder(), num_classes=num_classes, preprocessor=tiny_preprocessor())


def tiny_sentence_encoder():
    return SentenceEncoder(tiny_encoder(), preprocessor=tiny_preprocessor())
