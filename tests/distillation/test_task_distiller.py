"""Distillation on tiny models: losses against NumPy, students built from teacher layers, a
frozen teacher, labelled and unlabelled rows, precomputed teacher outputs, intermediate
transfer, and a distilled student saved, reloaded and exported like any task model."""

import keras
import numpy as np
import pytest

from keras_bert_lib import BertClassifier, SentenceEncoder
from keras_bert_lib.distillation import (
    UNLABELLED,
    TaskDistiller,
    every_other_layer,
    preset_student,
    student_from_teacher,
    student_with_encoder,
)
from keras_bert_lib.distillation.losses import attention_loss, embedding_loss, soft_target_loss
from keras_bert_lib.distillation.task_distiller import uniform_layer_map
from keras_bert_lib.export.parity import run_saved_model, run_tflite
from keras_bert_lib.export.saved_model import export_saved_model
from keras_bert_lib.export.tflite import export_tflite
from keras_bert_lib.models.bert_encoder import BertEncoder
from tests.tiny_models import TEXTS, TINY_CONFIG, tiny_classifier, tiny_preprocessor

TRAIN_TEXTS = TEXTS * 4


def three_layer_teacher(num_classes=2, **kwargs):
    keras.utils.set_random_seed(1)
    config = TINY_CONFIG.to_dict() | {"num_layers": 3}
    return BertClassifier(
        BertEncoder(config), num_classes=num_classes, preprocessor=tiny_preprocessor(), **kwargs
    )


def log_softmax(z):
    z = z - z.max(-1, keepdims=True)
    return z - np.log(np.exp(z).sum(-1, keepdims=True))


def test_soft_target_loss_equals_numpy():
    rng = np.random.default_rng(0)
    student, teacher = rng.normal(size=(5, 3)), rng.normal(size=(5, 3)) * 3
    for temperature in (1.0, 2.5):
        t, s = log_softmax(teacher / temperature), log_softmax(student / temperature)
        expected = temperature**2 * (np.exp(t) * (t - s)).sum(-1)
        got = soft_target_loss(student.astype("float32"), teacher.astype("float32"), temperature)
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
    same = soft_target_loss(teacher.astype("float32"), teacher.astype("float32"), 2.0)
    np.testing.assert_allclose(same, 0, atol=1e-6)


def test_embedding_and_attention_losses_by_hand():
    np.testing.assert_allclose(embedding_loss([[3.0, 4.0]], [[6.0, 8.0]]), [0.0], atol=1e-7)
    np.testing.assert_allclose(embedding_loss([[1.0, 2.0]], [[3.0, 2.0]], "mse"), [2.0])
    with pytest.raises(ValueError, match="embedding loss must be one of"):
        embedding_loss([[1.0]], [[1.0]], "l1")
    # One head, two real queries and a padded one: KL of [0.5, 0.5] to [0.25, 0.75] is
    # 0.5 ln 2 + 0.5 ln(2/3); the second query's rows are equal; the padded one is ignored.
    teacher = np.array([[[[0.5, 0.5, 0], [1, 0, 0], [0.3, 0.7, 0]]]], "float32")
    student = np.array([[[[0.25, 0.75, 0], [1, 0, 0], [0.9, 0.1, 0]]]], "float32")
    expected = (0.5 * np.log(2) + 0.5 * np.log(2 / 3)) / 2
    got = attention_loss(student, teacher, np.array([[1, 1, 0]]))
    np.testing.assert_allclose(got, [expected], rtol=1e-5)


def test_student_from_teacher_holds_the_chosen_layers_exactly():
    assert every_other_layer(6, 3) == [0, 2, 5] and every_other_layer(12, 6) == [0, 2, 4, 7, 9, 11]
    assert uniform_layer_map(3, 6) == [1, 3, 5]
    teacher = three_layer_teacher()
    student, layers = student_from_teacher(teacher, layers=[0, 2])
    assert layers == [0, 2] and student.encoder.config.num_layers == 2
    assert isinstance(student, BertClassifier) and student.num_classes == 2
    pairs = [
        (student.encoder.embeddings, teacher.encoder.embeddings),
        (student.encoder.pooler, teacher.encoder.pooler),
        (student.encoder.transformer_layers[0], teacher.encoder.transformer_layers[0]),
        (student.encoder.transformer_layers[1], teacher.encoder.transformer_layers[2]),
        (student.get_layer("logits"), teacher.get_layer("logits")),
    ]
    for mine, theirs in pairs:
        for a, b in zip(mine.get_weights(), theirs.get_weights(), strict=True):
            np.testing.assert_array_equal(a, b)
    assert student_from_teacher(teacher, num_layers=2)[1] == [0, 2]
    with pytest.raises(ValueError, match="increasing layer indexes"):
        student_from_teacher(teacher, layers=[2, 0])
    with pytest.raises(ValueError, match="exactly one of"):
        student_from_teacher(teacher)
    with pytest.raises(ValueError, match="1 to 3 layers"):
        student_from_teacher(teacher, num_layers=4)


