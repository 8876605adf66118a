"""The greedy ROUGE oracle: its overlap F1 equals rouge-score's (unstemmed), its picks."""

import pytest

from keras_bert_lib.summarize.oracle import greedy_oracle, ngrams, overlap_f1, top_k_overlap, words

rouge_scorer = pytest.importorskip("rouge_score.rouge_scorer")


@pytest.mark.parametrize(
    "candidate, reference",
    [
        ("The cat sat on the mat.", "A cat sat on a mat, the cat said."),
        ("Jarred Shaw (born 1990) is a player.", "Shaw, born in 1990, plays basketball."),
        ("nothing shared", "at all here"),
    ],
)
def test_overlap_f1_equals_rouge_score_without_stemming(candidate, reference):
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2"], use_stemmer=False)
    expected = scorer.score(reference, candidate)
    for n, name in ((1, "rouge1"), (2, "rouge2")):
        ours = overlap_f1(ngrams(words(candidate), n), ngrams(words(reference), n))
        assert ours == pytest.approx(expected[name].fmeasure, abs=1e-12)


def test_greedy_oracle_adds_sentences_while_rouge_rises():
    sentences = ["The cat sat.", "Dogs bark loudly.", "It rained all day.", "The cat sat."]
    reference = "The cat sat. It rained all day."
    # Hand-computed: "It rained all day." first (R1 8/11 + R2 2/3 beats "The cat sat.": 0.6
    # + 0.5), then "The cat sat." (R1 = R2 = 1 together); a repeat or the dogs only lower it.
    assert greedy_oracle(sentences, reference, max_sentences=4) == [0, 2]
    assert greedy_oracle(sentences, reference, max_sentences=1) == [2]
    assert greedy_oracle(["Unrelated words."], reference, max_sentences=2) == []
    with pytest.raises(ValueError, match="max_sentences must be >= 1"):
        greedy_oracle(sentences, reference, max_sentences=0)


def test_top_k_overlap_scores_the_highest_sentences_in_document_order():
    documents = [(["b c.", "a b."], "a b c", 2), (["x y.", "a b."], "a b", 1)]
    # Document 1 in order: "b c a b" against "a b c": bigrams {bc, ca, ab} vs {ab, bc}: P 2/3,
    # R 1, F1 0.8; document 2 picks "a b.": 1.0.
    assert top_k_overlap(documents, [[0.2, 0.9], [0.1, 0.5]]) == pytest.approx(0.9)


@pytest.mark.slow
def test_oracle_labels_are_what_rouge_score_rewards_on_valid_leads(shared_data):
    from keras_bert_lib.data.sentences import sentence_spans
    from keras_bert_lib.summarize.evaluation import lead_body_pairs, rouge_f1

    oracle, first = [], []
    for pair in lead_body_pairs(shared_data / "wikipedia" / "valid"):
        sentences = [pair.body[a:b] for a, b in sentence_spans(pair.body)]
        chosen = greedy_oracle(sentences, pair.lead, pair.lead_sentences)
        assert 1 <= len(chosen) <= pair.lead_sentences
        summary = " ".join(sentences[i] for i in chosen)
        oracle.append(rouge_f1(summary, pair.lead)["rouge2"])
        first.append(rouge_f1(" ".join(sentences[: pair.lead_sentences]), pair.lead)["rouge2"])
    # The labels a scorer learns from are far above the lead-style baseline under the
    # stemmed rouge-score the evaluation uses, though the oracle counts unstemmed words.
    assert sum(oracle) > 2 * sum(first)
