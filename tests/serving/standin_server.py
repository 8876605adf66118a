"""A test stand-in for TF Serving (not the real server): answers gRPC `Predict` and REST
`:predict` / `metadata` for one model by running its SavedModel in a TF1 session, the way
TF Serving loads it. It records every request it receives so tests can check them."""

from __future__ import annotations

import json
import threading
from concurrent import futures
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import grpc
import numpy as np
import tensorflow as tf
import tensorflow_text  # noqa: F401
from tensorflow_serving.apis import predict_pb2, prediction_service_pb2_grpc


class SessionModel:
    """A SavedModel loaded into a `tf.compat.v1.Session` with the `serve` tag."""

    def __init__(self, directory):
        self.graph = tf.Graph()
        self.session = tf.compat.v1.Session(graph=self.graph)
        meta_graph = tf.compat.v1.saved_model.loader.load(self.session, ["serve"], directory)
        self.signatures = meta_graph.signature_def

    def run(self, signature, inputs):
        signature_def = self.signatures[signature]
        feed = {signature_def.inputs[k].name: v for k, v in inputs.items()}
        fetch = {k: t.name for k, t in signature_def.outputs.items()}
        return self.session.run(fetch, feed)


class PredictionServicer(prediction_service_pb2_grpc.PredictionServiceServicer):
    def __init__(self, name, model, received):
        self.name, self.model, self.received = name, model, received

    def Predict(self, request, context):  # noqa: N802 (the gRPC method name)
        self.received.append(request)
        if request.model_spec.name != self.name:
            context.abort(grpc.StatusCode.NOT_FOUND, f"no model {request.model_spec.name}")
        inputs = {k: tf.make_ndarray(v) for k, v in request.inputs.items()}
        outputs = self.model.run(request.model_spec.signature_name or "serving_default", inputs)
        response = predict_pb2.PredictResponse()
        response.model_spec.CopyFrom(request.model_spec)
        for key, value in outputs.items():
            response.outputs[key].CopyFrom(tf.make_tensor_proto(value))
        return response


def _jsonable(value):
    value = np.asarray(value)
    if value.dtype == object:
        return np.vectorize(lambda v: v.decode("utf-8"), otypes=[object])(value).tolist()
    return value.tolist()


class StandInServer:
    """Serves `directory` as model `name` on loopback ports; use as a context manager."""

    def __init__(self, name, directory):
        self.name = name
        self.model = SessionModel(str(directory))
        self.grpc_requests, self.rest_bodies = [], []

    def __enter__(self):
        self.grpc_server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
        prediction_service_pb2_grpc.add_PredictionServiceServicer_to_server(
            PredictionServicer(self.name, self.model, self.grpc_requests), self.grpc_server
        )
        self.grpc_port = self.grpc_server.add_insecure_port("127.0.0.1:0")
        self.grpc_server.start()
        self.http_server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.rest_port = self.http_server.server_address[1]
        threading.Thread(target=self.http_server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.grpc_server.stop(None)
        self.http_server.shutdown()
        self.model.session.close()

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _reply(self, status, payload):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):  # noqa: N802
                if self.path != f"/v1/models/{server.name}/metadata":
                    return self._reply(404, {"error": f"no route {self.path}"})
                signature_def = {
                    key: {"outputs": {name: {} for name in value.outputs}}
                    for key, value in server.model.signatures.items()
                }
                return self._reply(
                    200, {"metadata": {"signature_def": {"signature_def": signature_def}}}
                )

            def do_POST(self):  # noqa: N802
                if self.path != f"/v1/models/{server.name}:predict":
                    return self._reply(404, {"error": f"no route {self.path}"})
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                server.rest_bodies.append(body)
                inputs = {
                    k: np.array(v, dtype=object if isinstance(np.ravel(v)[0], str) else None)
                    for k, v in body["inputs"].items()
                }
                inputs = {
                    k: v.astype(np.int32) if v.dtype.kind == "i" else v for k, v in inputs.items()
                }
                try:
                    outputs = server.model.run(
                        body.get("signature_name", "serving_default"), inputs
                    )
                except Exception as error:  # noqa: BLE001 (answered as the server does)
                    return self._reply(400, {"error": str(error)})
                outputs = {k: _jsonable(v) for k, v in outputs.items()}
                if len(outputs) == 1:  # TF Serving returns a lone output without its name
                    outputs = next(iter(outputs.values()))
                return self._reply(200, {"outputs": outputs})

        return Handler
