"""`Summarizer`: the k best sentences of a document (or those that fit a word budget), in
document order, with their scores and character offsets.

Sentences are split by the rule of `data/sentences.py` (a line break ends a paragraph).
A `SentenceEncoder` embeds each sentence on its own (at most its `sequence_length`
wordpieces), so a document of any length is read whole. The scoring runs as one TensorFlow
function (`sentence_scoring.py`), the one the exported SavedModel runs (`serving.py`).

Unsupervised (`Summarizer(sentence_encoder)`): a sentence's score adds three kinds of
evidence of what the document is about (`sentence_scoring.unsupervised_scores`): its
position-aware centrality (PacSum, `layers.sentence_features.forward_centrality`: how
similar the sentences after it are to it, above a threshold), and, at `word_weight` and
`name_weight`, how much of the document's recurring vocabulary and of its most frequent
names it uses (`lexical_salience.py`). Sentences are picked by maximal marginal relevance
(Carbonell and Goldstein, 1998): the next is the one with the highest `(1 - redundancy) *
score - redundancy * (its largest cosine to a picked one)`, so a sentence that repeats a
chosen one loses to one that adds something. The defaults were chosen on the 983 training
articles of `../shared/data/wikipedia` (mean ROUGE-2 against their leads): the first k
sentences score 0.0837, centrality alone (`word_weight=name_weight=0`) 0.0935, with the
words 0.0957, with the names as well 0.1002. The surface is flat around the defaults
(threshold 0.5-0.6, redundancy 0-0.3, word weight 0.5-1, name weight 1-1.5 all within
0.0015), and the names count most: they carry the article's subject, which its lead is about.

Supervised (`Summarizer(sentence_encoder, scorer=...)`, an `InterSentenceScorer` trained on
oracle labels by `tools/train_summarizer.py`): inter-sentence Transformer layers over the
whole document's sentence embeddings (BertSum) give each sentence a probability of being in
the summary, and the same maximal marginal relevance picks by it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import tensorflow as tf

from keras_bert_lib.data.sentences import sentence_spans
from keras_bert_lib.summarize.sentence_scoring import sentence_scoring


@dataclass
class SummarySentence:
    """One chosen sentence: `document[start:end] == text`."""

    text: str
    start: int
    end: int
    score: float


def select_by_mmr(scores, similarity, k, redundancy, lengths=None, max_words=None) -> list[int]:
    """Indexes picked by maximal marginal relevance, in document order.

    Args:
        scores: float `[sentences]`: how much each sentence belongs in the summary.
        similarity: `[sentences, sentences]` cosine similarities.
        k: int or None. How many to pick.
        redundancy: float in [0, 1]. Weight of the similarity to what is picked.
        lengths: words per sentence, with `max_words`: pick while the total fits.
        max_words: int or None.

    Example:

    >>> select_by_mmr(np.array([0.9, 0.8, 0.1]), np.eye(3), k=2, redundancy=0.5)
    [0, 1]
    """
    picked, words = [], 0
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
        scorer: None (unsupervised), or an `InterSentenceScorer` trained on this encoder's
            embeddings (supervised).
        redundancy: float in [0, 1]. How strongly maximal marginal relevance avoids
            sentences similar to those already picked (0: by score alone).
        threshold: float in [0, 1). The edge threshold of the unsupervised centrality.
        word_weight: float >= 0. Unsupervised: the weight of `word_salience`.
        name_weight: float >= 0. Unsupervised: the weight of `name_coverage`.

    Example:

    >>> summarizer = Summarizer(SentenceEncoder.from_checkpoint(path))  # doctest: +SKIP
    >>> [s.text for s in summarizer.summarize(document, k=3)]  # doctest: +SKIP
    >>> trained = keras.saving.load_model("runs/summarizer/scorer.keras")  # doctest: +SKIP
    >>> Summarizer(SentenceEncoder.from_checkpoint(path), scorer=trained)  # doctest: +SKIP
    """

    def __init__(
        self, encoder, scorer=None, redundancy=0.1, threshold=0.5, word_weight=0.5, name_weight=1.0
    ):
        if not 0.0 <= redundancy <= 1.0:
            raise ValueError(f"redundancy must be in [0, 1], got {redundancy}.")
        if not 0.0 <= threshold < 1.0:
            raise ValueError(f"threshold must be in [0, 1), got {threshold}.")
        if word_weight < 0 or name_weight < 0:
            raise ValueError(
                f"word_weight and name_weight must be >= 0, got {word_weight}, {name_weight}."
            )
        self.encoder = encoder
        self.scorer = scorer
        self.redundancy = redundancy
        self.threshold = threshold
        self.word_weight = word_weight
        self.name_weight = name_weight
        # Traced once: a document's sentences in, scores and similarities out.
        self._score = tf.function(
            self.scoring(), input_signature=[tf.TensorSpec([None], tf.string)]
        )

    def scoring(self):
        """This summarizer's in-graph `sentence_scoring` function (also what it exports)."""
        return sentence_scoring(
            self.encoder, self.scorer, self.threshold, self.word_weight, self.name_weight
        )

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
        scored = self._score(tf.constant(texts))
        scores, similarity = scored["scores"].numpy(), scored["similarity"].numpy()
        lengths = [len(t.split()) for t in texts]
        chosen = select_by_mmr(scores, similarity, k, self.redundancy, lengths, max_words)
        return [
            SummarySentence(texts[i], spans[i][0], spans[i][1], float(scores[i])) for i in chosen
        ]
