import pytest

from keras_bert_lib.text.vocabulary import looks_lowercased, read_vocabulary, special_token_ids

SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def test_reads_a_file_and_finds_special_ids(tmp_path):
    path = tmp_path / "vocab.txt"
    path.write_text("\n".join(["[UNK]", "hello", "[PAD]", "[CLS]", "[MASK]", "[SEP]"]) + "\n")
    tokens = read_vocabulary(path)
    assert tokens[1] == "hello" and len(tokens) == 6
    ids = special_token_ids(tokens)
    assert (ids.pad, ids.unk, ids.cls, ids.sep, ids.mask) == (2, 0, 3, 5, 4)


@pytest.mark.parametrize(
    "tokens, message",
    [
        ([], "empty"),
        (SPECIAL[:-1] + ["a"], r"lacks the special token\(s\) \['\[MASK\]'\]"),
        (SPECIAL + ["a", "a"], "'a' appears twice"),
        (SPECIAL + [""], "entry 5"),
        (SPECIAL + [" a"], "entry 5"),
    ],
)
def test_bad_vocabularies_name_the_problem(tokens, message):
    with pytest.raises(ValueError, match=message):
        read_vocabulary(tokens)


def test_missing_file_and_wrong_type(tmp_path):
    with pytest.raises(FileNotFoundError, match="No vocabulary file"):
        read_vocabulary(tmp_path / "nope.txt")
    with pytest.raises(TypeError, match="int"):
        read_vocabulary(3)


def test_casing_is_inferred_from_ordinary_tokens():
    assert looks_lowercased(SPECIAL + ["the", "##ing", "[unused0]"])
    assert not looks_lowercased(SPECIAL + ["the", "The"])
