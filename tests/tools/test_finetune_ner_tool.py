"""tools/finetune_ner.py end to end on a tiny checkpoint and a tiny CoNLL file."""

import json

from keras_bert_lib import BertTokenClassifier
from tests.tools.tool_runner import run_tool, tiny_checkpoint

VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "anna", "visits", "rome", "today"]


def test_trains_scores_entities_and_writes_model_and_metrics(tmp_path):
    checkpoint = tiny_checkpoint(tmp_path / "checkpoint", VOCAB)
    sentence = "Anna\tB-person\nvisits\tO\nRome\tB-location\ntoday\tO\n\t\n"
    for split in ("train", "dev"):
        (tmp_path / f"{split}.conll").write_text(sentence * 8)
    output = tmp_path / "run"
    run_tool(
        "finetune_ner.py",
            "--train",
            str(tmp_path / "train.conll"),
            "--dev",
            str(tmp_path / "dev.conll"),
            "--checkpoint",
            str(checkpoint),
            "--output-dir",
            str(output),
            "--epochs",
            "2",
            "--batch-size",
            "4",
            "--sequence-length",
            "16",
    )  # fmt: skip
    metrics = json.loads((output / "metrics.json").read_text())
    assert (output / "curves.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert metrics["train_sentences"] == 8 and len(metrics["dev_by_epoch"]) == 2
    assert set(metrics["best"]) == {"precision", "recall", "f1"}
    model = BertTokenClassifier.from_checkpoint(output / "model.keras")
    assert model.tag_names == ["O", "B-location", "B-person"]
    assert len(model.predict_words([["Anna", "visits"]])[0]) == 2
