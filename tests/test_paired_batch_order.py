"""The side-by-side tools' paired batch order is the one `Task.fit` trains on."""

import sys
from pathlib import Path

import keras
import numpy as np

from tests.tiny_models import tiny_classifier

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from hugging_face_recipe import keras_batch_order  # noqa: E402


def test_keras_batch_order_is_the_order_task_fit_draws():
    count, epochs, batch_size, seed = 10, 3, 4, 7
    model = tiny_classifier(num_classes=count)
    keras.utils.set_random_seed(seed)
    make_dataset, _ = model._data.training(
        ["a text"] * count, np.arange(count), None, batch_size, True, seed, False
    )
    seen = [int(y) for _, y in make_dataset().repeat(epochs).unbatch()]
    expected = keras_batch_order(count, epochs, seed)
    assert seen == [i for epoch in expected for i in epoch]
    assert all(sorted(epoch) == list(range(count)) for epoch in expected)
    assert expected[0] != expected[1]  # reshuffled every epoch
