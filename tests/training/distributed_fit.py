"""A tiny classifier fitted on raw strings, or a tiny pretrainer fitted on MLM + NSP batches,
under a named strategy, in a process of its own (logical CPU devices and TF_CONFIG must be
set before TensorFlow starts). Prints JSON: the per-step running mean losses Keras logs, and
the trained weights' checksum.

    python -m tests.training.distributed_fit KIND single|mirrored
    python -m tests.training.distributed_fit KIND worker INDEX PORT,PORT [BACKUP_DIR]

KIND: classifier, pretrainer (AdamW), pretrainer_lamb or classifier_keras_clipping
(`keras.optimizers.AdamW(global_clipnorm=1.0)`).
"""

import json
import os
import sys

from keras_bert_lib.training.distribute import make_strategy, use_logical_cpus

TEXTS = ["The film was great!", "awful acting , bad plot.", "not good", "Very, very good films",
         "the plot was bad", "great acting", "a film", "very awful !"]  # fmt: skip


def pretraining_batches(vocab_size):
    """5 batches of 8 MLM + NSP examples (length 12, 4 prediction slots). Each example has
    1-4 real predictions, so the halves of a batch (one per replica) hold different numbers:
    the global mean over real predictions is not the mean of the halves' means."""
    import numpy as np
    import tensorflow as tf

    rng = np.random.default_rng(0)
    count, length, slots = 40, 12, 4
    real = rng.integers(1, slots + 1, count)
    x = {
        "token_ids": rng.integers(5, vocab_size, (count, length)).astype("int32"),
        "segment_ids": np.repeat([[0] * 6 + [1] * 6], count, 0).astype("int32"),
        "padding_mask": np.ones((count, length), "int32"),
        "mask_positions": np.stack(
            [np.sort(rng.choice(np.arange(1, 11), slots, replace=False)) for _ in range(count)]
        ).astype("int32"),
    }
    y = {
        "mlm_logits": rng.integers(5, vocab_size, (count, slots)).astype("int32"),
        "nsp_logits": rng.integers(0, 2, (count, 1)).astype("int32"),
    }
    weights = {
        "mlm_logits": (np.arange(slots) < real[:, None]).astype("float32"),
        "nsp_logits": np.ones(count, "float32"),
    }
    halves = weights["mlm_logits"].reshape(5, 2, -1).sum(-1)
    assert (halves[:, 0] != halves[:, 1]).any(), "the replicas must hold unequal masks"
    return tf.data.Dataset.from_tensor_slices((x, y, weights)).batch(8)


def main():
    kind, mode = sys.argv[1], sys.argv[2]
    backup_dir = None
    if mode == "worker":
        index, ports = int(sys.argv[3]), sys.argv[4].split(",")
        backup_dir = sys.argv[5] if len(sys.argv) > 5 else None
        os.environ["TF_CONFIG"] = json.dumps({
            "cluster": {"worker": [f"127.0.0.1:{port}" for port in ports]},
            "task": {"type": "worker", "index": index},
        })  # fmt: skip
        strategy = make_strategy("multi_worker")
    else:
        use_logical_cpus(2)
        strategy = make_strategy("mirrored" if mode == "mirrored" else "default")

    import keras
    import numpy as np

    from keras_bert_lib import BertClassifier, BertConfig, BertEncoder, BertPretrainer
    from tests.tiny_models import VOCAB, tiny_preprocessor

    class StepLosses(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.losses = []

        def on_train_batch_end(self, batch, logs=None):
            self.losses.append(float(logs["loss"]))

    with strategy.scope():
        keras.utils.set_random_seed(0)
        config = BertConfig(
            vocab_size=len(VOCAB), hidden_size=8, num_layers=2, num_heads=2,
            intermediate_size=16, max_position_embeddings=16, hidden_dropout=0.0,
            attention_dropout=0.0,
        )  # fmt: skip
        if kind.startswith("classifier"):
            model = BertClassifier(
                BertEncoder(config), num_classes=3, preprocessor=tiny_preprocessor(), dropout=0.0
            )
        else:
            model = BertPretrainer(BertEncoder(config))
        if kind == "classifier_keras_clipping":  # Keras' own clipping: refused with 2 replicas
            model.compile(optimizer=keras.optimizers.AdamW(1e-2, global_clipnorm=1.0))
        else:
            optimizer = "lamb" if kind == "pretrainer_lamb" else "auto"
            model.compile(optimizer=optimizer, learning_rate=1e-2)
    steps = StepLosses()
    fit_args = dict(epochs=2, callbacks=[steps], verbose=0, backup_dir=backup_dir, backup_every=2)
    if kind.startswith("classifier"):
        texts = TEXTS * 5
        model.fit(texts, np.arange(len(texts)) % 3, batch_size=8, **fit_args)
    else:
        model.fit(pretraining_batches(len(VOCAB)), **fit_args)
    weights = sum(float(np.abs(v.numpy()).sum()) for v in model.trainable_variables)
    replicas = strategy.num_replicas_in_sync
    print(json.dumps({"losses": steps.losses, "weights": weights, "replicas": replicas}))


if __name__ == "__main__":
    main()
