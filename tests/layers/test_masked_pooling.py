import numpy as np
import pytest

from keras_bert_lib.layers import MaskedPooling
from tests.harness import assert_config_round_trip

SEQUENCE = np.random.default_rng(0).normal(size=(2, 4, 3)).astype("float32")
MASK = np.array([[1, 1, 0, 0], [1, 1, 1, 1]], "int32")


@pytest.mark.parametrize(
    "mode, expected",
    [
        ("mean", [SEQUENCE[0, :2].mean(0), SEQUENCE[1].mean(0)]),
        ("max", [SEQUENCE[0, :2].max(0), SEQUENCE[1].max(0)]),
        ("cls", [SEQUENCE[0, 0], SEQUENCE[1, 0]]),
    ],
)
def test_pooling_ignores_padding(mode, expected):
    np.testing.assert_allclose(np.asarray(MaskedPooling(mode)(SEQUENCE, MASK)), expected, atol=1e-6)


def test_bad_mode_and_round_trip():
    with pytest.raises(ValueError, match="mode"):
        MaskedPooling("sum")
    assert_config_round_trip(MaskedPooling("max"), SEQUENCE, MASK)
