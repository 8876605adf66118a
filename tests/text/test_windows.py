import pytest

from keras_bert_lib.text.windows import checked_stride, window_starts


def test_window_starts_step_by_doc_stride_until_the_end_is_covered():
    assert window_starts(20, 8, 4) == [0, 4, 8, 12]
    assert window_starts(8, 8, 4) == [0]
    assert window_starts(9, 8, 4) == [0, 4]
    assert window_starts(30, 8, 100) == [0, 8, 16, 24]  # stride beyond the room: no gaps
    assert window_starts(0, 8, 4) == [0]


def test_stride_defaults_to_half_a_window_and_is_checked():
    assert checked_stride(None, 8) == 4
    assert checked_stride(None, 1) == 1
    assert checked_stride(3, 8) == 3
    for bad in (0, 9, -1):
        with pytest.raises(ValueError, match=r"stride must be in \[1, 8\]"):
            checked_stride(bad, 8)
    with pytest.raises(ValueError, match="at least one wordpiece"):
        checked_stride(None, 0)
