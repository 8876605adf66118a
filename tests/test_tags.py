import pytest

from keras_bert_lib.tags import IOBES, entities, entity_dicts, split_tag


def test_split_tag_reads_iob2_and_names_what_it_refuses():
    assert split_tag("O") == ("O", None)
    assert split_tag("B-PER") == ("B", "PER")
    assert split_tag("I-creative-work") == ("I", "creative-work")
    for bad in ["B", "B-", "X-PER", "PER", "S-PER", "BB-PER", ""]:
        with pytest.raises(ValueError, match="is not O, B-TYPE or I-TYPE"):
            split_tag(bad)
    assert split_tag("S-PER", IOBES) == ("S", "PER")
    with pytest.raises(ValueError, match="B-TYPE, I-TYPE, E-TYPE or S-TYPE"):
        split_tag("X-PER", IOBES)


def test_entities_read_iobes_and_refuse_unknown_tags():
    assert entities(["S-PER", "B-LOC", "E-LOC", "O", "B-ORG", "I-ORG", "E-ORG"]) == [
        ("PER", 0, 0),
        ("LOC", 1, 2),
        ("ORG", 4, 6),
    ]
    # After E- a chunk is over: a following I- of the same type starts a new one.
    assert entities(["B-PER", "E-PER", "I-PER"]) == [("PER", 0, 1), ("PER", 2, 2)]
    with pytest.raises(ValueError, match="'PER'"):
        entities(["O", "PER"])


def test_entity_dicts_hand_computed():
    text = "Ada Lovelace met Babbage in London"
    spans = [(0, 3), (4, 12), (13, 16), (17, 24), (25, 27), (28, 34)]
    tags = ["B-PER", "I-PER", "O", "B-PER", "O", "B-LOC"]
    scores = [0.9, 0.7, 0.99, 0.6, 0.95, 0.8]
    found = entity_dicts(text, spans, tags, scores)
    assert [(e["text"], e["type"], e["start"], e["end"]) for e in found] == [
        ("Ada Lovelace", "PER", 0, 12),
        ("Babbage", "PER", 17, 24),
        ("London", "LOC", 28, 34),
    ]
    assert [e["score"] for e in found] == pytest.approx([0.8, 0.6, 0.8])
