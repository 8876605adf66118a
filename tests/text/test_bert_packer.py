import numpy as np
import pytest
import tensorflow as tf

from keras_bert_lib.text import BertPacker
from keras_bert_lib.text.bert_packer import truncated_lengths
from tests.harness import assert_config_round_trip

CLS, SEP, PAD = 101, 102, 0


def packer(length, truncation="longest_first"):
    return BertPacker(length, cls_id=CLS, sep_id=SEP, pad_id=PAD, truncation=truncation)


def test_single_segment_packing_and_truncation():
    ids = tf.ragged.constant([[1, 2, 3], [4, 5, 6, 7, 8, 9], []])
    out = {k: v.numpy() for k, v in packer(6)(ids).items()}
    np.testing.assert_array_equal(
        out["token_ids"],
        [
            [CLS, 1, 2, 3, SEP, PAD],
            [CLS, 4, 5, 6, 7, SEP],
            [CLS, SEP, PAD, PAD, PAD, PAD],
        ],
    )
    np.testing.assert_array_equal(
        out["padding_mask"], [[1, 1, 1, 1, 1, 0], [1, 1, 1, 1, 1, 1], [1, 1, 0, 0, 0, 0]]
    )
    assert not out["segment_ids"].any()


def test_pair_packing_with_segment_ids():
    a = tf.ragged.constant([[1, 2], [3]])
    b = tf.ragged.constant([[4], [5, 6, 7]])
    out = {k: v.numpy() for k, v in packer(8)((a, b)).items()}
    np.testing.assert_array_equal(
        out["token_ids"],
        [
            [CLS, 1, 2, SEP, 4, SEP, PAD, PAD],
            [CLS, 3, SEP, 5, 6, 7, SEP, PAD],
        ],
    )
    np.testing.assert_array_equal(
        out["segment_ids"],
        [
            [0, 0, 0, 0, 1, 1, 0, 0],
            [0, 0, 0, 1, 1, 1, 1, 0],
        ],
    )
    np.testing.assert_array_equal(
        out["padding_mask"],
        [
            [1, 1, 1, 1, 1, 1, 0, 0],
            [1, 1, 1, 1, 1, 1, 1, 0],
        ],
    )


@pytest.mark.parametrize(
    "truncation, a, b, budget, expected",
    [
        # Hugging Face tokenizers: the longer is cut to what the shorter leaves ...
        ("longest_first", 2, 10, 5, (2, 3)),
        ("longest_first", 10, 2, 5, (3, 2)),
        # ... both cut: budget // 2 each, the odd token to the longer (the second on ties).
        ("longest_first", 10, 10, 5, (2, 3)),
        ("longest_first", 10, 7, 5, (3, 2)),
        ("longest_first", 7, 10, 6, (3, 3)),
        ("longest_first", 1, 2, 5, (1, 2)),
        ("round_robin", 10, 10, 5, (3, 2)),
        ("round_robin", 1, 10, 5, (1, 4)),
        ("round_robin", 10, 1, 5, (4, 1)),
        ("waterfall", 10, 10, 5, (5, 0)),
        ("waterfall", 3, 10, 5, (3, 2)),
    ],
)
def test_truncation_rules(truncation, a, b, budget, expected):
    kept = truncated_lengths([tf.constant([a]), tf.constant([b])], budget, truncation)
    assert (int(kept[0][0]), int(kept[1][0])) == expected


def test_original_bert_pop_rule_differs_on_ties_and_we_follow_hugging_face():
    # google-research/bert's _truncate_seq_pair pops from b on ties: (10, 10) -> (3, 2) at 5.
    a, b = 10, 10
    while a + b > 5:
        if a > b:
            a -= 1
        else:
            b -= 1
    assert (a, b) == (3, 2)
    kept = truncated_lengths([tf.constant([10]), tf.constant([10])], 5, "longest_first")
    assert (int(kept[0][0]), int(kept[1][0])) == (2, 3)


def test_unbatched_and_dense_inputs():
    out = packer(5)(tf.constant([7, 8]))
    np.testing.assert_array_equal(out["token_ids"].numpy(), [CLS, 7, 8, SEP, PAD])
    out = packer(5)(tf.constant([[7, 8, 9]]))
    np.testing.assert_array_equal(out["token_ids"].numpy(), [[CLS, 7, 8, 9, SEP]])


def test_bad_arguments_are_rejected():
    with pytest.raises(ValueError, match="sequence_length"):
        packer(2)
    with pytest.raises(ValueError, match="truncation"):
        packer(8, truncation="middle")
    one = tf.ragged.constant([[1]])
    with pytest.raises(ValueError, match="one or two segments"):
        packer(8)((one, one, one))
    with pytest.raises(ValueError, match="no room"):
        packer(3)((one, one))


def test_config_round_trip():
    assert_config_round_trip(packer(7, "round_robin"), tf.ragged.constant([[1, 2, 3]]))
