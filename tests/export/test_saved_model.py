"""SavedModel export, checked the way TF Serving loads it: the TF1 session loader in a fresh
process that imports only TensorFlow and tensorflow-text."""

from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf
from tensorflow.core.protobuf import saved_model_pb2
from tensorflow_serving.apis import prediction_log_pb2

from keras_bert_lib.export import saved_model
from keras_bert_lib.export.op_check import graph_ops, unregistered_ops
from keras_bert_lib.export.repository import (
    export_to_repository,
    next_version,
    read_models_config,
)
from keras_bert_lib.export.saved_model import WARMUP_FILE, export_saved_model
from keras_bert_lib.export.session_loader import run_in_fresh_process
from tests.tiny_models import (
    PAIRS,
    SEQUENCE_LENGTH,
    TEXTS,
    tiny_classifier,
    tiny_sentence_encoder,
)


@pytest.fixture(scope="module")
def classifier():
    return tiny_classifier()


@pytest.fixture(scope="module")
def exported(classifier, tmp_path_factory):
    return export_saved_model(classifier, tmp_path_factory.mktemp("export") / "1")


def test_serving_default_on_raw_strings_equals_keras(classifier, exported):
    outputs = run_in_fresh_process(exported, "serving_default", {"text": np.array(TEXTS)})
    logits = classifier.predict(TEXTS, verbose=0)
    np.testing.assert_allclose(outputs["logits"], logits, atol=1e-5, rtol=0)
    probabilities = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    np.testing.assert_allclose(outputs["probabilities"], probabilities, atol=1e-6, rtol=0)
    assert outputs["label"].tolist() == logits.argmax(-1).tolist()
    assert outputs["label"].dtype == np.int32


def test_token_ids_and_tokenize_signatures(classifier, exported):
    tokenized = run_in_fresh_process(exported, "tokenize", {"text": np.array(TEXTS[:2])})
    expected = classifier.preprocessor(TEXTS[:2])
    for name in ("token_ids", "segment_ids", "padding_mask"):
        np.testing.assert_array_equal(tokenized[name], expected[name].numpy())
    assert tokenized["token_ids"].shape == (2, SEQUENCE_LENGTH)
    pieces = [p.decode() for p in tokenized["wordpieces"][0]]
    assert pieces[:7] == ["[CLS]", "the", "film", "was", "great", "!", "[SEP]"]

    features = {name: tokenized[name] for name in ("token_ids", "segment_ids", "padding_mask")}
    outputs = run_in_fresh_process(exported, "serve_token_ids", features)
    np.testing.assert_allclose(
        outputs["logits"], classifier.predict(TEXTS[:2], verbose=0), atol=1e-5, rtol=0
    )


def test_pair_and_sentence_encoder_and_regression_exports(tmp_path):
    classifier = tiny_classifier()
    directory = export_saved_model(classifier, tmp_path / "pair" / "1", pair=True)
    first, second = PAIRS
    outputs = run_in_fresh_process(
        directory, "serving_default", {"text": np.array(first), "text_pair": np.array(second)}
    )
    np.testing.assert_allclose(
        outputs["logits"], classifier.predict((first, second), verbose=0), atol=1e-5, rtol=0
    )

    encoder = tiny_sentence_encoder()
    directory = export_saved_model(encoder, tmp_path / "encoder" / "1")
    outputs = run_in_fresh_process(directory, "serving_default", {"text": np.array(TEXTS)})
    np.testing.assert_allclose(outputs["embeddings"], encoder.encode(TEXTS), atol=1e-5, rtol=0)

    regressor = tiny_classifier(num_classes=1)
    directory = export_saved_model(regressor, tmp_path / "regression" / "1")
    outputs = run_in_fresh_process(directory, "serving_default", {"text": np.array(TEXTS)})
    np.testing.assert_allclose(
        outputs["score"], regressor.predict(TEXTS, verbose=0)[:, 0], atol=1e-5, rtol=0
    )


def float_constant_shapes(directory):
    """Shapes of the float32 tensors stored as constants in the SavedModel's graphs."""
    proto = saved_model_pb2.SavedModel.FromString((directory / "saved_model.pb").read_bytes())
    shapes = []
    for meta_graph in proto.meta_graphs:
        graph = meta_graph.graph_def
        for node in [*graph.node, *(n for f in graph.library.function for n in f.node_def)]:
            tensor = node.attr["value"].tensor
            is_float = node.op == "Const" and tensor.dtype == tf.float32.as_datatype_enum
            if is_float and tensor.tensor_content:
                shapes.append(tuple(d.size for d in tensor.tensor_shape.dim))
    return shapes


