"""The sentence rule of the pretraining documents (documented so that data can be rebuilt).

A sentence ends after `.`, `!` or `?` (plus any closing quotes or brackets) that is followed
by whitespace and then an uppercase letter, a digit or an opening quote or bracket; a
paragraph always ends a sentence. Abbreviations such as "Mr. Holmes" therefore split; the
original BERT data used whatever a line held, which is no better.

`sentence_spans` applies the same rule to a whole text without changing it, a line break
ending a paragraph, and returns character spans (what a summary cites).
"""

from __future__ import annotations

import re

SENTENCE_END = re.compile(r"(?<=[.!?])([\"'\u201d\u2019)\]]*)\s+(?=[\"'\u201c\u2018(\[A-Z0-9])")


def split_sentences(paragraph: str) -> list[str]:
    """Sentences of one paragraph, its whitespace folded (see the module docstring)."""
    text = " ".join(paragraph.split())
    if not text:
        return []
    sentences, start = [], 0
    for match in SENTENCE_END.finditer(text):
        end = match.start() + len(match.group(1))
        sentences.append(text[start:end])
        start = match.end()
    sentences.append(text[start:])
    return [s for s in sentences if s]


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """`(start, end)` of each sentence of `text`, `text[start:end]` without surrounding
    whitespace; every line is a paragraph. With whitespace folded, the sentences of a line
    are `split_sentences(line)`.

    Example:

    >>> text = "It rained. Then it stopped!\\nNew paragraph"
    >>> [text[a:b] for a, b in sentence_spans(text)]
    ['It rained.', 'Then it stopped!', 'New paragraph']
    """
    spans = []
    for line in re.finditer(r"[^\n]+", text):
        pieces, start = [], 0
        for match in SENTENCE_END.finditer(line.group()):
            end = match.start() + len(match.group(1))
            pieces.append((start, end))
            start = match.end()
        pieces.append((start, len(line.group())))
        for a, b in pieces:
            piece = line.group()[a:b]
            if piece.strip():
                lead = len(piece) - len(piece.lstrip())
                spans.append((line.start() + a + lead, line.start() + a + len(piece.rstrip())))
    return spans
