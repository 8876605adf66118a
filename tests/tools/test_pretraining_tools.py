"""tools/create_vocab.py, create_pretraining_data.py and pretrain.py end to end on tiny text
and a tiny checkpoint: a learned vocabulary, shards, the unigram baseline, pretraining runs
(MirroredStrategy over two logical CPUs, LAMB; from scratch) and the encoder they write."""

import json
import subprocess
import sys

import keras
import numpy as np
import pytest

from keras_bert_lib import BertClassifier, BertEncoder, BertTokenizer
from keras_bert_lib.data.pretraining_records import read_shards
from tests.tools.tool_runner import REPO, run_tool, tiny_checkpoint

WORDS = ["the", "cat", "sat", "on", "mat", "dog", "ran", "home", "a", "big", "red", "."]
VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *WORDS]


def make_data(tmp_path):
    """A tiny checkpoint, three documents, and train/valid shards made from them."""
    checkpoint = tiny_checkpoint(tmp_path / "checkpoint", VOCAB, hidden_size=16)
    documents = tmp_path / "docs"  # apart: a directory input is searched recursively
    documents.mkdir()
    for index in range(3):
        sentences = [
            f"The {WORDS[(index + k) % 5 + 1]} sat on a {WORDS[(index * k) % 4 + 8]} mat."
            for k in range(40)
        ]
        (documents / f"doc{index}.txt").write_text(" ".join(sentences) + "\n")
    common = ["--checkpoint", checkpoint, "--max-seq-length", 24, "--max-predictions-per-seq", 4]
    run_tool("create_pretraining_data.py", "--input", tmp_path / "docs", "--output-prefix",
        tmp_path / "data" / "train", "--dupe-factor", 2, "--num-shards", 2, *common)  # fmt: skip
    run_tool("create_pretraining_data.py", "--input", tmp_path / "docs", "--output-prefix",
        tmp_path / "data" / "valid", "--dupe-factor", 1, "--num-shards", 1, "--seed", 9,
        *common)  # fmt: skip
    return checkpoint


def test_create_data_then_pretrain_then_fine_tune_from_the_encoder(tmp_path):
    checkpoint = make_data(tmp_path)
    summary = json.loads((tmp_path / "data" / "train.json").read_text())
    assert summary["documents"] == 3 and summary["examples"] > 10
    # Another process, the same command: byte-identical shards.
    run_tool("create_pretraining_data.py", "--input", tmp_path / "docs", "--output-prefix",
        tmp_path / "again" / "train", "--dupe-factor", 2, "--num-shards", 2, "--checkpoint",
        checkpoint, "--max-seq-length", 24, "--max-predictions-per-seq", 4)  # fmt: skip
    for shard in sorted((tmp_path / "data").glob("train-*")):
        assert shard.read_bytes() == (tmp_path / "again" / shard.name).read_bytes()
    output = run_tool(
        "pretrain.py", "--train-data", tmp_path / "data" / "train", "--valid-data",
        tmp_path / "data" / "valid", "--checkpoint", checkpoint, "--output-dir",
        tmp_path / "run", "--steps", 6, "--eval-every", 3, "--batch-size", 6,
        "--backup-every", 2, "--strategy", "mirrored",
        "--logical-cpus", 2, "--optimizer", "lamb", "--nsp-loss-weight", 2,
        "--decay-ratio", 0.5,
        not_in_stderr=["ran out of data"],  # Keras' warning for data of unknown length
    )  # fmt: skip
    assert "unigram cross-entropy" in output and "2 replicas" in output
    history = json.loads((tmp_path / "run" / "history.json").read_text())
    assert [row["step"] for row in history["curve"]] == [3, 6]
    assert history["unigram_cross_entropy"] > 0
    # By default every valid example is scored, the last batch being smaller.
    valid_records = sum(1 for _ in read_shards(sorted((tmp_path / "data").glob("valid-*"))))
    assert history["valid_examples"] == valid_records > 8 and valid_records % 6
    assert not (tmp_path / "run" / "backup").exists()
    assert (tmp_path / "run" / "curves.png").read_bytes()[:4] == b"\x89PNG"
    # The saved pretrainer scored again without training: the figures of its last evaluation.
    scored = json.loads(run_tool(
        "score_pretrainer.py", "--checkpoint", tmp_path / "run" / "pretrainer.keras",
        "--data", tmp_path / "data" / "valid", "--train-data", tmp_path / "data" / "train",
        "--batch-size", 6,
    ))  # fmt: skip  # the run's batches: Keras averages the batch losses by rows
    final = history["final"]
    assert scored["examples"] == valid_records
    assert scored["mlm_loss"] == pytest.approx(final["valid_mlm_loss"], rel=1e-4)
    assert scored["nsp_accuracy"] == pytest.approx(final["valid_nsp_accuracy"], abs=1e-6)
    assert scored["unigram_cross_entropy"] == pytest.approx(history["unigram_cross_entropy"])
    # Going on from the pretrainer it wrote (no vocab.txt beside it: the data's vocabulary).
    run_tool(
        "pretrain.py", "--train-data", tmp_path / "data" / "train", "--valid-data",
        tmp_path / "data" / "valid", "--checkpoint", tmp_path / "run" / "pretrainer.keras",
        "--output-dir", tmp_path / "more", "--steps", 2, "--eval-every", 2, "--batch-size", 4,
        "--freeze-encoder",
    )  # fmt: skip
    more = json.loads((tmp_path / "more" / "history.json").read_text())
    assert [row["step"] for row in more["curve"]] == [2]
    assert (tmp_path / "more" / "encoder" / "vocab.txt").read_text().split() == VOCAB
    # --freeze-encoder trained the heads only.
    before = BertEncoder.from_checkpoint(tmp_path / "run" / "encoder").get_weights()
    after = BertEncoder.from_checkpoint(tmp_path / "more" / "encoder").get_weights()
    assert all(np.array_equal(a, b) for a, b in zip(before, after, strict=True))
    heads = [
        keras.saving.load_model(tmp_path / name / "pretrainer.keras").get_layer("mlm_head")
        for name in ("run", "more")
    ]
    kernels = [head.dense.kernel.numpy() for head in heads]
    assert not np.array_equal(*kernels)
    classifier = BertClassifier.from_checkpoint(tmp_path / "run" / "encoder", num_classes=2)
    assert classifier.predict(["the cat sat"], verbose=0).shape == (1, 2)