def stored_variable_shapes(directory):
    reader = tf.train.load_checkpoint(str(directory / "variables" / "variables"))
    dtypes = reader.get_variable_to_dtype_map()
    shapes = reader.get_variable_to_shape_map().items()
    return [tuple(shape) for name, shape in shapes if dtypes[name] == tf.float32]


def test_weights_are_constants_stored_once_and_read_by_no_request(classifier, exported):
    weights = sorted(tuple(w.shape) for w in classifier.weights)
    assert sorted(float_constant_shapes(exported)) == weights
    assert stored_variable_shapes(exported) == []
    assert not graph_ops(exported) & {"VarHandleOp", "ReadVariableOp"}


def test_weights_past_the_graph_limit_stay_variables_stored_once(classifier, tmp_path, monkeypatch):
    monkeypatch.setattr(saved_model, "FROZEN_WEIGHTS_LIMIT", 0)
    directory = export_saved_model(classifier, tmp_path / "1")
    weights = sorted(tuple(w.shape) for w in classifier.weights)
    assert sorted(stored_variable_shapes(directory)) == weights
    assert float_constant_shapes(directory) == []
    outputs = run_in_fresh_process(directory, "serving_default", {"text": np.array(TEXTS)})
    logits = classifier.predict(TEXTS, verbose=0)
    np.testing.assert_allclose(outputs["logits"], logits, atol=1e-5, rtol=0)


def test_warmup_requests_cover_every_signature_and_run(exported):
    records = tf.data.TFRecordDataset(str(exported / WARMUP_FILE))
    logs = [prediction_log_pb2.PredictionLog.FromString(r.numpy()) for r in records]
    requests = {log.predict_log.request.model_spec.signature_name: log for log in logs}
    assert set(requests) == {"serving_default", "serve_token_ids", "tokenize"}
    request = requests["serve_token_ids"].predict_log.request
    inputs = {name: tf.make_ndarray(proto) for name, proto in request.inputs.items()}
    assert inputs["token_ids"].shape[1] == SEQUENCE_LENGTH
    outputs = run_in_fresh_process(exported, "serve_token_ids", inputs)
    assert np.isfinite(outputs["logits"]).all()


def test_every_op_is_registered_and_an_unknown_op_is_named(exported, tmp_path):
    ops = graph_ops(exported)
    assert {"FastWordpieceTokenizeWithOffsets", "BatchMatMulV2", "Softmax"} <= ops
    assert unregistered_ops(exported) == []

    broken = tmp_path / "broken"
    broken.mkdir()
    graph = (exported / "saved_model.pb").read_bytes()
    (broken / "saved_model.pb").write_bytes(graph.replace(b"Softmax", b"Softmix"))
    assert unregistered_ops(broken) == ["Softmix"]


def test_export_refuses_a_model_without_preprocessor_or_a_used_directory(tmp_path):
    classifier = tiny_classifier()
    classifier.preprocessor = None
    with pytest.raises(ValueError, match="BertPreprocessor"):
        export_saved_model(classifier, tmp_path / "a")
    with pytest.raises(TypeError, match="takes a BertClassifier, .*got BertEncoder"):
        export_saved_model(classifier.encoder, tmp_path / "b")
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "file").write_text("x")
    with pytest.raises(FileExistsError, match="new version"):
        export_saved_model(tiny_classifier(), tmp_path / "c")


def test_repository_versions_and_models_config(tmp_path):
    classifier = tiny_classifier()
    first = export_to_repository(classifier, "sst2", tmp_path, base_path="/models/sst2")
    second = export_to_repository(classifier, "sst2", tmp_path, base_path="/models/sst2")
    export_to_repository(tiny_sentence_encoder(), "encoder", tmp_path)
    assert (first.name, second.name) == ("1", "2")
    entries = read_models_config(tmp_path).model_config_list.config
    assert [(e.name, e.base_path, e.model_platform) for e in entries] == [
        ("sst2", "/models/sst2", "tensorflow"),
        ("encoder", str((tmp_path / "encoder").resolve()), "tensorflow"),
    ]
    with pytest.raises(ValueError, match="plain directory name"):
        export_to_repository(classifier, "../escape", tmp_path)


def test_project_models_config_lists_only_models_exported_here():
    # Exports are not committed: an entry without a NAME/VERSION/ directory in saved_models/
    # would make TF Serving wait for a model that a fresh clone does not have.
    repository = Path(__file__).resolve().parents[2] / "saved_models"
    entries = read_models_config(repository).model_config_list.config
    missing = [e.name for e in entries if next_version(repository / e.name) == 1]
    assert not missing, f"saved_models/models.config lists {missing}, which have no export"
