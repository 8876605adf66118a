"""tools/distill.py end to end on a tiny teacher: a distilled student from teacher layers with
a TFLite file, and the labels-only baseline on the same labelled rows."""

import json

import keras
import numpy as np

from keras_bert_lib import BertClassifier, BertEncoder
from keras_bert_lib.export.parity import run_tflite
from tests.tiny_models import TINY_CONFIG, VOCAB, tiny_preprocessor
from tests.tools.tool_runner import run_tool, tiny_checkpoint

ROWS = [f"{w} {n}\t{int(w == 'good')}" for w in ("good", "bad") for n in ("film", "plot")]


def write_files(tmp_path):
    keras.utils.set_random_seed(0)
    encoder = BertEncoder(TINY_CONFIG.to_dict() | {"num_layers": 3})
    teacher = BertClassifier(encoder, num_classes=2, preprocessor=tiny_preprocessor())
    teacher.save(tmp_path / "teacher.keras")
    for split in ("train", "dev"):
        (tmp_path / f"{split}.tsv").write_text("sentence\tlabel\n" + "\n".join(ROWS * 3) + "\n")
    (tmp_path / "more.txt").write_text("very good film\n\nnot a good plot\n")
    return teacher


def distill(tmp_path, output, *extra):
    return run_tool(
        "distill.py",
        *("--teacher", tmp_path / "teacher.keras", "--train", tmp_path / "train.tsv"),
        *("--dev", tmp_path / "dev.tsv", "--text-columns", "sentence"),
        *("--label-column", "label", "--max-labelled", "6", "--student-layers", "2"),
        *("--output-dir", output, "--batch-size", "4", "--learning-rate", "1e-3"),
        *extra,
    )


def test_distils_a_student_with_tflite_and_the_labels_only_baseline(tmp_path):
    teacher = write_files(tmp_path)
    output = tmp_path / "student"
    distill(tmp_path, output, "--unlabelled", tmp_path / "more.txt", "--tflite")
    metrics = json.loads((output / "metrics.json").read_text())
    assert metrics["train_texts"] == 14 and metrics["labelled"] == 6
    assert metrics["student_layers"] == 2 and len(metrics["dev_by_epoch"]) == 2
    assert metrics["student_parameters"] < metrics["teacher_parameters"]
    teacher_accuracy = np.mean(
        np.argmax(teacher.predict([r.split("\t")[0] for r in ROWS], verbose=0), 1)
        == [int(r[-1]) for r in ROWS]
    )
    assert metrics["teacher"]["accuracy"] == teacher_accuracy
    assert (output / "curves.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    student = keras.saving.load_model(output / "model.keras")
    assert isinstance(student, BertClassifier) and student.encoder.config.num_layers == 2
    texts = ["good film", "bad plot"]
    lite = run_tflite(output / "model.tflite", {"text": texts})
    np.testing.assert_allclose(lite["logits"], student.predict(texts, verbose=0), atol=1e-5)

    baseline = tmp_path / "baseline"
    distill(tmp_path, baseline, "--labels-only", "--teacher-outputs", "precomputed")
    metrics = json.loads((baseline / "metrics.json").read_text())
    assert metrics["train_texts"] == 6 and metrics["labelled"] == 6

    # The same baseline from a pretrained checkpoint's layers (its last one of one; the
    # later --student-layers wins) instead of the teacher's.
    checkpoint = tiny_checkpoint(tmp_path / "pretrained", VOCAB)
    pretrained = tmp_path / "pretrained_baseline"
    distill(tmp_path, pretrained, "--labels-only", "--layers-from", checkpoint,
            "--student-layers", "1")  # fmt: skip
    assert json.loads((pretrained / "metrics.json").read_text())["student_layers"] == 1
