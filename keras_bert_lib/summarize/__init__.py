"""Extractive summarization: a document's best sentences, in document order, with offsets."""

from keras_bert_lib.summarize.extractive import Summarizer, SummarySentence

__all__ = ["Summarizer", "SummarySentence"]
