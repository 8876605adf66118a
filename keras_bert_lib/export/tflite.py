"""TFLite files with the tokenizer inside, and the LiteRT interpreter to run them.

Only TFLite builtins plus the tensorflow-text kernels that
`tensorflow_text.tflite_registrar.SELECT_TFTEXT_OPS` registers are allowed: LiteRT
(`ai_edge_litert`) has no Flex delegate, so any other TF op would fail at load time.

The exported function is the SavedModel's `serving_default` (`signatures.ServingModule`)
with one difference: the tokenizer runs in mode `"tflite"` (tensorflow-text's
`FastBertTokenizer`, which has a TFLite kernel) instead of `"exact"` (whose Unicode ops
TFLite lacks). On 183,914 corpus texts the two differ on 0.018% (see `BertTokenizer`).
"""

from __future__ import annotations

import os
from pathlib import Path

import tensorflow as tf
import tensorflow_text as text
from ai_edge_litert.interpreter import InterpreterWithCustomOps

from keras_bert_lib.export.int8_weights import quantize_weights_int8
from keras_bert_lib.export.signatures import ServingModule, check_servable, text_input_names
from keras_bert_lib.text import BertPreprocessor, BertTokenizer

QUANTIZATIONS = (None, "float16", "int8_weights", "dynamic_int8", "int8")
SIGNATURE = "serving_default"


def convert_concrete_functions(
    functions, trackable, quantization=None, representative_dataset=None, float16_shapes=()
) -> bytes:
    """Converts concrete functions (one per signature) to a `.tflite` flatbuffer.

    Args:
        functions: a list of `tf.function` concrete functions.
        trackable: the object that owns their variables (a `tf.Module` or Keras model).
        quantization: None (float32), `"float16"` (weights), `"int8_weights"` (int8 weights,
            float32 arithmetic: see `int8_weights`), `"dynamic_int8"` (int8 weights,
            activations quantized at run time) or `"int8"` (weights and activations, from a
            `representative_dataset`; ops without int8 kernels stay float).
        representative_dataset: for `"int8"`, a callable yielding lists of input arrays.
        float16_shapes: for `"int8_weights"`, weight shapes to keep in float16.
    """
    if quantization not in QUANTIZATIONS:
        raise ValueError(f"quantization must be one of {QUANTIZATIONS}, got {quantization!r}.")
    converter = tf.lite.TFLiteConverter.from_concrete_functions(functions, trackable)
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS]
    converter.allow_custom_ops = True
    if quantization is not None:
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
    if quantization in ("float16", "int8_weights"):
        converter.target_spec.supported_types = [tf.float16]
    if quantization == "int8":
        if representative_dataset is None:
            raise ValueError("quantization='int8' needs representative texts for calibration.")
        converter.representative_dataset = representative_dataset
        # The calibrator runs the float model, tokenizer included; it needs the same
        # tensorflow-text kernels as the interpreter (TF's own lite tests set this field).
        converter.target_spec._experimental_custom_op_registerers = list(
            text.tflite_registrar.SELECT_TFTEXT_OPS
        )
    flatbuffer = converter.convert()
    if quantization == "int8_weights":
        return quantize_weights_int8(flatbuffer, float16_shapes)
    return flatbuffer


def tflite_preprocessor(preprocessor) -> BertPreprocessor:
    """The same preprocessor (vocabulary, casing, length, truncation) in TFLite mode."""
    tokenizer = preprocessor.tokenizer
    return BertPreprocessor(
        BertTokenizer(
            tokenizer.vocabulary,
            lowercase=tokenizer.lowercase,
            mode="tflite",
            max_chars_per_word=tokenizer.max_chars_per_word,
        ),
        sequence_length=preprocessor.sequence_length,
        truncation=preprocessor.truncation,
    )


def export_tflite(model, path, quantization=None, representative_texts=None, pair=False) -> Path:
    """Writes `model` with its tokenizer as a `.tflite` file: raw strings in.

    The file has one signature, `serving_default`, with the SavedModel's inputs (`text`, and
    `text_pair` for pairs) and outputs (`logits`, `probabilities`, `label`; `score`;
    `embeddings`).

    Args:
        model: a `BertClassifier` or `SentenceEncoder` with a `BertPreprocessor`.
        path: the `.tflite` file to write.
        quantization: None, `"float16"`, `"int8_weights"`, `"dynamic_int8"` or `"int8"`
            (see `convert_concrete_functions`). `"int8_weights"` keeps the feed-forward
            matrices in float16; it is the small file for sentence encoders, whose embeddings
            `"dynamic_int8"` moves too far.
        representative_texts: for `"int8"`: user texts (strings, or `(first, second)` lists
            for pairs) to calibrate the activation ranges on; a few hundred are enough.
        pair: bool. Whether the model takes sentence pairs.

    Returns:
        The path written.

    Example:

    >>> export_tflite(classifier, "saved_models/sst2.tflite")  # doctest: +SKIP
    """
    check_servable(model)
    module = ServingModule(
        model, pair=pair, preprocessor=tflite_preprocessor(model.preprocessor), cut_answers=False
    )
    function = module.serve_text.get_concrete_function()
    representative_dataset = None
    if representative_texts is not None:
        names = text_input_names(model, pair)
        representative_dataset = _representative_dataset(representative_texts, pair, names)
    flatbuffer = convert_concrete_functions(
        [function], module, quantization, representative_dataset, feed_forward_shapes(model)
    )
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(flatbuffer)
    return path


def feed_forward_shapes(model) -> list[tuple[int, int]]:
    """TFLite weight shapes (`[out, in]`) of the encoder's feed-forward matrices."""
    config = model.encoder.config
    return [
        (config.intermediate_size, config.hidden_size),
        (config.hidden_size, config.intermediate_size),
    ]


def _representative_dataset(texts, pair, names):
    columns = [list(part) for part in texts] if pair else [list(texts)]
    if not columns[0]:
        raise ValueError("representative_texts is empty.")

    def generate():
        for row in zip(*columns, strict=True):
            yield {name: tf.constant([value]) for name, value in zip(names, row, strict=True)}

    return generate


def load_interpreter(model, num_threads: int | None = None) -> InterpreterWithCustomOps:
    """A LiteRT interpreter with the tensorflow-text ops, from `.tflite` bytes or a path.

    Args:
        model: the `.tflite` file's bytes, or its path.
        num_threads: int. Threads for the kernels (XNNPACK's included). Default: every core
            of this machine, as ONNX Runtime and TensorFlow use them; LiteRT's own default is
            one thread (a BERT request on 2 cores: 6.0 ms with one, 3.8 ms with two).
    """
    source = {"model_content": model} if isinstance(model, bytes) else {"model_path": str(model)}
    interpreter = InterpreterWithCustomOps(
        custom_op_registerers=text.tflite_registrar.SELECT_TFTEXT_OPS,
        num_threads=num_threads or os.cpu_count(),
        **source,
    )
    interpreter.allocate_tensors()
    return interpreter
