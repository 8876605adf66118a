"""Export: TF Serving SavedModels and TFLite files with the tokenizer inside."""

from keras_bert_lib.export.repository import export_to_repository
from keras_bert_lib.export.saved_model import export_saved_model
from keras_bert_lib.export.tflite import export_tflite

__all__ = ["export_saved_model", "export_tflite", "export_to_repository"]
