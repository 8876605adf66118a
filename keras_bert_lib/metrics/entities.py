"""Entity-level precision, recall and F1 with the seqeval (conlleval) rules.

Entities are read by `keras_bert_lib.tags.entities` (IOB2/IOBES, seqeval's default mode),
sentences joined with an `O` between them. Scores are micro-averaged over exact
`(type, start, end)` matches.
"""

from __future__ import annotations

from keras_bert_lib.tags import entities


def entity_scores(true_tags, predicted_tags) -> dict[str, float]:
    """Micro precision, recall and F1 over entities; lists of sentences of tags.

    Example:

    >>> entity_scores([["B-PER", "I-PER", "O"]], [["B-PER", "I-PER", "B-LOC"]])
    {'precision': 0.5, 'recall': 1.0, 'f1': 0.6666666666666666}
    """
    if len(true_tags) != len(predicted_tags):
        raise ValueError(f"{len(true_tags)} true and {len(predicted_tags)} predicted sentences.")
    for index, (true, predicted) in enumerate(zip(true_tags, predicted_tags, strict=True)):
        if len(true) != len(predicted):
            raise ValueError(
                f"Sentence {index}: {len(true)} true tags but {len(predicted)} predicted."
            )
    true_set, predicted_set = set(entities(true_tags)), set(entities(predicted_tags))
    correct = len(true_set & predicted_set)
    precision = correct / len(predicted_set) if predicted_set else 0.0
    recall = correct / len(true_set) if true_set else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}
