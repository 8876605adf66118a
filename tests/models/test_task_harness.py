"""Every task model through `run_task_test`: config and `.keras` round trips, raw strings and
an empty batch, one training step, mixed precision, SavedModel export and reload.

(`BertPretrainer` trains on pretraining batches, not raw strings: its checks are in
`test_bert_pretrainer.py`.)
"""

import numpy as np
import pytest

from keras_bert_lib import (
    BertClassifier,
    BertSpanLabeler,
    BertTokenClassifier,
    SentenceEncoder,
)
from keras_bert_lib.data.squad import SquadExample
from tests.harness import TASK_CHECKS, TaskCase, run_task_test
from tests.tiny_models import TEXTS, TINY_CONFIG, tiny_encoder, tiny_preprocessor

WORDS = [text.split() for text in TEXTS]
TAGS = [["B-X"] + ["O"] * (len(words) - 1) for words in WORDS]
QUESTIONS = ["what was great ?", "what was bad ?"]
CONTEXTS = ["the film was great !", "awful acting , bad plot ."]
ANSWERS = [("great", 13), ("bad", 15)]


def classifier_case():
    return TaskCase(
        build=lambda dtype=None: BertClassifier(
            tiny_encoder(dtype=dtype), num_classes=3, preprocessor=tiny_preprocessor()
        ),
        predict=lambda model, texts: model.predict(texts, verbose=0),
        inputs=TEXTS,
        empty=[],
        fit_once=lambda model: model.fit(TEXTS, [0, 1, 2, 0], batch_size=4, verbose=0),
        serving_inputs={"text": TEXTS},
        served_name="logits",
    )


def sentence_encoder_case():
    def fit_once(model):
        model.compile(loss="mean_squared_error")
        targets = np.random.default_rng(0).normal(size=(len(TEXTS), TINY_CONFIG.hidden_size))
        model.fit(TEXTS, targets.astype("float32"), batch_size=4, verbose=0)

    return TaskCase(
        build=lambda dtype=None: SentenceEncoder(
            tiny_encoder(dtype=dtype), preprocessor=tiny_preprocessor()
        ),
        predict=lambda model, texts: model.predict(texts, verbose=0),
        inputs=TEXTS,
        empty=[],
        fit_once=fit_once,
        serving_inputs={"text": TEXTS},
        served_name="embeddings",
    )


def token_classifier_case():
    return TaskCase(
        build=lambda dtype=None: BertTokenClassifier(
            tiny_encoder(dtype=dtype),
            tag_names=["O", "B-X", "I-X"],
            preprocessor=tiny_preprocessor(),
        ),
        predict=lambda model, texts: model.predict(texts, verbose=0),
        inputs=TEXTS,
        empty=[],
        fit_once=lambda model: model.fit_words(WORDS, TAGS, batch_size=8, verbose=0),
        serving_inputs={"text": TEXTS},
    )


def span_labeler_case():
    def predict(model, questions_and_contexts):
        windows = model.windows(*questions_and_contexts)
        return model.predict(windows.features, verbose=0)

    examples = [
        SquadExample(str(i), q, c, [a])
        for i, (q, c, a) in enumerate(zip(QUESTIONS, CONTEXTS, ANSWERS, strict=True))
    ]
    return TaskCase(
        build=lambda dtype=None: BertSpanLabeler(
            tiny_encoder(dtype=dtype),
            preprocessor=tiny_preprocessor(),
            doc_stride=4,
            max_query_length=6,
        ),
        predict=predict,
        inputs=(QUESTIONS, CONTEXTS),
        empty=([], []),
        fit_once=lambda model: model.fit_squad(examples, batch_size=8, verbose=0),
        serving_inputs={"question": QUESTIONS, "context": CONTEXTS},
    )


CASES = {
    "classifier": classifier_case,
    "sentence_encoder": sentence_encoder_case,
    "token_classifier": token_classifier_case,
    "span_labeler": span_labeler_case,
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_task_model(name, tmp_path):
    assert run_task_test(CASES[name](), tmp_path) == list(TASK_CHECKS)
