"""Entity-level precision, recall and F1 with the seqeval (conlleval) rules.

Entities are read from IOB2/IOBES tag sequences as seqeval's default mode does: a chunk
starts at `B-`/`S-`, or at any tag whose type differs from the previous tag's (so a stray
`I-X` after `O` starts an entity), and ends before `B-`/`S-`/`O` or a change of type, or
after `E-`/`S-`. Sentences are joined with an `O` between them. Scores are micro-averaged
over exact `(type, start, end)` matches.
"""

from __future__ import annotations


def _prefix_and_type(tag):
    if tag == "O":
        return "O", "_"
    return tag[0], tag[1:].split("-", maxsplit=1)[-1] or "_"


def _ends(previous_prefix, prefix, previous_type, entity_type):
    if previous_prefix in ("E", "S"):
        return True
    if previous_prefix in ("B", "I") and prefix in ("B", "S", "O"):
        return True
    return previous_prefix not in ("O", ".") and previous_type != entity_type


def _starts(previous_prefix, prefix, previous_type, entity_type):
    if prefix in ("B", "S"):
        return True
    if previous_prefix in ("E", "S", "O") and prefix in ("E", "I"):
        return True
    return prefix not in ("O", ".") and previous_type != entity_type


def entities(tags) -> list[tuple[str, int, int]]:
    """`(type, first, last)` spans (inclusive) of a tag sequence or a list of sentences."""
    if tags and isinstance(tags[0], (list, tuple)):
        tags = [tag for sentence in tags for tag in [*sentence, "O"]]
    spans, previous_prefix, previous_type, begin = [], "O", "", 0
    for index, tag in enumerate([*tags, "O"]):
        prefix, entity_type = _prefix_and_type(tag)
        if _ends(previous_prefix, prefix, previous_type, entity_type):
            spans.append((previous_type, begin, index - 1))
        if _starts(previous_prefix, prefix, previous_type, entity_type):
            begin = index
        previous_prefix, previous_type = prefix, entity_type
    return spans


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
