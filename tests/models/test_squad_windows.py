"""SQuAD questions -> windows: answer positions at window edges and across
windows, max-context marks, errors; and the features equal Hugging Face's `run_qa.py` on the
real dev split."""

import numpy as np
import pytest

from keras_bert_lib import BertTokenizer
from keras_bert_lib.data.squad import read_squad
from keras_bert_lib.models.squad_windows import encode_squad

VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "q", "golden"] + [f"w{i}" for i in range(20)]
CONTEXT = " ".join(f"w{i}" for i in range(20))  # 20 one-piece words
# sequence_length 12 with a one-piece question leaves 12 - 1 - 3 = 8 context tokens per
# window; doc_stride 4 gives windows over context tokens [0, 8), [4, 12), [8, 16), [12, 20).
OFFSET = 3  # [CLS] q [SEP]


def encode(answer_text, context=CONTEXT, question="q"):
    answer = (answer_text, context.index(answer_text))
    return encode_squad(
        BertTokenizer(VOCAB), [question], [context], [answer], sequence_length=12, doc_stride=4
    )


def test_packing_and_segments():
    windows = encode("w1")
    assert len(windows) == 4
    ids = windows.features["token_ids"]
    w = lambda i: VOCAB.index(f"w{i}")  # noqa: E731
    assert ids[1].tolist() == [2, 5, 3] + [w(i) for i in range(4, 12)] + [3]
    assert windows.features["segment_ids"][1].tolist() == [0] * 3 + [1] * 9
    assert ids[3].tolist()[-1] == 3 and windows.features["padding_mask"].min() == 1
    # Each context token's character span in the original text.
    assert CONTEXT[windows.char_start[1, 3] : windows.char_end[1, 3]] == "w4"
    assert (windows.char_start[:, :OFFSET] == -1).all() and (windows.char_start[:, -1] == -1).all()


def test_answer_inside_two_windows_and_outside_the_others():
    windows = encode("w7")  # context token 7: last of window 0, fourth of window 1
    assert windows.start_positions.tolist() == [OFFSET + 7, OFFSET + 3, 0, 0]
    assert windows.end_positions.tolist() == [OFFSET + 7, OFFSET + 3, 0, 0]


def test_answer_across_a_window_edge_is_only_labelled_where_it_is_whole():
    windows = encode("w6 w7 w8 w9")  # tokens 6-9: window 0 ends at 7, window 2 starts at 8
    assert windows.start_positions.tolist() == [0, OFFSET + 2, 0, 0]
    assert windows.end_positions.tolist() == [0, OFFSET + 5, 0, 0]


def test_answer_at_the_end_of_the_context():
    windows = encode("w19")
    assert windows.start_positions.tolist() == [0, 0, 0, OFFSET + 7]


def test_an_answer_inside_a_word_maps_to_the_whole_token():
    windows = encode("gold", context="golden w1")
    assert windows.start_positions.tolist() == [OFFSET] and windows.end_positions.tolist() == [
        OFFSET
    ]


def test_every_context_token_has_its_max_context_in_exactly_one_window():
    windows = encode("w1")
    marks = windows.max_context
    assert (marks.sum(0)[: OFFSET + 8] <= 4).all()
    positions = [(r, p) for r, p in zip(*np.nonzero(marks), strict=True)]
    tokens = [[0, 4, 8, 12][r] + p - OFFSET for r, p in positions]
    assert sorted(tokens) == list(range(20))  # each token exactly once
    # Token 7: min(7, 0) in window 0, min(3, 4) in window 1 -> window 1. Token 2: window 0
    # (the only one). Token 10: min(6,1) in w1, min(2,5) in w2, -: window 2.
    assert marks[1, OFFSET + 3] and not marks[0, OFFSET + 7]
    assert marks[0, OFFSET + 2] and marks[2, OFFSET + 2]


def test_empty_context_and_question_are_rejected():
    tokenizer = BertTokenizer(VOCAB)
    with pytest.raises(ValueError, match="Question 1 .*empty context"):
        encode_squad(tokenizer, ["q", "q"], ["w1", "  "])
    with pytest.raises(ValueError, match="Question 0 is empty"):
        encode_squad(tokenizer, [""], ["w1"])
    with pytest.raises(ValueError, match="no room"):
        encode_squad(tokenizer, ["q " * 20], ["w1"], sequence_length=8)
    with pytest.raises(ValueError, match="covers no token"):
        encode_squad(tokenizer, ["q"], ["w1  w2"], [(" ", 2)])


