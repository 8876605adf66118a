"""tools/train_summarizer.py and tools/summarize.py end to end on a tiny checkpoint and a
hand-made WikiExtractor file: train, summarize with the trained scorer, export and serve."""

import json

import numpy as np

from keras_bert_lib.export.session_loader import run_in_fresh_process
from tests.tools.tool_runner import run_tool, tiny_checkpoint

VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "cat", "dog", "sat", "ran", "."]


def article(index):
    lead = "The cat sat. The dog ran."
    body = " ".join(["The dog sat.", "The cat ran.", "The cat sat."] * 4)
    return (
        f'<doc id="{index}" url="?curid={index}" title="Cat {index}">\nCat {index}\n\n'
        f"{lead}\nEarly life.\n{body}\n</doc>\n"
    )


def test_train_then_summarize_and_export(tmp_path):
    checkpoint = tiny_checkpoint(tmp_path / "checkpoint", VOCAB)
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "wiki_00").write_text("".join(article(i) for i in range(6)))
    output = tmp_path / "run"
    run_tool(
        "train_summarizer.py", "--articles", articles, "--output-dir", output,
        "--checkpoint", checkpoint, "--dev-articles", "2", "--epochs", "2", "--batch-size", "2",
    )  # fmt: skip
    metrics = json.loads((output / "metrics.json").read_text())
    assert metrics["train_documents"] == 4 and metrics["dev_documents"] == 2
    assert len(metrics["dev_by_epoch"]) == 2
    assert 0.0 < metrics["dev_by_epoch"][0]["rouge2"] <= 1.0
    assert (output / "curves.png").read_bytes()[:4] == b"\x89PNG"
    assert not (output / "backup").exists()  # a finished run leaves no backup

    document = tmp_path / "document.txt"
    text = "The dog sat. The cat sat.\nThe cat ran. The dog ran."
    document.write_text(text)
    scorer = output / "scorer.keras"
    printed = run_tool(
        "summarize.py", "--input", document, "-k", "2", "--checkpoint", checkpoint,
        "--scorer", scorer, "--json",
    )  # fmt: skip
    summary = json.loads(printed)
    assert len(summary) == 2 and summary[0]["start"] < summary[1]["start"]
    for sentence in summary:
        assert text[sentence["start"] : sentence["end"]] == sentence["text"]

    exported = tmp_path / "saved" / "1"
    run_tool("summarize.py", "--checkpoint", checkpoint, "--scorer", scorer, "--export", exported)
    served = run_in_fresh_process(
        exported, "serving_default", {"document": np.array(text), "k": np.int32(2)}
    )
    picked = np.flatnonzero(served["selected"])
    assert [served["sentences"][i].decode() for i in picked] == [s["text"] for s in summary]
    np.testing.assert_allclose(served["scores"][picked], [s["score"] for s in summary], atol=1e-5)
