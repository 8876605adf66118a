import io
import warnings
import zipfile

import h5py
import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_bert_lib import BertClassifier, BertConfig, BertEncoder, BertPreprocessor, BertTokenizer
from tests.harness import ROUND_TRIP_ATOL, assert_allclose_outputs

VOCAB = [
    "[PAD]",
    "[UNK]",
    "[CLS]",
    "[SEP]",
    "[MASK]",
    "good",
    "bad",
    "film",
    "great",
    "awful",
    "plot",
    "acting",
]
TEXTS = ["good film", "bad film", "great acting", "awful plot"] * 4
LABELS = np.array([1, 0, 1, 0] * 4)


CONFIG = BertConfig(
    vocab_size=len(VOCAB),
    hidden_size=16,
    num_layers=1,
    num_heads=2,
    intermediate_size=32,
    max_position_embeddings=32,
    hidden_dropout=0.0,
    attention_dropout=0.0,
)


def make(num_classes=2, preprocessor=True, score_range=None, pooling="pooler"):
    keras.utils.set_random_seed(0)
    pre = BertPreprocessor(BertTokenizer(VOCAB), sequence_length=32) if preprocessor else None
    model = BertClassifier(
        BertEncoder(CONFIG),
        num_classes=num_classes,
        preprocessor=pre,
        dropout=0.0,
        score_range=score_range,
        pooling=pooling,
    )
    model.compile(learning_rate=1e-2, warmup_ratio=0.0)
    return model


