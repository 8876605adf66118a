"""Optimizers, learning-rate schedules and helpers shared by fine-tuning and pretraining."""

from keras_bert_lib.training.optimizers import create_optimizer
from keras_bert_lib.training.schedules import WarmupPolynomialDecay

__all__ = ["WarmupPolynomialDecay", "create_optimizer"]
