"""Start/end logits of SQuAD windows -> one answer per question, cut from its context.

The rules of BERT's `run_squad.py`: in every window of a question, the `n_best` highest start
and end logits are paired; a pair is kept when both are context tokens, the start has its
max context in this window, `start <= end` and the span is at most `max_answer_length`
tokens. The pair with the highest `start + end` logit over all windows wins; its text is
`context[char_start(start):char_end(end)]`, so it keeps the original spelling, case and
accents. Its score is its softmax probability among the `n_best` best pairs.
"""

from __future__ import annotations

import numpy as np

from keras_bert_lib.models.squad_windows import SquadWindows

NO_ANSWER = {"text": "", "start": 0, "end": 0, "score": 0.0}
# `run_squad.py`'s defaults, shared by `BertSpanLabeler.answer` and the served QA head.
N_BEST = 20
MAX_ANSWER_LENGTH = 30


def _top(values, mask, count):
    candidates = np.nonzero(mask)[0]
    if len(candidates) > count:
        keep = np.argpartition(-values[candidates], count - 1)[:count]
        candidates = candidates[keep]
    return candidates


def _window_candidates(is_context, max_context, start_logits, end_logits, n_best, max_length):
    """`(score, start, end)` of the allowed pairs among one window's best starts and ends."""
    starts = _top(start_logits, is_context & max_context, n_best)
    ends = _top(end_logits, is_context, n_best)
    if len(starts) == 0 or len(ends) == 0:
        return []
    start_grid, end_grid = np.meshgrid(starts, ends, indexing="ij")
    valid = (end_grid >= start_grid) & (end_grid - start_grid < max_length)
    pairs = zip(start_grid[valid], end_grid[valid], strict=True)
    return [(float(start_logits[s] + end_logits[e]), int(s), int(e)) for s, e in pairs]


def best_answers(
    windows: SquadWindows,
    start_logits,
    end_logits,
    contexts,
    n_best=N_BEST,
    max_answer_length=MAX_ANSWER_LENGTH,
) -> list[dict]:
    """Per question, `{"text", "start", "end", "score"}` with `contexts[i][start:end] == text`.

    Args:
        windows: the `SquadWindows` the logits were computed on.
        start_logits, end_logits: float `[windows, length]` (length <= sequence_length).
        contexts: the questions' contexts, as given to `encode_squad`.
        n_best: starts and ends considered per window, and pairs in the score's softmax.
        max_answer_length: longest answer, in wordpieces.
    """
    start_logits, end_logits = np.asarray(start_logits), np.asarray(end_logits)
    if start_logits.shape != end_logits.shape or len(start_logits) != len(windows):
        raise ValueError(
            f"Logits of shapes {start_logits.shape} and {end_logits.shape} do not fit "
            f"{len(windows)} windows."
        )
    length = start_logits.shape[1]
    is_context = windows.char_start[:, :length] >= 0
    max_context = windows.max_context[:, :length]
    candidates = [[] for _ in contexts]
    for row, index in enumerate(windows.example):
        found = _window_candidates(
            is_context[row],
            max_context[row],
            start_logits[row],
            end_logits[row],
            n_best,
            max_answer_length,
        )
        candidates[index].extend((score, row, start, end) for score, start, end in found)
    answers = []
    for context, found in zip(contexts, candidates, strict=True):
        if not found:
            answers.append(dict(NO_ANSWER))
            continue
        found.sort(key=lambda candidate: -candidate[0])
        scores = np.array([c[0] for c in found[:n_best]])
        probabilities = np.exp(scores - scores[0])
        _, row, start, end = found[0]
        char_start, char_end = int(windows.char_start[row, start]), int(windows.char_end[row, end])
        answers.append(
            {
                "text": context[char_start:char_end],
                "start": char_start,
                "end": char_end,
                "score": float(probabilities[0] / probabilities.sum()),
            }
        )
    return answers
