"""SQuAD windows: questions and contexts to packed windows with answer positions.

A question and its context are packed as `[CLS] question [SEP] context-window [SEP]`
(segments 0 and 1). The question keeps at most `max_query_length` wordpieces (all of them
with None); a context longer than the room left is cut into windows whose starts are
`doc_stride` wordpieces apart (the original BERT `run_squad.py` rule, so consecutive windows
overlap by the room minus `doc_stride`). With `context_overlap` instead, consecutive windows
share that many context wordpieces whatever the question's length (the meaning of `stride`
in Hugging Face tokenizers and its `run_qa.py`). Character offsets from the tokenizer map
each answer's character span to token positions, and each context token to its span in the
original text. A window that does not hold the whole answer points both positions at
`[CLS]` (position 0).

Each context token is marked as having its "max context" in the one window where
`min(tokens to its left, tokens to its right) + 0.01 * window length` is largest, so
decoding can use each token from a single window (see `models/span_decoding.py`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import tensorflow as tf

from keras_bert_lib.text.windows import window_starts


@dataclass
class SquadWindows:
    """Packed windows of a batch of questions.

    Attributes:
        features: dict of int32 `[windows, sequence_length]`: `token_ids`, `segment_ids`,
            `padding_mask`.
        example: int `[windows]`: the question each window belongs to.
        char_start, char_end: int `[windows, sequence_length]`: each context token's span
            in its context (`context[start:end]`); -1 for question, special and padding.
        max_context: bool `[windows, sequence_length]`: the token has its max context here.
        start_positions, end_positions: int32 `[windows]` answer token positions (0 when
            the window does not hold the answer), or None without answers.
    """

    features: dict
    example: np.ndarray
    char_start: np.ndarray
    char_end: np.ndarray
    max_context: np.ndarray
    start_positions: np.ndarray | None = None
    end_positions: np.ndarray | None = None

    def __len__(self):
        return len(self.example)

    @property
    def labels(self) -> dict:
        """Training targets, keyed like `BertSpanLabeler`'s outputs."""
        if self.start_positions is None:
            raise ValueError("These windows were encoded without answers.")
        return {"start_logits": self.start_positions, "end_logits": self.end_positions}


def answer_token_span(starts, ends, answer_start, answer_end):
    """First and last context token overlapping characters `[answer_start, answer_end)`."""
    first = int(np.searchsorted(ends, answer_start, side="right"))
    last = int(np.searchsorted(starts, answer_end, side="left")) - 1
    if first > last:
        raise ValueError(
            f"The answer at characters [{answer_start}, {answer_end}) covers no token."
        )
    return first, last


def _tokenize_with_offsets(tokenizer, texts):
    unique = list(dict.fromkeys(texts))
    ids, starts, ends = tokenizer.tokenize_with_offsets(tf.constant(unique, tf.string))
    table = {
        text: (np.asarray(i, np.int32), np.asarray(s, np.int64), np.asarray(e, np.int64))
        for text, i, s, e in zip(
            unique, ids.to_list(), starts.to_list(), ends.to_list(), strict=True
        )
    }
    return [table[text] for text in texts]


def encode_squad(
    tokenizer,
    questions,
    contexts,
    answers=None,
    sequence_length=384,
    doc_stride=128,
    max_query_length=64,
    context_overlap=None,
) -> SquadWindows:
    """Packs questions with their contexts into windows (see the module docstring).

    Args:
        tokenizer: a `BertTokenizer` in mode "exact" (offsets are needed).
        questions: list of str.
        contexts: list of str, one per question.
        answers: None, or per question `(answer text, character start)` to train on.
        sequence_length: int. Packed window length.
        doc_stride: int. Wordpieces between the starts of consecutive windows.
        max_query_length: int, or None to keep whole questions. The question's wordpieces
            beyond this are dropped.
        context_overlap: None, or int: context wordpieces shared by consecutive windows
            (then `doc_stride` is not used).

    Returns:
        `SquadWindows`.
    """
    questions, contexts = list(questions), list(contexts)
    _check_inputs(questions, contexts, answers, doc_stride, context_overlap)
    question_ids = [
        np.asarray(q, np.int32)[:max_query_length]
        for q in tokenizer.tokenize(tf.constant(questions, tf.string)).to_list()
    ]
    context_tokens = _tokenize_with_offsets(tokenizer, contexts)

    rows = []  # (example, question ids, context ids, starts, ends, first, count, answer)
    for index, (question, (tokens, starts, ends)) in enumerate(
        zip(question_ids, context_tokens, strict=True)
    ):
        if len(tokens) == 0:
            raise ValueError(f"Question {index}'s context has no tokens.")
        room = sequence_length - len(question) - 3
        stride = _context_stride(room, len(question), sequence_length, doc_stride, context_overlap)
        answer_tokens = None
        if answers is not None:
            text, char_start = answers[index]
            answer_tokens = answer_token_span(starts, ends, char_start, char_start + len(text))
        for first in window_starts(len(tokens), room, stride):
            count = min(room, len(tokens) - first)
            rows.append((index, question, tokens, starts, ends, first, count, answer_tokens))
    return _pack_rows(rows, tokenizer.special_ids, sequence_length, answers is not None)


