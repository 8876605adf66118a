"""Plain readers for the text formats of the public datasets: GLUE TSV, SQuAD JSON, raw text."""

from __future__ import annotations

import csv
import json
from pathlib import Path


def read_tsv(path: str | Path) -> list[dict]:
    """Rows of a GLUE-style TSV as dicts keyed by the header (a UTF-8 BOM is ignored).

    Quotes are ordinary characters in GLUE files (MRPC sentences start with `"`), so no
    quoting is applied.
    """
    path = Path(path)
    with path.open(encoding="utf-8-sig", newline="") as file:
        reader = csv.reader(file, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader, None)
        if header is None:
            raise ValueError(f"{path} is empty: expected a header row.")
        rows = []
        for line_number, fields in enumerate(reader, start=2):
            if len(fields) != len(header):
                raise ValueError(
                    f"{path}:{line_number}: {len(fields)} fields, the header has {len(header)}."
                )
            rows.append(dict(zip(header, fields, strict=True)))
    return rows


def squad_texts(path: str | Path) -> tuple[list[str], list[str]]:
    """`(questions, contexts)` of a SQuAD v1.1 JSON file, each context once."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))["data"]
    questions, contexts = [], []
    for article in data:
        for paragraph in article["paragraphs"]:
            contexts.append(paragraph["context"])
            questions.extend(qa["question"] for qa in paragraph["qas"])
    return questions, contexts


def text_lines(path: str | Path) -> list[str]:
    """The non-empty lines of a text file, without line endings (CRLF or LF)."""
    text = Path(path).read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip()]
