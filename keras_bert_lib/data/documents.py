"""Documents for pretraining and vocabulary learning: lists of sentences, read from plain
text or WikiExtractor files, one file at a time.

Files: a path may be a file or a directory; a directory is searched recursively for `*.txt`
files and files without an extension (WikiExtractor's `text/AA/wiki_00`), hidden ones
skipped, in path order.

Formats (`DocumentRules.input_format`; `"auto"` looks at each file's first non-blank line):

- `"wikiextractor"`: each article that `is_full_article` keeps is a document; titles and
  section headings are left out (`keras_bert_lib/data/wikiextractor.py` has the rules).
- `"text"`: a document is one file, or, with `blank_lines_separate_documents`, each block of
  a file between two or more consecutive blank lines (in Project Gutenberg books: chapters,
  whose headings stand between such breaks too; `min_document_words` joins a heading to its
  chapter). Inside a document, paragraphs are separated by blank lines and their lines are
  joined with spaces.

Sentences follow `keras_bert_lib/data/sentences.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from keras_bert_lib.data import wikiextractor
from keras_bert_lib.data.sentences import split_sentences

PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
DOCUMENT_BREAK = re.compile(r"\n\s*\n\s*\n")
INPUT_FORMATS = ("auto", "text", "wikiextractor")


@dataclass(frozen=True, kw_only=True)
class DocumentRules:
    """How files become documents.

    Args:
        input_format: `"auto"`, `"text"` or `"wikiextractor"` (see the module docstring).
        blank_lines_separate_documents: bool. Text files: split each file at two or more
            blank lines.
        min_document_words: int. With `blank_lines_separate_documents`, a block of fewer
            words (a title, a chapter heading) joins the block after it (at the end of a
            file, the one before), as a paragraph of its own, instead of becoming a
            document: NSP draws its random B segments from other documents, and one made
            of a heading gives a short B that is easy to tell apart.
        min_article_characters: int. WikiExtractor articles with less text are dropped.
        min_article_sentences: int. WikiExtractor articles with fewer sentences are dropped.

    Example:

    >>> rules = DocumentRules(blank_lines_separate_documents=True, min_document_words=50)
    """

    input_format: str = "auto"
    blank_lines_separate_documents: bool = False
    min_document_words: int = 0
    min_article_characters: int = 600
    min_article_sentences: int = 4

    def __post_init__(self):
        if self.input_format not in INPUT_FORMATS:
            raise ValueError(
                f"input_format must be one of {INPUT_FORMATS}, got {self.input_format!r}."
            )
        if self.min_document_words and not self.blank_lines_separate_documents:
            raise ValueError("min_document_words applies with blank_lines_separate_documents.")


def document_sentences(text: str) -> list[str]:
    """The sentences of a plain-text document, paragraph after paragraph."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return [s for paragraph in PARAGRAPH_BREAK.split(text) for s in split_sentences(paragraph)]


def corpus_files(paths) -> list[Path]:
    """The files `paths` name, directories searched as the module docstring says.

    Raises:
        ValueError: no file found.
    """
    files = []
    for path in map(Path, paths):
        if path.is_dir():
            found = (f for f in path.rglob("*") if f.is_file() and f.suffix in ("", ".txt"))
            files.extend(sorted(f for f in found if not _hidden(f.relative_to(path))))
        else:
            files.append(path)
    if not files:
        raise ValueError(f"No text files in {list(map(str, paths))}.")
    return files


def _hidden(relative: Path) -> bool:
    return any(part.startswith(".") for part in relative.parts)


def file_documents(path, rules: DocumentRules = DocumentRules()):
    """The documents (non-empty lists of sentences) of one file, in file order."""
    kind = rules.input_format
    if kind == "auto":
        kind = "wikiextractor" if wikiextractor.looks_like_wikiextractor(path) else "text"
    if kind == "wikiextractor":
        for article in wikiextractor.iter_articles(path):
            if wikiextractor.is_full_article(
                article, rules.min_article_characters, rules.min_article_sentences
            ):
                yield article.sentences()
        return
    text = Path(path).read_text(encoding="utf-8")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    parts = DOCUMENT_BREAK.split(text) if rules.blank_lines_separate_documents else [text]
    if rules.min_document_words:
        parts = _join_short_blocks(parts, rules.min_document_words)
    for document in map(document_sentences, parts):
        if document:
            yield document


def iter_documents(paths, rules: DocumentRules = DocumentRules()):
    """Documents (lists of sentences) of the files in `paths`, read one file at a time.

    Only the file being read is held (a WikiExtractor file: only the current article), so a
    pass over a corpus larger than memory works.

    Raises:
        ValueError: no file in `paths`, or no sentence in the files (when the last file has
            been read).

    Example:

    >>> sentences = sum(len(d) for d in iter_documents(["books/"]))  # doctest: +SKIP
    """
    files = corpus_files(paths)
    found = False
    for file in files:
        for document in file_documents(file, rules):
            found = True
            yield document
    if not found:
        raise ValueError(f"The files {[str(f) for f in files]} hold no text.")


def read_documents(paths, rules: DocumentRules = DocumentRules()) -> list[list[str]]:
    """`iter_documents` as a list.

    Example:

    >>> chapters = DocumentRules(blank_lines_separate_documents=True)
    >>> read_documents(["books/"], chapters)  # doctest: +SKIP
    """
    return list(iter_documents(paths, rules))


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
