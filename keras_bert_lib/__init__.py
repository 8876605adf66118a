"""keras_bert_lib: production BERT for TensorFlow and Keras 3."""

import os

# TF backend only: set before anything imports keras, so a user's other default cannot win.
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

from keras_bert_lib.config import BertConfig  # noqa: E402
from keras_bert_lib.models.bert_classifier import BertClassifier  # noqa: E402
from keras_bert_lib.models.bert_encoder import BertEncoder  # noqa: E402
from keras_bert_lib.models.bert_pretrainer import BertPretrainer  # noqa: E402
from keras_bert_lib.models.bert_span_labeler import BertSpanLabeler  # noqa: E402
from keras_bert_lib.models.bert_token_classifier import BertTokenClassifier  # noqa: E402
from keras_bert_lib.models.sentence_encoder import SentenceEncoder  # noqa: E402
from keras_bert_lib.text import BertPacker, BertPreprocessor, BertTokenizer  # noqa: E402

__version__ = "0.1.0"
__all__ = [
    "BertClassifier",
    "BertConfig",
    "BertEncoder",
    "BertPacker",
    "BertPreprocessor",
    "BertPretrainer",
    "BertSpanLabeler",
    "BertTokenClassifier",
    "BertTokenizer",
    "SentenceEncoder",
]
