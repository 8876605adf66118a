"""Weights move between our encoder and keras-hub's `BertBackbone` with equal outputs."""

import dataclasses

import numpy as np
import pytest

from keras_bert_lib import BertConfig, BertEncoder
from keras_bert_lib.checkpoints.weight_names import encoder_variables

INPUTS = {
    "token_ids": np.array([[2, 7, 9, 11, 3, 0], [2, 5, 3, 8, 6, 3]], np.int32),
    "segment_ids": np.array([[0, 0, 0, 0, 0, 0], [0, 0, 0, 1, 1, 1]], np.int32),
    "padding_mask": np.array([[1, 1, 1, 1, 1, 0], [1, 1, 1, 1, 1, 1]], np.int32),
}


def _max_diff(ours, theirs):
    return max(
        float(np.abs(np.asarray(ours[k]) - np.asarray(theirs[k]))[mask].max())
        for k, mask in (
            ("sequence_output", INPUTS["padding_mask"].astype(bool)),
            ("pooled_output", slice(None)),
        )
    )


def _tiny(hidden_act):
    config = BertConfig.from_preset("bert_tiny", vocab_size=50)
    return BertEncoder(dataclasses.replace(config, hidden_act=hidden_act))


def test_round_trip_through_keras_hub_on_a_tiny_encoder():
    encoder = _tiny("gelu_approximate")
    backbone = encoder.to_keras_hub()
    assert _max_diff(encoder(INPUTS), backbone(INPUTS)) <= 1e-5
    back = BertEncoder.from_keras_hub(backbone)
    assert back.config == dataclasses.replace(encoder.config, hidden_dropout=0.1)
    for a, b in zip(back.get_weights(), encoder.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.slow
def test_reference_checkpoint_through_keras_hub(reference_dir):
    exact = BertEncoder.from_checkpoint(reference_dir)
    weights = {name: v.numpy() for name, v in encoder_variables(exact).items()}
    config = dataclasses.replace(exact.config, hidden_act="gelu_approximate")
    approximate = BertEncoder.from_weights(config, weights, "the reference checkpoint")
    backbone = approximate.to_keras_hub()
    assert _max_diff(approximate(INPUTS), backbone(INPUTS)) <= 1e-5
    # keras-hub cannot express the exact GELU: the checkpoint's own outputs move a little.
    assert _max_diff(exact(INPUTS), exact.to_keras_hub()(INPUTS)) <= 5e-3
    revived = BertEncoder.from_keras_hub(backbone)
    assert revived.config.hidden_act == "gelu_approximate"
    assert _max_diff(revived(INPUTS), backbone(INPUTS)) <= 1e-5