def test_distillation_trains_the_student_and_leaves_the_teacher():
    teacher = three_layer_teacher()
    before = [w.copy() for w in teacher.get_weights()]
    student, _ = student_from_teacher(teacher, num_layers=2)
    student_before = [w.copy() for w in student.get_weights()]
    distiller = TaskDistiller(teacher, student)
    labels = np.array([1, UNLABELLED, 0, UNLABELLED] * 4)
    history = distiller.fit(TRAIN_TEXTS, labels, batch_size=4, epochs=2, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))
    assert history.history["soft_loss"][-1] > 0 and "hard_loss" in history.history
    for a, b in zip(teacher.get_weights(), before, strict=True):
        np.testing.assert_array_equal(a, b)
    after = student.get_weights()
    assert any(not np.array_equal(a, b) for a, b in zip(after, student_before, strict=True))
    # No labels at all, and the teacher's outputs computed once beforehand.
    distiller.fit(TRAIN_TEXTS, batch_size=4, verbose=0)
    outputs = distiller.teacher_outputs(TRAIN_TEXTS)
    np.testing.assert_allclose(outputs, teacher.predict(TRAIN_TEXTS, verbose=0), atol=1e-6)
    distiller.fit(TRAIN_TEXTS, labels, teacher_outputs=outputs, batch_size=4, verbose=0)


def test_the_precomputed_teacher_gives_the_step_the_same_loss():
    teacher = three_layer_teacher()
    student, _ = student_from_teacher(teacher, num_layers=1)
    distiller = TaskDistiller(teacher, student)
    x = tiny_preprocessor()(np.array(TEXTS))
    predicted = distiller(x, training=False)
    labels = np.array([1, UNLABELLED, 0, 1])
    in_step = distiller.compute_loss(x, labels, predicted)
    given = {"labels": labels, "teacher_outputs": teacher(x, training=False)}
    np.testing.assert_allclose(distiller.compute_loss(x, given, predicted), in_step, rtol=1e-6)
    # By hand: half soft, half cross-entropy on labelled rows, soft alone on the other.
    logits = np.asarray(predicted["student"])
    soft = np.asarray(soft_target_loss(logits, np.asarray(given["teacher_outputs"]), 2.0))
    hard = -log_softmax(logits)[np.arange(4), np.maximum(labels, 0)]
    expected = np.where(labels >= 0, 0.5 * soft + 0.5 * hard, soft).mean()
    np.testing.assert_allclose(in_step, expected, rtol=1e-5)


def test_intermediate_transfer_through_a_projection():
    teacher = three_layer_teacher()
    config = TINY_CONFIG.to_dict() | {"num_layers": 1, "hidden_size": 4, "intermediate_size": 8}
    student = BertClassifier(BertEncoder(config), num_classes=2, preprocessor=tiny_preprocessor())
    distiller = TaskDistiller(teacher, student, hidden_weight=1.0, attention_weight=1.0)
    assert distiller.layer_map == [2]
    projection = distiller.get_layer("hidden_projection_0")
    assert projection.kernel.shape == (4, TINY_CONFIG.hidden_size)
    kernel = projection.kernel.numpy().copy()
    history = distiller.fit(TRAIN_TEXTS, batch_size=4, epochs=2, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))
    assert not np.array_equal(projection.kernel.numpy(), kernel)
    with pytest.raises(ValueError, match="teacher in the step"):
        distiller.fit(TRAIN_TEXTS, teacher_outputs=np.zeros((16, 2)), verbose=0)


def test_mismatched_pairs_are_refused():
    teacher = three_layer_teacher()
    with pytest.raises(TypeError, match="must be a BertClassifier like its teacher"):
        TaskDistiller(teacher, SentenceEncoder(BertEncoder(TINY_CONFIG), tiny_preprocessor()))
    with pytest.raises(ValueError, match="head"):
        TaskDistiller(teacher, tiny_classifier(num_classes=3))
    with pytest.raises(TypeError, match="BertClassifier or a SentenceEncoder"):
        TaskDistiller("teacher", tiny_classifier())
    heads = TINY_CONFIG.to_dict() | {"num_heads": 1}
    one_head = BertClassifier(BertEncoder(heads), num_classes=2, preprocessor=tiny_preprocessor())
    with pytest.raises(ValueError, match="heads one to one"):
        TaskDistiller(teacher, one_head, attention_weight=1.0)
    with pytest.raises(ValueError, match="layer_map"):
        TaskDistiller(teacher, one_head, layer_map=[0])
    with pytest.raises(ValueError, match="same tokens"):
        student_with_encoder(teacher, BertEncoder(TINY_CONFIG.to_dict() | {"vocab_size": 5}))
    mini = preset_student(teacher, "bert_tiny")
    assert mini.encoder.config.vocab_size == TINY_CONFIG.vocab_size
    assert mini.encoder.config.hidden_size == 128 and mini.num_classes == 2


