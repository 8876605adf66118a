"""What each serving runtime's own matrix products cost for one request: the ceilings of the
serving bars.

A batch-1 request runs the encoder's matrix products (`encoder_peers.matrix_products`: per
layer six projections and attention's two batched products) on as many rows as the request
has pieces, the last layer's query, output and feed-forward on `[CLS]`'s row alone, as our
classifier runs them. Timed alone at each request's length, with no tokenizer, embeddings, bias,
softmax, LayerNorm or GELU, they bound what any model served by the same runtime can reach:

- `session_products`: TensorFlow's kernels through a TF1 session with the weights as graph
  constants, as TF Serving runs our frozen SavedModel;
- `litert_products`: LiteRT's kernels (XNNPACK), as a `.tflite` file runs.

Each returns `run(rows)` for float32 rows `[pieces, hidden]`. `litert_text_floor` adds
what every model served from raw text must also do before those products, in one `.tflite`
file: the in-graph tokenizer (TFLite mode, cut to the request's length, as our export does)
and the word-table lookup. It returns `run(text)`; its time is the tighter bound.
"""

from pathlib import Path

import numpy as np
import tensorflow as tf
from encoder_peers import matrix_products

from keras_bert_lib import BertConfig
from keras_bert_lib.export.tflite import (
    convert_concrete_functions,
    load_interpreter,
    tflite_preprocessor,
)
from keras_bert_lib.models.task_data import trim_padding

# Scales the value weights (`matrix_products`' `length`): a typical SST-2 request's pieces.
TYPICAL_PIECES = 24


def request_products(config: BertConfig):
    """`matrix_products` of one request, as our classifier runs them (the last layer on
    `[CLS]`'s row alone)."""
    return matrix_products(config, 1, TYPICAL_PIECES, first_token_only=True)


def session_products(config: BertConfig):
    graph = tf.Graph()
    with graph.as_default():
        rows = tf.compat.v1.placeholder(tf.float32, [None, config.hidden_size])
        total = request_products(config)(rows)
    session = tf.compat.v1.Session(graph=graph)
    return lambda values: session.run(total, {rows: values})


def litert_products(config: BertConfig, directory: Path):
    spec = tf.TensorSpec([None, config.hidden_size], tf.float32, name="rows")
    runner = _litert_runner(
        request_products(config),
        spec,
        Path(directory) / "matrix_products.tflite",
    )
    return lambda values: runner(rows=values)


def litert_text_floor(model, directory: Path):
    """`run(text)`: `model`'s tokenizer, a word-table lookup and the encoder's matrix
    products, nothing else, as one LiteRT file (`model`: a classifier with a preprocessor)."""
    config = model.encoder.config
    preprocessor = tflite_preprocessor(model.preprocessor)
    table = np.random.default_rng(2).standard_normal(
        (config.vocab_size, config.hidden_size), dtype=np.float32
    )
    products = request_products(config)

    def floor(text):
        token_ids = trim_padding(preprocessor(text))["token_ids"]
        return products(tf.gather(tf.constant(table), token_ids[0]))

    spec = tf.TensorSpec([None], tf.string, name="text")
    runner = _litert_runner(floor, spec, Path(directory) / "text_floor.tflite")
    return lambda text: runner(text=np.array([text], dtype=object))


def _litert_runner(function, spec, path: Path):
    """`function` of one input `spec`, written to `path` as a `.tflite` file: its runner."""
    module = tf.Module()
    module.function = tf.function(function, input_signature=[spec])
    path.write_bytes(convert_concrete_functions([module.function.get_concrete_function()], module))
    return load_interpreter(path).get_signature_runner()


def rows_of(lengths: list[int], hidden: int) -> list[np.ndarray]:
    """Random float32 rows, one `[length, hidden]` array per request."""
    rng = np.random.default_rng(0)
    return [rng.standard_normal((n, hidden), dtype=np.float32) for n in lengths]
