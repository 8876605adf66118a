"""Clients for models served by TF Serving."""

from keras_bert_lib.serving.client import ServingClient
from keras_bert_lib.serving.entities import entities_from_tokens

__all__ = ["ServingClient", "entities_from_tokens"]