def test_sentence_encoder_students_match_embeddings():
    keras.utils.set_random_seed(2)
    config = TINY_CONFIG.to_dict() | {"num_layers": 2, "hidden_dropout": 0.0}
    teacher = SentenceEncoder(BertEncoder(config), tiny_preprocessor(), normalize=False)
    keras.utils.set_random_seed(3)
    student = student_with_encoder(teacher, BertEncoder(config | {"num_layers": 1}))
    distiller = TaskDistiller(teacher, student, embedding_loss="mse")
    x = tiny_preprocessor()(np.array(TEXTS))

    def distance():
        return float(np.mean(np.square(student(x) - teacher(x))))

    before = distance()
    distiller.compile(learning_rate=1e-2)
    history = distiller.fit(TRAIN_TEXTS, batch_size=4, epochs=5, verbose=0)
    assert history.history["soft_loss"][-1] < history.history["soft_loss"][0]
    assert distance() < 0.5 * before
    assert history.history["hard_loss"] == [0.0] * 5  # no labels for sentence encoders
    narrow = BertEncoder(config | {"hidden_size": 4, "intermediate_size": 8})
    with pytest.raises(ValueError, match="embeddings of the teacher's width"):
        TaskDistiller(teacher, student_with_encoder(teacher, narrow))


def test_a_distilled_student_round_trips_through_keras_saved_model_and_tflite(tmp_path):
    teacher = three_layer_teacher()
    student, _ = student_from_teacher(teacher, num_layers=2)
    TaskDistiller(teacher, student).fit(TRAIN_TEXTS, batch_size=4, verbose=0)
    expected = student.predict(TEXTS, verbose=0)
    student.save(tmp_path / "student.keras")
    loaded = keras.saving.load_model(tmp_path / "student.keras")
    assert isinstance(loaded, BertClassifier) and loaded.encoder.config.num_layers == 2
    np.testing.assert_allclose(loaded.predict(TEXTS, verbose=0), expected, atol=1e-6)
    served = run_saved_model(export_saved_model(loaded, tmp_path / "1"), {"text": TEXTS})
    np.testing.assert_allclose(served["logits"], expected, atol=1e-5)
    lite = run_tflite(export_tflite(loaded, tmp_path / "student.tflite"), {"text": TEXTS})
    np.testing.assert_allclose(lite["logits"], expected, atol=1e-5)


class Kill(keras.callbacks.Callback):
    def on_train_batch_end(self, batch, logs=None):
        if int(self.model.optimizer.iterations.numpy()) == 7:
            raise KeyboardInterrupt


def test_a_killed_distillation_resumes_to_the_uninterrupted_student(tmp_path):
    def build():
        keras.utils.set_random_seed(4)
        config = TINY_CONFIG.to_dict() | {"hidden_dropout": 0.0, "attention_dropout": 0.0}
        teacher = BertClassifier(BertEncoder(config), 2, tiny_preprocessor(), dropout=0.0)
        student, _ = student_from_teacher(teacher, num_layers=1)
        return TaskDistiller(teacher, student)

    labels = np.array([1, UNLABELLED, 0, UNLABELLED] * 4)
    fit = dict(batch_size=4, epochs=3, verbose=0, backup_every=2)  # 4 steps an epoch
    expected = build()
    expected.fit(TRAIN_TEXTS, labels, **fit)
    with pytest.raises(KeyboardInterrupt):
        build().fit(TRAIN_TEXTS, labels, backup_dir=tmp_path, callbacks=[Kill()], **fit)
    resumed = build()
    resumed.fit(TRAIN_TEXTS, labels, backup_dir=tmp_path, **fit)
    assert int(resumed.optimizer.iterations.numpy()) == 12
    for a, b in zip(resumed.student.get_weights(), expected.student.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_pair_and_regression_teachers():
    keras.utils.set_random_seed(5)
    config = TINY_CONFIG.to_dict() | {"num_layers": 2}
    teacher = BertClassifier(BertEncoder(config), 1, tiny_preprocessor(), score_range=(0.0, 5.0))
    student, _ = student_from_teacher(teacher, num_layers=1)
    distiller = TaskDistiller(teacher, student)
    first, second = TEXTS, TEXTS[::-1]
    x = tiny_preprocessor()((np.array(first), np.array(second)))
    predicted = distiller(x, training=False)
    scores = np.array([1.0, np.nan, 4.0, np.nan], "float32")
    # Squared error to the teacher's score, mixed half and half with the label's where present.
    mine = np.asarray(predicted["student"])[:, 0]
    theirs = np.asarray(teacher(x, training=False))[:, 0]
    soft, hard = (mine - theirs) ** 2, (mine - np.nan_to_num(scores)) ** 2
    expected = np.where(np.isfinite(scores), 0.5 * soft + 0.5 * hard, soft).mean()
    np.testing.assert_allclose(distiller.compute_loss(x, scores, predicted), expected, rtol=1e-5)
    history = distiller.fit((first * 2, second * 2), np.tile(scores, 2), batch_size=4, verbose=0)
    assert np.isfinite(history.history["loss"][0])
