import numpy as np
import pytest

from keras_bert_lib.data.glue import load_tsv_task
from keras_bert_lib.data.text_files import read_tsv


def write(tmp_path, text, name="data.tsv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_single_sentence_classification_with_bom_and_quotes(tmp_path):
    path = write(tmp_path, '\ufeffsentence\tlabel\n"quoted start\t1\nplain \t0\n')
    task = load_tsv_task(path, "sentence", "label")
    assert task.texts == ['"quoted start', "plain "]
    assert task.labels.tolist() == [1, 0] and task.label_names == ["0", "1"]


def test_pairs_named_labels_and_regression(tmp_path):
    path = write(tmp_path, "a\tb\tlabel\tscore\nx\ty\tnot_entailment\t4.5\nz\tw\tentailment\t0\n")
    task = load_tsv_task(path, ("a", "b"), "label")
    assert task.texts == (["x", "z"], ["y", "w"])
    assert task.labels.tolist() == [1, 0] and task.label_names == ["entailment", "not_entailment"]
    scores = load_tsv_task(path, ("a", "b"), "score", regression=True)
    assert scores.labels.dtype == np.float32 and scores.labels.tolist() == [4.5, 0.0]
    same_order = load_tsv_task(
        path, ("a", "b"), "label", label_names=["not_entailment", "entailment"]
    )
    assert same_order.labels.tolist() == [0, 1]


def test_bad_files_name_the_problem(tmp_path):
    path = write(tmp_path, "sentence\tlabel\nok\t1\n")
    with pytest.raises(ValueError, match="no column 'text'"):
        load_tsv_task(path, "text", "label")
    with pytest.raises(ValueError, match=r"labels \['1'\] are not in \['0'\]"):
        load_tsv_task(path, "sentence", "label", label_names=["0"])
    with pytest.raises(ValueError, match="empty"):
        read_tsv(write(tmp_path, "", "empty.tsv"))
    with pytest.raises(ValueError, match=r":2: 3 fields, the header has 2"):
        read_tsv(write(tmp_path, "a\tb\n1\t2\t3\n", "ragged.tsv"))
    with pytest.raises(ValueError, match="no examples"):
        load_tsv_task(write(tmp_path, "a\tb\n", "header_only.tsv"), "a", "b")


def test_subset_is_deterministic_and_keeps_pairs_aligned(tmp_path):
    rows = "".join(f"s{i}\tt{i}\t{i % 2}\n" for i in range(50))
    task = load_tsv_task(write(tmp_path, "a\tb\tlabel\n" + rows), ("a", "b"), "label")
    first, again = task.subset(10, seed=3), task.subset(10, seed=3)
    assert first.texts == again.texts and len(first) == 10
    for a, b, label in zip(*first.texts, first.labels, strict=True):
        assert a[1:] == b[1:] and int(a[1:]) % 2 == label


def test_real_glue_files(shared_data):
    sst2 = load_tsv_task(shared_data / "sst2" / "dev.tsv", "sentence", "label")
    mrpc = load_tsv_task(shared_data / "mrpc" / "dev.tsv", ("#1 String", "#2 String"), "Quality")
    rte = load_tsv_task(shared_data / "rte" / "dev.tsv", ("sentence1", "sentence2"), "label")
    stsb = load_tsv_task(
        shared_data / "stsb" / "dev.tsv", ("sentence1", "sentence2"), "score", regression=True
    )
    assert (len(sst2), len(mrpc), len(rte), len(stsb)) == (872, 408, 277, 1500)
    assert rte.label_names == ["entailment", "not_entailment"]
    assert stsb.labels.min() >= 0.0 and stsb.labels.max() <= 5.0


def test_train_and_dev_share_the_train_label_order(tmp_path):
    from keras_bert_lib.data.glue import load_train_dev

    train_path = write(tmp_path, "s\tlabel\na\tno\nb\tyes\nc\tno\n", "train.tsv")
    dev_path = write(tmp_path, "s\tlabel\nd\tyes\n", "dev.tsv")
    train, dev = load_train_dev(train_path, dev_path, "s", "label", max_train_examples=2)
    assert len(train) == 2 and train.num_classes == 2
    assert dev.label_names == ["no", "yes"] and dev.labels.tolist() == [1]
    scores, _ = load_train_dev(
        write(tmp_path, "s\tv\na\t1.5\n", "r.tsv"),
        write(tmp_path, "s\tv\nb\t2\n", "rd.tsv"),
        "s",
        "v",
        regression=True,
    )
    assert scores.num_classes == 1
