"""The sentence rule of `data/sentences.py`, in-graph, for SavedModels that take documents.

TensorFlow's regular expressions (RE2) have no look-around, and `sentence_spans` needs it
(`(?<=[.!?])` before the break, `(?=[A-Z0-9...])` after). The same rule is stated on
words instead: split the document at whitespace runs (the characters Python's `\\s` and
`str.isspace` match, not only RE2's ASCII `\\s`); a sentence ends between two words when the
whitespace between them holds a line break, or when the first word ends in `.`, `!` or `?`
plus any closing quotes or brackets and the second begins with an uppercase letter, a
digit or an opening quote or bracket. A sentence runs from its first word's start to its
last word's end, which is what `sentence_spans` keeps after stripping.
"""

from __future__ import annotations

import sys

import tensorflow as tf
import tensorflow_text as tf_text

WHITESPACE = "".join(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace())
WHITESPACE_RUN = "[" + "".join(f"\\x{{{ord(c):x}}}" for c in WHITESPACE) + "]+"
# The two sides of data/sentences.py's SENTENCE_END, anchored on whole words.
ENDS_SENTENCE = r"(?s).*[.!?][\"'\x{201d}\x{2019})\]]*"
STARTS_SENTENCE = r"(?s)[\"'\x{201c}\x{2018}(\[A-Z0-9].*"
HAS_LINE_BREAK = "(?s).*\n.*"


def char_offsets(document, byte_offsets):
    """Byte offsets into a UTF-8 `document` -> character (code point) offsets."""
    prefixes = tf.strings.substr(
        tf.fill(tf.shape(byte_offsets), document), tf.zeros_like(byte_offsets), byte_offsets
    )
    return tf.strings.length(prefixes, unit="UTF8_CHAR")


def graph_sentence_spans(document: tf.Tensor) -> dict[str, tf.Tensor]:
    """The sentences of one document (a scalar tf.string), in-graph.

    Returns:
        `sentences` tf.string `[n]` and `starts`, `ends` int32 `[n]`: character offsets,
        equal to `data.sentences.sentence_spans(document)`.

    Example:

    >>> spans = graph_sentence_spans(tf.constant("It rained. Then it stopped!\\nNew one"))
    >>> [s.decode() for s in spans["sentences"].numpy()], spans["starts"].numpy().tolist()
    (['It rained.', 'Then it stopped!', 'New one'], [0, 11, 28])
    """
    words, begins, ends = tf_text.regex_split_with_offsets(
        document[None], WHITESPACE_RUN, keep_delim_regex_pattern=""
    )
    words, begins, ends = words[0], tf.cast(begins[0], tf.int32), tf.cast(ends[0], tf.int32)
    count = tf.size(words)
    gaps = tf.strings.substr(
        tf.fill([tf.maximum(count - 1, 0)], document), ends[:-1], begins[1:] - ends[:-1]
    )
    breaks = tf.strings.regex_full_match(gaps, HAS_LINE_BREAK) | (
        tf.strings.regex_full_match(words[:-1], ENDS_SENTENCE)
        & tf.strings.regex_full_match(words[1:], STARTS_SENTENCE)
    )
    sentence_of_word = tf.cumsum(tf.concat([[0], tf.cast(breaks, tf.int32)], 0))[:count]
    sentences = tf.reduce_sum(tf.cast(breaks, tf.int32)) + tf.minimum(count, 1)
    start_bytes = tf.math.unsorted_segment_min(begins, sentence_of_word, sentences)
    end_bytes = tf.math.unsorted_segment_max(ends, sentence_of_word, sentences)
    return {
        "sentences": tf.strings.substr(
            tf.fill([sentences], document), start_bytes, end_bytes - start_bytes
        ),
        "starts": char_offsets(document, start_bytes),
        "ends": char_offsets(document, end_bytes),
    }
