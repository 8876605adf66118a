"""Under dropout, our token classifier's gradients have transformers' distribution.

The same weights (the reference checkpoint, our head copied into theirs) and one WNUT-2017
batch; each side draws its dropout masks many times. The mean loss and, per weight, the
mean gradient agree within the noise of the draws, and the gradients vary as much on both
sides: a dropout missing, added or placed elsewhere changes their variance.
"""

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_bert_lib import BertTokenClassifier
from keras_bert_lib.data.conll import read_conll

DRAWS, BATCH = 24, 16


def ours_draws(model, sentences):
    windows = model.windows([s.words for s in sentences], [s.tags for s in sentences])
    length = int(windows.features["padding_mask"].sum(1).max())
    x = {name: tf.constant(values[:, :length]) for name, values in windows.features.items()}
    labels = tf.constant(windows.labels[:, :length])
    loss_fn = model.default_loss()
    encoder = model.encoder
    weights = {
        "head": model.get_layer("logits").kernel,
        "last feed-forward": encoder.transformer_layers[-1].output_dense.kernel,
        "first query": encoder.transformer_layers[0].attention.query.kernel,
    }
    losses, gradients = [], {name: [] for name in weights}
    for _ in range(DRAWS):
        with tf.GradientTape() as tape:
            loss = loss_fn(labels, model(x, training=True))
        losses.append(float(loss))
        for name, gradient in zip(
            weights, tape.gradient(loss, list(weights.values())), strict=True
        ):
            gradients[name].append(gradient.numpy())
    return np.array(losses), {name: np.stack(g) for name, g in gradients.items()}


def transformers_draws(checkpoint, sentences, tags, head):
    import sys
    from pathlib import Path

    import torch
    import transformers

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    from hugging_face_recipe import first_piece_labels

    model = transformers.BertForTokenClassification.from_pretrained(
        str(checkpoint), num_labels=len(tags)
    )
    with torch.no_grad():
        model.classifier.weight.copy_(torch.tensor(head.kernel.numpy().T))
        model.classifier.bias.copy_(torch.tensor(head.bias.numpy()))
    tokenizer = transformers.AutoTokenizer.from_pretrained(str(checkpoint))
    batch = tokenizer(
        [s.words for s in sentences], is_split_into_words=True, padding="longest",
        return_tensors="pt",
    )  # fmt: skip
    labels = torch.tensor(first_piece_labels(batch, sentences, {t: i for i, t in enumerate(tags)}))
    weights = {
        "head": model.classifier.weight,
        "last feed-forward": model.bert.encoder.layer[-1].output.dense.weight,
        "first query": model.bert.encoder.layer[0].attention.self.query.weight,
    }
    model.train()
    losses, gradients = [], {name: [] for name in weights}
    for _ in range(DRAWS):
        model.zero_grad()
        loss = model(**batch, labels=labels).loss
        loss.backward()
        losses.append(loss.item())
        for name, weight in weights.items():
            gradients[name].append(weight.grad.numpy().T.copy())  # torch: [out, in]
    return np.array(losses), {name: np.stack(g) for name, g in gradients.items()}


def test_dropout_gradients_match_transformers_in_distribution(reference_dir, shared_data):
    pytest.importorskip("transformers")
    train = read_conll(shared_data / "wnut17" / "wnut17train.conll")
    tags = ["O"] + sorted({t for s in train for t in s.tags} - {"O"})
    sentences = train[100 : 100 + BATCH]
    keras.utils.set_random_seed(0)
    model = BertTokenClassifier.from_checkpoint(reference_dir, tag_names=tags)
    ours_loss, ours = ours_draws(model, sentences)
    theirs_loss, theirs = transformers_draws(
        reference_dir, sentences, tags, model.get_layer("logits")
    )
    noise = np.sqrt((ours_loss.var() + theirs_loss.var()) / DRAWS)
    assert ours_loss.std() > 1e-3  # dropout is on
    assert abs(ours_loss.mean() - theirs_loss.mean()) < 4 * noise
    for name in ours:
        a, b = ours[name], theirs[name]
        difference = np.linalg.norm(a.mean(0) - b.mean(0))
        noise = np.sqrt((a.var(0).sum() + b.var(0).sum()) / DRAWS)
        assert difference < 2 * noise, name  # the same mean gradient
        assert 0.8 < a.var(0).sum() / b.var(0).sum() < 1.25, name  # and the same spread
