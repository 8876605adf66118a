"""LAMB (You et al., 2019) as the BERT reference code applies it.

Why not `keras.optimizers.Lamb` as it is: it applies weight decay outside the layer-wise trust
ratio (decoupled, from the base optimizer) and adapts every variable, while the reference adds
the decay to the Adam update before the trust ratio and gives LayerNorm and bias variables
neither decay nor adaptation (trust ratio 1).
"""

from __future__ import annotations

import keras
from keras import ops

from keras_bert_lib.training.replica_clipping import ClipAfterAllReduce

# Substrings of the variable paths that get no weight decay (and, in LAMB, no trust ratio):
# LayerNorm and bias, as BERT and Hugging Face exclude them. AdamW uses the same list.
NO_DECAY = ("bias", "gamma", "beta", "layer_norm", "LayerNorm")


@keras.saving.register_keras_serializable(package="keras_bert_lib")
class Lamb(ClipAfterAllReduce, keras.optimizers.Lamb):
    """LAMB with the reference's weight decay and exclusions (and `global_clipnorm` on the
    gradients summed over replicas, `training/replica_clipping.py`).

    Args:
        learning_rate: float or a schedule.
        weight_decay_rate: float. Added to the update (times the weight) before the trust
            ratio, for variables not excluded.
        excluded: substrings of variable paths that get neither weight decay nor the trust
            ratio (default: LayerNorm and bias, as `create_optimizer` excludes for AdamW).
        beta_1: float. First-moment decay.
        beta_2: float. Second-moment decay.
        epsilon: float. Added to the root of the second moment (the reference uses 1e-6).
        **kwargs: standard `keras.optimizers.Optimizer` arguments (`global_clipnorm`).

    Example:

    >>> optimizer = Lamb(learning_rate=1e-3, weight_decay_rate=0.01)
    """

    def __init__(
        self,
        learning_rate=0.001,
        weight_decay_rate=0.01,
        excluded=NO_DECAY,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-6,
        **kwargs,
    ):
        super().__init__(
            learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon, **kwargs
        )
        self.weight_decay_rate = weight_decay_rate
        self.excluded = tuple(excluded)

    def build(self, var_list):
        super().build(var_list)
        # By index: `update_step` may get the backend's variable, which has no Keras path.
        self._adapted = [not any(name in v.path for name in self.excluded) for v in var_list]

    def update_step(self, gradient, variable, learning_rate):
        lr = ops.cast(learning_rate, variable.dtype)
        gradient = ops.cast(gradient, variable.dtype)
        step = ops.cast(self.iterations + 1, variable.dtype)
        m = self._momentums[self._get_variable_index(variable)]
        v = self._velocities[self._get_variable_index(variable)]
        self.assign_add(m, ops.multiply(ops.subtract(gradient, m), 1 - self.beta_1))
        self.assign_add(v, ops.multiply(ops.subtract(ops.square(gradient), v), 1 - self.beta_2))
        m_hat = ops.divide(m, 1.0 - ops.power(ops.cast(self.beta_1, variable.dtype), step))
        v_hat = ops.divide(v, 1.0 - ops.power(ops.cast(self.beta_2, variable.dtype), step))
        update = ops.divide(m_hat, ops.add(ops.sqrt(v_hat), self.epsilon))
        if not self._adapted[self._get_variable_index(variable)]:
            self.assign_sub(variable, lr * update)
            return
        update = ops.add(update, self.weight_decay_rate * variable)
        w_norm = ops.sqrt(ops.sum(ops.square(variable)))
        u_norm = ops.sqrt(ops.sum(ops.square(update)))
        ratio = ops.where((w_norm > 0) & (u_norm > 0), w_norm / u_norm, 1.0)
        self.assign_sub(variable, ratio * lr * update)

    def get_config(self):
        config = super().get_config()
        config.update(weight_decay_rate=self.weight_decay_rate, excluded=list(self.excluded))
        return config
