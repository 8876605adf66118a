"""SavedModels that TF Serving loads: signatures on raw strings, warm-up requests.

`export_saved_model(model, directory)` writes one SavedModel with three signatures (see
`signatures.py`): `serving_default` (raw strings), `serve_token_ids` (int32 features) and
`tokenize`. The weights are constants of the serving graph, stored once: a request reads no
variables (on the reference checkpoint, 690 ops instead of 936 per batch-1 request). A model
whose weights pass `FROZEN_WEIGHTS_LIMIT` keeps them as variables, since a graph holds at
most 2 GB.

TF Serving r2.20 links tensorflow-text 2.20; `op_check.unregistered_ops` lists any op of the
graph that the running TensorFlow + tensorflow-text do not know.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import tensorflow as tf

from keras_bert_lib.export.signatures import FEATURE_NAMES, ServingModule, text_input_names

SERVING_DEFAULT = "serving_default"
SERVE_TOKEN_IDS = "serve_token_ids"
TOKENIZE = "tokenize"
WARMUP_FILE = Path("assets.extra") / "tf_serving_warmup_requests"
DEFAULT_WARMUP_TEXTS = ("A short warm-up request.", "A second, somewhat longer warm-up request.")
FROZEN_WEIGHTS_LIMIT = 1_500_000_000  # bytes; BERT-large in float32 is 1.34 GB


def weight_bytes(model) -> int:
    """The size of `model`'s weights in bytes."""
    return sum(int(np.prod(v.shape)) * np.dtype(v.dtype).itemsize for v in model.variables)


def export_saved_model(model, directory, pair=False, warmup_texts=DEFAULT_WARMUP_TEXTS) -> Path:
    """Writes `model` (a task model with its preprocessor) as a TF Serving SavedModel.

    Args:
        model: a task model (`BertClassifier`, `SentenceEncoder`, `BertTokenClassifier`,
            `BertSpanLabeler`) with a `BertPreprocessor`.
        directory: the version directory to write (`saved_models/NAME/VERSION`); it must not
            exist or be empty.
        pair: bool. Whether `serving_default` takes sentence pairs (`text`, `text_pair`).
        warmup_texts: texts for `assets.extra/tf_serving_warmup_requests` (one request per
            signature), so the server's first real request is not slow; empty for none.

    Returns:
        The directory.

    Example:

    >>> export_saved_model(classifier, "saved_models/sst2/1")  # doctest: +SKIP
    """
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()):
        raise FileExistsError(f"{directory} exists and is not empty; export to a new version.")
    frozen_weights = weight_bytes(model) <= FROZEN_WEIGHTS_LIMIT
    module = ServingModule(model, pair=pair, frozen_weights=frozen_weights)
    signatures = {
        SERVING_DEFAULT: module.serve_text.get_concrete_function(),
        SERVE_TOKEN_IDS: module.serve_token_ids.get_concrete_function(),
        TOKENIZE: module.tokenize.get_concrete_function(),
    }
    tf.saved_model.save(module, str(directory), signatures=signatures)
    if warmup_texts:
        names = text_input_names(model, pair)
        write_warmup_requests(directory, warmup_texts, names, module.sequence_length)
    return directory


def warmup_inputs(texts, names, sequence_length) -> dict[str, dict[str, np.ndarray]]:
    """One request's inputs per signature, from `texts` (given to each string input)."""
    texts = np.array([t.encode("utf-8") for t in texts], dtype=object)
    text_inputs = {name: texts for name in names}
    ids = np.zeros((len(texts), sequence_length), np.int32)
    ids[:, 0] = 1
    return {
        SERVING_DEFAULT: text_inputs,
        SERVE_TOKEN_IDS: {name: ids for name in FEATURE_NAMES},
        TOKENIZE: text_inputs,
    }


def write_warmup_requests(directory, texts, names, sequence_length) -> Path:
    """Writes `assets.extra/tf_serving_warmup_requests`: `PredictionLog` records, one
    `PredictRequest` per signature (the format TF Serving replays at load time)."""
    from tensorflow_serving.apis import model_pb2, predict_pb2, prediction_log_pb2

    path = Path(directory) / WARMUP_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    with tf.io.TFRecordWriter(str(path)) as writer:
        for signature, inputs in warmup_inputs(texts, names, sequence_length).items():
            request = predict_pb2.PredictRequest(
                model_spec=model_pb2.ModelSpec(signature_name=signature)
            )
            for name, value in inputs.items():
                request.inputs[name].CopyFrom(tf.make_tensor_proto(value))
            log = prediction_log_pb2.PredictionLog(
                predict_log=prediction_log_pb2.PredictLog(request=request)
            )
            writer.write(log.SerializeToString())
    return path
