"""Which ops a SavedModel's graph uses, and which of them the installed TensorFlow +
tensorflow-text cannot run.

TF Serving runs a graph only if every op in it (including the ops inside its functions) is
registered in the server's binary. `unregistered_ops` checks against the op registry of this
process after importing tensorflow-text, the way the server links it.
"""

from __future__ import annotations

from pathlib import Path

from tensorflow.core.protobuf import saved_model_pb2
from tensorflow.python.framework import op_def_registry


def graph_ops(directory) -> set[str]:
    """Every op type in the SavedModel's graphs and function library."""
    saved_model = saved_model_pb2.SavedModel()
    saved_model.ParseFromString((Path(directory) / "saved_model.pb").read_bytes())
    ops = set()
    for meta_graph in saved_model.meta_graphs:
        graph = meta_graph.graph_def
        ops.update(node.op for node in graph.node)
        for function in graph.library.function:
            ops.update(node.op for node in function.node_def)
        # Calls between functions name the callee as the op type; those are not kernels.
        ops.difference_update(function.signature.name for function in graph.library.function)
    return ops


def unregistered_ops(directory) -> list[str]:
    """The ops of `directory` that this TensorFlow + tensorflow-text do not register."""
    import tensorflow_text  # noqa: F401  (registers its ops, as TF Serving links them)

    return sorted(op for op in graph_ops(directory) if op_def_registry.get(op) is None)
