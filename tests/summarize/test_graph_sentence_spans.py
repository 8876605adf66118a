"""The in-graph sentence rule equals data/sentences.py's `sentence_spans`, offsets included."""

import pytest
import tensorflow as tf

from keras_bert_lib.data.documents import corpus_files
from keras_bert_lib.data.sentences import sentence_spans
from keras_bert_lib.data.wikiextractor import iter_articles
from keras_bert_lib.summarize.graph_sentence_spans import graph_sentence_spans

spans_in_graph = tf.function(graph_sentence_spans, input_signature=[tf.TensorSpec([], tf.string)])

# Cases where a look-around rule and a word rule could part: closing quotes and brackets,
# lower case after a period, non-ASCII spaces (which RE2's \s does not match), a line break
# inside whitespace, carriage returns, punctuation alone, accents before the offsets.
HARD_CASES = [
    "",
    "  \n\n ",
    "One",
    "e.g. this. And 2 more",
    'He said "No." Then\u00a0He left.\u2003 Ok. \u00e9t\u00e9 \u00e0. A',
    'x.) (y) z? 3 "q" end.\r\nNext line.  \n\n  Tail? ok',
    "word.\u2028Next. . ?!",
    "End.\x1cStart! 9 lives \u201cQuoted.\u201d \u2018Single\u2019 [Bracket.] (Paren.)",
    "Caf\u00e9 \U0001f600. Emoji first. \u4e2d\u6587\u3002 Next",
]


def assert_same_as_python(document):
    outputs = spans_in_graph(tf.constant(document))
    expected = sentence_spans(document)
    starts, ends = outputs["starts"].numpy().tolist(), outputs["ends"].numpy().tolist()
    got = list(zip(starts, ends, strict=True))
    assert got == expected, document[:80]
    texts = [s.decode("utf-8") for s in outputs["sentences"].numpy()]
    assert texts == [document[a:b] for a, b in expected]


@pytest.mark.parametrize("document", HARD_CASES)
def test_hard_cases(document):
    assert_same_as_python(document)


@pytest.mark.slow
def test_every_valid_article(shared_data):
    count = 0
    for path in corpus_files([shared_data / "wikipedia" / "valid"]):
        for article in iter_articles(path):
            assert_same_as_python("\n".join([article.title, *article.paragraphs]))
            count += 1
    assert count == 1586  # every <doc> entry of valid/wiki_08, redirects and stubs too
