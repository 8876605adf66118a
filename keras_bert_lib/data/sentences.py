"""The sentence rule of the pretraining documents (documented so that data can be rebuilt).

A sentence ends after `.`, `!` or `?` (plus any closing quotes or brackets) that is followed
by whitespace and then an uppercase letter, a digit or an opening quote or bracket; a
paragraph always ends a sentence. Abbreviations such as "Mr. Holmes" therefore split; the
original BERT data used whatever a line held, which is no better.
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
