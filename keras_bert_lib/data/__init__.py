"""Readers that turn real dataset files into Python records and `tf.data` pipelines."""
