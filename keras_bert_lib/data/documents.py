"""Plain-text documents for pretraining, split into sentences.

A document is one file, or, with `blank_lines_separate_documents=True`, each block of a file
between two or more consecutive blank lines. Inside a document, paragraphs are separated by
blank lines and their lines are joined with spaces.

Sentence rule (documented so that data can be rebuilt): a sentence ends after `.`, `!` or
`?` (plus any closing quotes or brackets) that is followed by whitespace and then an
uppercase letter, a digit or an opening quote or bracket; a paragraph always ends a
sentence. Abbreviations such as "Mr. Holmes" therefore split; the original BERT data used
whatever a line held, which is no better.
"""

from __future__ import annotations

import re
from pathlib import Path

SENTENCE_END = re.compile(r"(?<=[.!?])([\"'\u201d\u2019)\]]*)\s+(?=[\"'\u201c\u2018(\[A-Z0-9])")
PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
DOCUMENT_BREAK = re.compile(r"\n\s*\n\s*\n")


def split_sentences(paragraph: str) -> list[str]:
    """Sentences of one paragraph (see the module docstring)."""
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


def document_sentences(text: str) -> list[str]:
    """The sentences of a document's text, paragraph after paragraph."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return [s for paragraph in PARAGRAPH_BREAK.split(text) for s in split_sentences(paragraph)]


def read_documents(paths, blank_lines_separate_documents=False) -> list[list[str]]:
    """Documents (lists of sentences) from text files; empty documents are dropped.

    Args:
        paths: files, or directories whose `*.txt` files are read in name order.
        blank_lines_separate_documents: bool. Split each file at two or more blank lines.
    """
    files = []
    for path in map(Path, paths):
        files.extend(sorted(path.glob("*.txt")) if path.is_dir() else [path])
    if not files:
        raise ValueError(f"No text files in {list(map(str, paths))}.")
    documents = []
    for file in files:
        text = file.read_text(encoding="utf-8")
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        parts = DOCUMENT_BREAK.split(text) if blank_lines_separate_documents else [text]
        documents.extend(d for d in map(document_sentences, parts) if d)
    if not documents:
        raise ValueError(f"The files {[str(f) for f in files]} hold no text.")
    return documents
