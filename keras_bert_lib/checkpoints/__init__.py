"""Checkpoint import and export: Hugging Face safetensors and original Google TF checkpoints."""

from keras_bert_lib.checkpoints.huggingface import read_hf, save_hf
from keras_bert_lib.checkpoints.loading import read_checkpoint
from keras_bert_lib.checkpoints.reference import reference_checkpoint_path

__all__ = ["read_checkpoint", "read_hf", "reference_checkpoint_path", "save_hf"]
