"""BERT models: the encoder and the task models built on it."""

from keras_bert_lib.models.bert_encoder import BertEncoder

__all__ = ["BertEncoder"]
