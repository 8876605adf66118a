"""Every input pipeline the library builds has tf.data autotuning off
(`data/pipeline_options.py`: deleting a long `fit`'s iterator otherwise waits up to a minute
for the autotuning thread)."""

import numpy as np
import pytest

from keras_bert_lib.data.dynamic_masking import masked_lm_dataset
from keras_bert_lib.data.pretraining_records import pretraining_dataset
from keras_bert_lib.summarize.document_batches import document_batches
from tests.tiny_models import tiny_classifier, tiny_preprocessor

TEXTS = ["the quick brown fox", "jumps over", "the lazy dog", "again"]


def autotune_enabled(dataset):
    return dataset.options().autotune.enabled


@pytest.mark.parametrize("shuffle,group_by_length", [(True, True), (True, False), (False, False)])
def test_fit_batches(shuffle, group_by_length):
    model = tiny_classifier()
    make_dataset, _ = model._data.training(
        TEXTS, [0, 1, 2, 0], None, 2, shuffle, 0, group_by_length
    )
    assert autotune_enabled(make_dataset()) is False


def test_evaluation_and_user_datasets():
    model = tiny_classifier()
    assert autotune_enabled(model._data.dataset(TEXTS, [0, 1, 2, 0], batch_size=2)) is False
    user = model._data.dataset(TEXTS, batch_size=2)
    assert autotune_enabled(model._data.dataset(user.unbatch().batch(2))) is False


def test_pretraining_masked_lm_and_summarizer_batches(tmp_path):
    paths = [tmp_path / "data-00000-of-00001"]  # not read: the pipeline is only built
    assert autotune_enabled(pretraining_dataset(paths, 8, 2, 2)) is False
    assert autotune_enabled(masked_lm_dataset(TEXTS, tiny_preprocessor(), 2)) is False
    embeddings = [np.ones((3, 4), np.float32), np.ones((2, 4), np.float32)]
    assert autotune_enabled(document_batches(embeddings, batch_size=2)) is False
