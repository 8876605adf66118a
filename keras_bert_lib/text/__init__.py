"""In-graph text processing: strings -> model inputs."""

from keras_bert_lib.text.bert_packer import BertPacker
from keras_bert_lib.text.bert_preprocessor import BertPreprocessor
from keras_bert_lib.text.bert_tokenizer import BertTokenizer
from keras_bert_lib.text.vocabulary_learning import learn_vocabulary

__all__ = ["BertPacker", "BertPreprocessor", "BertTokenizer", "learn_vocabulary"]
