"""The ceilings of the benchmark suite compute what they claim.

- Serving (`benchmarks/serving_ceilings.py`): the encoder's chain of matrix products on each
  runtime, a TF1 session and a LiteRT file, gives the sum that NumPy gives for the same
  weights, at two request lengths; the LiteRT text floor gives it on the rows the tokenizer's
  ids look up.
- Training (`encoder_peers.training_products`): the step runs three products for
  each forward one (the product, and the gradients of both its operands)."""

import sys
from pathlib import Path

import numpy as np
import tensorflow as tf

from keras_bert_lib import BertConfig

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from encoder_peers import matrix_products, training_products  # noqa: E402
from serving_ceilings import (  # noqa: E402
    litert_products,
    litert_text_floor,
    request_products,
    rows_of,
    session_products,
)

from tests.tiny_models import TEXTS, TINY_CONFIG, tiny_classifier  # noqa: E402

CONFIG = BertConfig(vocab_size=16, hidden_size=8, num_layers=2, num_heads=2, intermediate_size=16)


def numpy_chain(config, rows):
    """The chain by hand, with the weights `matrix_products` draws (read from its graph), the
    last layer's query and what follows on the first row alone, as the classifier runs it."""
    graph = (
        tf.function(request_products(config))
        .get_concrete_function(tf.TensorSpec([None, config.hidden_size], tf.float32))
        .graph
    )
    weights = [
        tf.make_ndarray(op.get_attr("value"))
        for op in graph.get_operations()
        if op.type == "Const" and len(op.get_attr("value").tensor_shape.dim) == 2
    ]
    heads, head_size = config.num_heads, config.hidden_size // config.num_heads
    x = rows.astype(np.float64)
    layers = list(zip(*[iter(weights)] * 6, strict=True))
    for index, (q, k, v, o, up, down) in enumerate(layers):
        queries = x[:1] if index == len(layers) - 1 else x
        split = [(y @ w).reshape(heads, -1, head_size) for y, w in ((queries, q), (x, k), (x, v))]
        context = split[0] @ split[1].transpose(0, 2, 1) @ split[2]
        x = context.reshape(-1, config.hidden_size) @ o @ up @ down
    return x.sum()


def test_session_and_litert_products_match_numpy(tmp_path):
    run_session = session_products(CONFIG)
    run_litert = litert_products(CONFIG, tmp_path)
    for rows in rows_of([3, 7], CONFIG.hidden_size):
        expected = numpy_chain(CONFIG, rows)
        np.testing.assert_allclose(run_session(rows), expected, rtol=1e-4)
        (litert,) = run_litert(rows).values()
        np.testing.assert_allclose(litert, expected, rtol=1e-4)


def test_litert_text_floor_runs_the_products_on_the_looked_up_rows(tmp_path):
    model = tiny_classifier()
    run_floor = litert_text_floor(model, tmp_path)
    table = np.random.default_rng(2).standard_normal(
        (TINY_CONFIG.vocab_size, TINY_CONFIG.hidden_size), dtype=np.float32
    )
    for text in TEXTS:
        features = model.preprocessor([text])
        pieces = int(np.sum(features["padding_mask"]))
        token_ids = np.asarray(features["token_ids"])[0, :pieces]
        expected = numpy_chain(TINY_CONFIG, table[token_ids])
        (floor,) = run_floor(text).values()
        np.testing.assert_allclose(floor, expected, rtol=1e-4)


def test_training_products_are_the_forward_ones_and_both_gradients():
    def products_in(function_graph):
        return [
            op.type
            for op in function_graph.get_operations()
            if op.type in ("MatMul", "BatchMatMulV2", "BatchMatMulV3")
        ]

    forward = tf.function(matrix_products(CONFIG, 2, 4)).get_concrete_function(
        tf.TensorSpec([None, CONFIG.hidden_size], tf.float32)
    )
    training = training_products(CONFIG, 2, 4).get_concrete_function()
    assert len(products_in(forward.graph)) == 8 * CONFIG.num_layers
    assert len(products_in(training.graph)) == 3 * 8 * CONFIG.num_layers


def test_first_token_products_shrink_only_the_last_layer():
    """On [CLS] alone, the last layer's query, output and feed-forward products have one row
    per sequence; every other product keeps all of them."""

    def rows_of_products(first_token_only):
        products = matrix_products(CONFIG, 2, 4, first_token_only=first_token_only)
        graph = (
            tf.function(products)
            .get_concrete_function(tf.TensorSpec([8, CONFIG.hidden_size], tf.float32))
            .graph
        )
        return [op.inputs[0].shape[-2] for op in graph.get_operations() if op.type == "MatMul"]

    whole, first = rows_of_products(False), rows_of_products(True)
    assert whole == [8] * 6 * CONFIG.num_layers
    # per layer: query, key, value, output, up, down
    assert first == [8] * 6 * (CONFIG.num_layers - 1) + [2, 8, 8, 2, 2, 2]
