"""Our token classifier and transformers' trained in lock step give the same losses.

Same weights (the reference checkpoint, our head copied into theirs), no dropout, the same
WNUT-2017 batches in the same order, and the recipe of both sides' defaults (AdamW with
decay except LayerNorm and bias, 10% warmup then linear decay, gradients clipped to norm
1): any difference in the loss, its averaging over ignored pieces, the gradient norm, the
Adam update or the schedule shows as losses that drift apart. Before the optimizer kept to
PyTorch's update, ours stayed above theirs at 39 of 40 steps.
"""

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_bert_lib import BertEncoder, BertTokenClassifier
from keras_bert_lib.checkpoints.loading import read_checkpoint
from keras_bert_lib.data.conll import read_conll
from keras_bert_lib.text import BertPreprocessor
from keras_bert_lib.training import create_optimizer

STEPS, BATCH, LEARNING_RATE = 30, 16, 1e-4


def ours_losses(checkpoint, sentences, tags):
    config, weights = read_checkpoint(checkpoint)
    encoder = BertEncoder.from_weights(
        config.replace(hidden_dropout=0.0, attention_dropout=0.0), weights, str(checkpoint)
    )
    preprocessor = BertPreprocessor.from_checkpoint(checkpoint, sequence_length=128)
    model = BertTokenClassifier(encoder, tags, preprocessor=preprocessor, dropout=0.0)
    model.compile(optimizer=create_optimizer(LEARNING_RATE, total_steps=STEPS))
    head = model.get_layer("logits")
    initial_head = head.kernel.numpy(), head.bias.numpy()
    windows = model.windows([s.words for s in sentences], [s.tags for s in sentences])
    losses = []
    for step in range(STEPS):
        rows = slice(step * BATCH, (step + 1) * BATCH)
        x = {name: tf.constant(values[rows]) for name, values in windows.features.items()}
        losses.append(float(model.train_on_batch(x, windows.labels[rows])))
    return losses, initial_head


def transformers_losses(checkpoint, sentences, tags, initial_head):
    import sys
    from pathlib import Path

    import torch
    import transformers

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    from hugging_face_recipe import first_piece_labels, recipe_optimizer, recipe_step

    model = transformers.BertForTokenClassification.from_pretrained(
        str(checkpoint),
        num_labels=len(tags),
        hidden_dropout_prob=0.0,
        attention_probs_dropout_prob=0.0,
    )
    with torch.no_grad():
        model.classifier.weight.copy_(torch.tensor(initial_head[0].T))
        model.classifier.bias.copy_(torch.tensor(initial_head[1]))
    tokenizer = transformers.AutoTokenizer.from_pretrained(str(checkpoint))
    tag_id = {t: i for i, t in enumerate(tags)}
    optimizer, scheduler = recipe_optimizer(model, LEARNING_RATE, STEPS)
    model.train()
    losses = []
    for step in range(STEPS):
        batch_sentences = sentences[step * BATCH : (step + 1) * BATCH]
        batch = tokenizer(
            [s.words for s in batch_sentences],
            is_split_into_words=True,
            padding="longest",
            return_tensors="pt",
        )
        labels = first_piece_labels(batch, batch_sentences, tag_id)
        loss = model(**batch, labels=torch.tensor(labels)).loss
        losses.append(loss.item())
        recipe_step(model, optimizer, scheduler, loss, clip_norm=1.0)
    return losses


def test_token_classifier_trains_in_lock_step_with_transformers(reference_dir, shared_data):
    pytest.importorskip("transformers")
    train = read_conll(shared_data / "wnut17" / "wnut17train.conll")
    tags = ["O"] + sorted({t for s in train for t in s.tags} - {"O"})
    sentences = train[: STEPS * BATCH]
    keras.utils.set_random_seed(0)
    ours, initial_head = ours_losses(reference_dir, sentences, tags)
    theirs = transformers_losses(reference_dir, sentences, tags, initial_head)
    difference = np.array(ours) - np.array(theirs)
    assert abs(difference[0]) < 1e-5  # the same forward pass and loss
    assert ours[-1] < 0.5 * ours[0]  # it trained
    np.testing.assert_allclose(ours, theirs, atol=1e-4)
    assert abs(difference.mean()) < 1e-5, difference  # no side systematically ahead
