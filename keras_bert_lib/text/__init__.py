"""In-graph text processing: strings -> model inputs."""

from keras_bert_lib.text.bert_packer import BertPacker
from keras_bert_lib.text.bert_preprocessor import BertPreprocessor
from keras_bert_lib.text.bert_tokenizer import BertTokenizer

__all__ = ["BertPacker", "BertPreprocessor", "BertTokenizer"]
