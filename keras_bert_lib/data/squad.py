"""SQuAD v1.1 JSON files: `read_squad` -> `SquadExample`s (question, context, answers).

Packing questions and contexts into windows is the span labeler's
(`models/squad_windows.py`)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class SquadExample:
    """One question about one context.

    Attributes:
        question_id: str.
        question: str.
        context: str.
        answers: list of `(text, character start)`; empty for a question to answer.
    """

    question_id: str
    question: str
    context: str
    answers: list = field(default_factory=list)

    @property
    def answer_texts(self) -> list[str]:
        return [text for text, _ in self.answers]


def read_squad(path) -> list[SquadExample]:
    """Reads a SQuAD v1.1 JSON file (`{"data": [{"paragraphs": [{"context", "qas"}]}]}`).

    Every answer must be the context's text at its `answer_start`; one that is not is named.
    """
    path = Path(path)
    try:
        articles = json.loads(path.read_text(encoding="utf-8"))["data"]
    except (json.JSONDecodeError, KeyError, TypeError) as error:
        raise ValueError(f"{path} is not a SQuAD JSON file: {error}") from None
    examples = []
    for article in articles:
        for paragraph in article["paragraphs"]:
            context = paragraph["context"]
            for qa in paragraph["qas"]:
                answers = []
                for answer in qa.get("answers", []):
                    text, start = answer["text"], int(answer["answer_start"])
                    if context[start : start + len(text)] != text:
                        raise ValueError(
                            f"{path}: question {qa['id']!r}: answer {text!r} is not the "
                            f"context's text at answer_start {start}."
                        )
                    answers.append((text, start))
                examples.append(SquadExample(qa["id"], qa["question"], context, answers))
    if not examples:
        raise ValueError(f"{path} holds no questions.")
    return examples