def hugging_face_features(tokenizer, example, max_length, stride):
    """Hugging Face `run_qa.py` `prepare_train_features` for one question."""
    encoded = tokenizer(
        example.question,
        example.context,
        truncation="only_second",
        max_length=max_length,
        stride=stride,
        return_overflowing_tokens=True,
        return_offsets_mapping=True,
    )
    text, start_char = example.answers[0]
    end_char = start_char + len(text)
    rows = []
    for i, offsets in enumerate(encoded["offset_mapping"]):
        sequence_ids = encoded.sequence_ids(i)
        first = sequence_ids.index(1)
        last = len(sequence_ids) - 1 - sequence_ids[::-1].index(1)
        if not (offsets[first][0] <= start_char and offsets[last][1] >= end_char):
            start = end = 0
        else:
            while first < len(offsets) and offsets[first][0] <= start_char:
                first += 1
            start = first - 1
            while offsets[last][1] >= end_char:
                last -= 1
            end = last + 1
        rows.append((encoded["input_ids"][i], encoded["token_type_ids"][i], start, end))
    return rows


# At 384 no dev context needs a second window; at 128 most need several. With
# `context_overlap` (and whole questions) the windows are Hugging Face's for the same stride.
@pytest.mark.parametrize(
    "sequence_length, doc_stride, context_overlap",
    [(384, 128, None), (128, 48, None), (128, None, 32)],
)
def test_features_equal_hugging_face_run_qa_on_the_dev_split(
    shared_data, reference_dir, sequence_length, doc_stride, context_overlap
):
    transformers = pytest.importorskip("transformers")
    hf = transformers.AutoTokenizer.from_pretrained(str(reference_dir))
    examples = read_squad(shared_data / "squad_v1.1" / "dev_split.json")
    windowing = (
        dict(doc_stride=doc_stride)
        if context_overlap is None
        else dict(context_overlap=context_overlap, max_query_length=None)
    )
    windows = encode_squad(
        BertTokenizer.from_checkpoint(reference_dir),
        [e.question for e in examples],
        [e.context for e in examples],
        [e.answers[0] for e in examples],
        sequence_length=sequence_length,
        **windowing,
    )
    multi = 0
    for index, example in enumerate(examples):
        rows = np.nonzero(windows.example == index)[0]
        question_length = len(hf(example.question, add_special_tokens=False)["input_ids"])
        # Hugging Face's stride is the overlap between windows; `doc_stride` is the step.
        overlap = context_overlap
        if overlap is None:
            overlap = sequence_length - min(question_length, 64) - 3 - doc_stride
        expected = hugging_face_features(hf, example, sequence_length, overlap)
        assert len(rows) == len(expected), example.question_id
        multi += len(rows) > 1
        for row, (ids, types, start, end) in zip(rows, expected, strict=True):
            length = int(windows.features["padding_mask"][row].sum())
            assert windows.features["token_ids"][row, :length].tolist() == ids
            assert windows.features["segment_ids"][row, :length].tolist() == types
            assert (windows.start_positions[row], windows.end_positions[row]) == (start, end)
    assert len(examples) == 1032
    assert multi > 500 if sequence_length == 128 else multi == 0


def test_context_overlap_is_shared_by_neighbouring_windows_whatever_the_question():
    tokenizer = BertTokenizer(VOCAB)
    context = " ".join(f"w{i}" for i in range(1, 10))
    for question in ("q", "q q q"):
        windows = encode_squad(
            tokenizer, [question], [context], sequence_length=12, context_overlap=2
        )
        room = 12 - len(question.split()) - 3
        firsts = [int(np.nonzero(row >= 0)[0][0]) for row in windows.char_start]
        starts = [int(windows.char_start[r, f]) for r, f in enumerate(firsts)]
        # Each window starts `room - 2` context pieces after the last ("w1 " is 3 chars).
        assert starts == [3 * step * (room - 2) for step in range(len(starts))]
    with pytest.raises(ValueError, match="context_overlap 5 leaves no new context"):
        encode_squad(tokenizer, ["q"], [context], sequence_length=8, context_overlap=5)


def test_max_query_length_none_keeps_the_whole_question():
    tokenizer = BertTokenizer(VOCAB)
    question = "q " * 6
    cut = encode_squad(tokenizer, [question], ["w1"], sequence_length=16, max_query_length=2)
    whole = encode_squad(tokenizer, [question], ["w1"], sequence_length=16, max_query_length=None)
    assert cut.features["padding_mask"].sum() == 1 + 2 + 1 + 1 + 1
    assert whole.features["padding_mask"].sum() == 1 + 6 + 1 + 1 + 1
