import random

import pytest
from seqeval.metrics import f1_score, precision_score, recall_score

from keras_bert_lib.metrics.entities import entity_scores
from keras_bert_lib.tags import entities


def test_entities_hand_computed_including_malformed_sequences():
    assert entities(["B-PER", "I-PER", "O", "B-LOC"]) == [("PER", 0, 1), ("LOC", 3, 3)]
    # A stray I- after O starts an entity; a change of type ends one.
    assert entities(["O", "I-PER", "I-PER", "I-LOC"]) == [("PER", 1, 2), ("LOC", 3, 3)]
    # B- after B- of the same type: two entities.
    assert entities(["B-ORG", "B-ORG", "I-ORG"]) == [("ORG", 0, 0), ("ORG", 1, 2)]
    # Sentences are separated, so an entity cannot run across them.
    assert entities([["B-PER"], ["I-PER"]]) == [("PER", 0, 0), ("PER", 2, 2)]
    assert entities(["O", "O"]) == []


def test_scores_hand_computed():
    true = [["B-PER", "I-PER", "O", "B-LOC"], ["B-ORG"]]
    predicted = [["B-PER", "I-PER", "O", "B-ORG"], ["O"]]
    # 1 of 2 predicted entities is right; 1 of 3 true entities is found.
    scores = entity_scores(true, predicted)
    assert scores["precision"] == 0.5
    assert scores["recall"] == pytest.approx(1 / 3)
    assert scores["f1"] == pytest.approx(2 * 0.5 * (1 / 3) / (0.5 + 1 / 3))
    assert entity_scores([["O"]], [["O"]]) == {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    with pytest.raises(ValueError, match="Sentence 0: 2 true tags but 1 predicted"):
        entity_scores([["O", "O"]], [["O"]])


def test_equals_seqeval_on_random_and_malformed_predictions():
    rng = random.Random(0)
    tags = ["O", "O", "O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG"]
    for _ in range(200):
        lengths = [rng.randint(1, 12) for _ in range(rng.randint(1, 6))]
        true = [[rng.choice(tags) for _ in range(n)] for n in lengths]
        predicted = [[rng.choice(tags) for _ in range(n)] for n in lengths]
        ours = entity_scores(true, predicted)
        assert ours["precision"] == pytest.approx(precision_score(true, predicted))
        assert ours["recall"] == pytest.approx(recall_score(true, predicted))
        assert ours["f1"] == pytest.approx(f1_score(true, predicted))
