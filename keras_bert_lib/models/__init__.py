"""BERT models: the encoder and the task models built on it."""

from keras_bert_lib.models.bert_classifier import BertClassifier
from keras_bert_lib.models.bert_encoder import BertEncoder
from keras_bert_lib.models.bert_pretrainer import BertPretrainer
from keras_bert_lib.models.bert_span_labeler import BertSpanLabeler
from keras_bert_lib.models.bert_token_classifier import BertTokenClassifier
from keras_bert_lib.models.inter_sentence_scorer import InterSentenceScorer
from keras_bert_lib.models.sentence_encoder import SentenceEncoder

__all__ = [
    "BertClassifier",
    "BertEncoder",
    "BertPretrainer",
    "BertSpanLabeler",
    "BertTokenClassifier",
    "InterSentenceScorer",
    "SentenceEncoder",
]
