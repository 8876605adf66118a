import keras
import numpy as np
import pytest

from keras_bert_lib import BertConfig, BertEncoder
from keras_bert_lib.training import WarmupPolynomialDecay, create_optimizer
from keras_bert_lib.training.lamb import Lamb
from keras_bert_lib.training.optimizers import AdamW
from keras_bert_lib.training.replica_clipping import check_replica_clipping


def test_linear_schedule_matches_hugging_face_formula():
    schedule = WarmupPolynomialDecay(2e-5, total_steps=50, warmup_steps=5)
    for step in range(60):
        expected = 2e-5 * (step / 5 if step < 5 else max(0.0, (50 - step) / 45))
        assert float(schedule(step)) == pytest.approx(expected, rel=1e-6, abs=1e-12)


def test_polynomial_decay_and_config_round_trip():
    schedule = WarmupPolynomialDecay(
        1.0, total_steps=10, warmup_steps=0, end_learning_rate=0.1, power=2.0
    )
    assert float(schedule(5)) == pytest.approx(0.9 * 0.25 + 0.1)
    restored = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(schedule))
    assert restored.get_config() == schedule.get_config()
    with pytest.raises(ValueError, match="warmup_steps"):
        WarmupPolynomialDecay(1.0, total_steps=10, warmup_steps=11)


@pytest.mark.parametrize("name", ["adamw", "lamb"])
@pytest.mark.parametrize("decay_all", [False, True])
def test_no_weight_decay_on_layer_norm_and_bias_unless_asked(name, decay_all):
    encoder = BertEncoder(
        BertConfig(
            vocab_size=10,
            hidden_size=4,
            num_layers=1,
            num_heads=1,
            intermediate_size=8,
            max_position_embeddings=8,
        )
    )
    variables = encoder.trainable_variables
    before = [v.numpy().copy() for v in variables]
    # Zero gradients: only the decoupled weight decay can move a weight.
    optimizer = create_optimizer(
        learning_rate=1.0,
        total_steps=10,
        warmup_ratio=0.0,
        weight_decay=0.5,
        global_clipnorm=None,
        name=name,
        **(dict(decay_exclusions=()) if decay_all else {}),
    )
    optimizer.apply_gradients([(np.zeros(v.shape, "float32"), v) for v in variables])
    for variable, old in zip(variables, before, strict=True):
        # A zero-initialised bias stays zero under decay: only non-zero weights can show it.
        if not np.any(old):
            continue
        moved = not np.allclose(variable.numpy(), old)
        excluded = any(part in variable.path for part in ("bias", "gamma", "beta"))
        assert moved == (decay_all or not excluded), variable.path


def test_one_device_clips_the_global_norm_as_keras_does():
    # The replica-aware clipping (training/replica_clipping.py) is Keras' own on one device.
    big, small = np.full((4, 25), 5.0, "float32"), np.full((4, 25), 0.05, "float32")  # norm 50, 0.5

    def train(optimizer):
        variable = keras.Variable(np.zeros((4, 25), "float32"))
        for gradient in (big, small):
            optimizer.apply_gradients([(gradient, variable)])
        return variable.numpy()

    settings = dict(total_steps=10, warmup_ratio=0.0, weight_decay=0.0)
    ours = train(create_optimizer(1e-1, **settings))
    schedule = WarmupPolynomialDecay(1e-1, total_steps=10, warmup_steps=0)
    reference = keras.optimizers.AdamW(
        schedule, weight_decay=0.0, epsilon=1e-8, global_clipnorm=1.0
    )
    np.testing.assert_allclose(ours, train(reference), rtol=1e-6)
    # Adam ignores a constant scale, not a clipped step followed by an unclipped one.
    unclipped = train(create_optimizer(1e-1, global_clipnorm=None, **settings))
    assert not np.allclose(ours, unclipped, rtol=1e-3)


def test_keras_clipping_is_refused_only_over_several_replicas():
    for clipping in ({"clipnorm": 1.0}, {"clipvalue": 0.5}, {"global_clipnorm": 1.0}):
        name, value = next(iter(clipping.items()))
        with pytest.raises(ValueError, match=rf"SGD\({name}={value}\) would clip each of the 2"):
            check_replica_clipping(keras.optimizers.SGD(**clipping), num_replicas=2)
        check_replica_clipping(keras.optimizers.SGD(**clipping), num_replicas=1)
    # Ours clip the summed gradients; no clipping or a name is fine anywhere.
    check_replica_clipping(AdamW(global_clipnorm=1.0), num_replicas=2)
    check_replica_clipping(Lamb(global_clipnorm=1.0), num_replicas=2)
    check_replica_clipping(create_optimizer(total_steps=10), num_replicas=8)
    check_replica_clipping(keras.optimizers.SGD(), num_replicas=2)
    check_replica_clipping("sgd", num_replicas=2)
