"""Summarizer: sentence offsets, MMR against repetition, k and word budgets, bad input."""

import numpy as np
import pytest

from keras_bert_lib.data.sentences import sentence_spans, split_sentences
from keras_bert_lib.data.wikiextractor import iter_articles
from keras_bert_lib.layers.sentence_features import forward_centrality
from keras_bert_lib.models.inter_sentence_scorer import InterSentenceScorer
from keras_bert_lib.summarize import Summarizer
from keras_bert_lib.summarize.extractive import select_by_mmr
from tests.tiny_models import tiny_sentence_encoder

DOCUMENT = "The film was great!  Awful acting, bad plot.\nNot good. Very, very good films"


def test_sentence_spans_cut_the_text_as_the_pretraining_rule_does():
    spans = sentence_spans(DOCUMENT)
    assert [DOCUMENT[a:b] for a, b in spans] == [
        "The film was great!",
        "Awful acting, bad plot.",
        "Not good.",
        "Very, very good films",
    ]
    assert sentence_spans("  \n\n ") == []
    text = "e.g. this. And 2 more"  # lower case after a period does not end a sentence
    assert [text[a:b] for a, b in sentence_spans(text)] == ["e.g. this.", "And 2 more"]
    assert split_sentences(text) == ["e.g. this.", "And 2 more"]


@pytest.mark.slow
def test_sentence_spans_equal_split_sentences_on_every_valid_article(shared_data):
    for path in sorted((shared_data / "wikipedia" / "valid").rglob("wiki_*")):
        for article in iter_articles(path):
            text = "\n".join(article.paragraphs)
            folded = [" ".join(text[a:b].split()) for a, b in sentence_spans(text)]
            assert folded == article.sentences(), article.title


def test_mmr_skips_a_repeat_and_keeps_document_order():
    embeddings = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    similarity = embeddings @ embeddings.T
    scores = np.array([0.9, 0.85, 0.5])
    assert select_by_mmr(scores, similarity, k=2, redundancy=0.0) == [0, 1]
    assert select_by_mmr(scores, similarity, k=2, redundancy=0.5) == [0, 2]
    assert select_by_mmr(scores, similarity, None, 0.0, [5, 5, 5], max_words=10) == [0, 1]
    # Sentences 0 and 1 are alike (cut 0 + 0.5 * 1): only 0 has a later one like it.
    np.testing.assert_allclose(forward_centrality(similarity.astype(np.float32), 0.5), [1, 0, 0])


def test_summaries_cite_the_document_in_order():
    summarizer = Summarizer(tiny_sentence_encoder())
    summary = summarizer.summarize(DOCUMENT, k=2)
    assert len(summary) == 2
    assert [s.start for s in summary] == sorted(s.start for s in summary)
    for sentence in summary:
        assert DOCUMENT[sentence.start : sentence.end] == sentence.text
    budget = summarizer.summarize(DOCUMENT, max_words=6)
    assert sum(len(s.text.split()) for s in budget) <= 6 and budget
    assert len(summarizer.summarize(DOCUMENT, k=10)) == 4
    assert summarizer.summarize("", k=2) == []
    with pytest.raises(ValueError, match="exactly one of k"):
        summarizer.summarize(DOCUMENT)
    with pytest.raises(TypeError, match="must be a str"):
        summarizer.summarize(["a"], k=1)
    with pytest.raises(TypeError, match="needs a SentenceEncoder"):
        Summarizer("model")
    with pytest.raises(TypeError, match="must be an InterSentenceScorer"):
        Summarizer(tiny_sentence_encoder(), scorer="scorer")
    with pytest.raises(ValueError, match="reads 4-wide sentence embeddings"):
        Summarizer(tiny_sentence_encoder(), scorer=InterSentenceScorer(4, 8, 1, 2))


def test_forward_centrality_edge_cases():
    assert forward_centrality(np.ones((1, 1), np.float32), 0.5).numpy().tolist() == [0.0]
    assert forward_centrality(np.zeros((0, 0), np.float32), 0.5).numpy().tolist() == []
    flat = np.full((3, 3), 0.7, np.float32)
    assert forward_centrality(flat, 0.5).numpy().tolist() == [0.0, 0.0, 0.0]
    # Four sentences, cut 0.2 + 0.5 * 0.6 = 0.5; edges 0-1 0.3, 0-3 0.1, 2-3 0.2: sentence
    # 0 gathers 0.4, 2 gathers 0.2, and 1 and 3 have nothing after them that passes.
    similarity = np.array(
        [[1, 0.8, 0.2, 0.6], [0.8, 1, 0.3, 0.2], [0.2, 0.3, 1, 0.7], [0.6, 0.2, 0.7, 1]],
        np.float32,
    )
    np.testing.assert_allclose(forward_centrality(similarity, 0.5), [1, 0, 0.5, 0], atol=1e-6)
