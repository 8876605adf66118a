"""Weight-only int8 `.tflite` files: what they store, and that LiteRT computes the model
with exactly those weights (against a Keras copy whose weights are quantized in NumPy)."""

import keras
import numpy as np
import pytest
from tensorflow.lite.python import schema_py_generated as schema
from tensorflow.lite.tools import flatbuffer_utils

from keras_bert_lib import BertConfig, BertEncoder, SentenceEncoder
from keras_bert_lib.export.int8_weights import int8_per_row, quantize_weights_int8
from keras_bert_lib.export.parity import run_tflite
from keras_bert_lib.export.tflite import export_tflite
from tests.tiny_models import SEQUENCE_LENGTH, TEXTS, VOCAB, tiny_preprocessor

HIDDEN, INTERMEDIATE = 64, 128  # big enough for int8 (>= 1024 values per matrix)


def test_int8_per_row_matches_hand_computed_values():
    weights = np.array([[1.27, -0.5, 0.0], [0.0, 0.0, 0.0], [-3.81, 0.3, 1.0]], np.float32)
    quantized, scale = int8_per_row(weights)
    np.testing.assert_allclose(scale, [0.01, 1.0, 0.03], rtol=1e-6)
    np.testing.assert_array_equal(quantized, [[127, -50, 0], [0, 0, 0], [-127, 10, 33]])
    assert quantized.dtype == np.int8


def small_sentence_encoder():
    keras.utils.set_random_seed(1)
    config = BertConfig(
        vocab_size=len(VOCAB),
        hidden_size=HIDDEN,
        num_layers=2,
        num_heads=2,
        intermediate_size=INTERMEDIATE,
        max_position_embeddings=SEQUENCE_LENGTH,
    )
    return SentenceEncoder(BertEncoder(config), preprocessor=tiny_preprocessor())


def weight_only_copy(model):
    """The model with the weights the file should hold: int8 per output channel for the
    word-embedding table (rows) and the attention kernels (columns), float16 for the rest
    (the position table is sliced to the sequence length and added as a constant). The
    int8 values are computed from the float16 weights, as the file does."""
    copy = small_sentence_encoder()
    feed_forward = {(HIDDEN, INTERMEDIATE), (INTERMEDIATE, HIDDEN)}
    for source, target in zip(model.weights, copy.weights, strict=True):
        value = keras.ops.convert_to_numpy(source).astype(np.float16).astype(np.float32)
        int8 = value.ndim == 2 and value.size >= 1024 and value.shape not in feed_forward
        if int8 and "position" not in source.path:
            rows = value if "embedding" in source.path else value.T
            quantized, scale = int8_per_row(rows)
            rows = quantized.astype(np.float32) * scale[:, None]
            value = rows if "embedding" in source.path else rows.T
        target.assign(value)
    return copy


def tensor_types(path):
    model = flatbuffer_utils.read_model(str(path))
    tensors = model.subgraphs[0].tensors
    int8 = [t for t in tensors if t.type == schema.TensorType.INT8]
    float16 = [tuple(t.shape) for t in tensors if t.type == schema.TensorType.FLOAT16]
    return int8, float16


def test_sentence_encoder_file_holds_int8_weights_and_computes_with_them(tmp_path):
    model = small_sentence_encoder()
    path = export_tflite(model, tmp_path / "int8.tflite", quantization="int8_weights")
    float16_path = export_tflite(model, tmp_path / "f16.tflite", quantization="float16")

    int8, float16 = tensor_types(path)
    # the word table, and query/key/value/output projections of 2 layers
    assert len(int8) == 1 + 4 * 2
    assert all(len(t.quantization.scale) == t.shape[0] for t in int8)
    assert (INTERMEDIATE, HIDDEN) in float16 and (HIDDEN, INTERMEDIATE) in float16
    # each int8 weight saves its float16 byte, less the scales (4 bytes per row)
    saved = float16_path.stat().st_size - path.stat().st_size
    assert saved >= 0.7 * sum(np.prod(t.shape) for t in int8)

    embeddings = run_tflite(path, {"text": TEXTS * 2})["embeddings"]
    expected = weight_only_copy(model).encode(TEXTS * 2)
    float_error = np.abs(embeddings - model.encode(TEXTS * 2)).max()
    quantized_error = np.abs(embeddings - expected).max()
    assert quantized_error <= 1e-5
    assert float_error > 10 * quantized_error


def test_a_float32_flatbuffer_is_refused(tmp_path):
    path = export_tflite(small_sentence_encoder(), tmp_path / "f32.tflite")
    with pytest.raises(ValueError, match="not a float16 conversion"):
        quantize_weights_int8(path.read_bytes())
