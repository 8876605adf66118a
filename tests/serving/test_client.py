"""The TF Serving client, end to end against a loopback stand-in server that runs the
SavedModel in a TF1 session (tests/serving/standin_server.py), with the request protos and
JSON bodies checked field by field against the TF Serving API."""

import numpy as np
import pytest
from tensorflow.core.framework import types_pb2

from keras_bert_lib.export.saved_model import export_saved_model
from keras_bert_lib.serving import ServingClient
from keras_bert_lib.serving.client import predict_request, rest_body, rest_url
from tests.serving.standin_server import StandInServer
from tests.tiny_models import PAIRS, TEXTS, tiny_classifier, tiny_sentence_encoder


@pytest.fixture(scope="module")
def classifier():
    return tiny_classifier()


@pytest.fixture(scope="module")
def server(classifier, tmp_path_factory):
    directory = export_saved_model(
        classifier, tmp_path_factory.mktemp("repo") / "sst2" / "1", pair=True
    )
    with StandInServer("sst2", directory) as running:
        yield running


def test_predict_request_proto_fields():
    request = predict_request("sst2", {"text": ["héllo", "b"]}, "serving_default", version=3)
    assert request.model_spec.name == "sst2"
    assert request.model_spec.signature_name == "serving_default"
    assert request.model_spec.version.value == 3
    tensor = request.inputs["text"]
    assert tensor.dtype == types_pb2.DT_STRING
    assert [d.size for d in tensor.tensor_shape.dim] == [2]
    assert list(tensor.string_val) == ["héllo".encode(), b"b"]

    ids = predict_request("m", {"token_ids": np.ones((1, 4), np.int32)}).inputs["token_ids"]
    assert ids.dtype == types_pb2.DT_INT32
    assert [d.size for d in ids.tensor_shape.dim] == [1, 4]


def test_rest_body_and_url_follow_the_rest_api():
    assert rest_body({"text": ["a", "b"], "text_pair": ["c", "d"]}) == {
        "signature_name": "serving_default",
        "inputs": {"text": ["a", "b"], "text_pair": ["c", "d"]},
    }
    assert rest_url("http://h:8501/", "sst2") == "http://h:8501/v1/models/sst2:predict"
    assert rest_url("http://h:8501", "sst2", 2, "/metadata") == (
        "http://h:8501/v1/models/sst2/versions/2/metadata"
    )


def test_grpc_and_rest_predictions_equal_the_keras_model(classifier, server):
    first, second = PAIRS
    expected = classifier.predict((first, second), verbose=0)
    grpc_client = ServingClient("sst2", grpc_address=f"127.0.0.1:{server.grpc_port}")
    rest_client = ServingClient("sst2", rest_url=f"http://127.0.0.1:{server.rest_port}")
    for client in (grpc_client, rest_client):
        outputs = client.predict(first, second)
        np.testing.assert_allclose(outputs["logits"], expected, atol=1e-5)
        assert outputs["label"].tolist() == expected.argmax(-1).tolist()

    received = server.grpc_requests[-1]
    assert received.model_spec.name == "sst2"
    assert [s.decode() for s in received.inputs["text_pair"].string_val] == second
    assert server.rest_bodies[-1] == {
        "signature_name": "serving_default",
        "inputs": {"text": first, "text_pair": second},
    }


def test_other_signatures_and_errors(server):
    client = ServingClient("sst2", rest_url=f"http://127.0.0.1:{server.rest_port}")
    tokens = client.predict(["the film"], ["was great"], signature="tokenize")
    assert tokens["wordpieces"][0][:7].tolist() == [
        "[CLS]",
        "the",
        "film",
        "[SEP]",
        "was",
        "great",
        "[SEP]",
    ]
    features = {
        name: np.asarray(tokens[name], np.int32)
        for name in ("token_ids", "segment_ids", "padding_mask")
    }
    grpc_client = ServingClient("sst2", grpc_address=f"127.0.0.1:{server.grpc_port}")
    by_ids = grpc_client.run(features, signature="serve_token_ids")
    by_text = grpc_client.predict(["the film"], ["was great"])
    np.testing.assert_allclose(by_ids["logits"], by_text["logits"], atol=1e-5)

    with pytest.raises(ValueError, match="pairs need as many"):
        client.predict(["a", "b"], ["c"])
    with pytest.raises(TypeError, match="strings"):
        client.predict([1, 2])
    with pytest.raises(ValueError, match="exactly one"):
        ServingClient("sst2")


def test_a_lone_output_keeps_its_name_over_rest(tmp_path):
    encoder = tiny_sentence_encoder()
    directory = export_saved_model(encoder, tmp_path / "encoder" / "1")
    with StandInServer("encoder", directory) as server:
        client = ServingClient("encoder", rest_url=f"http://127.0.0.1:{server.rest_port}")
        outputs = client.predict(TEXTS)
    np.testing.assert_allclose(outputs["embeddings"], encoder.encode(TEXTS), atol=1e-5)
