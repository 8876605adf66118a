"""Words and word-level tags -> packed wordpiece windows, and predictions back to words.

Each word is tokenized on its own; its first wordpiece carries the word's tag and the other
pieces (and `[CLS]`, `[SEP]`, padding) carry `IGNORE`, so they count in neither the loss nor
the metrics. A word that tokenizes to nothing (only characters the BERT tokenizer drops,
such as U+FE0F or U+200B) gets no piece, as with the reference tokenizer and transformers'
word-level pipelines: it is not trained on, and `word_logits` gives it the outside class.

A sentence longer than `sequence_length - 2` wordpieces is cut into windows of that many
pieces starting every `stride` pieces; training uses every window. At prediction time each
word takes its logits from the window where its first piece has the most context (the
max-context rule of BERT's SQuAD code: the larger of the smaller left/right margins), so no
word is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import tensorflow as tf

from keras_bert_lib.text.windows import checked_stride, window_starts

IGNORE = -1


@dataclass
class WordWindows:
    """Packed windows over the wordpieces of a batch of word lists.

    Attributes:
        features: dict of int32 arrays `[windows, sequence_length]`: `token_ids`,
            `segment_ids`, `padding_mask`.
        labels: int32 `[windows, sequence_length]`: tag ids at first pieces, else `IGNORE`.
        sentence: int `[windows]`: the sentence each window comes from.
        word: int `[windows, sequence_length]`: the word index at first pieces, else -1.
        context: int `[windows, sequence_length]`: the max-context score at first pieces.
    """

    features: dict
    labels: np.ndarray
    sentence: np.ndarray
    word: np.ndarray
    context: np.ndarray


def word_pieces(tokenizer, sentences) -> list[list[list[int]]]:
    """Wordpiece ids of every word of every sentence (none for a word the tokenizer drops)."""
    flat = [word for words in sentences for word in words]
    if not flat:
        return [[] for _ in sentences]
    pieces = tokenizer.tokenize(tf.constant(flat)).to_list()
    result, start = [], 0
    for words in sentences:
        result.append(pieces[start : start + len(words)])
        start += len(words)
    return result


def encode_words(tokenizer, sentences, sequence_length, tag_ids=None, stride=None):
    """Packs word lists into windows (see the module docstring).

    Args:
        tokenizer: a `BertTokenizer`.
        sentences: list of lists of words.
        sequence_length: int. Packed length, `[CLS]` and `[SEP]` included.
        tag_ids: None, or per sentence a list of int tag ids (one per word).
        stride: int or None. Window start spacing in wordpieces (default half a window).

    Returns:
        `WordWindows`.
    """
    window = sequence_length - 2
    if window < 1:
        raise ValueError(f"sequence_length {sequence_length} leaves no room for wordpieces.")
    stride = checked_stride(stride, window)
    if tag_ids is not None:
        for index, (words, tags) in enumerate(zip(sentences, tag_ids, strict=True)):
            if len(words) != len(tags):
                raise ValueError(f"Sentence {index} has {len(words)} words but {len(tags)} tags.")
    ids = tokenizer.special_ids
    rows = []
    for index, pieces in enumerate(word_pieces(tokenizer, sentences)):
        flat, word_of, first = [], [], []
        for word_index, word in enumerate(pieces):
            for position, piece in enumerate(word):
                flat.append(piece)
                word_of.append(word_index)
                first.append(position == 0)
        for start in window_starts(len(flat), window, stride):
            stop = min(start + window, len(flat))
            rows.append((index, start, stop, flat, word_of, first))

    count = len(rows)
    token_ids = np.full((count, sequence_length), ids.pad, np.int32)
    padding_mask = np.zeros((count, sequence_length), np.int32)
    labels = np.full((count, sequence_length), IGNORE, np.int32)
    word = np.full((count, sequence_length), -1, np.int64)
    context = np.full((count, sequence_length), -1, np.int64)
    sentence = np.zeros(count, np.int64)
    for row, (index, start, stop, flat, word_of, first) in enumerate(rows):
        length = stop - start
        sentence[row] = index
        token_ids[row, 0] = ids.cls
        token_ids[row, 1 : 1 + length] = flat[start:stop]
        token_ids[row, 1 + length] = ids.sep
        padding_mask[row, : length + 2] = 1
        for offset in range(length):
            if not first[start + offset]:
                continue
            word_index = word_of[start + offset]
            word[row, offset + 1] = word_index
            context[row, offset + 1] = min(offset, length - 1 - offset)
            if tag_ids is not None:
                labels[row, offset + 1] = tag_ids[index][word_index]
    features = {
        "token_ids": token_ids,
        "segment_ids": np.zeros_like(token_ids),
        "padding_mask": padding_mask,
    }
    return WordWindows(features, labels, sentence, word, context)


def word_logits(
    windows: WordWindows, logits: np.ndarray, sentences, outside_class: int
) -> list[np.ndarray]:
    """Per sentence, `[words, classes]` logits, each word's from its max-context window.

    A word with no wordpiece gets 0 for `outside_class` and -inf for the other classes (it
    is certainly outside every entity).
    """
    num_classes = logits.shape[-1]
    empty = np.full(num_classes, -np.inf, np.float32)
    empty[outside_class] = 0.0
    result = [np.tile(empty, (len(words), 1)) for words in sentences]
    best = [np.full(len(words), -2, np.int64) for words in sentences]
    rows, positions = np.nonzero(windows.word >= 0)
    for row, position in zip(rows, positions, strict=True):
        index = windows.sentence[row]
        word_index = windows.word[row, position]
        if windows.context[row, position] > best[index][word_index]:
            best[index][word_index] = windows.context[row, position]
            result[index][word_index] = logits[row, position]
    return result
