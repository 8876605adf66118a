"""Runs a SavedModel signature the way TF Serving does: the TF1 session loader.

TF Serving loads a SavedModel into a `Session` with the `serve` tag and feeds each
signature's tensors by name. This module does the same in a fresh process that imports only
TensorFlow and tensorflow-text (no Keras, no keras_bert_lib), so a signature that works here
does not depend on Python code the server lacks:

    python keras_bert_lib/export/session_loader.py DIR SIGNATURE INPUTS.npz OUTPUTS.npz

`run_in_fresh_process(directory, signature, inputs)` does that from Python. Strings travel
as NumPy bytes arrays (`dtype="S"`), so the `.npz` files need no pickling.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

SERVE_TAG = "serve"


def run_signature(directory, signature, inputs: dict) -> dict:
    """Loads `directory` with `tf.compat.v1.saved_model.loader.load` and runs `signature`."""
    import tensorflow as tf
    import tensorflow_text  # noqa: F401  (registers the tensorflow-text ops, as the server does)

    graph = tf.Graph()
    with tf.compat.v1.Session(graph=graph) as session:
        meta_graph = tf.compat.v1.saved_model.loader.load(session, [SERVE_TAG], str(directory))
        if signature not in meta_graph.signature_def:
            raise KeyError(
                f"{directory} has no signature {signature!r}; it has "
                f"{sorted(meta_graph.signature_def)}."
            )
        signature_def = meta_graph.signature_def[signature]
        missing = set(signature_def.inputs) - set(inputs)
        if missing:
            raise KeyError(f"Signature {signature!r} needs inputs {sorted(missing)}.")
        feed = {signature_def.inputs[name].name: value for name, value in inputs.items()}
        fetch = {name: tensor.name for name, tensor in signature_def.outputs.items()}
        return session.run(fetch, feed_dict=feed)


def _as_storable(value):
    value = np.asarray(value)
    if value.dtype == object or value.dtype.kind == "U":
        return np.array(
            [v.encode() if isinstance(v, str) else v for v in value.ravel()], dtype="S"
        ).reshape(value.shape)
    return value


def run_in_fresh_process(directory, signature, inputs: dict) -> dict:
    """`run_signature` in a new Python process that imports only TensorFlow + tf-text."""
    with tempfile.TemporaryDirectory() as scratch:
        inputs_path, outputs_path = Path(scratch) / "in.npz", Path(scratch) / "out.npz"
        np.savez(inputs_path, **{name: _as_storable(v) for name, v in inputs.items()})
        command = [
            sys.executable,
            __file__,
            str(directory),
            signature,
            str(inputs_path),
            str(outputs_path),
        ]
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(
                f"The TF1 session loader failed on {directory} ({signature}):\n{result.stderr}"
            )
        with np.load(outputs_path) as outputs:
            return {name: outputs[name] for name in outputs.files}


def _main(argv):
    directory, signature, inputs_path, outputs_path = argv
    with np.load(inputs_path) as stored:
        inputs = {
            name: stored[name].astype(object) if stored[name].dtype.kind == "S" else stored[name]
            for name in stored.files
        }
    outputs = run_signature(directory, signature, inputs)
    # `import tensorflow` itself loads keras; what must not be needed is our own code.
    foreign = sorted(m for m in ("keras_bert_lib", "keras_hub") if m in sys.modules)
    if foreign:
        raise RuntimeError(f"The session loader process imported {foreign}.")
    np.savez(outputs_path, **{name: _as_storable(v) for name, v in outputs.items()})


if __name__ == "__main__":
    _main(sys.argv[1:])
