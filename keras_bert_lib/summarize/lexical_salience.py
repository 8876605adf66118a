"""Word-level evidence of what a document is about, in-graph: which sentences use the words
and the names that run through the whole document.

Words are the ASCII letter-and-digit runs of a sentence, lowercased; anything else separates
them. Two scores per sentence, each in [0, 1]:

- `word_salience`: the mean, over the sentence's words that are not `STOPWORDS` (repeats
  counted), of the fraction of the document's sentences that contain the word. A sentence
  made of the document's recurring vocabulary scores high; a digression scores low.
- `name_coverage`: the share of the document's `names` most frequent names (capitalised
  words of two or more characters that do not open their sentence, counted over the whole
  document, ties to the first seen) that the sentence contains (in any case). In an article
  about a person or a place, these are the subject and the few names around it.

Both are computed in TensorFlow so that the SavedModel (`serving.py`) and `Summarizer`
run the same code.
"""

from __future__ import annotations

import tensorflow as tf

# Function words that say nothing of a document's topic (short, English).
# fmt: off
STOPWORDS = (
    "the", "a", "an", "of", "and", "or", "in", "on", "at", "to", "for", "by", "with", "from",
    "as", "is", "was", "were", "are", "be", "been", "it", "its", "this", "that", "which",
    "who", "he", "she", "his", "her", "they", "their", "there", "also", "had", "has", "have",
    "not", "but", "into", "than", "then", "after", "before", "during", "over", "under",
    "between",
)
# fmt: on


def sentence_words(sentences):
    """Ragged `[n, words]`: each sentence's words, in their original case."""
    separated = tf.strings.regex_replace(sentences, "[^A-Za-z0-9]+", " ")
    return tf.strings.split(tf.strings.strip(separated))


def _mean_per_sentence(values, rows, sentences):
    """The mean of `values` over each sentence's entries (0 for a sentence with none)."""
    total = tf.math.unsorted_segment_sum(values, rows, sentences)
    count = tf.math.unsorted_segment_sum(tf.ones_like(values), rows, sentences)
    return tf.math.divide_no_nan(total, count)


def word_salience(words) -> tf.Tensor:
    """float32 `[n]` from `sentence_words`' ragged `[n, words]` (see the module docstring)."""
    sentences = tf.cast(words.nrows(), tf.int32)
    lower = tf.strings.lower(words.flat_values)
    rows = tf.cast(words.value_rowids(), tf.int32)
    stopword = tf.equal(lower[:, None], tf.constant(STOPWORDS)[None, :])
    content = tf.logical_not(tf.reduce_any(stopword, axis=1))
    lower, rows = tf.boolean_mask(lower, content), tf.boolean_mask(rows, content)
    vocabulary, word_ids = tf.unique(lower)
    # Sentences containing each word: count the distinct (sentence, word) pairs per word.
    pairs = rows * tf.size(vocabulary) + word_ids
    distinct_pairs, _ = tf.unique(pairs)
    document_frequency = tf.math.unsorted_segment_sum(
        tf.ones_like(distinct_pairs, tf.float32),
        distinct_pairs % tf.size(vocabulary),
        tf.size(vocabulary),
    ) / tf.cast(sentences, tf.float32)
    return _mean_per_sentence(tf.gather(document_frequency, word_ids), rows, sentences)


def name_coverage(words, names=5) -> tf.Tensor:
    """float32 `[n]` from `sentence_words`' ragged `[n, words]` (see the module docstring)."""
    sentences = tf.cast(words.nrows(), tf.int32)
    flat = words.flat_values
    rows = tf.cast(words.value_rowids(), tf.int32)
    opens = tf.gather(tf.cast(words.row_starts(), tf.int32), rows)
    not_first = tf.range(tf.size(flat)) > opens
    is_name = not_first & tf.strings.regex_full_match(flat, "[A-Z][A-Za-z0-9]+")
    distinct, _, counts = tf.unique_with_counts(tf.strings.lower(tf.boolean_mask(flat, is_name)))
    top = tf.gather(distinct, tf.math.top_k(counts, k=tf.minimum(names, tf.size(counts))).indices)
    contains = tf.cast(tf.equal(tf.strings.lower(flat)[:, None], top[None, :]), tf.float32)
    has_name = tf.math.unsorted_segment_max(contains, rows, sentences)  # [n, top]
    has_name = tf.maximum(has_name, 0.0)  # a sentence with no words: the lowest float
    return tf.math.divide_no_nan(tf.reduce_sum(has_name, axis=1), tf.cast(tf.size(top), tf.float32))
