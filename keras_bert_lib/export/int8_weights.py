"""Weight-only int8 for `.tflite` files: weights stored in int8, arithmetic in float32.

Why not the converter's dynamic-range int8 (`quantization="dynamic_int8"`): its kernels also
quantize every FULLY_CONNECTED input to int8 at run time, per token. On the reference
sentence encoder that moves embeddings to a minimum cosine of 0.996 to the float model
(STS-B dev), and keeping half of the layers in float does not recover it (0.9988 on 400 of
those sentences, against 0.9981 for all int8): the loss is spread over every layer's
activations. Weight-only int8 leaves activations alone.

TFLite's converter has no weight-only int8 option in its Python API, but its float16 mode
already routes every weight through a `DEQUANTIZE` op (float16 -> float32). Turning that op's
input into int8 with one scale per output channel (per row for embedding tables) keeps the
graph as it is (`DEQUANTIZE` is a builtin LiteRT kernel). On the reference sentence encoder
the file is 31 MB (float32 88 MB) and a one-sentence request takes 9.5 ms against 7.8 ms in
float32 and 4.7 ms in dynamic-range int8 (median, `benchmarks/bench_serving.py`). The int8
values are computed from the float16 weights: that adds at most half a float16 step (2**-12 of a
weight) to the int8 rounding error of up to 1/254 of the row's largest weight.

`export_tflite` keeps the feed-forward matrices in float16: they carry most of the int8
weight error, while the embedding tables and attention projections take int8 with little
loss. Measured on the reference sentence encoder against float32, on the 2,999 STS-B dev
sentences that both tokenizer modes split alike: every matrix in int8 (24 MB), minimum
cosine 0.9983 (16 sentences below 0.999); feed-forward in float16 (31 MB), 0.9993.
"""

from __future__ import annotations

import numpy as np
from tensorflow.lite.python import schema_py_generated as schema
from tensorflow.lite.tools import flatbuffer_utils

# Smaller weights (biases, LayerNorm, tiny heads) stay float16: int8 saves nothing there.
MIN_ELEMENTS = 1024

# Consumers whose weight input is `[output channels, ...]` (FULLY_CONNECTED) or a table
# whose rows are looked up (GATHER): their axis 0 gets one scale per channel or row.
_PER_AXIS0_CONSUMERS = {
    schema.BuiltinOperator.FULLY_CONNECTED: 1,  # weights are input 1
    schema.BuiltinOperator.GATHER: 0,  # the table is input 0
}


def quantize_weights_int8(flatbuffer: bytes, float16_shapes=()) -> bytes:
    """Rewrites a float16-quantized `.tflite` flatbuffer to int8 weights.

    Every float16 weight of at least `MIN_ELEMENTS` values that feeds a FULLY_CONNECTED
    layer (as its weights) or a GATHER (as its table) becomes symmetric int8 with one scale
    per output channel or row (`scale = max|w| / 127`, zero point 0); weights whose shape is
    in `float16_shapes`, and all others, stay float16 (so a model too small for any int8
    weight comes out as its float16 file).

    Args:
        flatbuffer: bytes from the converter with `supported_types=[tf.float16]`.
        float16_shapes: TFLite weight shapes (`[out, in]` for FULLY_CONNECTED) to keep
            in float16.

    Returns:
        The rewritten flatbuffer.

    Example:

    >>> int8_bytes = quantize_weights_int8(float16_bytes, [(1536, 384)])  # doctest: +SKIP
    """
    model = flatbuffer_utils.read_model_from_bytearray(bytearray(flatbuffer))
    codes = [max(c.builtinCode, c.deprecatedBuiltinCode) for c in model.operatorCodes]
    keep = {tuple(shape) for shape in float16_shapes}
    found_float16 = False
    for subgraph in model.subgraphs:
        float16_weights = _float16_weights(model, subgraph, codes)
        found_float16 = found_float16 or bool(float16_weights)
        for tensor_index in _int8_candidates(subgraph, codes, float16_weights):
            tensor = subgraph.tensors[tensor_index]
            if tuple(tensor.shape) not in keep:
                _to_int8_per_row(tensor, model.buffers[tensor.buffer])
    if not found_float16:
        raise ValueError(
            "The flatbuffer has no float16 weights behind DEQUANTIZE ops: it is not a "
            "float16 conversion, so there is nothing to turn into int8."
        )
    return flatbuffer_utils.convert_object_to_bytearray(model)


def _float16_weights(model, subgraph, codes) -> dict[int, int]:
    """`{float32 output: float16 weight}` of the subgraph's DEQUANTIZE ops on constants."""
    weights = {}
    for op in subgraph.operators:
        if codes[op.opcodeIndex] == schema.BuiltinOperator.DEQUANTIZE:
            source = subgraph.tensors[op.inputs[0]]
            if (
                source.type == schema.TensorType.FLOAT16
                and model.buffers[source.buffer].data is not None
            ):
                weights[op.outputs[0]] = op.inputs[0]
    return weights


def _int8_candidates(subgraph, codes, float16_weights) -> set[int]:
    """The float16 weights of at least `MIN_ELEMENTS` values, in 2-D, whose float32 copy
    feeds only per-axis-0 consumers, at their weight input."""
    per_axis0_uses = {output: [] for output in float16_weights}
    for op in subgraph.operators:
        weight_position = _PER_AXIS0_CONSUMERS.get(codes[op.opcodeIndex])
        for position, tensor_index in enumerate(op.inputs):
            if tensor_index in per_axis0_uses:
                per_axis0_uses[tensor_index].append(position == weight_position)
    candidates = set()
    for output, uses in per_axis0_uses.items():
        shape = subgraph.tensors[float16_weights[output]].shape
        if uses and all(uses) and len(shape) == 2 and np.prod(shape) >= MIN_ELEMENTS:
            candidates.add(float16_weights[output])
    return candidates


def _to_int8_per_row(tensor, buffer):
    weights = np.frombuffer(bytes(buffer.data), np.float16).astype(np.float32)
    weights = weights.reshape(tensor.shape)
    quantized, scale = int8_per_row(weights)
    buffer.data = np.frombuffer(quantized.tobytes(), np.uint8)
    tensor.type = schema.TensorType.INT8
    parameters = schema.QuantizationParametersT()
    parameters.scale = scale.tolist()
    parameters.zeroPoint = [0] * len(scale)
    parameters.quantizedDimension = 0
    tensor.quantization = parameters


def int8_per_row(weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric int8 with one scale per row: `weights ~= quantized * scale[:, None]`."""
    scale = np.abs(weights).max(axis=1) / 127.0
    scale = np.where(scale > 0, scale, 1.0).astype(np.float32)
    quantized = np.clip(np.round(weights / scale[:, None]), -127, 127).astype(np.int8)
    return quantized, scale