def _check_inputs(questions, contexts, answers, doc_stride, context_overlap):
    if len(questions) != len(contexts):
        raise ValueError(f"{len(questions)} questions but {len(contexts)} contexts.")
    if answers is not None and len(answers) != len(questions):
        raise ValueError(f"{len(questions)} questions but {len(answers)} answers.")
    if doc_stride < 1:
        raise ValueError(f"doc_stride must be >= 1, got {doc_stride}.")
    if context_overlap is not None and context_overlap < 0:
        raise ValueError(f"context_overlap must be >= 0, got {context_overlap}.")
    for index, (question, context) in enumerate(zip(questions, contexts, strict=True)):
        if not context.strip():
            raise ValueError(f"Question {index} ({question!r}) has an empty context.")
        if not question.strip():
            raise ValueError(f"Question {index} is empty.")


def _context_stride(room, question_length, sequence_length, doc_stride, context_overlap):
    """Context pieces between window starts, for `room` context pieces per window."""
    if room < 1:
        raise ValueError(
            f"sequence_length {sequence_length} leaves no room for the context after "
            f"a {question_length}-piece question; lower max_query_length."
        )
    if context_overlap is None:
        return doc_stride
    if context_overlap >= room:
        raise ValueError(
            f"context_overlap {context_overlap} leaves no new context per window "
            f"after a {question_length}-piece question ({room} pieces of room)."
        )
    return room - context_overlap


def _pack_rows(rows, ids, sequence_length, with_answers) -> SquadWindows:
    """`[CLS] question [SEP] context-window [SEP]` rows with offsets and answer positions."""
    n = len(rows)
    token_ids = np.full((n, sequence_length), ids.pad, np.int32)
    segment_ids = np.zeros((n, sequence_length), np.int32)
    padding_mask = np.zeros((n, sequence_length), np.int32)
    char_start = np.full((n, sequence_length), -1, np.int64)
    char_end = np.full((n, sequence_length), -1, np.int64)
    example = np.zeros(n, np.int64)
    window_spans = []  # (example, first context token, count, offset of context in row)
    start_positions = np.zeros(n, np.int32) if with_answers else None
    end_positions = np.zeros(n, np.int32) if with_answers else None
    for row, (index, question, tokens, starts, ends, first, count, answer) in enumerate(rows):
        offset = len(question) + 2  # [CLS] question [SEP]
        stop = offset + count
        example[row] = index
        token_ids[row, 0] = ids.cls
        token_ids[row, 1 : offset - 1] = question
        token_ids[row, offset - 1] = ids.sep
        token_ids[row, offset:stop] = tokens[first : first + count]
        token_ids[row, stop] = ids.sep
        segment_ids[row, offset : stop + 1] = 1
        padding_mask[row, : stop + 1] = 1
        char_start[row, offset:stop] = starts[first : first + count]
        char_end[row, offset:stop] = ends[first : first + count]
        window_spans.append((index, first, count, offset))
        if answer is not None and first <= answer[0] and answer[1] < first + count:
            start_positions[row] = offset + answer[0] - first
            end_positions[row] = offset + answer[1] - first
    features = {"token_ids": token_ids, "segment_ids": segment_ids, "padding_mask": padding_mask}
    return SquadWindows(
        features,
        example,
        char_start,
        char_end,
        _max_context(window_spans, sequence_length),
        start_positions,
        end_positions,
    )


def _max_context(window_spans, sequence_length) -> np.ndarray:
    """BERT's `_check_is_max_context` for every context token of every window."""
    marks = np.zeros((len(window_spans), sequence_length), bool)
    best = {}  # (example, context token) -> (score, row, position)
    for row, (index, first, count, offset) in enumerate(window_spans):
        for i in range(count):
            score = min(i, count - 1 - i) + 0.01 * count
            key = (index, first + i)
            if key not in best or score > best[key][0]:
                best[key] = (score, row, offset + i)
    for _, row, position in best.values():
        marks[row, position] = True
    return marks
