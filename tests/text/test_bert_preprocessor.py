import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_bert_lib import BertConfig, BertEncoder
from keras_bert_lib.text import BertPreprocessor, BertTokenizer
from tests.harness import ROUND_TRIP_ATOL, assert_allclose_outputs
from tests.text.test_bert_tokenizer import VOCAB, ids_of

CLS, SEP = VOCAB.index("[CLS]"), VOCAB.index("[SEP]")


def make(**kwargs):
    return BertPreprocessor(BertTokenizer(VOCAB), **{"sequence_length": 8, **kwargs})


def test_single_and_pair_outputs():
    out = make()(["The quick fox.", "a"])
    np.testing.assert_array_equal(
        out["token_ids"].numpy(),
        [
            [CLS, *ids_of("the", "qu", "##ick", "fox", "."), SEP, 0],
            [CLS, *ids_of("a"), SEP, 0, 0, 0, 0, 0],
        ],
    )
    pair = make()((["the fox"], ["quick"]))
    np.testing.assert_array_equal(
        pair["token_ids"].numpy(),
        [[CLS, *ids_of("the", "fox"), SEP, *ids_of("qu", "##ick"), SEP, 0]],
    )
    np.testing.assert_array_equal(pair["segment_ids"].numpy(), [[0, 0, 0, 0, 1, 1, 1, 0]])
    np.testing.assert_array_equal(pair["padding_mask"].numpy(), [[1, 1, 1, 1, 1, 1, 1, 0]])


def test_scalar_input_gives_unbatched_rows():
    out = make()("the fox")
    assert out["token_ids"].shape == (8,)


def test_bad_inputs():
    with pytest.raises(ValueError, match="2 entries"):
        make()((["a"], ["b"], ["c"]))
    with pytest.raises(TypeError, match="BertTokenizer"):
        BertPreprocessor("vocab.txt")
    with pytest.raises(ValueError, match="sequence_length"):
        make(sequence_length=2)


def test_in_tf_data_map_for_fit():
    dataset = tf.data.Dataset.from_tensor_slices(
        ((["the fox", "a"], ["quick", "fox"]), [0, 1])
    ).batch(2)
    preprocessor = make()
    features, labels = next(iter(dataset.map(lambda x, y: (preprocessor(x), y))))
    assert features["token_ids"].shape == (2, 8) and labels.numpy().tolist() == [0, 1]


def string_model(preprocessor):
    config = BertConfig(
        vocab_size=len(VOCAB),
        hidden_size=8,
        num_layers=1,
        num_heads=2,
        intermediate_size=16,
        max_position_embeddings=16,
    )
    text = keras.Input(shape=(), dtype="string", name="text")
    pooled = BertEncoder(config)(preprocessor(text))["pooled_output"]
    return keras.Model(text, keras.layers.Dense(2)(pooled))


def test_keras_model_on_raw_strings_saves_and_loads_with_the_vocabulary_asset(tmp_path):
    model = string_model(make())
    texts = tf.constant(["The quick fox.", "a cafe"])
    expected = model.predict(texts, verbose=0)
    model.save(tmp_path / "model.keras")
    loaded = keras.saving.load_model(tmp_path / "model.keras")
    assert_allclose_outputs(loaded.predict(texts, verbose=0), expected, atol=ROUND_TRIP_ATOL)


def test_config_round_trip_and_from_checkpoint(reference_dir):
    preprocessor = make(truncation="waterfall")
    config = preprocessor.get_config()
    clone = BertPreprocessor.from_config(config)
    assert clone.get_config() == config and clone.tokenizer.vocabulary is None
    loaded = BertPreprocessor.from_checkpoint(reference_dir, sequence_length=16)
    np.testing.assert_array_equal(
        loaded("Hello world!")["token_ids"].numpy()[:5], [101, 7592, 2088, 999, 102]
    )
