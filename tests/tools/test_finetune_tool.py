"""tools/finetune.py end to end on a tiny checkpoint and a tiny TSV."""

import json

import keras

from tests.tools.tool_runner import run_tool, tiny_checkpoint

VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "good", "bad", "film", "plot"]


def test_trains_scores_dev_and_writes_model_and_metrics(tmp_path):
    checkpoint = tiny_checkpoint(tmp_path / "checkpoint", VOCAB)
    rows = "".join(
        f"{w} {n}\t{int(w == 'good')}\n" for w in ("good", "bad") for n in ("film", "plot")
    )
    for split in ("train", "dev"):
        (tmp_path / f"{split}.tsv").write_text("sentence\tlabel\n" + rows * 3)
    output = tmp_path / "run"
    run_tool(
        "finetune.py",
        "--train",
        str(tmp_path / "train.tsv"),
        "--dev",
        str(tmp_path / "dev.tsv"),
        "--text-columns",
        "sentence",
        "--label-column",
        "label",
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
        "--learning-rate",
        "1e-3",
        "--pooling",
        "mean",
    )
    metrics = json.loads((output / "metrics.json").read_text())
    assert (output / "curves.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert metrics["epochs_run"] == 2 and len(metrics["dev_by_epoch"]) == 2
    assert set(metrics["best"]) == {"accuracy", "f1", "matthews"}
    assert metrics["best"]["accuracy"] == max(e["accuracy"] for e in metrics["dev_by_epoch"])
    model = keras.saving.load_model(output / "model.keras")
    assert model.predict(["good film"], verbose=0).shape == (1, 2)
    assert model.pooling == "mean"
    assert any((output / "logs").rglob("events.out.tfevents*"))
