"""ROUGE from rouge-score, the paired bootstrap, and the lead/body pairs of Wikipedia."""

import pytest

from keras_bert_lib.summarize.evaluation import lead_body_pairs, paired_bootstrap, rouge_f1


def test_rouge_hand_computed():
    assert rouge_f1("the cat sat", "the cat sat") == {"rouge1": 1.0, "rouge2": 1.0, "rougeL": 1.0}
    scores = rouge_f1("the cat", "the dogs")  # 1 of 2 unigrams, no bigram
    assert scores["rouge1"] == pytest.approx(0.5) and scores["rouge2"] == 0.0
    assert rouge_f1("cats running", "cat runs")["rouge1"] == 1.0  # stemmed


def test_paired_bootstrap_brackets_the_mean():
    mean, low, high = paired_bootstrap([1.0, 2.0, 3.0, 4.0], [1.0, 1.0, 1.0, 1.0])
    assert mean == pytest.approx(1.5) and 0 < low < mean < high <= 3.0
    mean, low, high = paired_bootstrap([1.0, 0.0], [0.0, 1.0])
    assert mean == 0.0 and low < 0 < high


@pytest.mark.slow
def test_lead_body_pairs_of_the_valid_articles(shared_data):
    pairs = lead_body_pairs(shared_data / "wikipedia" / "valid")
    assert 120 <= len(pairs) <= 150  # about 136, the count
    assert all(p.lead_sentences >= 2 and len(p.body.split("\n")) >= 1 for p in pairs)
    assert all(p.lead not in p.body for p in pairs[:20])
