"""The serving ceilings (`benchmarks/serving_ceilings.py`) compute the encoder's chain of
matrix products on each runtime: a TF1 session and a LiteRT file give the sum that NumPy
gives for the same weights, at two request lengths."""

import sys
from pathlib import Path

import numpy as np
import tensorflow as tf

from keras_bert_lib import BertConfig

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from encoder_peers import matrix_products  # noqa: E402
from serving_ceilings import (  # noqa: E402
    TYPICAL_PIECES,
    litert_products,
    rows_of,
    session_products,
)

CONFIG = BertConfig(vocab_size=16, hidden_size=8, num_layers=2, num_heads=2, intermediate_size=16)


def numpy_chain(config, rows):
    """The chain by hand, with the weights `matrix_products` draws (read from its graph)."""
    graph = (
        tf.function(matrix_products(config, 1, TYPICAL_PIECES))
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
    for q, k, v, o, up, down in zip(*[iter(weights)] * 6, strict=True):
        split = [(x @ w).reshape(heads, -1, head_size) for w in (q, k, v)]
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
