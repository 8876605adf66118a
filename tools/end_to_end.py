"""The main job, end to end on the bundled reference checkpoint (all-MiniLM-L6-v2).

Loads the checkpoint into a `BertPreprocessor` (in-graph tokenizer) and a `BertEncoder`,
embeds a handful of raw sentences (mean pooling over real tokens, L2-normalised, as
sentence-transformers does for this checkpoint) and prints their cosine-similarity table.

    python tools/end_to_end.py
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from keras_bert_lib import BertEncoder, BertPreprocessor  # noqa: E402
from keras_bert_lib.checkpoints import reference_checkpoint_path  # noqa: E402

SENTENCES = [
    "A man is playing a guitar.",
    "Someone plays an acoustic guitar on stage.",
    "The stock market fell sharply today.",
    "Shares dropped as investors worried about rates.",
    "A cat sleeps on the warm windowsill.",
]


def embed(encoder, preprocessor, sentences):
    batch = {name: value.numpy() for name, value in preprocessor(tf.constant(sentences)).items()}
    sequence = encoder.predict(batch, verbose=0)["sequence_output"]
    mask = batch["padding_mask"][..., None].astype("float32")
    pooled = (sequence * mask).sum(1) / mask.sum(1)
    return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)


def main():
    checkpoint = reference_checkpoint_path()
    print(f"Reference checkpoint: {checkpoint}")
    encoder = BertEncoder.from_checkpoint(checkpoint)
    config = encoder.config
    print(
        f"BertEncoder: {config.num_layers} layers, hidden {config.hidden_size}, "
        f"{encoder.count_params():,} parameters"
    )
    preprocessor = BertPreprocessor.from_checkpoint(checkpoint, sequence_length=64)
    embeddings = embed(encoder, preprocessor, SENTENCES)
    similarity = embeddings @ embeddings.T
    print("\nCosine similarity:")
    print("     " + "".join(f"{j:>7}" for j in range(len(SENTENCES))))
    for i, row in enumerate(similarity):
        print(f"{i:>4} " + "".join(f"{value:7.3f}" for value in row) + f"   {SENTENCES[i]}")


if __name__ == "__main__":
    main()
