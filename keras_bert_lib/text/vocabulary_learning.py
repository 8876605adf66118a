"""Learning a WordPiece vocabulary from a corpus, for pretraining from scratch.

BERT learned its vocabulary from its own pretraining corpus. A corpus-sized vocabulary also
makes small models train faster: the masked-LM output projection and its softmax run over
every vocabulary entry at every masked position: about half of a `bert_tiny` step with the
30,522-entry reference vocabulary (`benchmarks/bench_pretraining_step.py`).

Words are split exactly as our tokenizer (and the Hugging Face reference) splits them
(`exact_wordpiece.normalized_words`); the pieces are chosen by tensorflow-text's WordPiece
learner (`wordpiece_tokenizer_learner_lib.learn`, the algorithm behind
`bert_vocab_from_dataset` and keras-hub 0.32's `compute_word_piece_vocabulary`). We do not call
those two because they split words with tensorflow-text's `BasicTokenizer`, whose
normalization differs from the reference's on rare characters (see `BertTokenizer`), so
some learned pieces could never be produced by our tokenizer.
"""

from __future__ import annotations

import collections
from collections.abc import Iterable

import tensorflow as tf
from tensorflow_text.tools.wordpiece_vocab import wordpiece_tokenizer_learner_lib

from keras_bert_lib.text.exact_wordpiece import normalized_words
from keras_bert_lib.text.normalization_table import CodePointTable, load_table
from keras_bert_lib.text.vocabulary import SPECIAL_TOKENS

# Texts normalized and split per call: bounds the memory of one ragged batch.
SPLIT_BATCH = 4096
# The learner searches for the count a piece needs to be kept from this value up; it goes
# below it only when even that count gives fewer pieces than asked for (a small corpus).
LOWEST_PIECE_COUNT = 2


def count_words(texts: Iterable[str], lowercase: bool = True) -> collections.Counter:
    """How often each word occurs, as the tokenizer splits and normalizes it."""
    table = CodePointTable(load_table("uncased" if lowercase else "cased"))
    counts = collections.Counter()
    batch = []

    def flush():
        words = normalized_words(tf.constant(batch), table).flat_values.numpy()
        counts.update(word.decode("utf-8") for word in words)
        batch.clear()

    for text in texts:
        batch.append(text)
        if len(batch) == SPLIT_BATCH:
            flush()
    if batch:
        flush()
    return counts


def learn_vocabulary(
    texts: Iterable[str],
    vocabulary_size: int,
    lowercase: bool = True,
    max_unique_chars: int = 1000,
) -> list[str]:
    """A WordPiece vocabulary learned from `texts`.

    Args:
        texts: strings (sentences, lines or paragraphs).
        vocabulary_size: int. The largest size wanted; the learner searches a count
            threshold and returns between 95% and 100% of it when the corpus allows.
        lowercase: bool. For an uncased tokenizer (lowercased, accents stripped).
        max_unique_chars: int. Only the most frequent characters get tokens (a word with
            another character becomes `[UNK]`).

    Returns:
        The tokens: `[PAD]` (id 0), `[UNK]`, `[CLS]`, `[SEP]`, `[MASK]`, then the learned
        pieces, continuations spelled `##piece`; every character kept appears both as a
        word start and as a continuation, so any word of kept characters is tokenized.

    Example:

    >>> tokens = learn_vocabulary(["the cat sat on the mat"] * 3, vocabulary_size=40)
    >>> tokens[:5], "cat" in tokens
    (['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'], True)

    Raises:
        ValueError: if the texts hold no word, or `vocabulary_size` cannot hold the
            special tokens and every kept character.
    """
    if vocabulary_size <= len(SPECIAL_TOKENS):
        raise ValueError(
            f"vocabulary_size must exceed the {len(SPECIAL_TOKENS)} special tokens, got "
            f"{vocabulary_size}."
        )
    counts = count_words(texts, lowercase)
    if not counts:
        raise ValueError("The texts hold no word to learn a vocabulary from.")
    tokens = wordpiece_tokenizer_learner_lib.learn(
        counts,
        vocab_size=vocabulary_size,
        reserved_tokens=list(SPECIAL_TOKENS),
        lower_thresh=LOWEST_PIECE_COUNT,
        max_unique_chars=max_unique_chars,
        include_joiner_token=True,
        joiner="##",
    )
    if len(tokens) > vocabulary_size:
        # The learner returns its smallest vocabulary when none fits.
        characters = sum(1 for token in tokens if len(token.removeprefix("##")) == 1)
        raise ValueError(
            f"vocabulary_size {vocabulary_size} is too small for this corpus: its "
            f"{characters} character tokens (word start and continuation) and its most "
            f"frequent pieces need {len(tokens)}. Ask for more, or lower max_unique_chars."
        )
    return tokens
