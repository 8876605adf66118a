"""tools/finetune_squad.py end to end on a tiny checkpoint and a tiny SQuAD file."""

import json

from keras_bert_lib import BertSpanLabeler
from tests.tools.tool_runner import run_tool, tiny_checkpoint

VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "who", "won", "?", "denver", "lost", "."]


def squad_file(path, count):
    context = "Denver won . Carolina lost ."
    questions = [
        {"id": f"q{i}", "question": "Who won?", "answers": [{"text": "Denver", "answer_start": 0}]}
        for i in range(count)
    ]
    data = {"version": "1.1", "data": [{"paragraphs": [{"context": context, "qas": questions}]}]}
    path.write_text(json.dumps(data))


def run_squad_tool(tmp_path, train_questions, dev_questions, *flags):
    """Runs the tool on a tiny checkpoint and tiny files; returns its output directory."""
    checkpoint = tiny_checkpoint(tmp_path / "checkpoint", VOCAB)
    squad_file(tmp_path / "train.json", train_questions)
    squad_file(tmp_path / "dev.json", dev_questions)
    output = tmp_path / "run"
    run_tool(
        "finetune_squad.py",
            "--train", str(tmp_path / "train.json"),
            "--dev", str(tmp_path / "dev.json"),
            "--checkpoint", str(checkpoint),
            "--output-dir", str(output),
            "--batch-size", "4",
            "--sequence-length", "16",
            *flags,
    )  # fmt: skip
    return output


def test_trains_answers_and_writes_model_predictions_and_metrics(tmp_path):
    output = run_squad_tool(tmp_path, 8, 3, "--epochs", "2", "--backup-every", "1")
    metrics = json.loads((output / "metrics.json").read_text())
    assert (output / "curves.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert metrics["train_windows"] == 8 and len(metrics["dev_by_epoch"]) == 2
    assert metrics["best"]["questions"] == 3 and 0 <= metrics["best"]["f1"] <= 100
    predictions = json.loads((output / "predictions.json").read_text())
    assert sorted(predictions) == ["q0", "q1", "q2"]
    assert all(text in "Denver won . Carolina lost ." for text in predictions.values())
    assert not (output / "backup").exists()  # removed once training completed
    model = BertSpanLabeler.from_checkpoint(output / "model.keras")
    assert model.preprocessor.sequence_length == 16


def test_reference_pipeline_flags_reach_the_windows(tmp_path):
    output = run_squad_tool(
        tmp_path,
        4,
        1,
        *("--context-overlap", "2", "--max-query-length", "none"),
        *("--clip-norm", "0", "--decay-all-weights"),
    )
    model = BertSpanLabeler.from_checkpoint(output / "model.keras")
    assert (model.context_overlap, model.max_query_length) == (2, None)
    args = json.loads((output / "metrics.json").read_text())["args"]
    assert (args["clip_norm"], args["decay_all_weights"]) == (0.0, True)
