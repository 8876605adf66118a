"""The suite's training section: one optimizer step each, ours against transformers on the
same batch (same shape, no padding, so batching is held equal).

- fine-tuning: the reference checkpoint with a pair-classification head (MRPC's task) and
  with a token-classification head (WNUT-2017's), batch 32 x 128; ours is the task model
  with `compile()` defaults (AdamW, decay exclusions, the task's clipping; no XLA, as `fit`
  runs), theirs the same recipe (`hugging_face_recipe.recipe_step`);
- pretraining: `bert_base` with random weights, batch 32 x 128, 20 masked positions, MLM +
  NSP. `BertForPreTraining` would score the vocabulary at all 128 positions, so its side
  runs its own encoder and heads on the gathered masked positions, as ours does.

Ratios are our steps per second over theirs. The ceiling rows divide transformers' step by
the step's matrix products alone on TensorFlow's kernels (`training_products_runner`: the
reference checkpoint's shapes, forward and every gradient product; for the pair classifier
the last block's on [CLS] alone, as it runs): the best ratio any model trained on those
kernels can reach.
"""

import os

import numpy as np
from bench_pretraining_step import random_batch as pretraining_batch
from bench_timing import interleaved_rounds
from encoder_peers import random_batch, training_products_runner
from hugging_face_recipe import recipe_optimizer, recipe_step
from suite_report import ratio

from keras_bert_lib import BertClassifier, BertConfig, BertEncoder, BertTokenClassifier
from keras_bert_lib.checkpoints import reference_checkpoint_path
from keras_bert_lib.models.bert_pretrainer import MLM, NSP, BertPretrainer
from keras_bert_lib.models.word_windows import IGNORE

BARS = {"pair classification": 1.3, "token classification": 1.3, "pretraining": 1.2}  # #23
# The ceilings' matrix products: the token classifier runs every block on every position,
# the pair classifier the last block on [CLS] alone.
PRODUCTS = {
    "pair classification": "fine-tuning on [CLS]: matrix products alone",
    "token classification": "fine-tuning: matrix products alone",
}
TAGS = ["O", "B-x", "I-x"]


def _torch_batch(batch):
    import torch

    return {
        "input_ids": torch.tensor(batch["token_ids"], dtype=torch.long),
        "token_type_ids": torch.tensor(batch["segment_ids"], dtype=torch.long),
        "attention_mask": torch.tensor(batch["padding_mask"], dtype=torch.long),
    }


def _ours_step(model, x, y):
    model.compile()
    return lambda: model.train_on_batch(x, y)


def _theirs_step(model, inputs, labels, clip_norm):
    """One transformers step of the recipe our task's `compile()` gives (`clip_norm`: its
    default clipping)."""
    import torch

    optimizer, scheduler = recipe_optimizer(model, 5e-5, total_steps=10_000)
    model.train()
    labels = torch.tensor(labels, dtype=torch.long)
    return lambda: recipe_step(
        model, optimizer, scheduler, model(**inputs, labels=labels).loss, clip_norm=clip_norm
    )


def finetuning_runners(batch_size, length):
    import torch
    import transformers

    torch.set_num_threads(os.cpu_count())
    checkpoint = reference_checkpoint_path()
    encoder = BertEncoder.from_checkpoint(checkpoint)
    batch = random_batch(encoder.config, batch_size, length)
    batch["segment_ids"][:, length // 2 :] = 1  # a pair
    rng = np.random.default_rng(0)
    classes = rng.integers(0, 2, batch_size)
    tags = rng.integers(0, len(TAGS), (batch_size, length))
    tags[:, 1::2] = IGNORE  # only a word's first piece carries its tag
    torch_batch = _torch_batch(batch)
    hf = transformers.BertForSequenceClassification.from_pretrained(checkpoint, num_labels=2)
    hf_tags = transformers.BertForTokenClassification.from_pretrained(
        checkpoint, num_labels=len(TAGS)
    )
    return {
        PRODUCTS["pair classification"]: training_products_runner(
            encoder.config, batch_size, length, first_token_only=True
        ),
        PRODUCTS["token classification"]: training_products_runner(
            encoder.config, batch_size, length
        ),
        "pair classification: ours": _ours_step(
            BertClassifier(encoder, num_classes=2), batch, classes
        ),
        "pair classification: transformers": _theirs_step(
            hf, torch_batch, classes, BertClassifier.default_global_clipnorm
        ),
        "token classification: ours": _ours_step(
            BertTokenClassifier(BertEncoder.from_checkpoint(checkpoint), TAGS), batch, tags
        ),
        "token classification: transformers": _theirs_step(
            hf_tags,
            torch_batch,
            np.where(tags == IGNORE, -100, tags),
            BertTokenClassifier.default_global_clipnorm,
        ),
    }


def pretraining_runners(preset, batch_size, length, predictions):
    import torch
    import transformers

    config = BertConfig.from_preset(preset, hidden_dropout=0.0, attention_dropout=0.0)
    x, y, weights = pretraining_batch(
        config.vocab_size, length, predictions, batch_size, np.random.default_rng(0)
    )
    ours = BertPretrainer(BertEncoder(config))
    ours.compile(optimizer="adamw", learning_rate=1e-4, jit_compile=True)

    hf = transformers.BertForPreTraining(transformers.BertConfig(**config.to_hf_config()))
    hf.train()
    optimizer, scheduler = recipe_optimizer(hf, 1e-4, total_steps=10_000)
    inputs = _torch_batch(x)
    positions = torch.tensor(x["mask_positions"], dtype=torch.long)
    mlm_labels = torch.tensor(y[MLM], dtype=torch.long)
    nsp_labels = torch.tensor(y[NSP], dtype=torch.long)

    def theirs():
        sequence, pooled = hf.bert(**inputs, return_dict=False)[:2]
        gathered = torch.gather(
            sequence, 1, positions.unsqueeze(-1).expand(-1, -1, sequence.shape[-1])
        )
        mlm_logits, nsp_logits = hf.cls(gathered, pooled)
        loss = torch.nn.functional.cross_entropy(
            mlm_logits.reshape(-1, config.vocab_size), mlm_labels.reshape(-1)
        ) + torch.nn.functional.cross_entropy(nsp_logits, nsp_labels)
        recipe_step(hf, optimizer, scheduler, loss)

    return {
        "pretraining: ours": lambda: ours.train_on_batch(x, y, sample_weight=weights),
        "pretraining: transformers": theirs,
    }


def run(settings) -> tuple[list, dict]:
    length = settings.sequence_length
    runners = finetuning_runners(settings.training_batch_size, length)
    runners |= pretraining_runners(
        settings.pretraining_preset, settings.training_batch_size, length, predictions=20
    )
    seconds = interleaved_rounds(runners, settings.rounds, settings.training_iterations, 1)
    details = {
        "batch": f"{settings.training_batch_size} x {length}",
        "seconds_per_step": {k: round(v, 3) for k, v in seconds.items()},
    }
    ratios = [
        ratio(
            "training",
            f"{task} step, {details['batch']}: ours / transformers",
            seconds[f"{task}: transformers"] / seconds[f"{task}: ours"],
            bar,
        )
        for task, bar in BARS.items()
    ]
    ratios += [
        ratio(
            "training",
            f"{task} step, {details['batch']}: transformers / matrix products alone (ceiling)",
            seconds[f"{task}: transformers"] / seconds[products],
        )
        for task, products in PRODUCTS.items()
    ]
    return ratios, details
