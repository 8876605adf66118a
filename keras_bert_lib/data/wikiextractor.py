"""Articles of WikiExtractor output (`python -m wikiextractor.WikiExtractor`), the input the
original BERT README asks users to make from a Wikipedia dump.

The rules, so that data can be rebuilt:

- An article is a `<doc id=".." url=".." title="..">` line, its body lines, and `</doc>`.
  Body lines are paragraphs (one line each; blank lines are ignored). HTML entities, which
  WikiExtractor writes for `&`, `<`, `>` and quotes (`&amp;`), are decoded.
- The body's first paragraph is dropped when it repeats the title (WikiExtractor writes the
  title there).
- A section heading is a paragraph of at most `HEADING_MAX_WORDS` words that ends with a
  period and holds no other sentence end ("Early life.", "Professional career."). Headings
  are kept apart from the text: the paragraphs before the first one are the article's lead.
  A real sentence that short ("He died in 1900.") is taken for a heading and left out; on the
  bundled articles, 6-word paragraphs are sentences and 5-word ones almost all headings.
- `is_full_article` keeps an article whose text (paragraphs, headings excluded) has at least
  `min_characters` characters and `min_sentences` sentences: redirects and stubs (an empty
  body or a line or two) fall below the defaults (600 and 4, as the bundled corpus counts).

Files are read line by line: only the current article is held in memory.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from keras_bert_lib.data.sentences import split_sentences

HEADING_MAX_WORDS = 5
DOC_START = re.compile(r'<doc id="([^"]*)" url="([^"]*)" title="([^"]*)">\s*$')
DOC_END = "</doc>"


@dataclass(frozen=True)
class Section:
    """A heading (empty for the lead) and the paragraphs under it."""

    heading: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Article:
    """One `<doc>` of WikiExtractor output.

    Attributes:
        id: the page id.
        title: the title (HTML entities decoded).
        sections: the lead (heading "") first, then each headed section, in order.
    """

    id: str
    title: str
    sections: tuple[Section, ...]

    @property
    def lead(self) -> tuple[str, ...]:
        """The paragraphs before the first heading."""
        return self.sections[0].paragraphs if self.sections and not self.sections[0].heading else ()

    @property
    def paragraphs(self) -> list[str]:
        """Every paragraph, headings left out."""
        return [p for section in self.sections for p in section.paragraphs]

    def sentences(self) -> list[str]:
        """The text's sentences, paragraph after paragraph (titles and headings left out)."""
        return [s for paragraph in self.paragraphs for s in split_sentences(paragraph)]


def is_heading(paragraph: str) -> bool:
    """A section heading: at most `HEADING_MAX_WORDS` words, one sentence ending in '.'."""
    words = paragraph.split()
    return (
        0 < len(words) <= HEADING_MAX_WORDS
        and paragraph.endswith(".")
        and len(split_sentences(paragraph)) == 1
    )


def is_full_article(article: Article, min_characters=600, min_sentences=4) -> bool:
    """Not a redirect or a stub: enough text (see the module docstring)."""
    paragraphs = article.paragraphs
    if sum(len(p) for p in paragraphs) < min_characters:
        return False
    return len(article.sentences()) >= min_sentences


def iter_articles(path) -> iter:
    """The articles of one WikiExtractor file, in file order.

    Raises:
        ValueError: text outside a `<doc>`, a `<doc>` inside another, or one never closed,
            with the file and line number.

    Example:

    >>> [a.title for a in iter_articles("text/AA/wiki_00")]  # doctest: +SKIP
    ['Anarchism', ...]
    """
    path = Path(path)
    header, lines = None, []
    with path.open(encoding="utf-8") as file:
        for number, line in enumerate(file, start=1):
            line = line.rstrip("\n")
            start = DOC_START.match(line)
            if start:
                if header:
                    raise ValueError(
                        f"{path}:{number}: <doc> inside the <doc> of line {header[0]}."
                    )
                header, lines = (number, *start.groups()), []
            elif line.strip() == DOC_END:
                if not header:
                    raise ValueError(f"{path}:{number}: </doc> without a <doc>.")
                yield _article(header[1], html.unescape(header[3]), lines)
                header = None
            elif header:
                lines.append(line)
            elif line.strip():
                raise ValueError(f"{path}:{number}: text outside a <doc> ... </doc> block.")
    if header:
        raise ValueError(f"{path}: the <doc> of line {header[0]} is never closed.")


def _article(page_id, title, lines) -> Article:
    paragraphs = [" ".join(html.unescape(line).split()) for line in lines if line.strip()]
    if paragraphs and paragraphs[0] == " ".join(title.split()):
        paragraphs = paragraphs[1:]
    sections, heading, current = [], "", []
    for paragraph in paragraphs:
        if is_heading(paragraph):
            if current or heading:
                sections.append(Section(heading, tuple(current)))
            heading, current = paragraph, []
        else:
            current.append(paragraph)
    if current or heading:
        sections.append(Section(heading, tuple(current)))
    return Article(page_id, title, tuple(sections))


def looks_like_wikiextractor(path) -> bool:
    """Whether a file's first non-blank line opens a `<doc>`."""
    with Path(path).open(encoding="utf-8", errors="replace") as file:
        for line in file:
            if line.strip():
                return bool(DOC_START.match(line.rstrip("\n")))
    return False
