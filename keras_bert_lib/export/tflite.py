"""TFLite conversion with tensorflow-text custom ops, and the LiteRT interpreter to run it.

Only TFLite builtins plus the tensorflow-text kernels that
`tensorflow_text.tflite_registrar.SELECT_TFTEXT_OPS` registers are allowed: LiteRT
(`ai_edge_litert`) has no Flex delegate, so any other TF op would fail at load time.
"""

from __future__ import annotations

import tensorflow as tf
import tensorflow_text as text
from ai_edge_litert.interpreter import InterpreterWithCustomOps


def convert_concrete_functions(functions, trackable) -> bytes:
    """Converts concrete functions (one per signature) to a `.tflite` flatbuffer.

    Args:
        functions: a list of `tf.function` concrete functions.
        trackable: the object that owns their variables (a `tf.Module` or Keras model).
    """
    converter = tf.lite.TFLiteConverter.from_concrete_functions(functions, trackable)
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS]
    converter.allow_custom_ops = True
    return converter.convert()


def load_interpreter(model) -> InterpreterWithCustomOps:
    """A LiteRT interpreter with the tensorflow-text ops, from `.tflite` bytes or a path."""
    source = {"model_content": model} if isinstance(model, bytes) else {"model_path": str(model)}
    interpreter = InterpreterWithCustomOps(
        custom_op_registerers=text.tflite_registrar.SELECT_TFTEXT_OPS, **source
    )
    interpreter.allocate_tensors()
    return interpreter
