"""SQuAD v1.1 exact match and F1 against hand-computed values."""

import pytest

from keras_bert_lib.metrics.squad import exact_match, normalize_answer, squad_scores, token_f1


def test_normalization_lowercases_strips_punctuation_articles_and_spaces():
    assert normalize_answer("  The Denver-Broncos,  an  NFL team! ") == "denverbroncos nfl team"
    assert normalize_answer("A") == ""
    # Articles go only as whole words; non-ASCII punctuation stays, as in the official script.
    assert normalize_answer("Theatre «anthem»") == "theatre «anthem»"


def test_token_f1_by_hand():
    # pred [cat, sat], gold [cat, sat, on, mat]: precision 1, recall 1/2 -> F1 2/3.
    assert token_f1("the cat sat", "a cat sat on the mat") == pytest.approx(2 / 3)
    # Repeated tokens count with multiplicity: pred [a1, a1, b], gold [a1, b, b]: 2 common.
    assert token_f1("x x y", "x y y") == pytest.approx(2 / 3)
    assert token_f1("dog", "cat") == 0.0
    assert token_f1("", "cat") == 0.0


def test_exact_match_ignores_case_punctuation_and_articles():
    assert exact_match("The Broncos.", "broncos") == 1.0
    assert exact_match("Broncos win", "broncos") == 0.0


def test_scores_take_the_best_gold_answer_and_count_missing_predictions_as_zero():
    gold = {"q1": ["Denver Broncos", "the Broncos"], "q2": ["1990"], "q3": ["Paris"]}
    predictions = {"q1": "Broncos", "q2": "in 1990"}  # q3 unanswered
    scores = squad_scores(predictions, gold)
    # q1: EM 1 (matches "the Broncos"), F1 1; q2: EM 0, F1 2*(1/2*1)/(1/2+1) = 2/3; q3: 0.
    assert scores["exact_match"] == pytest.approx(100 / 3)
    assert scores["f1"] == pytest.approx(100 * (1 + 2 / 3) / 3)
    assert scores["questions"] == 3


def test_scores_reject_no_questions_and_questions_without_gold():
    with pytest.raises(ValueError, match="no questions"):
        squad_scores({}, {})
    with pytest.raises(ValueError, match="'q1' has no gold"):
        squad_scores({"q1": "x"}, {"q1": []})
