"""keras_bert_lib: production BERT for TensorFlow and Keras 3."""

# First: the environment TensorFlow and Keras read when they load.
from keras_bert_lib import environment  # noqa: F401, I001
from keras_bert_lib.config import BertConfig
from keras_bert_lib.models.bert_classifier import BertClassifier
from keras_bert_lib.models.bert_encoder import BertEncoder
from keras_bert_lib.models.bert_pretrainer import BertPretrainer
from keras_bert_lib.models.bert_span_labeler import BertSpanLabeler
from keras_bert_lib.models.bert_token_classifier import BertTokenClassifier
from keras_bert_lib.models.sentence_encoder import SentenceEncoder
from keras_bert_lib.text import BertPacker, BertPreprocessor, BertTokenizer

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
