"""Plain-text documents for pretraining, split into sentences.

A document is one file, or, with `blank_lines_separate_documents=True`, each block of a file
between two or more consecutive blank lines (in Project Gutenberg books: chapters, whose
headings stand between such breaks too; `min_document_words` joins a heading to its chapter).
Inside a document, paragraphs are separated by blank lines and their lines are joined with
spaces.

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


def iter_documents(paths, blank_lines_separate_documents=False, min_document_words=0):
    """Documents (lists of sentences) from text files, read one file at a time.

    For a pass over a corpus larger than memory (counting words for a vocabulary): only the
    file being read is held. Arguments and errors as `read_documents`; the "no text" error
    comes when the last file has been read.

    Example:

    >>> sentences = sum(len(d) for d in iter_documents(["books/"]))  # doctest: +SKIP
    """
    files = []
    for path in map(Path, paths):
        files.extend(sorted(path.glob("*.txt")) if path.is_dir() else [path])
    if not files:
        raise ValueError(f"No text files in {list(map(str, paths))}.")
    found = False
    for file in files:
        text = file.read_text(encoding="utf-8")
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        parts = DOCUMENT_BREAK.split(text) if blank_lines_separate_documents else [text]
        if min_document_words:
            parts = _join_short_blocks(parts, min_document_words)
        for document in map(document_sentences, parts):
            if document:
                found = True
                yield document
    if not found:
        raise ValueError(f"The files {[str(f) for f in files]} hold no text.")


def read_documents(
    paths, blank_lines_separate_documents=False, min_document_words=0
) -> list[list[str]]:
    """Documents (lists of sentences) from text files; empty documents are dropped.

    Args:
        paths: files, or directories whose `*.txt` files are read in name order.
        blank_lines_separate_documents: bool. Split each file at two or more blank lines.
        min_document_words: int. With `blank_lines_separate_documents`, a block of fewer
            words (a title, a chapter heading) joins the block after it (at the end of a
            file, the one before), as a paragraph of its own, instead of becoming a
            document: NSP draws its random B segments from random documents, and one made
            of a heading gives a short B that is easy to tell apart.

    Raises:
        ValueError: no `*.txt` file in `paths`, or no sentence in the files.

    Example:

    >>> read_documents(["books/"], True, min_document_words=50)  # doctest: +SKIP
    """
    return list(iter_documents(paths, blank_lines_separate_documents, min_document_words))


def _join_short_blocks(blocks, min_words):
    """`blocks` with each run of blocks under `min_words` words joined to the next block."""
    joined, pending, words = [], [], 0
    for block in blocks:
        pending.append(block)
        words += len(block.split())
        if words >= min_words:
            joined.append("\n\n".join(pending))
            pending, words = [], 0
    if pending:  # short blocks at the end join the last document (or are the only one)
        last = [joined.pop()] if joined else []
        joined.append("\n\n".join(last + pending))
    return joined