def test_fit_on_raw_strings_learns():
    model = make()
    history = model.fit(TEXTS, LABELS, epochs=20, batch_size=4, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    predicted = model.predict(np.array(["good film", "awful plot"]), verbose=0).argmax(-1)
    assert predicted.tolist() == [1, 0]


def test_fit_on_pairs_and_on_a_dataset():
    model = make()
    first, second = TEXTS, ["film"] * len(TEXTS)
    history = model.fit((first, second), LABELS, epochs=20, batch_size=4, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    assert model.predict((["good"], ["film"]), verbose=0).shape == (1, 2)
    dataset = tf.data.Dataset.from_tensor_slices(((first, second), LABELS)).batch(4)
    assert np.isfinite(model.fit(dataset, epochs=1, verbose=0).history["loss"][0])
    pairs_only = tf.data.Dataset.from_tensor_slices(((first, second),)).batch(4)
    assert model.predict(pairs_only, verbose=0).shape == (len(TEXTS), 2)


def test_regression_head_uses_mean_squared_error():
    model = make(num_classes=1)
    scores = np.array([4.5, 0.5, 4.0, 1.0] * 4, "float32")
    history = model.fit(TEXTS, scores, epochs=20, batch_size=4, verbose=0)
    assert history.history["loss"][-1] < 0.3 * history.history["loss"][0]
    assert model.predict(["good film"], verbose=0).shape == (1, 1)


def test_bounded_regression_learns_stays_in_range_and_round_trips(tmp_path):
    model = make(num_classes=1, score_range=(0, 5))
    scores = np.array([4.5, 0.5, 4.0, 1.0] * 4, "float32")
    history = model.fit(TEXTS, scores, epochs=30, batch_size=4, verbose=0)
    # Binary cross-entropy against targets 0.9, 0.1, 0.8, 0.2 has a floor: their entropy.
    targets = scores / 5
    floor = -np.mean(targets * np.log(targets) + (1 - targets) * np.log(1 - targets))
    assert history.history["loss"][-1] < floor + 0.1 * (history.history["loss"][0] - floor)
    predicted = model.predict(TEXTS[:4], verbose=0)[:, 0]
    np.testing.assert_allclose(predicted, scores[:4], atol=0.5)
    extreme = model.predict(["good good good good good good good good"], verbose=0)
    assert extreme.min() >= 0.0 and extreme.max() <= 5.0

    model.save(tmp_path / "regressor.keras")
    loaded = BertClassifier.from_checkpoint(tmp_path / "regressor.keras")
    assert loaded.score_range == (0.0, 5.0)
    assert_allclose_outputs(
        loaded.predict(TEXTS, verbose=0), model.predict(TEXTS, verbose=0), atol=ROUND_TRIP_ATOL
    )

    with pytest.raises(ValueError, match=r"score_range \[0.0, 5.0\]; got \[5.5\]"):
        model.fit(["good"], np.array([5.5]), verbose=0)
    with pytest.raises(ValueError, match="num_classes=1"):
        make(num_classes=2, score_range=(0, 5))
    with pytest.raises(ValueError, match="low < high"):
        make(num_classes=1, score_range=(5, 0))


def test_saved_model_predicts_identically(tmp_path):
    model = make()
    model.fit(TEXTS, LABELS, epochs=2, batch_size=4, verbose=0)
    expected = model.predict(TEXTS, verbose=0)
    steps = int(model.optimizer.iterations.numpy())
    model.save(tmp_path / "classifier.keras")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        loaded = BertClassifier.from_checkpoint(tmp_path / "classifier.keras")
    assert [str(w.message) for w in caught if "optimizer" in str(w.message)] == []
    assert_allclose_outputs(loaded.predict(TEXTS, verbose=0), expected, atol=ROUND_TRIP_ATOL)
    assert loaded.num_classes == 2 and loaded.preprocessor.sequence_length == 32
    # The file holds the weights, not AdamW's two moments per weight; the model in memory
    # keeps its trained optimizer.
    with zipfile.ZipFile(tmp_path / "classifier.keras") as archive:
        weights = h5py.File(io.BytesIO(archive.read("model.weights.h5")))
        stored = []
        weights.visititems(lambda name, item: stored.append(name) if "vars/" in name else None)
    optimizer_vars = [name for name in stored if name.startswith("optimizer/")]
    assert len(optimizer_vars) == 2  # an unbuilt AdamW: iterations and learning rate
    assert len(stored) == len(model.weights) + 2
    assert int(model.optimizer.iterations.numpy()) == steps == 8


def test_labels_outside_the_classes_are_rejected():
    model = make(num_classes=2)
    with pytest.raises(ValueError, match=r"in \[0, 2\); got \[2\]"):
        model.fit(TEXTS[:2], [0, 2], verbose=0)
    with pytest.raises(TypeError, match="integers"):
        model.fit(TEXTS[:2], [0.5, 1.0], verbose=0)
    bad = tf.data.Dataset.from_tensor_slices((TEXTS[:2], [0, 5])).batch(2)
    with pytest.raises(tf.errors.InvalidArgumentError, match="must be < num_classes"):
        model.fit(bad, epochs=1, verbose=0)


def test_non_finite_regression_labels_are_rejected_before_any_weight_moves():
    model = make(num_classes=1)
    before = [w.numpy() for w in model.weights]
    for label in (np.nan, np.inf):
        with pytest.raises(
            ValueError, match=r"Regression labels must be finite; got \[(nan|inf)\]"
        ):
            model.fit(TEXTS[:2], [0.5, label], verbose=0)
    assert all(np.array_equal(a, w.numpy()) for a, w in zip(before, model.weights, strict=True))
    bad = tf.data.Dataset.from_tensor_slices((TEXTS[:2], [0.5, np.nan])).batch(2)
    with pytest.raises(tf.errors.InvalidArgumentError, match="must be finite"):
        model.fit(bad, epochs=1, verbose=0)


def test_texts_that_are_not_strings_are_named():
    model = make()
    for texts in ([1, 2, 3], np.array([0.5]), ([1], ["good"])):
        with pytest.raises(TypeError, match="Texts must be strings, got (int32|float64|int64)"):
            model.predict(texts, verbose=0)
    with pytest.raises(TypeError, match="Texts must be strings"):
        model.fit([1, 2], [0, 1], verbose=0)


def test_a_sequence_length_beyond_the_position_table_is_refused():
    encoder = make().encoder  # max_position_embeddings=32
    long = BertPreprocessor(BertTokenizer(VOCAB), sequence_length=33)
    with pytest.raises(ValueError, match="sequence_length 33 exceeds .* max_position_embeddings"):
        BertClassifier(encoder, num_classes=2, preprocessor=long)


def test_empty_inputs():
    model = make()
    assert model.predict([], verbose=0).shape == (0, 2)
    with pytest.raises(ValueError, match="no training examples"):
        model.fit([], [], verbose=0)


def test_without_preprocessor_takes_token_dicts():
    model = make(preprocessor=False)
    ids = {
        "token_ids": np.array([[2, 5, 7, 3]], "int32"),
        "segment_ids": np.zeros((1, 4), "int32"),
        "padding_mask": np.ones((1, 4), "int32"),
    }
    assert model.predict(ids, verbose=0).shape == (1, 2)


def test_bad_construction():
    encoder = make().encoder
    with pytest.raises(ValueError, match="num_classes"):
        BertClassifier(encoder, num_classes=0)
    with pytest.raises(TypeError, match="BertEncoder"):
        BertClassifier("bert", num_classes=2)
    with pytest.raises(ValueError, match="pooling"):
        BertClassifier(encoder, pooling="first")
    # Keras' functional Model would drop an argument it does not know without a word.
    with pytest.raises(TypeError, match=r"unexpected keyword arguments \['pooler'\]"):
        BertClassifier(encoder, pooler="mean")
    with pytest.raises(TypeError, match="BertEncoder got unexpected"):
        BertEncoder(encoder.config, pooling="mean")


def test_mean_pooling_reads_every_real_token_and_leaves_the_pooler_alone(tmp_path):
    model = make(pooling="mean")
    assert not [v.path for v in model.trainable_variables if "pooler" in v.path]
    pooler_before = model.encoder.pooler.kernel.numpy().copy()
    model.fit(TEXTS, LABELS, epochs=20, batch_size=4, verbose=0)
    np.testing.assert_array_equal(model.encoder.pooler.kernel.numpy(), pooler_before)
    # By hand: the head on the mean of the real tokens' outputs (padding left out).
    texts = ["good film", "awful plot acting"]
    inputs = model.preprocessor(texts)
    sequence = model.encoder(inputs)["sequence_output"].numpy()
    mask = inputs["padding_mask"].numpy()[..., None].astype("float32")
    mean = (sequence * mask).sum(1) / mask.sum(1)
    head = model.get_layer("logits")
    expected = mean @ head.kernel.numpy() + head.bias.numpy()
    np.testing.assert_allclose(model.predict(texts, verbose=0), expected, atol=1e-5)
    assert model.evaluate(TEXTS, LABELS, verbose=0, return_dict=True)["accuracy"] == 1.0
    model.save(tmp_path / "mean.keras")
    loaded = BertClassifier.from_checkpoint(tmp_path / "mean.keras")
    assert loaded.pooling == "mean"
    assert_allclose_outputs(loaded.predict(texts, verbose=0), expected, atol=1e-5)


@pytest.mark.parametrize("pooling", ["pooler", "cls"])
def test_first_token_poolings_train_and_predict_as_the_whole_encoder(pooling):
    """`pooler` and `cls` run the last block for [CLS] alone. Trained side by side with a
    model that reads the whole encoder's outputs (same weights, dropout seeds and batches),
    the logits stay equal: the same masks, the same gradients."""
    config = CONFIG.replace(num_layers=2, hidden_dropout=0.1, attention_dropout=0.1)
    models, heads = [], []
    for whole in (False, True):
        keras.utils.set_random_seed(3)
        encoder = BertEncoder(config)
        if whole:
            heads.append(keras.layers.Dense(2, name="logits"))
            outputs = encoder(encoder.input)
            pooled = (
                outputs["pooled_output"]
                if pooling == "pooler"
                else outputs["sequence_output"][:, 0]
            )
            models.append(keras.Model(encoder.input, heads[-1](pooled)))
        else:
            models.append(BertClassifier(encoder, num_classes=2, dropout=0.0, pooling=pooling))
            heads.append(models[-1].get_layer("logits"))
    heads[1].set_weights(heads[0].get_weights())
    inputs = BertPreprocessor(BertTokenizer(VOCAB), sequence_length=8)(TEXTS[:4])
    for model in models:
        model.compile(
            optimizer=keras.optimizers.SGD(0.5),
            loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        )
        for _ in range(3):
            model.train_on_batch(inputs, LABELS[:4])
    first, whole = (np.asarray(model(inputs, training=False)) for model in models)
    np.testing.assert_allclose(first, whole, atol=1e-5)
    assert np.abs(first).max() > 1e-3


def test_default_optimizer_plans_warmup_over_the_whole_fit():
    model = make()
    model.compile()  # all defaults
    model.fit(TEXTS, LABELS, epochs=2, batch_size=4, verbose=0)
    schedule = (
        model.optimizer.learning_rate_schedule
        if hasattr(model.optimizer, "learning_rate_schedule")
        else model.optimizer._learning_rate
    )
    assert schedule.total_steps == 2 * 4 and schedule.warmup_steps == 1
    assert schedule.peak_learning_rate == 5e-5
    assert model.optimizer.global_clipnorm is None  # the classifier does not clip by default


def test_predict_windows_averages_overlapping_windows():
    model = make()
    short = ["good film", "awful plot"]
    np.testing.assert_allclose(
        model.predict_windows(short), model.predict(short, verbose=0), atol=1e-5
    )
    long_text = " ".join(["good film bad acting great plot"] * 12)
    tokens = model.preprocessor.tokenizer.tokenize([long_text]).to_list()[0]
    assert len(tokens) == 72
    # Windows of 30 tokens (32 - [CLS] - [SEP]) every 10 tokens, the last reaching the end.
    starts = [0, 10, 20, 30, 40, 50]
    window_logits = []
    for start in starts:
        packed = model.preprocessor.packer(tf.constant(tokens[start : start + 30]))
        features = {k: v.numpy()[None] for k, v in packed.items()}
        window_logits.append(keras.Model.predict(model, features, verbose=0)[0])
    np.testing.assert_allclose(
        model.predict_windows([long_text], stride=10)[0], np.mean(window_logits, axis=0), atol=1e-5
    )
    with pytest.raises(ValueError, match="stride"):
        model.predict_windows(short, stride=31)
