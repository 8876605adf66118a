"""WordPiece vocabularies: reading, validation and the special-token ids."""

from __future__ import annotations

import dataclasses
from pathlib import Path

SPECIAL_TOKENS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")


@dataclasses.dataclass(frozen=True)
class SpecialTokenIds:
    pad: int
    unk: int
    cls: int
    sep: int
    mask: int


def read_vocabulary(vocabulary) -> list[str]:
    """A vocabulary from a `vocab.txt` path (one token per line) or a list of tokens.

    Raises:
        ValueError: if it is empty, has an empty or duplicated token, or lacks a special token.
        FileNotFoundError: if the file does not exist.
    """
    if isinstance(vocabulary, (str, Path)):
        path = Path(vocabulary)
        if not path.is_file():
            raise FileNotFoundError(f"No vocabulary file at {path}.")
        tokens = path.read_text(encoding="utf-8").split("\n")
        if tokens and tokens[-1] == "":
            tokens.pop()
        source = str(path)
    elif isinstance(vocabulary, (list, tuple)):
        tokens = list(vocabulary)
        source = "the vocabulary list"
    else:
        raise TypeError(
            f"vocabulary must be a path or a list of strings, got {type(vocabulary).__name__}."
        )
    if not tokens:
        raise ValueError(f"The vocabulary from {source} is empty.")
    for index, token in enumerate(tokens):
        if not isinstance(token, str) or not token or token != token.strip():
            raise ValueError(f"Vocabulary entry {index} from {source} is invalid: {token!r}.")
    seen = {}
    for index, token in enumerate(tokens):
        if token in seen:
            raise ValueError(
                f"Token {token!r} appears twice in {source} (lines {seen[token] + 1} and "
                f"{index + 1})."
            )
        seen[token] = index
    missing = [token for token in SPECIAL_TOKENS if token not in seen]
    if missing:
        raise ValueError(f"The vocabulary from {source} lacks the special token(s) {missing}.")
    return tokens


def special_token_ids(tokens: list[str]) -> SpecialTokenIds:
    index = {token: i for i, token in enumerate(tokens)}
    return SpecialTokenIds(*(index[token] for token in SPECIAL_TOKENS))


def looks_lowercased(tokens: list[str]) -> bool:
    """True for an uncased vocabulary: no ordinary token has an uppercase letter."""
    return not any(
        token != token.lower()
        for token in tokens
        if not (token.startswith("[") and token.endswith("]"))
    )
