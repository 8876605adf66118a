import numpy as np
import tensorflow as tf

from keras_bert_lib import BertClassifier, BertConfig, BertEncoder, BertPreprocessor, BertTokenizer
from keras_bert_lib.models.task_data import LENGTH_GROUP_BATCHES, sort_by_length, trim_padding

VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "good", "film"]


def features_with_lengths(lengths, sequence_length=64):
    mask = (np.arange(sequence_length)[None, :] < np.array(lengths)[:, None]).astype("int32")
    return {"token_ids": mask * 5, "segment_ids": 0 * mask, "padding_mask": mask}


def test_trim_padding_cuts_to_the_longest_row_or_a_multiple():
    features = features_with_lengths([5, 17])
    assert trim_padding(features)["token_ids"].shape == (2, 17)
    assert trim_padding(features, 16)["token_ids"].shape == (2, 32)
    assert trim_padding(features_with_lengths([64, 3]), 16)["token_ids"].shape == (2, 64)


def test_sort_by_length_moves_labels_and_weights_along():
    x, y, w = sort_by_length(
        features_with_lengths([9, 2, 5]), tf.constant([0, 1, 2]), tf.constant([0.5, 1.0, 2.0])
    )
    assert x["padding_mask"].numpy().sum(axis=1).tolist() == [2, 5, 9]
    assert y.numpy().tolist() == [1, 2, 0]
    assert w.numpy().tolist() == [1.0, 2.0, 0.5]


def classifier():
    config = BertConfig(
        vocab_size=len(VOCAB),
        hidden_size=8,
        num_layers=1,
        num_heads=2,
        intermediate_size=16,
        max_position_embeddings=64,
    )
    preprocessor = BertPreprocessor(BertTokenizer(VOCAB), sequence_length=64)
    # Regression, so that the labels can be the example indices.
    return BertClassifier(BertEncoder(config), num_classes=1, preprocessor=preprocessor)


def test_length_grouped_batches_hold_every_example_once_in_similar_lengths():
    rng = np.random.default_rng(0)
    batch_size, count = 4, 4 * LENGTH_GROUP_BATCHES + 6  # two pools, the second partial
    words = rng.integers(1, 40, count)
    texts = [" ".join(["good"] * int(n)) for n in words]
    model = classifier()
    dataset = model._data.dataset(
        texts,
        np.arange(count, dtype="float32"),
        batch_size=batch_size,
        shuffle=True,
        group_by_length=True,
    )
    batches = list(dataset.as_numpy_iterator())
    assert len(batches) == int(dataset.cardinality()) == -(-count // batch_size)

    seen = np.concatenate([labels for _, labels in batches]).astype(int)
    assert sorted(seen.tolist()) == list(range(count))  # every example exactly once
    for x, labels in batches:
        lengths = x["padding_mask"].sum(axis=1)
        # The labels follow their texts.
        assert lengths.tolist() == (words[labels.astype(int)] + 2).tolist()
        assert x["token_ids"].shape[1] == lengths.max()  # trimmed to the longest

    # Within a pool, sorted batches do not overlap in length, so the padding is small: far
    # less than random batches of the same texts would carry.
    padded = sum(x["token_ids"].size for x, _ in batches)
    random_order = rng.permutation(words + 2)
    random_padded = sum(
        len(chunk) * chunk.max() for chunk in np.array_split(random_order, len(batches))
    )
    assert padded < 0.7 * random_padded
    # The batches themselves come in shuffled order, not sorted.
    first_lengths = [x["padding_mask"].sum(axis=1)[0] for x, _ in batches]
    assert first_lengths != sorted(first_lengths)


def test_without_grouping_batches_keep_the_shuffled_order():
    texts = [" ".join(["good"] * n) for n in range(1, 21)]
    model = classifier()
    dataset = model._data.dataset(texts, np.arange(20.0), batch_size=5, shuffle=False)
    labels = np.concatenate([labels for _, labels in dataset.as_numpy_iterator()])
    assert labels.tolist() == list(range(20))
