"""Encoder forward passes to time side by side: ours, keras-hub, ONNX Runtime, PyTorch, and
what they are measured against: the fp32 GEMM peak (`gemm_peak_runner`) and the encoder's
matrix products alone (`matrix_products`, the ceiling on the same kernels).

Each `*_runner` takes a `BertConfig` and a batch (`token_ids`, `segment_ids`,
`padding_mask`, int32 NumPy) and returns a zero-argument callable that runs one forward
pass, or None when the peer's package is not installed. Weights are random (each peer its
own): these runners time work, `tests/test_reference_parity.py` checks the numbers.
"""

import os
import tempfile
from pathlib import Path

import numpy as np
import tensorflow as tf

from keras_bert_lib import BertConfig, BertEncoder


def forward_flops(config: BertConfig, length: int) -> float:
    """FLOPs of one sequence through the encoder: 2 x multiply-adds of every matrix product,
    attention's two included (bert_base at 128: 22.35 GFLOP)."""
    hidden, inner = config.hidden_size, config.intermediate_size
    projections = 4 * 2 * length * hidden * hidden
    feed_forward = 2 * 2 * length * hidden * inner
    attention = 2 * 2 * length * length * hidden
    return config.num_layers * (projections + feed_forward + attention) + 2 * hidden * hidden


def gemm_peak_runner(size: int):
    """`(run, flops)`: one fp32 `size x size` matrix product through TensorFlow (oneDNN)."""
    rng = np.random.default_rng(0)
    a = tf.constant(rng.standard_normal((size, size), dtype=np.float32))
    b = tf.constant(rng.standard_normal((size, size), dtype=np.float32))
    product = tf.function(lambda: tf.reduce_sum(tf.matmul(a, b)))
    return (lambda: product().numpy()), 2.0 * size**3


def matrix_products(
    config: BertConfig, batch_size: int, length: int, trainable=False, first_token_only=False
):
    """The encoder's matrix products alone, at their own shapes and in their order (per layer:
    query, key, value and output projections, both feed-forward products, and attention's
    two batched products), with no bias, softmax, LayerNorm, GELU or layout change. Each
    product reads the previous one's result, as in the encoder. Their time bounds what an
    encoder built on the same kernels can reach: the rest of the layer only adds time.
    Their FLOPs are `forward_flops`'s but the pooler's one-row product (a millionth of them).

    Returns a function of `[batch_size * any length, hidden]` float32 (a tensor, eager or in a
    graph) -> the scalar sum of the last layer's output. The weights are NumPy constants, so
    a graph holds them as constants as a frozen SavedModel does (with `trainable=True`,
    `tf.Variable`s, for a gradient tape to watch); `length` only scales them to keep the
    values near 1 through every layer. With `first_token_only`, the last layer's query,
    output and feed-forward products run on each sequence's first row alone, as a
    `BertClassifier` on `[CLS]` runs them (`TransformerBlock`'s `first_token_only`).
    """
    rng = np.random.default_rng(0)
    hidden, inner, heads = config.hidden_size, config.intermediate_size, config.num_heads
    head_size = hidden // heads

    def weight(rows_in, columns, scale=1.0):
        values = rng.standard_normal((rows_in, columns), dtype=np.float32)
        values = (values * scale / np.sqrt(rows_in)).astype(np.float32)
        return tf.Variable(values) if trainable else values

    layers = [
        {"q": weight(hidden, hidden), "k": weight(hidden, hidden, head_size**-0.5),
         "v": weight(hidden, hidden, length**-0.5), "o": weight(hidden, hidden),
         "up": weight(hidden, inner), "down": weight(inner, hidden)}
        for _ in range(config.num_layers)
    ]  # fmt: skip

    def split(t):  # [rows, hidden] -> [batch, heads, length, head size], a free reshape here
        return tf.reshape(t, (batch_size, heads, -1, head_size))

    def products(hidden_states):
        for index, w in enumerate(layers):
            queries = hidden_states
            if first_token_only and index == len(layers) - 1:
                queries = tf.reshape(hidden_states, (batch_size, -1, hidden))[:, 0]
            q = split(tf.matmul(queries, w["q"]))
            k, v = (split(tf.matmul(hidden_states, w[n])) for n in ("k", "v"))
            context = tf.matmul(tf.matmul(q, k, transpose_b=True), v)
            attended = tf.matmul(tf.reshape(context, (-1, hidden)), w["o"])
            hidden_states = tf.matmul(tf.matmul(attended, w["up"]), w["down"])
        return tf.reduce_sum(hidden_states)

    return products


def gemm_chain_runner(config: BertConfig, batch_size: int, length: int, jit_compile: bool):
    """`matrix_products` at `batch_size x length` as a `tf.function`: a zero-argument callable.

    Example:
        run = gemm_chain_runner(BertConfig.from_preset("bert_base"), 8, 128, jit_compile=False)
    """
    products = tf.function(matrix_products(config, batch_size, length), jit_compile=jit_compile)
    rows = np.random.default_rng(1).standard_normal((batch_size * length, config.hidden_size))
    x = tf.constant(rows.astype(np.float32))
    return lambda: products(x).numpy()


