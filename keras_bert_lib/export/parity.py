"""How closely a `.tflite` file reproduces its SavedModel on user text."""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from keras_bert_lib.export.tflite import SIGNATURE, load_interpreter, tflite_preprocessor


def run_tflite(path, inputs: dict, batch_size=64) -> dict[str, np.ndarray]:
    """Runs the `.tflite` file's signature on `inputs` (lists of strings) in batches."""
    runner = load_interpreter(path).get_signature_runner(SIGNATURE)
    return _batched(lambda batch: runner(**batch), inputs, batch_size)


def run_saved_model(directory, inputs: dict, batch_size=64) -> dict[str, np.ndarray]:
    """Runs the SavedModel's `serving_default` on `inputs` in batches."""
    function = tf.saved_model.load(str(directory)).signatures[SIGNATURE]
    return _batched(
        lambda batch: {
            k: v.numpy()
            for k, v in function(
                **{name: tf.constant(value) for name, value in batch.items()}
            ).items()
        },
        inputs,
        batch_size,
    )


def _batched(run, inputs, batch_size):
    count = len(next(iter(inputs.values())))
    if count == 0:
        raise ValueError("No texts to compare on.")
    parts = []
    for start in range(0, count, batch_size):
        batch = {
            name: np.array(values[start : start + batch_size], dtype=object)
            for name, values in inputs.items()
        }
        parts.append(run(batch))
    return {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}


def compare(tflite_outputs: dict, saved_model_outputs: dict) -> dict:
    """Max abs difference per float output; label agreement; minimum and mean embedding
    cosine."""
    report = {}
    for name, expected in saved_model_outputs.items():
        actual = tflite_outputs[name]
        if name == "label":
            report["label_agreement"] = float(np.mean(actual == expected))
        elif name == "embeddings":
            cosine = (actual * expected).sum(-1) / (
                np.linalg.norm(actual, axis=-1) * np.linalg.norm(expected, axis=-1)
            )
            report["min_cosine"] = float(cosine.min())
            report["mean_cosine"] = float(cosine.mean())
            report["max_abs_diff_embeddings"] = float(np.abs(actual - expected).max())
        else:
            report[f"max_abs_diff_{name}"] = float(np.abs(actual - expected).max())
    return report


def tokenized_alike(preprocessor, inputs: dict) -> np.ndarray:
    """Per row: whether the exact tokenizer (the SavedModel's) and the `tflite` mode (the
    `.tflite` file's) give the same token ids. Rows where they differ (0.018% of corpus
    texts, see `BertTokenizer`) measure the tokenizers, not the conversion."""
    segments = [tf.constant(values) for values in inputs.values()]
    x = segments[0] if len(segments) == 1 else tuple(segments)
    exact = preprocessor(x)["token_ids"].numpy()
    lite = tflite_preprocessor(preprocessor)(x)["token_ids"].numpy()
    return (exact == lite).all(axis=1)
