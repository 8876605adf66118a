import json

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_bert_lib.text import BertTokenizer
from keras_bert_lib.text.bert_tokenizer import tokenizer_settings

VOCAB = [
    "[PAD]",
    "[UNK]",
    "[CLS]",
    "[SEP]",
    "[MASK]",
    "the",
    "qu",
    "##ick",
    "fox",
    ".",
    "a",
    "##a",
    "cafe",
    "Fox",
    "[",
    "]",
    "sep",
    "日",
    "!",
]


def ids_of(*tokens):
    return [VOCAB.index(t) for t in tokens]


def test_uncased_tokenization_with_hand_computed_offsets():
    tokenizer = BertTokenizer(VOCAB)
    ids, starts, ends = tokenizer.tokenize_with_offsets(["The quíck  FOX. 日!", "Café"])
    assert ids.to_list() == [ids_of("the", "qu", "##ick", "fox", ".", "日", "!"), ids_of("cafe")]
    assert starts.to_list() == [[0, 4, 6, 11, 14, 16, 17], [0]]
    assert ends.to_list() == [[3, 6, 9, 14, 15, 17, 18], [4]]
    assert ids.dtype == tf.int32


def test_cased_keeps_case_and_accents():
    tokenizer = BertTokenizer(VOCAB, lowercase=False)
    assert tokenizer.tokenize(["Fox fox Café"]).to_list() == [ids_of("Fox", "fox", "[UNK]")]


def test_scalar_list_array_and_empty_inputs():
    tokenizer = BertTokenizer(VOCAB)
    assert tokenizer.tokenize("the fox").numpy().tolist() == ids_of("the", "fox")
    assert tokenizer.tokenize(np.array(["the", "fox"])).to_list() == [ids_of("the"), ids_of("fox")]
    assert tokenizer.tokenize([]).to_list() == []
    assert tokenizer.tokenize(["", "   \t\n"]).to_list() == [[], []]


def test_words_over_the_limit_become_one_unk():
    tokenizer = BertTokenizer(VOCAB, max_chars_per_word=5)
    ids, starts, ends = tokenizer.tokenize_with_offsets(["aaaaa aaaaaa the"])
    assert ids.to_list() == [ids_of("a", "##a", "##a", "##a", "##a", "[UNK]", "the")]
    assert (starts.to_list()[0][5], ends.to_list()[0][5]) == (6, 12)


def test_special_token_text_is_ordinary_text():
    tokenizer = BertTokenizer(VOCAB)
    assert tokenizer.tokenize(["[SEP]"]).to_list() == [ids_of("[", "sep", "]")]


def test_invalid_utf8_has_defined_output():
    tokenizer = BertTokenizer(VOCAB)
    ids, starts, ends = tokenizer.tokenize_with_offsets(tf.constant([b"the\xff\xfefox"]))
    # Each bad byte decodes to U+FFFD, which BERT deletes: "thefox" is one unknown word.
    assert ids.to_list() == [ids_of("[UNK]")]
    assert (starts.to_list(), ends.to_list()) == ([[0]], [[8]])


def test_bad_inputs_name_the_problem():
    tokenizer = BertTokenizer(VOCAB)
    with pytest.raises(TypeError, match="must be strings, got a tensor of dtype int32"):
        tokenizer.tokenize(tf.constant([1, 2]))
    with pytest.raises(ValueError, match="rank 2"):
        tokenizer.tokenize(tf.constant([["a"]]))
    with pytest.raises(ValueError, match="mode"):
        BertTokenizer(VOCAB, mode="fast")
    with pytest.raises(ValueError, match="max_chars_per_word"):
        BertTokenizer(VOCAB, max_chars_per_word=0)
    with pytest.raises(ValueError, match="no vocabulary"):
        BertTokenizer().tokenize(["a"])


def test_tflite_mode_tokenizes_with_code_point_offsets():
    tokenizer = BertTokenizer(VOCAB, mode="tflite")
    assert tokenizer.tokenize(["The quick fox."]).to_list() == [
        ids_of("the", "qu", "##ick", "fox", ".")
    ]
    ids, starts, ends = tokenizer.tokenize_with_offsets(["Thé  quick", "fox"])
    assert ids.to_list() == [ids_of("the", "qu", "##ick"), ids_of("fox")]
    # "é" is two bytes: offsets count characters, as Python indexes do.
    assert starts.to_list() == [[0, 5, 7], [0]]
    assert ends.to_list() == [[3, 7, 10], [3]]


def test_detokenize_and_lookups():
    tokenizer = BertTokenizer(VOCAB)
    assert tokenizer.detokenize([ids_of("the", "qu", "##ick", "fox")]).numpy().tolist() == [
        b"the quick fox"
    ]
    assert tokenizer.id_to_token(tf.constant(ids_of("fox", "##ick"))).numpy().tolist() == [
        b"fox",
        b"##ick",
    ]
    assert tokenizer.token_to_id("fox") == 8 and tokenizer.vocabulary_size == len(VOCAB)
    ids = tokenizer.special_ids
    assert (ids.pad, ids.unk, ids.cls, ids.sep, ids.mask) == (0, 1, 2, 3, 4)
    with pytest.raises(KeyError, match="zebra"):
        tokenizer.token_to_id("zebra")


def test_config_has_no_vocabulary_and_round_trips_with_assets(tmp_path):
    tokenizer = BertTokenizer(VOCAB, lowercase=False, max_chars_per_word=7)
    config = tokenizer.get_config()
    assert "vocabulary" not in config and len(json.dumps(config)) < 1000
    clone = BertTokenizer.from_config(config)
    assert clone.get_config() == config
    tokenizer.save_assets(tmp_path)
    clone.load_assets(tmp_path)
    text = ["Fox the quick."]
    assert clone.tokenize(text).to_list() == tokenizer.tokenize(text).to_list()
    revived = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(tokenizer))
    assert isinstance(revived, BertTokenizer)


def test_usable_in_tf_data():
    tokenizer = BertTokenizer(VOCAB)
    dataset = tf.data.Dataset.from_tensor_slices(["the fox", "a quick fox"]).batch(2)
    ids = next(iter(dataset.map(tokenizer.tokenize)))
    assert ids.to_list() == [ids_of("the", "fox"), ids_of("a", "qu", "##ick", "fox")]


def test_settings_from_checkpoint_files(tmp_path, reference_dir):
    assert tokenizer_settings(reference_dir) == dict(
        vocabulary=reference_dir / "vocab.txt", lowercase=True, max_chars_per_word=100
    )
    (tmp_path / "vocab.txt").write_text("\n".join(VOCAB))
    settings = tokenizer_settings(tmp_path / "bert_model.ckpt")
    assert settings["lowercase"] is False and settings["max_chars_per_word"] == 200
    (tmp_path / "tokenizer_config.json").write_text(json.dumps({"do_lower_case": True}))
    assert tokenizer_settings(tmp_path)["lowercase"] is True
    (tmp_path / "tokenizer.json").write_text(json.dumps({"normalizer": {"type": "Sequence"}}))
    with pytest.raises(ValueError, match="BertNormalizer"):
        tokenizer_settings(tmp_path)
    with pytest.raises(FileNotFoundError, match="No vocab.txt"):
        tokenizer_settings(tmp_path / "missing_dir" / "x")
