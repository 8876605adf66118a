"""tools/export.py end to end on a tiny classifier: SavedModel + models.config + TFLite,
verified through the TF1 session loader and LiteRT."""

import json

from keras_bert_lib.export.repository import read_models_config
from tests.tiny_models import TEXTS, tiny_classifier
from tests.tools.tool_runner import run_tool


def test_exports_and_verifies_against_keras(tmp_path):
    tiny_classifier().save(tmp_path / "model.keras")
    rows = "".join(f"{text}\t{i % 3}\n" for i, text in enumerate(TEXTS))
    (tmp_path / "dev.tsv").write_text("sentence\tlabel\n" + rows)
    stdout = run_tool(
        "export.py",
            "--model",
            str(tmp_path / "model.keras"),
            "--name",
            "tiny",
            "--repository",
            str(tmp_path / "repo"),
            "--tflite",
            str(tmp_path / "repo" / "tiny.tflite"),
            "--verify-tsv",
            str(tmp_path / "dev.tsv"),
            "--label-column",
            "label",
    )  # fmt: skip
    report = json.loads(stdout[stdout.index("{") :])
    assert report["saved_model"] == str(tmp_path / "repo" / "tiny" / "1")
    assert report["texts"] == len(TEXTS)
    assert report["saved_model_vs_keras"]["max_abs_diff_logits"] <= 1e-5
    assert report["saved_model_vs_keras"]["label_agreement"] == 1.0
    assert report["tflite_vs_saved_model"]["max_abs_diff_logits"] <= 1e-5
    assert report["tflite_accuracy"] == report["saved_model_accuracy"]
    (entry,) = read_models_config(tmp_path / "repo").model_config_list.config
    assert entry.name == "tiny"


def test_exports_a_tagger_and_verifies_word_tags_and_entity_f1(tmp_path):
    from tests.models.test_bert_token_classifier import SENTENCES, make

    make().save(tmp_path / "ner.keras")
    conll = "".join(
        "".join(f"{w}\t{t}\n" for w, t in zip(words, tags, strict=True)) + "\n"
        for words, tags in SENTENCES
    )
    (tmp_path / "dev.conll").write_text(conll)
    stdout = run_tool(
        "export.py",
            "--model",
            str(tmp_path / "ner.keras"),
            "--name",
            "ner",
            "--repository",
            str(tmp_path / "repo"),
            "--verify-conll",
            str(tmp_path / "dev.conll"),
            "--tflite",
            str(tmp_path / "ner.tflite"),
    )  # fmt: skip
    report = json.loads(stdout[stdout.index("{") :])
    assert report["sentences"] == len(SENTENCES) and report["word_tag_agreement"] == 1.0
    assert report["saved_model_entities"] == report["keras_entities"]
    assert report["tflite_vs_saved_model_word_tag_agreement"] == 1.0
    assert report["tflite_entities"] == report["keras_entities"]
