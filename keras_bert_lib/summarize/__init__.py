"""Extractive summarization: a document's best sentences, in document order, with offsets."""

from keras_bert_lib.summarize.extractive import Summarizer, SummarySentence
from keras_bert_lib.summarize.serving import export_summarizer

__all__ = ["Summarizer", "SummarySentence", "export_summarizer"]
