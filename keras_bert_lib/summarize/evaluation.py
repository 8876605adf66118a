"""Summaries scored against references on Wikipedia: an article's lead (the paragraphs
before its first section heading) is a human-written summary of the rest.

ROUGE comes from Google's `rouge-score` package (the `test` extra), with the Porter stemmer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from keras_bert_lib.data.documents import corpus_files
from keras_bert_lib.data.sentences import split_sentences
from keras_bert_lib.data.wikiextractor import iter_articles

ROUGE_TYPES = ("rouge1", "rouge2", "rougeL")


@dataclass
class LeadBodyPair:
    """One article: its body (every section after the lead, a paragraph per line) and its
    lead, and how many sentences the lead has (the summary length k)."""

    title: str
    body: str
    lead: str
    lead_sentences: int


def lead_body_pairs(path, min_lead_sentences=2, min_body_sentences=10) -> list[LeadBodyPair]:
    """The (body, lead) pairs of the WikiExtractor articles under `path` whose lead has at
    least `min_lead_sentences` sentences and whose body has at least `min_body_sentences`.

    Example:

    >>> pairs = lead_body_pairs("../shared/data/wikipedia/valid")  # doctest: +SKIP
    """
    pairs = []
    for file in corpus_files([path]):
        for article in iter_articles(file):
            lead = list(article.lead)
            body = [p for s in article.sections if s.heading for p in s.paragraphs]
            lead_count = sum(len(split_sentences(p)) for p in lead)
            body_count = sum(len(split_sentences(p)) for p in body)
            if lead_count >= min_lead_sentences and body_count >= min_body_sentences:
                pairs.append(
                    LeadBodyPair(article.title, "\n".join(body), "\n".join(lead), lead_count)
                )
    return pairs


def rouge_f1(summary: str, reference: str) -> dict[str, float]:
    """ROUGE-1, ROUGE-2 and ROUGE-L F1 of `summary` against `reference` (stemmed)."""
    try:
        from rouge_score import rouge_scorer
    except ModuleNotFoundError as error:
        raise ModuleNotFoundError(
            "ROUGE needs rouge-score: pip install 'keras_bert_lib[test]'."
        ) from error
    scorer = rouge_scorer.RougeScorer(list(ROUGE_TYPES), use_stemmer=True)
    scores = scorer.score(reference, summary)
    return {name: scores[name].fmeasure for name in ROUGE_TYPES}


def paired_bootstrap(a, b, samples=10_000, seed=0) -> tuple[float, float, float]:
    """`(mean of a - b, 2.5th, 97.5th percentile)` of the mean paired difference over
    `samples` resamplings of the documents.

    Example:

    >>> mean, low, high = paired_bootstrap([0.3, 0.4, 0.5], [0.2, 0.2, 0.4])
    >>> round(mean, 4), low > 0
    (0.1333, True)
    """
    differences = np.asarray(a, float) - np.asarray(b, float)
    rng = np.random.default_rng(seed)
    means = differences[rng.integers(0, len(differences), (samples, len(differences)))].mean(1)
    low, high = np.percentile(means, [2.5, 97.5])
    return float(differences.mean()), float(low), float(high)
