"""A tiny classifier fitted on raw strings under a named strategy, in a process of its own
(logical CPU devices and TF_CONFIG must be set before TensorFlow starts). Prints JSON: the
per-step running mean losses Keras logs, and the trained weights' checksum.

    python -m tests.training.distributed_fit single|mirrored
    python -m tests.training.distributed_fit worker INDEX PORT,PORT [BACKUP_DIR]
"""

import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from keras_bert_lib.training.distribute import make_strategy, use_logical_cpus  # noqa: E402

TEXTS = ["The film was great!", "awful acting , bad plot.", "not good", "Very, very good films",
         "the plot was bad", "great acting", "a film", "very awful !"]  # fmt: skip


def main():
    mode = sys.argv[1]
    backup_dir = None
    if mode == "worker":
        index, ports = int(sys.argv[2]), sys.argv[3].split(",")
        backup_dir = sys.argv[4] if len(sys.argv) > 4 else None
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

    from keras_bert_lib import BertClassifier, BertConfig, BertEncoder
    from tests.export.tiny_models import VOCAB, tiny_preprocessor

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
        model = BertClassifier(
            BertEncoder(config), num_classes=3, preprocessor=tiny_preprocessor(), dropout=0.0
        )
        model.compile(learning_rate=1e-2)
    texts = TEXTS * 5
    labels = np.arange(len(texts)) % 3
    steps = StepLosses()
    model.fit(
        texts, labels, batch_size=8, epochs=2, callbacks=[steps], verbose=0,
        backup_dir=backup_dir, backup_every=2,
    )  # fmt: skip
    weights = sum(float(np.abs(v.numpy()).sum()) for v in model.trainable_variables)
    replicas = strategy.num_replicas_in_sync
    print(json.dumps({"losses": steps.losses, "weights": weights, "replicas": replicas}))


if __name__ == "__main__":
    main()
