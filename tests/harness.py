"""One-call checks every layer and model test uses: config round trips and `.keras` files."""

import keras
import numpy as np


def _as_list(outputs):
    if isinstance(outputs, dict):
        return [outputs[key] for key in sorted(outputs)]
    if isinstance(outputs, (list, tuple)):
        return list(outputs)
    return [outputs]


def assert_allclose_outputs(actual, expected, atol=1e-6):
    actual, expected = _as_list(actual), _as_list(expected)
    assert len(actual) == len(expected)
    for a, b in zip(actual, expected, strict=True):
        np.testing.assert_allclose(
            keras.ops.convert_to_numpy(a), keras.ops.convert_to_numpy(b), atol=atol, rtol=0
        )


def assert_config_round_trip(layer, *call_args):
    """`from_config(get_config())` rebuilds the layer; with copied weights it computes the same.

    Also checks the class is registered: generic Keras deserialization gives back the same class.
    """
    expected = layer(*call_args)
    config = layer.get_config()
    clone = type(layer).from_config(config)
    assert clone.get_config() == config
    clone(*call_args)
    clone.set_weights(layer.get_weights())
    assert_allclose_outputs(clone(*call_args), expected)
    revived = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(layer))
    assert type(revived) is type(layer)
    assert revived.get_config() == config


def assert_keras_file_round_trip(model, inputs, tmp_path):
    """Saving to `.keras` and loading gives a model of the same class with identical outputs."""
    expected = model.predict(inputs, verbose=0)
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert type(loaded) is type(model)
    assert_allclose_outputs(loaded.predict(inputs, verbose=0), expected, atol=0)
    return loaded
