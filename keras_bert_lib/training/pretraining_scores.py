"""Scores of a pretrainer on held-out shards: masked-LM loss and accuracy over the real masked
tokens, next-sentence accuracy, and the unigram cross-entropy every model must beat.

Example:

>>> scores = score_pretrainer(model, valid_files, 128, 20)  # doctest: +SKIP
>>> scores["mlm_loss"], scores["nsp_accuracy"]  # doctest: +SKIP
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from keras_bert_lib.data.pretraining_records import parse_example, pretraining_dataset, read_shards


def unigram_cross_entropy(train_files, valid_files, seq_length, predictions, vocab_size):
    """Cross-entropy (nats) on the valid masked tokens of a unigram model (add-one) of the
    training wordpieces (masked ones restored): the floor a model that learned anything
    must beat."""
    counts = np.ones(vocab_size, np.float64)

    def records(files):
        parsed = read_shards(files).map(lambda r: parse_example(r, seq_length, predictions))
        return parsed.batch(1024)

    for batch in records(train_files):
        tokens = batch["token_ids"].numpy().copy()
        rows = np.arange(len(tokens))[:, None].repeat(predictions, 1)
        real = batch["mask_weights"].numpy() > 0
        tokens[rows[real], batch["mask_positions"].numpy()[real]] = batch["mask_ids"].numpy()[real]
        counts += np.bincount(tokens[batch["padding_mask"].numpy() > 0], minlength=vocab_size)
    log_probabilities = np.log(counts / counts.sum())
    total, count = 0.0, 0
    for batch in records(valid_files):
        real = batch["mask_weights"].numpy() > 0
        total -= log_probabilities[batch["mask_ids"].numpy()[real]].sum()
        count += real.sum()
    return total / count


def evaluation_dataset(model, files, seq_length, predictions, batch_size=64, max_batches=None):
    """Every example of the shards in order (the last batch smaller), as `model` reads them."""
    dataset = pretraining_dataset(
        files, seq_length, predictions, batch_size, shuffle=False,
        next_sentence=model.next_sentence, drop_remainder=False,
    )  # fmt: skip
    return dataset.take(max_batches) if max_batches else dataset


def score_dataset(model, dataset, steps=None) -> dict:
    """`{"mlm_loss", "mlm_accuracy"(, "nsp_accuracy")}` of a compiled `BertPretrainer`."""
    scores = model.evaluate(dataset, steps=steps, verbose=0, return_dict=True)
    # Keras names the metrics of a lone output (MLM only) without the output's name.
    mlm = "mlm_logits_" if model.next_sentence else ""
    result = {"mlm_loss": scores[f"{mlm}loss"], "mlm_accuracy": scores[f"{mlm}accuracy"]}
    if model.next_sentence:
        result["nsp_accuracy"] = scores["nsp_logits_accuracy"]
    return result


def count_batches(dataset) -> tuple[int, int]:
    """`(batches, examples)` of a pretraining dataset (TFRecords do not know their length)."""
    counts = dataset.reduce(
        (0, 0), lambda n, batch: (n[0] + 1, n[1] + tf.shape(batch[1]["mlm_logits"])[0])
    )
    return int(counts[0]), int(counts[1])


def score_pretrainer(model, files, seq_length, predictions, batch_size=64) -> dict:
    """Scores a compiled `BertPretrainer` on every example of the shards, without training.

    Returns:
        `mlm_loss` (nats per real masked token), `mlm_accuracy`, `nsp_accuracy` (with an NSP
        head) and `examples`.
    """
    dataset = evaluation_dataset(model, files, seq_length, predictions, batch_size)
    steps, examples = count_batches(dataset)
    return {**score_dataset(model, dataset, steps), "examples": examples}


class ValidScores(keras.callbacks.Callback):
    """Scores the valid shards at each (evaluation) epoch's end and keeps the curve.

    Args:
        dataset: `evaluation_dataset(...)`.
        baseline: the unigram cross-entropy, printed beside the MLM loss.
    """

    def __init__(self, dataset, baseline):
        super().__init__()
        self.dataset, self.baseline, self.history = dataset, baseline, []
        self.steps, self.examples = count_batches(dataset)

    def on_epoch_end(self, epoch, logs=None):
        scores = score_dataset(self.model, self.dataset, self.steps)
        step = int(self.model.optimizer.iterations.numpy())
        row = {"step": step, "train_loss": float(logs["loss"])}
        row.update({f"valid_{name}": value for name, value in scores.items()})
        for name in ("mlm_logits_loss", "nsp_logits_loss", "nsp_logits_accuracy"):
            if name in logs:  # the training-batch figures of this evaluation period
                row[f"train_{name.replace('_logits', '')}"] = float(logs[name])
        line = (
            f"\nstep {step}: valid MLM loss {row['valid_mlm_loss']:.4f} (unigram "
            f"{self.baseline:.4f}), MLM acc {row['valid_mlm_accuracy']:.4f}"
        )
        if "valid_nsp_accuracy" in row:
            line += f", NSP acc {row['valid_nsp_accuracy']:.4f}"
        self.history.append(row)
        print(line, flush=True)
