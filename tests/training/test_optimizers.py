import keras
import numpy as np
import pytest
import tensorflow as tf

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


def test_stable_stretch_before_a_final_decay():
    schedule = WarmupPolynomialDecay(3e-4, total_steps=40, warmup_steps=4, decay_steps=10)
    for step in range(45):
        if step < 4:
            expected = 3e-4 * step / 4
        elif step < 30:
            expected = 3e-4
        else:
            expected = 3e-4 * max(0.0, (40 - step) / 10)
        assert float(schedule(step)) == pytest.approx(expected, rel=1e-6, abs=1e-12)
    restored = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(schedule))
    assert float(restored(35)) == pytest.approx(1.5e-4)
    with pytest.raises(ValueError, match="decay_steps"):
        WarmupPolynomialDecay(1.0, total_steps=40, warmup_steps=4, decay_steps=37)
    with pytest.raises(ValueError, match="decay_steps"):
        WarmupPolynomialDecay(1.0, total_steps=40, warmup_steps=4, decay_steps=0)


@pytest.mark.parametrize("name", ["adamw", "lamb"])
def test_decay_ratio_reaches_the_schedule(name):
    optimizer = create_optimizer(
        learning_rate=1e-3, total_steps=100, warmup_ratio=0.1, decay_ratio=0.2, name=name
    )
    rates = [float(optimizer._learning_rate(step)) for step in (10, 80, 90, 100)]
    assert rates == pytest.approx([1e-3, 1e-3, 5e-4, 0.0], rel=1e-6, abs=1e-12)
    # A run that is all warmup (one step, warmup_ratio 1) has no decay to place.
    optimizer = create_optimizer(total_steps=1, warmup_ratio=1.0, decay_ratio=0.2, name=name)
    assert optimizer._learning_rate.decay_steps is None
    for bad in (0.0, 1.5):
        with pytest.raises(ValueError, match="decay_ratio"):
            create_optimizer(total_steps=10, decay_ratio=bad, name=name)


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


def test_adamw_steps_equal_torch_adamw_with_clipping_and_decay():
    # torch.optim.AdamW after clip_grad_norm_ is the update of the reference recipes:
    # decoupled decay, the global norm over both weights, and epsilon on the bias-corrected
    # root, which the second weight's tiny gradients (near epsilon) make visible.
    torch = pytest.importorskip("torch")
    starts = [np.linspace(-1.0, 1.0, 100, dtype="float32").reshape(4, 25), np.ones(3, "float32")]
    steps = [(5.0, 1e-8), (0.05, 3e-8), (-2.0, -1e-8)]

    def gradients(step):
        return [np.full(start.shape, g, "float32") for start, g in zip(starts, step, strict=True)]

    def train(optimizer):
        variables = [keras.Variable(start.copy()) for start in starts]
        for step in steps:
            optimizer.apply_gradients(zip(gradients(step), variables, strict=True))
        return [v.numpy() for v in variables]

    weights = [torch.nn.Parameter(torch.tensor(start.copy())) for start in starts]
    theirs = torch.optim.AdamW(weights, lr=0.1, weight_decay=0.01, eps=1e-8)
    for step in steps:
        for weight, gradient in zip(weights, gradients(step), strict=True):
            weight.grad = torch.tensor(gradient)
        torch.nn.utils.clip_grad_norm_(weights, 1.0)
        theirs.step()
    expected = [w.detach().numpy() for w in weights]
    settings = dict(learning_rate=0.1, weight_decay=0.01, epsilon=1e-8, global_clipnorm=1.0)
    for ours, reference in zip(train(AdamW(**settings)), expected, strict=True):
        np.testing.assert_allclose(ours, reference, rtol=1e-5, atol=1e-5)
    # Keras' own AdamW adds epsilon before the bias correction: the tiny steps differ.
    keras_form = train(keras.optimizers.AdamW(**settings))
    assert np.abs(keras_form[1] - expected[1]).max() > 0.01


@pytest.mark.parametrize("optimizer", [AdamW(global_clipnorm=1.0), Lamb(global_clipnorm=1.0)])
def test_clipping_measures_embedding_gradients_by_their_summed_rows(optimizer):
    # An embedding gradient has one row per looked-up position: index 0 twice here. The
    # weights move by the summed rows ([6, 0] and [0, 4], norm 7.21), so that is the norm
    # to clip; the rows as they are would give 5.83 and let a norm of 1.24 through.
    rows = tf.IndexedSlices(
        tf.constant([[3.0, 0.0], [3.0, 0.0], [0.0, 4.0]]), tf.constant([0, 0, 1]), [3, 2]
    )
    dense = tf.convert_to_tensor(optimizer._clip_gradients([rows])[0])
    np.testing.assert_allclose(dense.numpy(), np.array([[6, 0], [0, 4], [0, 0]]) / 52**0.5)


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
