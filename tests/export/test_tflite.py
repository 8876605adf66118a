"""TFLite export with the tokenizer inside, run by LiteRT against the SavedModel."""

import numpy as np
import pytest

from keras_bert_lib import BertPreprocessor, BertTokenizer
from keras_bert_lib.export.parity import compare, run_saved_model, run_tflite, tokenized_alike
from keras_bert_lib.export.saved_model import export_saved_model
from keras_bert_lib.export.tflite import export_tflite
from tests.tiny_models import (
    PAIRS,
    SEQUENCE_LENGTH,
    TEXTS,
    VOCAB,
    tiny_classifier,
    tiny_sentence_encoder,
)


@pytest.mark.parametrize("quantization", [None, "float16", "int8_weights", "dynamic_int8", "int8"])
def test_classifier_tflite_matches_the_saved_model(quantization, tmp_path):
    model = tiny_classifier()
    saved = export_saved_model(model, tmp_path / "1")
    path = export_tflite(
        model, tmp_path / "model.tflite", quantization=quantization, representative_texts=TEXTS
    )
    inputs = {"text": TEXTS * 3}
    report = compare(run_tflite(path, inputs), run_saved_model(saved, inputs))
    tolerance = 1e-5 if quantization is None else 1e-2
    assert report["max_abs_diff_logits"] <= tolerance
    assert report["label_agreement"] == 1.0


def test_pair_classifier_and_sentence_encoder(tmp_path):
    model = tiny_classifier()
    path = export_tflite(model, tmp_path / "pair.tflite", pair=True)
    outputs = run_tflite(path, {"text": PAIRS[0], "text_pair": PAIRS[1]})
    np.testing.assert_allclose(outputs["logits"], model.predict(PAIRS, verbose=0), atol=1e-5)

    encoder = tiny_sentence_encoder()
    path = export_tflite(encoder, tmp_path / "encoder.tflite")
    outputs = run_tflite(path, {"text": TEXTS})
    report = compare(outputs, {"embeddings": encoder.encode(TEXTS)})
    assert report["min_cosine"] >= 0.99999


def test_compare_reports_hand_computed_figures():
    report = compare(
        {
            "logits": np.array([[1.0, 2.0]]),
            "label": np.array([1, 0]),
            "embeddings": np.array([[1.0, 0.0], [0.0, 2.0]]),
        },
        {
            "logits": np.array([[1.5, 2.0]]),
            "label": np.array([1, 1]),
            "embeddings": np.array([[1.0, 1.0], [0.0, 1.0]]),
        },
    )
    assert report == {
        "max_abs_diff_logits": 0.5,
        "label_agreement": 0.5,
        "min_cosine": pytest.approx(2**-0.5),
        "mean_cosine": pytest.approx((2**-0.5 + 1.0) / 2),
        "max_abs_diff_embeddings": 1.0,
    }


def test_tokenized_alike_flags_texts_the_tokenizer_modes_split_differently():
    # The exact mode lowercases (final sigma stays "ς"); tflite mode case-folds it to "σ".
    preprocessor = BertPreprocessor(BertTokenizer(VOCAB + ["ς", "σ"]), SEQUENCE_LENGTH)
    alike = tokenized_alike(preprocessor, {"text": ["the film", "ς", "σ"]})
    assert alike.tolist() == [True, False, True]
    pairs = {"text": ["the film", "the film"], "text_pair": ["σ", "a ς"]}
    assert tokenized_alike(preprocessor, pairs).tolist() == [True, False]


def test_int8_needs_representative_texts_and_bad_quantization_is_named(tmp_path):
    model = tiny_classifier()
    with pytest.raises(ValueError, match="representative texts"):
        export_tflite(model, tmp_path / "a.tflite", quantization="int8")
    with pytest.raises(ValueError, match="quantization must be one of"):
        export_tflite(model, tmp_path / "b.tflite", quantization="int4")
