"""One-call checks every layer and model test uses: config round trips, `.keras` files, and
`run_task_test`, the checks every task model owes."""

from collections.abc import Callable
from dataclasses import dataclass

import keras
import numpy as np
import tensorflow as tf


def _as_list(outputs):
    if isinstance(outputs, dict):
        return [outputs[key] for key in sorted(outputs)]
    if isinstance(outputs, (list, tuple)):
        return list(outputs)
    return [outputs]


# How far a model loaded from a `.keras` file may predict from the one saved: float32
# rounding, not bit for bit (see `assert_keras_file_round_trip`).
ROUND_TRIP_ATOL = 1e-5


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
    """Saving to `.keras` and loading gives a model of the same class with the same outputs.

    Equal to float32 rounding, not bit for bit: under `predict`, oneDNN's fused MatMul +
    BiasAdd can round two instances of one graph differently in the same process (1e-6 on
    outputs near 5; bit-identical with `TF_ENABLE_ONEDNN_OPTS=0`). A weight not restored
    moves outputs by orders of magnitude more.
    """
    expected = model.predict(inputs, verbose=0)
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert type(loaded) is type(model)
    assert_allclose_outputs(loaded.predict(inputs, verbose=0), expected, atol=ROUND_TRIP_ATOL)
    return loaded


@dataclass
class TaskCase:
    """How `run_task_test` drives one task model.

    Attributes:
        build: `build(dtype=None)` -> a tiny model with its preprocessor; with `dtype` (a
            mixed-precision policy) the same architecture under that policy.
        predict: `predict(model, inputs)` -> its outputs on raw strings (arrays or a dict).
        inputs: raw strings, as `predict` takes them.
        empty: an empty batch of the same form.
        fit_once: trains the model one step.
        serving_inputs: a request for the SavedModel's `serving_default`.
        served_name: the served output equal to the first of `predict`'s, or None.
        mixed_atol: how far mixed-precision outputs may be from float32.
    """

    build: Callable
    predict: Callable
    inputs: object
    empty: object
    fit_once: Callable
    serving_inputs: dict
    served_name: str | None = None
    mixed_atol: float = 0.1


TASK_CHECKS = ("config", "keras_file", "empty_batch", "mixed_precision", "fit_step", "saved_model")


def run_task_test(case, tmp_path) -> list[str]:
    """Every check a task model owes, on a tiny model and real strings (see `TaskCase`):

    - `get_config` round trip (same config, same outputs with the weights copied);
    - `.keras` save/load with equal outputs;
    - `predict` on raw strings, and on an empty batch;
    - one `fit` step that changes the weights, and leaves them finite;
    - a mixed-precision forward pass close to float32;
    - SavedModel export and reload: the signature runs on raw strings (and where the task
      has a number-for-number output, gives the Keras model's).

    Returns the names of the checks made (`TASK_CHECKS`), in order.
    """
    done = []
    model = case.build()
    expected = case.predict(model, case.inputs)
    assert all(np.isfinite(v).all() for v in _as_list(expected))

    config = model.get_config()
    clone = type(model).from_config(config)
    assert clone.get_config() == config
    clone.set_weights(model.get_weights())
    # The vocabulary is an asset, not config (as in keras-hub): `.keras` files carry it.
    clone.preprocessor.tokenizer.set_vocabulary(model.preprocessor.tokenizer.vocabulary)
    assert_allclose_outputs(case.predict(clone, case.inputs), expected, atol=1e-6)
    revived = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(model))
    assert type(revived) is type(model)
    done.append("config")

    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert type(loaded) is type(model)
    assert_allclose_outputs(case.predict(loaded, case.inputs), expected, atol=0)
    done.append("keras_file")

    empty = case.predict(model, case.empty)
    assert all(np.asarray(v).shape[0] == 0 for v in _as_list(empty))
    done.append("empty_batch")

    mixed = case.build(dtype="mixed_bfloat16")
    mixed.set_weights(model.get_weights())
    assert_allclose_outputs(case.predict(mixed, case.inputs), expected, atol=case.mixed_atol)
    done.append("mixed_precision")

    before = [w.copy() for w in model.get_weights()]
    case.fit_once(model)
    after = model.get_weights()
    assert all(np.isfinite(w).all() for w in after)
    assert any(not np.array_equal(a, b) for a, b in zip(before, after, strict=True))
    done.append("fit_step")

    from keras_bert_lib.export.saved_model import export_saved_model

    directory = export_saved_model(loaded, tmp_path / "saved" / "1", warmup_texts=())
    served = tf.saved_model.load(str(directory)).signatures["serving_default"]
    outputs = served(**{k: tf.constant(v) for k, v in case.serving_inputs.items()})
    rows = len(next(iter(case.serving_inputs.values())))
    assert all(value.shape[0] == rows for value in outputs.values())
    if case.served_name is not None:
        np.testing.assert_allclose(
            outputs[case.served_name].numpy(),
            np.asarray(_as_list(expected)[0])[:rows],
            atol=1e-5,
            rtol=0,
        )
    done.append("saved_model")
    return done


def run_layer_test(make_layer, *call_args, mixed_atol=0.05) -> float:
    """The checks every layer owes: `assert_config_round_trip`, and under `mixed_bfloat16`
    (same weights) outputs within `mixed_atol` of float32.

    Args:
        make_layer: `make_layer(dtype=None)` -> the layer (under `dtype` if given).
        *call_args: the layer's call arguments.
        mixed_atol: float.

    Returns the largest difference of the mixed-precision outputs from float32.
    """
    layer = make_layer()
    assert_config_round_trip(layer, *call_args)
    expected = layer(*call_args)
    mixed = make_layer(dtype="mixed_bfloat16")
    mixed(*call_args)
    mixed.set_weights(layer.get_weights())
    outputs = mixed(*call_args)
    for value in _as_list(outputs):
        assert np.isfinite(keras.ops.convert_to_numpy(keras.ops.cast(value, "float32"))).all()
    mixed_outputs = [keras.ops.cast(v, "float32") for v in _as_list(outputs)]
    assert_allclose_outputs(mixed_outputs, expected, atol=mixed_atol)
    return max(
        float(np.abs(keras.ops.convert_to_numpy(a) - keras.ops.convert_to_numpy(b)).max())
        for a, b in zip(mixed_outputs, _as_list(expected), strict=True)
    )
