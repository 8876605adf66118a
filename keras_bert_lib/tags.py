"""Entity tags: the one parser of tag names, entities read from tag sequences, and the entity
dicts that prediction and serving return.

Entities are read from IOB2/IOBES tag sequences as seqeval's default mode (conlleval) does: a
chunk starts at `B-`/`S-`, or at any tag whose type differs from the previous tag's (so a
stray `I-X` after `O` starts an entity), and ends before `B-`/`S-`/`O` or a change of type,
or after `E-`/`S-`.
"""

from __future__ import annotations

IOB2 = "BI"
IOBES = "BIES"


def split_tag(tag: str, prefixes: str = IOB2) -> tuple[str, str | None]:
    """`"B-PER"` -> `("B", "PER")`; `"O"` -> `("O", None)`.

    Args:
        tag: str. A tag name.
        prefixes: str. The chunk prefixes accepted: `IOB2` ("BI", what the models train on)
            or `IOBES` ("BIES", also read by the entity metrics).

    Raises:
        ValueError: naming the tag, when it is not `O` or `PREFIX-TYPE`.

    Example:

    >>> split_tag("I-LOC")
    ('I', 'LOC')
    """
    if tag == "O":
        return "O", None
    prefix, separator, entity_type = tag.partition("-")
    if not separator or prefix not in prefixes or len(prefix) != 1 or not entity_type:
        *others, last = [f"{p}-TYPE" for p in prefixes]
        raise ValueError(f"Tag {tag!r} is not O, {', '.join(others)} or {last}.")
    return prefix, entity_type


def _ends(previous_prefix, prefix, previous_type, entity_type):
    if previous_prefix in ("E", "S"):
        return True
    if previous_prefix in ("B", "I") and prefix in ("B", "S", "O"):
        return True
    return previous_prefix != "O" and previous_type != entity_type


def _starts(previous_prefix, prefix, previous_type, entity_type):
    if prefix in ("B", "S"):
        return True
    if previous_prefix in ("E", "S", "O") and prefix in ("E", "I"):
        return True
    return prefix != "O" and previous_type != entity_type


def entities(tags) -> list[tuple[str, int, int]]:
    """`(type, first, last)` spans (inclusive) of a tag sequence, or of a list of sentences
    joined with an `O` between them.

    Example:

    >>> entities(["B-PER", "I-PER", "O", "I-LOC"])
    [('PER', 0, 1), ('LOC', 3, 3)]
    """
    if tags and isinstance(tags[0], (list, tuple)):
        tags = [tag for sentence in tags for tag in [*sentence, "O"]]
    spans, previous_prefix, previous_type, begin = [], "O", None, 0
    for index, tag in enumerate([*tags, "O"]):
        prefix, entity_type = split_tag(tag, IOBES)
        if _ends(previous_prefix, prefix, previous_type, entity_type):
            spans.append((previous_type, begin, index - 1))
        if _starts(previous_prefix, prefix, previous_type, entity_type):
            begin = index
        previous_prefix, previous_type = prefix, entity_type
    return spans


def entity_dicts(text, word_spans, word_tags, word_scores) -> list[dict]:
    """The entities of one text's tagged words, with character spans.

    Args:
        text: str. The text the words come from.
        word_spans: `(start, end)` character spans of the words in `text`.
        word_tags: the words' tag names.
        word_scores: the words' tag probabilities.

    Returns:
        A list of `{"text", "type", "start", "end", "score"}`: `text[start:end]` is the entity
        and `score` the mean probability of its words' tags.

    Example:

    >>> entity_dicts("Ada Lovelace wrote", [(0, 3), (4, 12), (13, 18)],
    ...              ["B-PER", "I-PER", "O"], [0.9, 0.7, 0.99])[0]["text"]
    'Ada Lovelace'
    """
    found = []
    for entity_type, first, last in entities(list(word_tags)):
        start, end = word_spans[first][0], word_spans[last][1]
        scores = [float(s) for s in word_scores[first : last + 1]]
        found.append(
            {
                "text": text[start:end],
                "type": entity_type,
                "start": start,
                "end": end,
                "score": sum(scores) / len(scores),
            }
        )
    return found
