"""Logits -> answers: best pair over windows, the max-context and length rules, the text cut
from the original context."""

import numpy as np
import pytest

from keras_bert_lib import BertTokenizer
from keras_bert_lib.models.span_decoding import NO_ANSWER, best_answers
from keras_bert_lib.models.squad_windows import encode_squad

VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "q"] + [f"w{i}" for i in range(20)]
CONTEXT = "  W0 w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11 w12 w13 w14 w15 w16 w17 w18 w19"
OFFSET = 3  # [CLS] q [SEP]; windows over context tokens [0, 8), [4, 12), [8, 16), [12, 20)


@pytest.fixture(scope="module")
def windows():
    return encode_squad(BertTokenizer(VOCAB), ["q"], [CONTEXT], sequence_length=12, doc_stride=4)


def logits_with(windows, starts, ends):
    """Zero logits with the given `{(window, position): value}` raised."""
    start = np.zeros(windows.char_start.shape, np.float32)
    end = np.zeros(windows.char_start.shape, np.float32)
    for (row, position), value in starts.items():
        start[row, position] = value
    for (row, position), value in ends.items():
        end[row, position] = value
    return start, end


def decode(windows, starts, ends, **kwargs):
    start, end = logits_with(windows, starts, ends)
    return best_answers(windows, start, end, [CONTEXT], **kwargs)[0]


def test_best_pair_text_is_cut_from_the_original_context(windows):
    # Window 1, positions of context tokens 6..7 (both have their max context there).
    answer = decode(windows, {(1, OFFSET + 2): 5.0}, {(1, OFFSET + 3): 5.0})
    assert answer["text"] == "w6 w7" and CONTEXT[answer["start"] : answer["end"]] == "w6 w7"
    # The first token keeps its capital W; offsets count the leading spaces.
    first = decode(windows, {(0, OFFSET): 9.0}, {(0, OFFSET + 1): 9.0})
    assert first["text"] == "W0 w1" and first["start"] == 2


def test_the_highest_sum_across_windows_wins_and_score_is_a_probability(windows):
    answer = decode(
        windows,
        {(0, OFFSET + 2): 4.0, (3, OFFSET + 5): 6.0},  # tokens 2 and 17
        {(0, OFFSET + 3): 4.0, (3, OFFSET + 6): 6.0},  # tokens 3 and 18
    )
    assert answer["text"] == "w17 w18"
    assert 0.5 < answer["score"] < 1.0


def test_a_start_outside_its_max_context_window_is_not_used(windows):
    # Token 7 as the last token of window 0 is not its max context (window 1 is).
    answer = decode(windows, {(0, OFFSET + 7): 20.0}, {(0, OFFSET + 7): 20.0})
    assert answer["text"] != "w7"
    answer = decode(windows, {(1, OFFSET + 3): 20.0}, {(1, OFFSET + 3): 20.0})
    assert answer["text"] == "w7"


def test_end_before_start_question_tokens_and_too_long_spans_are_skipped(windows):
    # The best end comes before the best start: the best valid pair is used instead.
    answer = decode(windows, {(1, OFFSET + 4): 10.0}, {(1, OFFSET + 1): 10.0, (1, OFFSET + 6): 1})
    assert answer["text"] == "w8 w9 w10"
    # [CLS] and question positions are never part of an answer.
    answer = decode(windows, {(0, 0): 50.0, (0, 1): 50.0}, {(0, 0): 50.0, (0, 1): 50.0})
    assert answer["start"] >= 2
    # max_answer_length 2 forbids the 3-token span, so the start pairs with a nearer end.
    answer = decode(
        windows, {(1, OFFSET + 2): 10.0}, {(1, OFFSET + 4): 10.0, (1, OFFSET + 3): 1.0},
        max_answer_length=2,
    )  # fmt: skip
    assert answer["text"] == "w6 w7"


def test_question_without_windows_or_candidates_gets_the_empty_answer(windows):
    start, end = logits_with(windows, {}, {})
    answers = best_answers(windows, start, end, [CONTEXT, "unused"])
    assert answers[1] == NO_ANSWER


def test_logits_of_the_wrong_shape_are_rejected(windows):
    with pytest.raises(ValueError, match="do not fit 4 windows"):
        best_answers(windows, np.zeros((3, 12)), np.zeros((3, 12)), [CONTEXT])
