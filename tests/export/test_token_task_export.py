"""NER and QA SavedModels, loaded as TF Serving loads them (TF1 session loader, fresh
process): tags with offsets equal the Keras model's word tags and entities; answers equal
`BertSpanLabeler.predict`; their TFLite files give the same offsets."""

import numpy as np
import pytest
import tensorflow as tf

from keras_bert_lib.export import export_saved_model, export_tflite
from keras_bert_lib.export.op_check import unregistered_ops
from keras_bert_lib.export.parity import run_tflite
from keras_bert_lib.export.session_loader import run_in_fresh_process
from keras_bert_lib.export.token_serving import pack_question_context
from keras_bert_lib.serving import entities_from_tokens
from tests.models.test_bert_span_labeler import make as make_reader
from tests.models.test_bert_token_classifier import make as make_tagger

TEXTS = ["Barack Obama visits  Paris", "Anna, visits Rome today", "Paris"]
QUESTIONS = ["who won?", "who lost?", "who won?"]
CONTEXTS = ["then carolina lost . Denver won .", "Denver won and Carolina lost", "   "]


@pytest.fixture(scope="module")
def tagger():
    model = make_tagger()
    model.fit_words([t.split() for t in TEXTS], [["B-PER", "I-PER", "O", "B-LOC"],
                    ["B-PER", "O", "B-LOC", "O"], ["B-LOC"]], epochs=30, batch_size=4,
                    verbose=0)  # fmt: skip
    return model


@pytest.fixture(scope="module")
def tagger_export(tagger, tmp_path_factory):
    return export_saved_model(tagger, tmp_path_factory.mktemp("ner") / "1")


def test_ner_tags_at_word_starts_equal_the_keras_word_tags(tagger, tagger_export):
    outputs = run_in_fresh_process(tagger_export, "serving_default", {"text": np.array(TEXTS)})
    expected = tagger.predict_words([t.split() for t in TEXTS])
    for row, text in enumerate(TEXTS):
        firsts = np.nonzero(outputs["word_start"][row])[0]
        assert [t.decode() for t in outputs["tags"][row][firsts]] == expected[row]
        # Offsets point into the original text: each first piece starts its word.
        starts = outputs["token_start"][row][firsts]
        assert [text[s:].split()[0] for s in starts] == text.split()
        others = ~outputs["word_start"][row]
        assert (outputs["tag_ids"][row][others] == -1).all()


def test_ner_entities_from_served_tokens_equal_predict_entities(tagger, tagger_export):
    outputs = run_in_fresh_process(tagger_export, "serving_default", {"text": np.array(TEXTS)})
    expected = tagger.predict_entities(TEXTS)
    for row, text in enumerate(TEXTS):
        served = entities_from_tokens(text, outputs, row)
        assert [(e["text"], e["type"], e["start"], e["end"]) for e in served] == [
            (e["text"], e["type"], e["start"], e["end"]) for e in expected[row]
        ]
        for a, b in zip(served, expected[row], strict=True):
            assert a["score"] == pytest.approx(b["score"], abs=1e-5)
    assert any(expected)  # the trained tagger finds entities, so the check has content


def test_ner_token_ids_signature_and_ops(tagger, tagger_export):
    features = tagger.windows([TEXTS[0].split()]).features
    outputs = run_in_fresh_process(tagger_export, "serve_token_ids", features)
    logits = tagger.predict(features, verbose=0)  # cut to the longest row
    assert outputs["logits"].shape[1] == features["token_ids"].shape[1]
    np.testing.assert_allclose(outputs["logits"][:, : logits.shape[1]], logits, atol=1e-5, rtol=0)
    assert unregistered_ops(tagger_export) == []


def test_qa_answers_equal_predict_and_an_empty_context_gives_an_empty_answer(tmp_path):
    reader = make_reader()
    directory = export_saved_model(reader, tmp_path / "1")
    outputs = run_in_fresh_process(
        directory,
        "serving_default",
        {"question": np.array(QUESTIONS), "context": np.array(CONTEXTS)},
    )
    for row in range(2):
        expected = reader.predict(QUESTIONS[row], CONTEXTS[row])
        assert outputs["answer"][row].decode() == expected["text"]
        assert (outputs["answer_start"][row], outputs["answer_end"][row]) == (
            expected["start"],
            expected["end"],
        )
        assert outputs["score"][row] == pytest.approx(expected["score"], abs=1e-5)
    assert outputs["answer"][2] == b"" and outputs["score"][2] == 0.0
    tokenized = run_in_fresh_process(
        directory,
        "tokenize",
        {"question": np.array(QUESTIONS[:1]), "context": np.array(CONTEXTS[:1])},
    )
    windows = reader.windows(QUESTIONS[:1], CONTEXTS[:1])
    np.testing.assert_array_equal(tokenized["token_ids"], windows.features["token_ids"])
    np.testing.assert_array_equal(tokenized["segment_ids"], windows.features["segment_ids"])
    assert unregistered_ops(directory) == []


def test_ner_tflite_gives_the_keras_entities_with_character_offsets(tagger, tmp_path):
    texts = [*TEXTS, "Zoë  visits Paris"]  # "ë" is two bytes: offsets are characters
    path = export_tflite(tagger, tmp_path / "ner.tflite")
    outputs = run_tflite(path, {"text": texts})
    expected = tagger.predict_entities(texts)
    for row, text in enumerate(texts):
        served = entities_from_tokens(text, outputs, row)
        assert [(e["text"], e["type"], e["start"], e["end"]) for e in served] == [
            (e["text"], e["type"], e["start"], e["end"]) for e in expected[row]
        ]
        firsts = np.nonzero(outputs["word_start"][row])[0]
        starts = outputs["token_start"][row][firsts]
        assert [text[s:].split()[0] for s in starts] == text.split()
    assert any(expected)


def test_qa_tflite_spans_equal_predict(tmp_path):
    reader = make_reader()
    path = export_tflite(reader, tmp_path / "qa.tflite")
    outputs = run_tflite(path, {"question": QUESTIONS, "context": CONTEXTS})
    assert "answer" not in outputs  # TFLite has no string slicing: offsets only
    for row in range(2):
        expected = reader.predict(QUESTIONS[row], CONTEXTS[row])
        start, end = outputs["answer_start"][row], outputs["answer_end"][row]
        assert (start, end) == (expected["start"], expected["end"])
        assert CONTEXTS[row][start:end] == expected["text"]
        assert outputs["score"][row] == pytest.approx(expected["score"], abs=1e-5)
    assert outputs["score"][2] == 0.0


@pytest.mark.parametrize("max_query_length", [2, None])
def test_served_packing_cuts_the_question_as_the_windows_do(max_query_length):
    reader = make_reader()
    reader.max_query_length = max_query_length
    question, context = "who won ? who lost", "Denver won ."
    features, _, _ = pack_question_context(
        reader, reader.preprocessor, tf.constant([question]), tf.constant([context])
    )
    windows = reader.windows([question], [context])
    np.testing.assert_array_equal(features["token_ids"].numpy(), windows.features["token_ids"])
    assert windows.features["padding_mask"][0].sum() == 1 + (max_query_length or 5) + 1 + 3 + 1
