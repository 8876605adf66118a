"""Keras layers of BERT: embeddings, self-attention, the transformer block, pooling,
document-level sentence features, and dropout that stays fast under XLA."""

from keras_bert_lib.layers.bert_embeddings import BertEmbeddings
from keras_bert_lib.layers.masked_pooling import MaskedPooling
from keras_bert_lib.layers.philox_dropout import PhiloxDropout
from keras_bert_lib.layers.self_attention import MultiHeadSelfAttention
from keras_bert_lib.layers.sentence_features import SentenceFeatures
from keras_bert_lib.layers.transformer_block import TransformerBlock

__all__ = [
    "BertEmbeddings",
    "MaskedPooling",
    "MultiHeadSelfAttention",
    "PhiloxDropout",
    "SentenceFeatures",
    "TransformerBlock",
]
