"""A Summarizer as a SavedModel: run by the TF1 session loader in a fresh process (as TF
Serving runs it), it returns the Python Summarizer's sentences, offsets, scores and picks."""

import numpy as np
import pytest

from keras_bert_lib.export.session_loader import run_in_fresh_process
from keras_bert_lib.models.inter_sentence_scorer import InterSentenceScorer
from keras_bert_lib.summarize import Summarizer
from keras_bert_lib.summarize.serving import export_summarizer
from tests.tiny_models import TINY_CONFIG, tiny_sentence_encoder

DOCUMENT = (
    "The film was great!  Awful acting, bad plot.\nNot good. Very, very good films.\n"
    "The plot was bad. A great film, very good acting. Not a good plot!"
)


@pytest.mark.parametrize("supervised", [False, True])
def test_served_summary_equals_python(supervised, tmp_path):
    scorer = InterSentenceScorer(TINY_CONFIG.hidden_size, 8, 1, 2) if supervised else None
    summarizer = Summarizer(tiny_sentence_encoder(), scorer=scorer, redundancy=0.5)
    directory = export_summarizer(summarizer, tmp_path / "summarizer" / "1")
    served = run_in_fresh_process(
        directory, "serving_default", {"document": np.array(DOCUMENT), "k": np.int32(3)}
    )
    expected = summarizer.summarize(DOCUMENT, k=3)
    picked = np.flatnonzero(served["selected"])
    assert len(picked) == 3
    assert [served["sentences"][i].decode() for i in picked] == [s.text for s in expected]
    assert served["starts"][picked].tolist() == [s.start for s in expected]
    assert served["ends"][picked].tolist() == [s.end for s in expected]
    np.testing.assert_allclose(served["scores"][picked], [s.score for s in expected], atol=1e-5)
    empty = run_in_fresh_process(
        directory, "serving_default", {"document": np.array(""), "k": np.int32(2)}
    )
    assert empty["sentences"].shape == (0,) and empty["selected"].shape == (0,)
    with pytest.raises(FileExistsError, match="not empty"):
        export_summarizer(summarizer, directory)
