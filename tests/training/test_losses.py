import numpy as np
import pytest

from keras_bert_lib.training.losses import MaskedLMCrossentropy, ScaledBinaryCrossentropy


def test_scaled_binary_crossentropy_matches_hand_computed_values():
    loss = ScaledBinaryCrossentropy(0.0, 5.0)
    y_true = np.array([[5.0], [1.0]], "float32")
    y_pred = np.array([[2.5], [4.0]], "float32")
    # Targets 1.0 and 0.2; predictions 0.5 and 0.8.
    expected = np.mean([-np.log(0.5), -(0.2 * np.log(0.8) + 0.8 * np.log(0.2))])
    assert float(loss(y_true, y_pred)) == pytest.approx(expected, rel=1e-5)


def test_config_round_trip_and_bad_range():
    loss = ScaledBinaryCrossentropy(1.0, 3.0)
    again = ScaledBinaryCrossentropy.from_config(loss.get_config())
    assert (again.low, again.high) == (1.0, 3.0)
    with pytest.raises(ValueError, match="low < high"):
        ScaledBinaryCrossentropy(2.0, 2.0)


def test_masked_lm_crossentropy_is_the_mean_over_real_predictions():
    logits = np.log(np.array([[[0.5, 0.25, 0.25], [0.1, 0.8, 0.1]], [[0.2, 0.2, 0.6], [1, 1, 1]]]))
    labels = np.array([[0, 1], [2, 0]])
    weights = np.array([[1.0, 1.0], [1.0, 0.0]], "float32")  # the last slot is padding
    expected = -(np.log(0.5) + np.log(0.8) + np.log(0.6)) / 3
    loss = MaskedLMCrossentropy()
    assert float(loss(labels, logits.astype("float32"), weights)) == pytest.approx(expected)
    unweighted = -(np.log(0.5) + np.log(0.8) + np.log(0.6) + np.log(1 / 3)) / 4
    assert float(loss(labels, logits.astype("float32"))) == pytest.approx(unweighted)
    assert MaskedLMCrossentropy.from_config(loss.get_config()).name == loss.name
