"""A client for TF Serving: raw strings in, NumPy outputs back, over gRPC or REST.

gRPC sends a `tensorflow.serving.PredictRequest` to `PredictionService/Predict` (port 8500 by
default); REST posts the columnar JSON body `{"signature_name": ..., "inputs": {...}}` to
`/v1/models/NAME[/versions/V]:predict` (port 8501) and reads `{"outputs": ...}`.
"""

from __future__ import annotations

import json
import urllib.request

import numpy as np

DEFAULT_SIGNATURE = "serving_default"


def _as_text_array(texts, name):
    if isinstance(texts, str):
        texts = [texts]
    texts = list(texts)
    if not all(isinstance(t, str) for t in texts):
        raise TypeError(f"{name} must be strings.")
    return texts


def text_inputs(text, text_pair=None) -> dict[str, list[str]]:
    """The `text` (and `text_pair`) inputs of a raw-text signature, checked."""
    inputs = {"text": _as_text_array(text, "text")}
    if text_pair is not None:
        inputs["text_pair"] = _as_text_array(text_pair, "text_pair")
        if len(inputs["text_pair"]) != len(inputs["text"]):
            raise ValueError(
                f"text has {len(inputs['text'])} entries and text_pair "
                f"{len(inputs['text_pair'])}; pairs need as many of each."
            )
    return inputs


def predict_request(model_name, inputs, signature=DEFAULT_SIGNATURE, version=None):
    """A `PredictRequest` proto for `inputs` (a dict of lists or arrays)."""
    import tensorflow as tf
    from tensorflow_serving.apis import predict_pb2

    request = predict_pb2.PredictRequest()
    request.model_spec.name = model_name
    request.model_spec.signature_name = signature
    if version is not None:
        request.model_spec.version.value = int(version)
    for name, value in inputs.items():
        value = np.asarray(value)
        if value.dtype.kind == "U":
            value = np.array([v.encode("utf-8") for v in value.ravel()], object).reshape(
                value.shape
            )
        request.inputs[name].CopyFrom(tf.make_tensor_proto(value))
    return request


def rest_body(inputs, signature=DEFAULT_SIGNATURE) -> dict:
    """The columnar JSON body of a REST `:predict` request."""
    return {
        "signature_name": signature,
        "inputs": {name: np.asarray(value).tolist() for name, value in inputs.items()},
    }


def rest_url(base_url, model_name, version=None, method=":predict") -> str:
    """`/v1/models/NAME[/versions/V]:predict` (or `/metadata`) under `base_url`."""
    version_part = f"/versions/{int(version)}" if version is not None else ""
    return f"{base_url.rstrip('/')}/v1/models/{model_name}{version_part}{method}"


def _decoded(array):
    array = np.asarray(array)
    if array.dtype == object:
        return np.vectorize(
            lambda v: v.decode("utf-8") if isinstance(v, bytes) else v, otypes=[object]
        )(array)
    return array


class ServingClient:
    """Sends raw strings to a model served by TF Serving and returns its named outputs.

    Args:
        model_name: the model's name in the server's `models.config`.
        grpc_address: `host:port` of the gRPC API (e.g. `localhost:8500`), or None.
        rest_url: base URL of the REST API (e.g. `http://localhost:8501`), or None.
            Give exactly one of `grpc_address`, `rest_url`.
        version: int or None for the highest version the server has.
        timeout: seconds per request.

    Example:

    >>> client = ServingClient("sst2", grpc_address="localhost:8500")  # doctest: +SKIP
    >>> client.predict(["a gripping film"])["label"]  # doctest: +SKIP
    array([1], dtype=int32)
    """

    def __init__(self, model_name, grpc_address=None, rest_url=None, version=None, timeout=10.0):
        if (grpc_address is None) == (rest_url is None):
            raise ValueError("Give exactly one of grpc_address and rest_url.")
        self.model_name = model_name
        self.grpc_address = grpc_address
        self.rest_base_url = rest_url
        self.version = version
        self.timeout = timeout
        self._stub = None

    def predict(self, text, text_pair=None, signature=DEFAULT_SIGNATURE) -> dict[str, np.ndarray]:
        """Outputs of `signature` for `text` (a string or list; `text_pair` for pairs)."""
        return self.run(text_inputs(text, text_pair), signature)

    def run(self, inputs, signature=DEFAULT_SIGNATURE) -> dict[str, np.ndarray]:
        """Outputs of `signature` for arbitrary named inputs (e.g. `serve_token_ids`)."""
        if self.grpc_address is not None:
            return self._run_grpc(inputs, signature)
        return self._run_rest(inputs, signature)

    def _run_grpc(self, inputs, signature):
        import grpc
        import tensorflow as tf
        from tensorflow_serving.apis import prediction_service_pb2_grpc

        if self._stub is None:
            channel = grpc.insecure_channel(self.grpc_address)
            self._stub = prediction_service_pb2_grpc.PredictionServiceStub(channel)
        request = predict_request(self.model_name, inputs, signature, self.version)
        response = self._stub.Predict(request, timeout=self.timeout)
        return {name: _decoded(tf.make_ndarray(t)) for name, t in response.outputs.items()}

    def _rest_call(self, url, body=None):
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(
            url,
            data=data,
            headers={"Content-Type": "application/json"},
            method="GET" if body is None else "POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            detail = error.read().decode("utf-8", "replace")
            raise RuntimeError(f"TF Serving answered {error.code}: {detail}") from None

    def _run_rest(self, inputs, signature):
        url = rest_url(self.rest_base_url, self.model_name, self.version)
        outputs = self._rest_call(url, rest_body(inputs, signature))["outputs"]
        if not isinstance(outputs, dict):
            # TF Serving returns a signature's only output without its name; the model's
            # metadata has it.
            outputs = {self._only_output_name(signature): outputs}
        return {name: np.asarray(value) for name, value in outputs.items()}

    def _only_output_name(self, signature):
        url = rest_url(self.rest_base_url, self.model_name, self.version, "/metadata")
        signatures = self._rest_call(url)["metadata"]["signature_def"]["signature_def"]
        (name,) = signatures[signature]["outputs"]
        return name
