"""Entities from a served `BertTokenClassifier`'s per-token outputs (`serving_default`)."""

from __future__ import annotations

import numpy as np

from keras_bert_lib.tags import entity_dicts


def _text(value):
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def entities_from_tokens(text, outputs, row=0) -> list[dict]:
    """Decodes one text's served tags into entities with character spans.

    Words are the wordpieces flagged `word_start` with their following pieces; entities
    follow the seqeval rules over the words' tags, as `BertTokenClassifier.predict_entities`.

    Args:
        text: str. The request's text of this row.
        outputs: dict of arrays from the served signature (`tags`, `scores`, `token_start`,
            `token_end`, `word_start`), e.g. `ServingClient.predict(texts)`.
        row: int. The row of `text` in the request.

    Returns:
        A list of `{"text", "type", "start", "end", "score"}` with `text[start:end]`.
    """
    starts = np.asarray(outputs["token_start"])[row]
    ends = np.asarray(outputs["token_end"])[row]
    word_start = np.asarray(outputs["word_start"])[row].astype(bool)
    tags = [_text(tag) for tag in np.asarray(outputs["tags"])[row]]
    scores = np.asarray(outputs["scores"])[row]
    firsts = np.nonzero(word_start)[0]
    spans, word_tags, word_scores = [], [], []
    for index, first in enumerate(firsts):
        stop = firsts[index + 1] if index + 1 < len(firsts) else len(starts)
        end = int(ends[first:stop].max())
        spans.append((int(starts[first]), end))
        word_tags.append(tags[first])
        word_scores.append(float(scores[first]))
    return entity_dicts(text, spans, word_tags, word_scores)
