"""SQuAD v1.1 exact match and F1, with the official evaluation script's rules.

An answer is normalised by lowercasing, deleting ASCII punctuation, deleting the articles
"a", "an", "the" and collapsing whitespace; a prediction scores the maximum over the gold
answers of its question. Totals are percentages over every question, as the official
`evaluate-v1.1.py` prints them.
"""

from __future__ import annotations

import collections
import re
import string

_PUNCTUATION = set(string.punctuation)
_ARTICLES = re.compile(r"\b(a|an|the)\b")


def normalize_answer(text: str) -> str:
    """Lowercase, no punctuation, no articles, single spaces (the official order)."""
    text = "".join(ch for ch in text.lower() if ch not in _PUNCTUATION)
    return " ".join(_ARTICLES.sub(" ", text).split())


def exact_match(prediction: str, gold: str) -> float:
    return float(normalize_answer(prediction) == normalize_answer(gold))


def token_f1(prediction: str, gold: str) -> float:
    """Bag-of-tokens F1 between the normalised answers."""
    predicted, expected = normalize_answer(prediction).split(), normalize_answer(gold).split()
    common = collections.Counter(predicted) & collections.Counter(expected)
    same = sum(common.values())
    if same == 0:
        return 0.0
    precision, recall = same / len(predicted), same / len(expected)
    return 2 * precision * recall / (precision + recall)


def squad_scores(predictions: dict, gold_answers: dict) -> dict:
    """Exact match and F1 in percent over every question of `gold_answers`.

    Args:
        predictions: question id -> predicted answer text. A question without a
            prediction scores 0 (as in the official script).
        gold_answers: question id -> list of gold answer texts.

    Returns:
        `{"exact_match": ..., "f1": ..., "questions": n}`.

    Example:

    >>> squad_scores({"q1": "the Denver Broncos"}, {"q1": ["Denver Broncos"]})
    {'exact_match': 100.0, 'f1': 100.0, 'questions': 1}
    """
    if not gold_answers:
        raise ValueError("squad_scores() got no questions.")
    exact = f1 = 0.0
    for question_id, golds in gold_answers.items():
        if not golds:
            raise ValueError(f"Question {question_id!r} has no gold answer.")
        prediction = predictions.get(question_id)
        if prediction is None:
            continue
        exact += max(exact_match(prediction, gold) for gold in golds)
        f1 += max(token_f1(prediction, gold) for gold in golds)
    total = len(gold_answers)
    return {"exact_match": 100 * exact / total, "f1": 100 * f1 / total, "questions": total}
