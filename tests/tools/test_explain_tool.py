import json

from tests.tiny_models import tiny_classifier
from tests.tools.tool_runner import run_tool


def test_explain_writes_pictures_and_complete_scores(tmp_path):
    model_path = tmp_path / "model.keras"
    tiny_classifier().save(model_path)
    output = tmp_path / "explain"
    run_tool(
        "explain.py", "--model", model_path, "--text", "not good films", "--output-dir", output
    )
    for name in ("attention_layer_1.png", "attributions.png"):
        assert (output / name).read_bytes()[:4] == b"\x89PNG"
    assert "<span" in (output / "attributions.html").read_text()
    report = json.loads((output / "scores.json").read_text())
    assert [w["word"] for w in report["words"]] == ["not", "good", "films"]
    assert report["target"] == max(range(3), key=lambda c: report["logits"][c])
    error = abs(report["sum_of_scores"] - report["logit_minus_baseline"])
    assert error <= 0.01 * abs(report["logit_minus_baseline"]) + 1e-4
