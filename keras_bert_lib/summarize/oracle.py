"""Sentence labels for supervised extractive summarization: the greedy ROUGE oracle.

As BertSum (Liu and Lapata, 2019) labels its training documents: starting from nothing,
add the sentence that most raises ROUGE-1 F1 + ROUGE-2 F1 of the chosen set against the
reference summary; stop at `max_sentences` or when no sentence raises it. The chosen
sentences are labelled 1, the others 0.

ROUGE here is the n-gram overlap F1 on lowercased alphanumeric words (no stemming), as in
BertSum's own oracle, so labelling needs no evaluation package; the reported scores come
from `rouge-score` (`evaluation.py`).
"""

from __future__ import annotations

import re
from collections import Counter

import numpy as np

WORD = re.compile(r"[a-z0-9]+")


def words(text: str) -> list[str]:
    """Lowercased alphanumeric words of `text`."""
    return WORD.findall(text.lower())


def ngrams(tokens, n) -> Counter:
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def overlap_f1(candidate: Counter, reference: Counter) -> float:
    """F1 of the clipped n-gram overlap between two n-gram counts (0 when either is empty).

    Example:

    >>> round(overlap_f1(ngrams(["a", "b", "c"], 1), ngrams(["a", "b"], 1)), 4)
    0.8
    """
    hits = sum((candidate & reference).values())
    if hits == 0:
        return 0.0
    precision = hits / sum(candidate.values())
    recall = hits / sum(reference.values())
    return 2 * precision * recall / (precision + recall)


def greedy_oracle(sentences: list[str], reference: str, max_sentences: int) -> list[int]:
    """Indexes (sorted) of the sentences the greedy ROUGE-1 + ROUGE-2 oracle picks.

    Args:
        sentences: the document's sentences.
        reference: the reference summary.
        max_sentences: int. At most this many are picked.

    Example:

    >>> greedy_oracle(["The cat sat.", "Dogs bark loudly.", "It rained."],
    ...               "The cat sat. It rained all day.", max_sentences=3)
    [0, 2]
    """
    if max_sentences < 1:
        raise ValueError(f"max_sentences must be >= 1, got {max_sentences}.")
    reference_words = words(reference)
    references = {n: ngrams(reference_words, n) for n in (1, 2)}
    sentence_words = [words(s) for s in sentences]
    chosen, best = [], 0.0
    while len(chosen) < max_sentences:
        pick = None
        for index, _ in enumerate(sentences):
            if index in chosen:
                continue
            tokens = [w for i in sorted([*chosen, index]) for w in sentence_words[i]]
            score = sum(overlap_f1(ngrams(tokens, n), references[n]) for n in (1, 2))
            if score > best:
                best, pick = score, index
        if pick is None:
            break
        chosen.append(pick)
    return sorted(chosen)


def top_k_overlap(documents, scores) -> float:
    """Mean ROUGE-2 overlap F1 (this module's, unstemmed) of each document's `k`
    highest-scored sentences, in document order, against its reference.

    Args:
        documents: `(sentences, reference, k)` per document.
        scores: per document, one score per sentence.

    Example:

    >>> top_k_overlap([(["a b.", "c d."], "c d", 1)], [[0.1, 0.9]])
    1.0
    """
    values = []
    for (sentences, reference, k), sentence_scores in zip(documents, scores, strict=True):
        chosen = sorted(np.argsort(-np.asarray(sentence_scores), kind="stable")[:k])
        tokens = [w for i in chosen for w in words(sentences[i])]
        values.append(overlap_f1(ngrams(tokens, 2), ngrams(words(reference), 2)))
    return float(np.mean(values))
