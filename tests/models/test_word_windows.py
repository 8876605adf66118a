import numpy as np
import pytest

from keras_bert_lib import BertTokenizer
from keras_bert_lib.models.word_windows import IGNORE, encode_words, word_logits

VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "bar", "##ack", "obama", "in",
         "par", "##is", "today"]  # fmt: skip
PAD, CLS, SEP, BAR, ACK, OBAMA, IN, PAR, IS, TODAY = 0, 2, 3, 5, 6, 7, 8, 9, 10, 11


def test_first_piece_carries_the_tag_and_the_rest_are_ignored():
    tokenizer = BertTokenizer(VOCAB)
    words = [["Barack", "Obama", "in", "Paris", "\u200b"]]  # the last word tokenizes to nothing
    windows = encode_words(tokenizer, words, 12, tag_ids=[[1, 2, 0, 3, 0]])
    # The empty word gets no piece (as the reference tokenizer and transformers give it).
    assert windows.features["token_ids"].tolist() == [
        [CLS, BAR, ACK, OBAMA, IN, PAR, IS, SEP, PAD, PAD, PAD, PAD]
    ]
    assert windows.labels.tolist() == [[IGNORE, 1, IGNORE, 2, 0, 3, IGNORE] + [IGNORE] * 5]
    assert windows.word.tolist() == [[-1, 0, -1, 1, 2, 3] + [-1] * 6]
    assert windows.features["padding_mask"].sum() == 8
    # ... and takes the outside class (here 4) with certainty; the others their window's.
    logits = np.arange(12.0 * 5).reshape(1, 12, 5)
    merged = word_logits(windows, logits, words, outside_class=4)[0]
    np.testing.assert_array_equal(merged[:4], logits[0, [1, 3, 4, 5]])
    assert merged[4].tolist() == [-np.inf] * 4 + [0.0]


def test_long_sentences_become_overlapping_windows_and_merge_by_max_context():
    tokenizer = BertTokenizer(VOCAB)
    words = [["today"] * 7]  # 7 pieces, windows of 4 pieces every 2: [0:4], [2:6], [4:7]
    windows = encode_words(tokenizer, words, 6, tag_ids=[[0, 1, 2, 3, 4, 5, 6]], stride=2)
    assert windows.sentence.tolist() == [0, 0, 0]
    assert windows.labels[:, 1:5].tolist() == [[0, 1, 2, 3], [2, 3, 4, 5], [4, 5, 6, IGNORE]]
    # Logits = the window index, so the merge shows which window each word came from.
    logits = np.repeat(np.arange(3.0)[:, None, None], 6, axis=1)
    merged = word_logits(windows, logits, words, outside_class=0)[0][:, 0]
    # Word 2 is at offset 2 of window 0 (context 1) and offset 0 of window 1 (context 0).
    assert merged.tolist() == [0, 0, 0, 1, 1, 2, 2]
    # Every word appears in some window: nothing dropped.
    assert sorted(set(windows.word[windows.word >= 0].tolist())) == list(range(7))


def test_mismatched_tags_and_bad_lengths_are_named():
    tokenizer = BertTokenizer(VOCAB)
    with pytest.raises(ValueError, match="Sentence 0 has 2 words but 1 tags"):
        encode_words(tokenizer, [["in", "today"]], 8, tag_ids=[[0]])
    with pytest.raises(ValueError, match="no room"):
        encode_words(tokenizer, [["in"]], 2)
    with pytest.raises(ValueError, match="stride"):
        encode_words(tokenizer, [["in"]], 8, stride=9)