def test_dropout_is_for_new_models_only(tmp_path):
    completed = subprocess.run(
        [sys.executable, str(REPO / "tools" / "pretrain.py"), "--train-data", "x",
         "--valid-data", "y", "--checkpoint", "z", "--output-dir", str(tmp_path),
         "--dropout", "0"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert completed.returncode == 2
    assert "--dropout applies to a new model" in completed.stderr


def test_min_document_words_needs_blank_line_documents(tmp_path):
    completed = subprocess.run(
        [sys.executable, str(REPO / "tools" / "create_pretraining_data.py"), "--input",
         str(tmp_path), "--output-prefix", str(tmp_path / "out"), "--min-document-words", "50"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert completed.returncode == 2
    assert "applies with --blank-lines-separate-documents" in completed.stderr


def test_from_scratch_with_a_vocabulary_learned_from_the_documents(tmp_path):
    from transformers import BertTokenizerFast

    make_data(tmp_path)  # for its three documents
    run_tool("create_vocab.py", "--input", tmp_path / "docs", "--output-dir", tmp_path / "vocab",
        "--vocab-size", 64)  # fmt: skip
    tokens = (tmp_path / "vocab" / "vocab.txt").read_text().split("\n")[:-1]
    assert tokens[:5] == ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    assert {"the", "cat", "mat"} <= set(tokens) and len(tokens) <= 64
    # Both tokenizers read the directory as uncased, and agree.
    text = "The big red Dog sat on a mat."
    ours = BertTokenizer.from_checkpoint(tmp_path / "vocab")
    reference = BertTokenizerFast.from_pretrained(str(tmp_path / "vocab"))
    assert ours.lowercase and reference.do_lower_case
    expected = reference(text, add_special_tokens=False)["input_ids"]
    assert ours.tokenize([text]).to_list() == [expected]

    for split, dupe in (("train", 2), ("valid", 1)):
        run_tool("create_pretraining_data.py", "--input", tmp_path / "docs", "--output-prefix",
            tmp_path / "data" / split, "--checkpoint", tmp_path / "vocab", "--dupe-factor",
            dupe, "--num-shards", 1, "--max-seq-length", 24, "--max-predictions-per-seq", 4,
            "--seed", dupe)  # fmt: skip
    shards = tmp_path / "data"
    data = ["--train-data", shards / "train", "--valid-data", shards / "valid"]
    run_tool("pretrain.py", *data, "--preset", "bert_tiny", "--mlm-only", "--output-dir",
        tmp_path / "run", "--steps", 2, "--eval-every", 2, "--batch-size", 4)  # fmt: skip
    encoder = BertEncoder.from_checkpoint(tmp_path / "run" / "encoder")
    assert encoder.config.vocab_size == len(tokens)
    assert (tmp_path / "run" / "encoder" / "vocab.txt").read_text().split() == tokens
    config = "tokenizer_config.json"  # the casing goes with the vocabulary
    assert (tmp_path / "run" / "encoder" / config).read_text() == (
        tmp_path / "vocab" / config
    ).read_text()
    # MLM only (RoBERTa style): the records' NSP labels are left out, no NSP score.
    final = json.loads((tmp_path / "run" / "history.json").read_text())["final"]
    assert final["valid_mlm_loss"] > 0 and "valid_nsp_accuracy" not in final
    pretrainer = tmp_path / "run" / "pretrainer.keras"
    completed = subprocess.run(
        [sys.executable, str(REPO / "tools" / "pretrain.py"), *map(str, data), "--checkpoint",
         str(pretrainer), "--output-dir", str(tmp_path / "more"), "--nsp-loss-weight", "2"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert completed.returncode == 1
    assert f"the pretrainer in {pretrainer} is MLM only" in completed.stderr