def training_products(config: BertConfig, batch_size: int, length: int, first_token_only=False):
    """The matrix products of one training step alone, as a zero-argument `tf.function`:
    `matrix_products` forward, then the gradients of its sum with respect to every weight and
    to the input rows (each projection's input and weight gradients, attention's four batched
    products). No encoder trains on these kernels faster than this."""
    products = matrix_products(
        config, batch_size, length, trainable=True, first_token_only=first_token_only
    )
    rows = np.random.default_rng(1).standard_normal((batch_size * length, config.hidden_size))
    inputs = tf.Variable(rows.astype(np.float32))

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            total = products(inputs)
        return tape.gradient(total, tape.watched_variables())

    return step


def training_products_runner(
    config: BertConfig, batch_size: int, length: int, first_token_only=False
):
    """`training_products` as a zero-argument callable that waits for the gradients.

    Example:
        run = training_products_runner(BertConfig.from_preset("bert_tiny"), 2, 16)
    """
    step = training_products(config, batch_size, length, first_token_only)
    return lambda: step()[-1].numpy()


def ours_runner(config: BertConfig, batch, jit_compile=True):
    encoder = BertEncoder(config)
    forward = tf.function(
        lambda inputs: encoder(inputs, training=False)["sequence_output"], jit_compile=jit_compile
    )
    tensors = {k: tf.constant(v) for k, v in batch.items()}
    return lambda: forward(tensors).numpy()


def keras_hub_runner(config: BertConfig, batch):
    """keras-hub's `BertBackbone` with the same shape, compiled with XLA as ours is."""
    try:
        import keras_hub
    except ModuleNotFoundError:
        return None
    backbone = keras_hub.models.BertBackbone(
        vocabulary_size=config.vocab_size,
        num_layers=config.num_layers,
        num_heads=config.num_heads,
        hidden_dim=config.hidden_size,
        intermediate_dim=config.intermediate_size,
        max_sequence_length=config.max_position_embeddings,
    )
    forward = tf.function(
        lambda inputs: backbone(inputs, training=False)["sequence_output"], jit_compile=True
    )
    tensors = {k: tf.constant(v) for k, v in batch.items()}
    return lambda: forward(tensors).numpy()


def _torch_model(config: BertConfig):
    import torch
    import transformers

    torch.set_num_threads(os.cpu_count())
    hf_config = transformers.BertConfig(**config.to_hf_config())
    hf_config._attn_implementation = "eager"  # the graph the ONNX exporter traces exactly
    return transformers.BertModel(hf_config).eval()


def _torch_inputs(batch):
    import torch

    return tuple(
        torch.tensor(batch[name], dtype=torch.long)
        for name in ("token_ids", "padding_mask", "segment_ids")
    )


def torch_runner(config: BertConfig, batch):
    """transformers' `BertModel` in PyTorch (its default attention), inference mode."""
    try:
        import torch
        import transformers
    except ModuleNotFoundError:
        return None
    torch.set_num_threads(os.cpu_count())
    model = transformers.BertModel(transformers.BertConfig(**config.to_hf_config())).eval()
    ids, mask, segments = _torch_inputs(batch)

    def run():
        with torch.inference_mode():
            model(input_ids=ids, attention_mask=mask, token_type_ids=segments)

    return run


def onnx_session(module, inputs, directory: Path, input_names, dynamic_shapes=None):
    """`module` (a `torch.nn.Module` called on `inputs`) exported to ONNX by the dynamo
    exporter in `directory`, as an ONNX Runtime session: the default CPU provider, every
    graph optimisation on, intra-op threads = cores."""
    import onnxruntime
    import torch

    path = directory / "model.onnx"
    torch.onnx.export(
        module,
        inputs,
        str(path),
        input_names=list(input_names),
        dynamic_shapes=dynamic_shapes,
        dynamo=True,
        verbose=False,
    )
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = os.cpu_count()
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def onnx_runner(config: BertConfig, batch):
    """transformers' `BertModel` exported to ONNX at the batch's shape (`onnx_session`)."""
    try:
        import onnxruntime  # noqa: F401  (only to know the peer is installed)
        import torch
    except ModuleNotFoundError:
        return None
    model = _torch_model(config)

    class Forward(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.model = model

        def forward(self, ids, mask, segments):
            return self.model(input_ids=ids, attention_mask=mask, token_type_ids=segments)[0]

    names = ["input_ids", "attention_mask", "token_type_ids"]
    with tempfile.TemporaryDirectory() as directory:
        session = onnx_session(Forward(), _torch_inputs(batch), Path(directory), names)
    feed = {
        name: batch[key].astype(np.int64)
        for name, key in zip(names, ("token_ids", "padding_mask", "segment_ids"), strict=True)
    }
    return lambda: session.run(None, feed)


def random_batch(config: BertConfig, batch_size: int, length: int, seed=0):
    """Random token ids (no padding) of the given shape."""
    rng = np.random.default_rng(seed)
    shape = (batch_size, length)
    return {
        "token_ids": rng.integers(1000, config.vocab_size, shape).astype("int32"),
        "segment_ids": np.zeros(shape, "int32"),
        "padding_mask": np.ones(shape, "int32"),
    }
