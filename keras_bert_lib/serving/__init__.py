"""Clients for models served by TF Serving."""

from keras_bert_lib.serving.client import ServingClient

__all__ = ["ServingClient"]
