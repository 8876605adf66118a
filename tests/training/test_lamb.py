"""LAMB against a NumPy transcription of the reference update (BERT's `lamb.py`)."""

import keras
import numpy as np
import pytest

from keras_bert_lib.training.lamb import Lamb
from keras_bert_lib.training.optimizers import create_optimizer


def reference_steps(weight, gradients, adapted, lr=0.1, decay=0.01, b1=0.9, b2=0.999, eps=1e-6):
    m, v, w = np.zeros_like(weight), np.zeros_like(weight), weight.copy()
    for step, g in enumerate(gradients, start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        update = (m / (1 - b1**step)) / (np.sqrt(v / (1 - b2**step)) + eps)
        ratio = 1.0
        if adapted:
            update = update + decay * w
            ratio = np.linalg.norm(w) / np.linalg.norm(update)
        w = w - lr * ratio * update
    return w


@pytest.mark.parametrize("name, adapted", [("kernel", True), ("bias", False)])
def test_two_steps_equal_the_reference(name, adapted):
    rng = np.random.default_rng(0)
    start = rng.normal(size=(4, 3)).astype(np.float32)
    gradients = [rng.normal(size=(4, 3)).astype(np.float32) for _ in range(2)]
    variable = keras.Variable(start, name=name)
    optimizer = Lamb(learning_rate=0.1, weight_decay_rate=0.01)
    for g in gradients:
        optimizer.apply_gradients([(keras.ops.convert_to_tensor(g), variable)])
    expected = reference_steps(start, gradients, adapted)
    np.testing.assert_allclose(variable.numpy(), expected, rtol=1e-5, atol=1e-6)
    assert not np.allclose(expected, reference_steps(start, gradients, not adapted))


def test_config_round_trip_and_create_optimizer():
    optimizer = Lamb(learning_rate=0.01, weight_decay_rate=0.02, excluded=("bias",))
    again = Lamb.from_config(optimizer.get_config())
    assert (again.weight_decay_rate, again.excluded) == (0.02, ("bias",))
    assert isinstance(create_optimizer(name="lamb", total_steps=10), Lamb)
    with pytest.raises(ValueError, match="optimizer must be one of"):
        create_optimizer(name="sgd")
