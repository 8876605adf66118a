"""A BertPreprocessor in TFLite mode converts, and LiteRT reproduces TensorFlow exactly."""

import numpy as np
import pytest
import tensorflow as tf

from keras_bert_lib.data.text_files import read_tsv
from keras_bert_lib.export.tflite import convert_concrete_functions, load_interpreter
from keras_bert_lib.text import BertPreprocessor

STRESS = ["", "naïve CAFÉ, ½ price!", "日本語 text 😀", "x" * 300, "tabs\tand\nnewlines"]


class PreprocessorModule(tf.Module):
    def __init__(self, preprocessor):
        super().__init__()
        self.preprocessor = preprocessor

    @tf.function(input_signature=[tf.TensorSpec([None], tf.string)])
    def single(self, text):
        return self.preprocessor(text)

    @tf.function(input_signature=[tf.TensorSpec([None], tf.string)] * 2)
    def pair(self, first, second):
        return self.preprocessor((first, second))

    @tf.function(input_signature=[tf.TensorSpec([None], tf.string)])
    def offsets(self, text):
        ids, starts, ends = self.preprocessor.tokenizer.tokenize_with_offsets(text)
        return {
            "ids": ids.to_tensor(-1),
            "starts": starts.to_tensor(-1),
            "ends": ends.to_tensor(-1),
        }


@pytest.fixture(scope="module")
def module(reference_dir):
    return PreprocessorModule(
        BertPreprocessor.from_checkpoint(reference_dir, sequence_length=64, mode="tflite")
    )


def run_both(module, name, inputs):
    function = getattr(module, name).get_concrete_function()
    runner = load_interpreter(convert_concrete_functions([function], module)).get_signature_runner()
    lite = runner(**{key: np.array(value, dtype=object) for key, value in inputs.items()})
    expected = function(**{key: tf.constant(value) for key, value in inputs.items()})
    return lite, {key: value.numpy() for key, value in expected.items()}


def test_single_texts(module, shared_data):
    texts = [row["sentence"] for row in read_tsv(shared_data / "sst2" / "dev.tsv")[:256]]
    lite, expected = run_both(module, "single", {"text": texts + STRESS})
    for name in ("token_ids", "segment_ids", "padding_mask"):
        np.testing.assert_array_equal(lite[name], expected[name])
    assert expected["padding_mask"].sum() > 256 * 5


def test_pairs(module, shared_data):
    rows = read_tsv(shared_data / "mrpc" / "dev.tsv")[:128]
    first = [row["#1 String"] for row in rows] + STRESS
    second = [row["#2 String"] for row in rows] + STRESS[::-1]
    lite, expected = run_both(module, "pair", {"first": first, "second": second})
    for name in ("token_ids", "segment_ids", "padding_mask"):
        np.testing.assert_array_equal(lite[name], expected[name])
    assert expected["segment_ids"].sum() > 128 * 5


def test_offsets(module, shared_data):
    texts = [row["sentence"] for row in read_tsv(shared_data / "sst2" / "dev.tsv")[:256]]
    lite, expected = run_both(module, "offsets", {"text": texts + STRESS})
    for name in ("ids", "starts", "ends"):
        np.testing.assert_array_equal(lite[name], expected[name])
    row = len(texts) + 1  # "naïve CAFÉ, ½ price!": characters, not bytes
    assert expected["starts"][row][:3].tolist() == [0, 6, 10]
