"""`Summarizer`: the k best sentences of a document (or those that fit a word budget), in
document order, with their scores and character offsets.

Sentences are split by the rule of `data/sentences.py` (a line break ends a paragraph).
Each sentence is embedded on its own (`SentenceEncoder`, at most its `sequence_length`
wordpieces), so a document of any length is read whole.

Unsupervised selection (`Summarizer(encoder)`): a sentence's score is its centrality, the
mean cosine similarity of its embedding to the other sentences'. Sentences are picked by
maximal marginal relevance (Carbonell and Goldstein, 1998): the next is the one with the
highest `(1 - redundancy) * score - redundancy * (its largest cosine to a picked one)`, so
a sentence that repeats a chosen one loses to one that adds something.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from keras_bert_lib.data.sentences import sentence_spans


@dataclass
class SummarySentence:
    """One chosen sentence: `document[start:end] == text`."""

    text: str
    start: int
    end: int
    score: float


def centrality(embeddings: np.ndarray) -> np.ndarray:
    """Mean cosine similarity of each (L2-normalised) embedding to the others; 0 alone."""
    count = len(embeddings)
    if count < 2:
        return np.zeros(count)
    similarity = embeddings @ embeddings.T
    return (similarity.sum(1) - np.diag(similarity)) / (count - 1)


def select_by_mmr(scores, embeddings, k, redundancy, lengths=None, max_words=None) -> list[int]:
    """Indexes picked by maximal marginal relevance, in document order.

    Args:
        scores: float `[sentences]`: how much each sentence belongs in the summary.
        embeddings: `[sentences, dim]`, L2-normalised.
        k: int or None. How many to pick.
        redundancy: float in [0, 1]. Weight of the similarity to what is picked.
        lengths: words per sentence, with `max_words`: pick while the total fits.
        max_words: int or None.

    Example:

    >>> select_by_mmr(np.array([0.9, 0.8, 0.1]), np.eye(3), k=2, redundancy=0.5)
    [0, 1]
    """
    picked, words = [], 0
    similarity = embeddings @ embeddings.T
    candidates = list(range(len(scores)))
    while candidates and (k is None or len(picked) < k):
        overlap = similarity[candidates][:, picked].max(1) if picked else np.zeros(len(candidates))
        value = (1 - redundancy) * np.asarray(scores)[candidates] - redundancy * overlap
        best = candidates[int(np.argmax(value))]
        candidates.remove(best)
        if max_words is not None:
            if words + lengths[best] > max_words:
                continue
            words += lengths[best]
        picked.append(best)
    return sorted(picked)


class Summarizer:
    """Extractive summaries of documents.

    Args:
        encoder: a `SentenceEncoder` with its preprocessor (e.g. the reference checkpoint's).
        redundancy: float in [0, 1]. How strongly maximal marginal relevance avoids
            sentences similar to those already picked (0: by score alone).
        batch_size: int. Sentences embedded per batch.

    Example:

    >>> summarizer = Summarizer(SentenceEncoder.from_checkpoint(path))  # doctest: +SKIP
    >>> [s.text for s in summarizer.summarize(document, k=3)]  # doctest: +SKIP
    """

    def __init__(self, encoder, redundancy=0.3, batch_size=64):
        if not 0.0 <= redundancy <= 1.0:
            raise ValueError(f"redundancy must be in [0, 1], got {redundancy}.")
        self.encoder = encoder
        self.redundancy = redundancy
        self.batch_size = batch_size

    def summarize(self, document: str, k=None, max_words=None) -> list[SummarySentence]:
        """The chosen sentences of `document`, in document order.

        Args:
            document: str. Sentences end at `.`, `!`, `?` or a line break.
            k: int or None. How many sentences.
            max_words: int or None. Or: as many as fit this many words (greedily).
        """
        if not isinstance(document, str):
            raise TypeError(f"document must be a str, got {type(document).__name__}.")
        if (k is None) == (max_words is None):
            raise ValueError("Give exactly one of k (sentences) or max_words (a budget).")
        if (k is not None and k < 1) or (max_words is not None and max_words < 1):
            raise ValueError(f"k and max_words must be >= 1, got k={k}, max_words={max_words}.")
        spans = sentence_spans(document)
        if not spans:
            return []
        texts = [document[a:b] for a, b in spans]
        embeddings = np.asarray(self.encoder.encode(texts, batch_size=self.batch_size))
        norms = np.linalg.norm(embeddings, axis=1, keepdims=True)
        embeddings = embeddings / np.maximum(norms, 1e-12)
        scores = centrality(embeddings)
        lengths = [len(t.split()) for t in texts]
        chosen = select_by_mmr(scores, embeddings, k, self.redundancy, lengths, max_words)
        return [
            SummarySentence(texts[i], spans[i][0], spans[i][1], float(scores[i])) for i in chosen
        ]
