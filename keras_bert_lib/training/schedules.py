"""Learning-rate schedules: linear warmup, then linear or polynomial decay."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="keras_bert_lib")
class WarmupPolynomialDecay(keras.optimizers.schedules.LearningRateSchedule):
    """Linear warmup from 0 to `peak_learning_rate`, then polynomial decay to the end value.

    With `power=1` this is the linear schedule of BERT and Hugging Face
    (`get_linear_schedule_with_warmup`): the update at step `s` uses `peak * s / warmup`
    during warmup and `peak * (total - s) / (total - warmup)` after it.

    Args:
        peak_learning_rate: float. Learning rate at the end of warmup.
        total_steps: int. Step at which the decay reaches `end_learning_rate`.
        warmup_steps: int. Length of the warmup.
        end_learning_rate: float. Final value (kept after `total_steps`).
        power: float. 1 for linear decay.

    Example:

    >>> schedule = WarmupPolynomialDecay(1e-4, total_steps=100, warmup_steps=10)
    >>> [round(float(schedule(s)), 7) for s in (0, 5, 10, 55, 100)]
    [0.0, 5e-05, 0.0001, 5e-05, 0.0]
    """

    def __init__(
        self, peak_learning_rate, total_steps, warmup_steps, end_learning_rate=0.0, power=1.0
    ):
        if total_steps <= 0 or not 0 <= warmup_steps <= total_steps:
            raise ValueError(
                f"Need total_steps > 0 and 0 <= warmup_steps <= total_steps, got "
                f"total_steps={total_steps}, warmup_steps={warmup_steps}."
            )
        self.peak_learning_rate = peak_learning_rate
        self.total_steps = total_steps
        self.warmup_steps = warmup_steps
        self.end_learning_rate = end_learning_rate
        self.power = power

    def __call__(self, step):
        step = ops.cast(step, "float32")
        warmup = ops.cast(self.warmup_steps, "float32")
        decay_steps = ops.cast(max(self.total_steps - self.warmup_steps, 1), "float32")
        warming = self.peak_learning_rate * step / ops.maximum(warmup, 1.0)
        progress = ops.clip((step - warmup) / decay_steps, 0.0, 1.0)
        decayed = (self.peak_learning_rate - self.end_learning_rate) * (
            1.0 - progress
        ) ** self.power + self.end_learning_rate
        return ops.where(step < warmup, warming, decayed)

    def get_config(self):
        return {
            "peak_learning_rate": self.peak_learning_rate,
            "total_steps": self.total_steps,
            "warmup_steps": self.warmup_steps,
            "end_learning_rate": self.end_learning_rate,
            "power": self.power,
        }
