"""Reader for CoNLL-style column files (NER): one token per line, tags in a column.

Rules:
- a line whose first column is `-DOCSTART-` separates documents and is skipped;
- a blank or whitespace-only line ends a sentence (WNUT-2017's train file separates the
  sentences of a tweet with a line holding one TAB);
- columns are split on whitespace (TABs or spaces); `token_column` and `tag_column` pick the
  columns (negative indexes count from the end);
- `tag_map` renames entity types (`{"person": "PER"}`; `B-person` -> `B-PER`), types it
  maps to None become `O`;
- `scheme="IOB1"` input (a chunk starts with `I-` unless it follows a chunk of the same type)
  is converted to IOB2 (BIO: every chunk starts with `B-`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from keras_bert_lib.tags import split_tag

DOCSTART = "-DOCSTART-"
SCHEMES = ("IOB2", "IOB1")


@dataclass
class TaggedSentence:
    """One sentence: its words and their IOB2 tags (`O`, `B-TYPE`, `I-TYPE`)."""

    words: list[str]
    tags: list[str]


def iob1_to_iob2(tags: list[str]) -> list[str]:
    """IOB1 tags to IOB2: an `I-X` that does not continue a chunk of type X becomes `B-X`."""
    converted, previous_type = [], None
    for tag in tags:
        prefix, entity_type = split_tag(tag)
        if prefix == "I" and entity_type != previous_type:
            tag = f"B-{entity_type}"
        converted.append(tag)
        previous_type = entity_type
    return converted


def _mapped(tag, tag_map):
    prefix, entity_type = split_tag(tag)
    if prefix == "O" or tag_map is None or entity_type not in tag_map:
        return tag
    new_type = tag_map[entity_type]
    return "O" if new_type is None else f"{prefix}-{new_type}"


def read_conll(
    path, token_column=0, tag_column=-1, tag_map=None, scheme="IOB2"
) -> list[TaggedSentence]:
    """Sentences of a CoNLL column file (see the module docstring for the rules).

    Args:
        path: the file (UTF-8).
        token_column: int. The column holding the word.
        tag_column: int. The column holding the tag.
        tag_map: dict or None. Entity type renames (to None: dropped to `O`).
        scheme: `"IOB2"` or `"IOB1"` (converted to IOB2).

    Returns:
        A list of `TaggedSentence`, in file order, none empty.

    Example:

    >>> read_conll("wnut17train.conll")[0].words[:3]  # doctest: +SKIP
    ['@paulwalk', 'It', "'s"]
    """
    if scheme not in SCHEMES:
        raise ValueError(f"scheme must be one of {SCHEMES}, got {scheme!r}.")
    sentences, words, tags = [], [], []

    def finish():
        if words:
            final = iob1_to_iob2(tags) if scheme == "IOB1" else list(tags)
            sentences.append(TaggedSentence(list(words), [_mapped(t, tag_map) for t in final]))
        words.clear()
        tags.clear()

    with open(path, encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            columns = line.split()
            if not columns:
                finish()
                continue
            if columns[0] == DOCSTART:
                finish()
                continue
            try:
                word, tag = columns[token_column], columns[tag_column]
                split_tag(tag)
            except (IndexError, ValueError) as error:
                raise ValueError(f"{path}:{number}: {error} Line: {line.rstrip()!r}") from None
            words.append(word)
            tags.append(tag)
    finish()
    if not sentences:
        raise ValueError(f"{Path(path)} holds no tagged tokens.")
    return sentences
