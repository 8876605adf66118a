import keras
import numpy as np
import pytest

from keras_bert_lib import BertConfig, BertEncoder
from tests.harness import assert_allclose_outputs, assert_keras_file_round_trip

TINY = BertConfig(
    vocab_size=20,
    hidden_size=8,
    num_layers=2,
    num_heads=2,
    intermediate_size=16,
    max_position_embeddings=16,
    hidden_dropout=0.0,
    attention_dropout=0.0,
)


def make_inputs():
    return {
        "token_ids": np.array([[2, 5, 7, 3, 0, 0], [2, 9, 3, 11, 12, 3]], "int32"),
        "segment_ids": np.array([[0, 0, 0, 0, 0, 0], [0, 0, 0, 1, 1, 1]], "int32"),
        "padding_mask": np.array([[1, 1, 1, 1, 0, 0], [1, 1, 1, 1, 1, 1]], "int32"),
    }


def test_outputs_by_name_and_shape():
    encoder = BertEncoder(TINY, output_hidden_states=True, output_attentions=True)
    outputs = encoder.predict(make_inputs(), verbose=0)
    assert {k: v.shape for k, v in outputs.items()} == {
        "sequence_output": (2, 6, 8),
        "pooled_output": (2, 8),
        "hidden_states": (2, 3, 6, 8),
        "attention_probs": (2, 2, 2, 6, 6),
    }
    np.testing.assert_allclose(outputs["hidden_states"][:, -1], outputs["sequence_output"])
    assert sorted(encoder.input) == ["padding_mask", "segment_ids", "token_ids"]


def test_pooled_output_is_tanh_dense_of_first_token():
    encoder = BertEncoder(TINY)
    outputs = encoder.predict(make_inputs(), verbose=0)
    kernel, bias = encoder.pooler.kernel.numpy(), encoder.pooler.bias.numpy()
    expected = np.tanh(outputs["sequence_output"][:, 0] @ kernel + bias)
    np.testing.assert_allclose(outputs["pooled_output"], expected, atol=1e-6)


@pytest.mark.parametrize("training", [False, True])
def test_first_token_only_gives_the_first_position_and_the_pooler(training):
    """`first_token_only=True` runs the last block for [CLS] alone: its outputs equal the
    whole encoder's first position and pooled output (in training with the same dropout
    masks: two encoders with the same weights and seeds)."""
    config = TINY.replace(hidden_dropout=0.3, attention_dropout=0.3, num_layers=3)
    encoders = []
    for _ in range(2):
        keras.utils.set_random_seed(4)
        encoders.append(BertEncoder(config))
    whole = encoders[0](make_inputs(), training=training)
    first = encoders[1](make_inputs(), training=training, first_token_only=True)
    assert sorted(first) == ["first_token_output", "pooled_output"]
    np.testing.assert_allclose(
        first["first_token_output"], whole["sequence_output"][:, 0], atol=1e-6
    )
    np.testing.assert_allclose(first["pooled_output"], whole["pooled_output"], atol=1e-6)
    if training:
        calm = encoders[0](make_inputs(), training=False)["pooled_output"]
        assert np.abs(np.asarray(calm) - first["pooled_output"]).max() > 1e-2


def test_extra_padding_does_not_change_real_positions():
    encoder = BertEncoder(TINY)
    inputs = make_inputs()
    padded = {k: np.pad(v, ((0, 0), (0, 4))) for k, v in inputs.items()}
    short = encoder.predict(inputs, verbose=0)["sequence_output"]
    long = encoder.predict(padded, verbose=0)["sequence_output"][:, :6]
    mask = inputs["padding_mask"].astype(bool)
    np.testing.assert_allclose(long[mask], short[mask], atol=1e-5)


def test_config_round_trip_and_dict_config():
    encoder = BertEncoder(TINY, output_attentions=True, name="my_encoder")
    config = encoder.get_config()
    clone = BertEncoder.from_config(config)
    assert clone.get_config() == config and clone.name == "my_encoder"
    clone.set_weights(encoder.get_weights())
    assert_allclose_outputs(clone(make_inputs()), encoder(make_inputs()))
    assert BertEncoder(TINY.to_dict()).config == TINY
    with pytest.raises(TypeError, match="BertConfig"):
        BertEncoder("bert_tiny")


def test_keras_file_round_trip(tmp_path):
    loaded = assert_keras_file_round_trip(BertEncoder(TINY), make_inputs(), tmp_path)
    assert loaded.config == TINY


@pytest.mark.parametrize("policy", ["mixed_bfloat16", "mixed_float16"])
def test_mixed_precision_keeps_float32_outputs_and_stays_close(policy):
    full = BertEncoder(TINY)
    mixed = BertEncoder(TINY, dtype=policy, output_attentions=True)
    mixed.set_weights(full.get_weights())
    assert mixed.embeddings.layer_norm.compute_dtype == "float32"
    assert mixed.transformer_layers[0].intermediate_dense.compute_dtype == policy.split("_")[1]
    inputs = make_inputs()
    inputs["padding_mask"][0] = 0  # a fully padded row must stay finite
    expected = full.predict(inputs, verbose=0)
    outputs = mixed.predict(inputs, verbose=0)
    for name in ("sequence_output", "pooled_output", "attention_probs"):
        assert outputs[name].dtype == np.float32
        assert np.isfinite(outputs[name]).all()
    tolerance = 0.1 if policy == "mixed_bfloat16" else 0.02
    np.testing.assert_allclose(
        outputs["sequence_output"], expected["sequence_output"], atol=tolerance
    )
    restored = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(mixed))
    assert restored.dtype_policy.name == policy


def test_float16_variables_are_rejected():
    with pytest.raises(ValueError, match="float32"):
        BertEncoder(TINY, dtype="float16")


def test_fit_updates_weights_through_a_user_head():
    encoder = BertEncoder(TINY)
    inputs = {name: keras.Input((None,), dtype="int32", name=name) for name in encoder.input}
    logits = keras.layers.Dense(2)(encoder(inputs)["pooled_output"])
    model = keras.Model(inputs, logits)
    model.compile(
        optimizer=keras.optimizers.Adam(1e-2),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    history = model.fit(make_inputs(), np.array([0, 1]), epochs=20, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]


def test_from_checkpoint_without_weights_is_the_architecture_freshly_initialised(tmp_path):
    from keras_bert_lib.checkpoints import save_hf

    config = BertConfig(
        vocab_size=30, hidden_size=8, num_layers=2, num_heads=2, intermediate_size=16
    )
    keras.utils.set_random_seed(1)
    save_hf(BertEncoder(config), tmp_path)
    loaded = BertEncoder.from_checkpoint(tmp_path)
    fresh = BertEncoder.from_checkpoint(tmp_path, load_weights=False)
    assert fresh.config == loaded.config
    pairs = list(zip(loaded.weights, fresh.weights, strict=True))
    kernels = [(a, b) for a, b in pairs if a.path.endswith(("kernel", "_embeddings"))]
    assert kernels and not any(np.allclose(a.numpy(), b.numpy()) for a, b in kernels)
