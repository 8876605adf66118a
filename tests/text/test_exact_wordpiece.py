"""The plain-text short cut of the exact tokenizer against its general path."""

import random
import string

import pytest
import tensorflow as tf

from keras_bert_lib.text.exact_wordpiece import ExactWordpiece, _tokenize_general
from keras_bert_lib.text.vocabulary import read_vocabulary


def random_plain_texts(count, seed=0):
    """Printable ASCII with tabs, newlines and carriage returns: letters of both cases,
    digits, every punctuation mark, runs of whitespace and words over the length limit."""
    rng = random.Random(seed)
    alphabet = string.ascii_letters * 4 + string.digits + string.punctuation + " \t\n\r" * 3
    texts = ["".join(rng.choices(alphabet, k=rng.randint(0, 80))) for _ in range(count)]
    texts += ["x" * n + " Ok." for n in (19, 20, 21, 45)]
    return texts


@pytest.mark.parametrize("lowercase", [True, False])
def test_plain_short_cut_equals_the_general_path(reference_dir, lowercase):
    vocabulary = read_vocabulary(reference_dir / "vocab.txt")
    tokenizer = ExactWordpiece(vocabulary, lowercase, max_chars_per_word=20, unk_id=100)
    texts = tf.constant(random_plain_texts(3000))
    assert tf.reduce_all(tf.strings.regex_full_match(texts, r"[\x20-\x7e\t\n\r]*"))
    short_cut = tokenizer._tokenize_plain(texts)
    general = _tokenize_general(texts, tokenizer.table, tokenizer._words, 20, 100)
    for fast, slow in zip(short_cut, general, strict=True):
        assert fast.to_list() == slow.to_list()
    assert any(100 in row for row in short_cut[0].to_list())  # over-long words were there


def test_mixed_batches_keep_their_order(reference_dir):
    vocabulary = read_vocabulary(reference_dir / "vocab.txt")
    tokenizer = ExactWordpiece(vocabulary, True, max_chars_per_word=100, unk_id=100)
    texts = ["Café au lait.", "plain text", "", "naïve\u00a0words", "Tab\there", "日本"]
    batch = [r.to_list() for r in tokenizer.tokenize_with_offsets(tf.constant(texts))]
    alone = [
        [r.to_list()[0] for r in tokenizer.tokenize_with_offsets(tf.constant([t]))] for t in texts
    ]
    assert [list(row) for row in zip(*batch, strict=True)] == alone
    assert batch[0][2] == []
