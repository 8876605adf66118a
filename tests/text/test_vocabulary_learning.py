"""Learning a WordPiece vocabulary: words split as the Hugging Face reference splits them, and
a learned vocabulary that our tokenizer and Hugging Face's both read and agree on."""

import collections

import pytest
import tensorflow as tf
from tokenizers import normalizers, pre_tokenizers

from keras_bert_lib.text import BertTokenizer
from keras_bert_lib.text.exact_wordpiece import normalized_words
from keras_bert_lib.text.normalization_table import CodePointTable, load_table
from keras_bert_lib.text.vocabulary_learning import count_words, learn_vocabulary
from tests.text.stress_texts import stress_texts

CORPUS = [
    "The cat sat on the mat.",
    "A dog ran home, and the cat ran after it!",
    "Cats and dogs: the cat's mat is red; the dog's mat is blue.",
    "Naïve CAFÉ owners sat in the café.",
] * 5


def reference_words(texts, lowercase):
    normalizer = normalizers.BertNormalizer(lowercase=lowercase)
    splitter = pre_tokenizers.BertPreTokenizer()
    return [[w for w, _ in splitter.pre_tokenize_str(normalizer.normalize_str(t))] for t in texts]


@pytest.mark.parametrize("lowercase", [True, False])
def test_words_equal_the_reference_pre_tokenizer(lowercase):
    texts = stress_texts()
    table = CodePointTable(load_table("uncased" if lowercase else "cased"))
    words = normalized_words(tf.constant(texts), table).to_list()
    ours = [[w.decode("utf-8") for w in row] for row in words]
    expected = reference_words(texts, lowercase)
    bad = [t for t, a, b in zip(texts, ours, expected, strict=True) if a != b]
    assert not bad, f"{len(bad)} of {len(texts)} texts split differently, first: {bad[:3]}"


def test_count_words_counts_normalized_words():
    counts = count_words(["The CAT, the cat."], lowercase=True)
    assert counts == collections.Counter({"the": 2, "cat": 2, ",": 1, ".": 1})
    assert count_words(["The CAT"], lowercase=False) == collections.Counter({"The": 1, "CAT": 1})


def test_learned_vocabulary_tokenizes_its_corpus_like_hugging_face(tmp_path):
    from transformers import BertTokenizerFast

    tokens = learn_vocabulary(CORPUS, vocabulary_size=120)
    assert tokens[:5] == ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    assert len(tokens) == len(set(tokens)) <= 120
    # Frequent words are tokens of their own; every character, as start and continuation.
    assert {"the", "cat", "mat", "sat"} <= set(tokens)
    characters = {c for words in reference_words(CORPUS, True) for w in words for c in w}
    assert characters <= set(tokens) and {"##" + c for c in characters} <= set(tokens)

    (tmp_path / "vocab.txt").write_text("\n".join(tokens) + "\n")
    ours = BertTokenizer(tmp_path / "vocab.txt").tokenize(CORPUS[:4]).to_list()
    reference = BertTokenizerFast(str(tmp_path / "vocab.txt"), do_lower_case=True)
    assert ours == [reference(t, add_special_tokens=False)["input_ids"] for t in CORPUS[:4]]
    assert all(tokens.index("[UNK]") not in row for row in ours)
    # Asked for fewer tokens, the rarer words are pieces: "naive" (5 times) is n-a-i-v-e.
    small = learn_vocabulary(CORPUS, vocabulary_size=70)
    assert len(small) <= 70 and "the" in small and "naive" not in small
    (tmp_path / "small.txt").write_text("\n".join(small) + "\n")
    pieces = BertTokenizer(tmp_path / "small.txt").tokenize(["naive"]).to_list()[0]
    assert [small[i] for i in pieces] == ["n", "##a", "##i", "##v", "##e"]


def test_bad_requests_are_named():
    with pytest.raises(ValueError, match="exceed the 5 special tokens"):
        learn_vocabulary(CORPUS, vocabulary_size=5)
    with pytest.raises(ValueError, match="no word"):
        learn_vocabulary(["", "  \n"], vocabulary_size=100)
    with pytest.raises(ValueError, match="too small for this corpus"):
        learn_vocabulary(CORPUS, vocabulary_size=20)
