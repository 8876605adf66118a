"""The side-by-side tools' shared pieces: our fine-tuning defaults in `transformers`, NER
labels on first pieces, `--sides`.

`Task.compile()` with no arguments: AdamW (epsilon 1e-8) with weight decay except on
LayerNorm and biases, linear warmup then linear decay over the whole run, gradients clipped
to global norm 1. `compare_hf_finetune.py`, `compare_hf_ner.py` and `compare_hf_squad.py`
train the Hugging Face side with these two functions, so that the comparison is of the
libraries, not of three hand-copied recipes.
"""

NO_WEIGHT_DECAY = ("bias", "LayerNorm.weight")


def recipe_optimizer(
    model,
    learning_rate,
    total_steps,
    weight_decay=0.01,
    warmup_ratio=0.1,
    no_weight_decay=NO_WEIGHT_DECAY,
):
    """`(optimizer, scheduler)` for `model` (a `torch.nn.Module`) over `total_steps` steps;
    `no_weight_decay=()` decays every weight (the reference pipelines' recipe).

    Example:
        optimizer, scheduler = recipe_optimizer(model, 5e-5, total_steps=1000)
    """
    import torch
    import transformers

    named = list(model.named_parameters())
    decayed = [p for n, p in named if not any(k in n for k in no_weight_decay)]
    kept = [p for n, p in named if any(k in n for k in no_weight_decay)]
    optimizer = torch.optim.AdamW(
        [
            group
            for group in (
                {"params": decayed, "weight_decay": weight_decay},
                {"params": kept, "weight_decay": 0.0},
            )
            if group["params"]
        ],
        lr=learning_rate,
        eps=1e-8,
    )
    scheduler = transformers.get_linear_schedule_with_warmup(
        optimizer, round(warmup_ratio * total_steps), total_steps
    )
    return optimizer, scheduler


def recipe_step(model, optimizer, scheduler, loss, clip_norm=1.0):
    """One update from `loss`: backward, clip to global norm `clip_norm` (None: no
    clipping), step, schedule, zero grads.

    Example:
        recipe_step(model, optimizer, scheduler, model(**batch, labels=labels).loss)
    """
    import torch

    loss.backward()
    if clip_norm:
        torch.nn.utils.clip_grad_norm_(model.parameters(), clip_norm)
    optimizer.step()
    scheduler.step()
    optimizer.zero_grad()


def first_piece_labels(batch, sentences, tag_id):
    """Labels for a `transformers` token-classification batch of `sentences` (each with
    `.tags`, tokenized with `is_split_into_words=True`): each word's tag id on its first
    piece, -100 (ignored) elsewhere and for a tag `tag_id` does not have. A list of rows.

    Example:
        labels = first_piece_labels(tokenizer(words, is_split_into_words=True), sentences, ids)
    """
    labels = []
    for index, sentence in enumerate(sentences):
        previous, row = None, []
        for word in batch.word_ids(index):
            first = word is not None and word != previous
            row.append(tag_id.get(sentence.tags[word], -100) if first else -100)
            previous = word
        labels.append(row)
    return labels


def add_sides_flag(parser):
    """`--sides`: which of the two libraries a side-by-side tool trains (default both).

    Example:
        add_sides_flag(parser)  # args.sides == ["keras_bert_lib", "transformers"]
    """
    parser.add_argument(
        "--sides",
        nargs="+",
        choices=("keras_bert_lib", "transformers"),
        default=["keras_bert_lib", "transformers"],
        help="run only one side, e.g. ours again after a library change, or more seeds",
    )


def keras_batch_order(count, epochs, seed) -> list:
    """Per epoch, the example order of `Task.fit(..., seed=seed, group_by_length=False)`
    (its `tf.data` shuffle, after `keras.utils.set_random_seed(seed)`), so that a PyTorch
    side can train on the same batches as ours, for paired comparisons over seeds.

    Example:
        for epoch_order in keras_batch_order(len(train), epochs=5, seed=0): ...
    """
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(seed)
    shuffled = tf.data.Dataset.range(count).shuffle(count, seed=seed, reshuffle_each_iteration=True)
    stream = [int(i) for i in shuffled.repeat(epochs)]
    return [stream[epoch * count : (epoch + 1) * count] for epoch in range(epochs)]
