"""Knowledge distillation: smaller students trained from a fine-tuned teacher on raw text."""

from keras_bert_lib.distillation.students import (
    encoder_layers,
    every_other_layer,
    preset_student,
    student_from_teacher,
    student_with_encoder,
)
from keras_bert_lib.distillation.task_distiller import UNLABELLED, TaskDistiller

__all__ = [
    "UNLABELLED",
    "TaskDistiller",
    "encoder_layers",
    "every_other_layer",
    "preset_student",
    "student_from_teacher",
    "student_with_encoder",
]
