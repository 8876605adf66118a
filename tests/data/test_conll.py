import pytest

from keras_bert_lib.data.conll import iob1_to_iob2, read_conll


def test_sentence_breaks_docstart_columns_and_tag_map(tmp_path):
    path = tmp_path / "a.conll"
    path.write_text(
        "-DOCSTART- -X- O O\n\n"
        "Barack NNP B-NP B-person\nObama NNP I-NP I-person\n\t\n"  # a TAB-only line
        "visits VBZ B-VP O\n   \n"  # a whitespace-only line
        "Paris NNP B-NP B-location\nTokyo NNP B-NP B-product\n\n\n",
        encoding="utf-8",
    )
    sentences = read_conll(path, tag_map={"person": "PER", "location": "LOC", "product": None})
    assert [s.words for s in sentences] == [["Barack", "Obama"], ["visits"], ["Paris", "Tokyo"]]
    assert [s.tags for s in sentences] == [["B-PER", "I-PER"], ["O"], ["B-LOC", "O"]]
    assert read_conll(path, tag_column=2)[0].tags == ["B-NP", "I-NP"]


def test_iob1_is_converted_to_iob2(tmp_path):
    assert iob1_to_iob2(["I-PER", "I-PER", "O", "I-LOC", "B-LOC", "I-ORG"]) == [
        "B-PER", "I-PER", "O", "B-LOC", "B-LOC", "B-ORG"
    ]  # fmt: skip
    path = tmp_path / "iob1.conll"
    path.write_text("John I-PER\nSmith I-PER\n", encoding="utf-8")
    assert read_conll(path, scheme="IOB1")[0].tags == ["B-PER", "I-PER"]


def test_bad_files_are_named(tmp_path):
    path = tmp_path / "bad.conll"
    path.write_text("word\tX-PER\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad.conll:1: Tag 'X-PER'"):
        read_conll(path)
    path.write_text("\n\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no tagged tokens"):
        read_conll(path)
    with pytest.raises(ValueError, match="scheme"):
        read_conll(path, scheme="BILOU")


def test_wnut17_counts_match_its_readme(shared_data):
    train = read_conll(shared_data / "wnut17" / "wnut17train.conll")
    dev = read_conll(shared_data / "wnut17" / "emerging.dev.conll")
    assert (len(train), len(dev)) == (3394, 1009)
    assert sum(len(s.words) for s in train) == 62730
    assert sum(t.startswith("B-") for s in dev for t in s.tags) == 836
