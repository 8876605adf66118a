"""The BERT optimizers: AdamW (or LAMB) without weight decay on LayerNorm and bias, with
warmup + decay."""

import keras

from keras_bert_lib.training.lamb import NO_DECAY, Lamb
from keras_bert_lib.training.replica_clipping import ClipAfterAllReduce
from keras_bert_lib.training.schedules import WarmupPolynomialDecay

OPTIMIZERS = ("adamw", "lamb")


@keras.saving.register_keras_serializable(package="keras_bert_lib")
class AdamW(ClipAfterAllReduce, keras.optimizers.AdamW):
    """`keras.optimizers.AdamW` whose `global_clipnorm` clips the gradients summed over the
    replicas of a distribution strategy (`training/replica_clipping.py`).

    Args:
        **kwargs: the arguments of `keras.optimizers.AdamW`.

    Example:

    >>> optimizer = AdamW(learning_rate=1e-3, weight_decay=0.01, global_clipnorm=1.0)
    """


def create_optimizer(
    learning_rate=5e-5,
    total_steps=1000,
    warmup_ratio=0.1,
    weight_decay=0.01,
    global_clipnorm=1.0,
    power=1.0,
    epsilon=1e-8,
    name="adamw",
    decay_exclusions=NO_DECAY,
):
    """AdamW (or LAMB) with the BERT decay exclusions and a warmup-then-decay schedule.

    The defaults are Hugging Face `Trainer`'s (AdamW, epsilon 1e-8, gradients clipped to
    global norm 1.0, weight decay 0.01) with 10% linear warmup and linear decay to 0.

    Args:
        learning_rate: float. Peak learning rate.
        total_steps: int. Number of optimizer updates of the whole run.
        warmup_ratio: float. Fraction of `total_steps` spent warming up.
        weight_decay: float. Decoupled weight decay for all variables but the excluded.
        global_clipnorm: float or None. Clip gradients to this global norm.
        power: float. 1 for linear decay; other values for polynomial decay.
        epsilon: float. Adam epsilon (LAMB: 1e-6 is the reference's).
        name: `"adamw"` or `"lamb"` (`training.lamb.Lamb`, for large-batch pretraining).
        decay_exclusions: substrings of variable paths without weight decay (default
            LayerNorm and bias, as in BERT; `()` decays every weight, as `torch.optim.AdamW`
            on `model.parameters()` does).
    """
    if name not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {OPTIMIZERS}, got {name!r}.")
    schedule = WarmupPolynomialDecay(
        learning_rate, total_steps, int(round(warmup_ratio * total_steps)), power=power
    )
    if name == "lamb":
        return Lamb(
            learning_rate=schedule,
            weight_decay_rate=weight_decay,
            excluded=decay_exclusions,
            epsilon=epsilon,
            global_clipnorm=global_clipnorm,
        )
    optimizer = AdamW(
        learning_rate=schedule,
        weight_decay=weight_decay,
        epsilon=epsilon,
        global_clipnorm=global_clipnorm,
    )
    if decay_exclusions:
        optimizer.exclude_from_weight_decay(var_names=list(decay_exclusions))
    return optimizer
